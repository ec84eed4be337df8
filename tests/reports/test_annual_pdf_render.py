"""The annual report PDF as a reader sees it: pages rendered by poppler, its text, its colours."""

import re
import shutil
import subprocess

import pytest

from app.reports import charts
from tests.external import require_service
from tests.reports.builders import build_2025


def _blue(colour: tuple[int, int, int]) -> bool:
    """Tell whether a pixel is of the second series' blue (#1565c0, drawn a bit transparent)."""
    red, green, blue = colour
    return blue - red > 80 and blue - green > 40


def _ppm_pixels(path) -> set[tuple[int, int, int]]:
    """Return the distinct colours of a binary PPM image (what pdftoppm writes by default)."""
    data = path.read_bytes()
    fields, position = [], 0
    while len(fields) < 4:  # magic, width, height, max value, separated by one whitespace
        end = position
        while data[end] not in b" \n\t\r":
            end += 1
        fields.append(data[position:end])
        position = end + 1
    assert fields[0] == b"P6"
    pixels = data[position:]
    return {tuple(pixels[i:i + 3]) for i in range(0, len(pixels), 3)}


@pytest.fixture
def annual_pdf(logged_in, db):
    require_service(shutil.which("pdftoppm") is not None and shutil.which("pdftotext") is not None,
                    "poppler-utils (pdftoppm, pdftotext) not installed")
    build_2025()
    db.session.commit()
    response = logged_in.get("/admin/reports/annual/2025.pdf?lang=fr")
    assert response.status_code == 200
    return response.data


def test_the_pdf_text_reads_in_french_with_its_sections_and_figures(annual_pdf):
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=annual_pdf,
                          capture_output=True, check=True).stdout.decode("utf-8")
    for words in ("Rapport annuel 2025", "Gouvernance", "Suivi des membres",
                  "Taux de participation", "Rendez-vous B2B par résultat", "50 %"):
        assert words in text, words
    # Each chart's title is its heading only: written once, not again inside the chart.
    assert text.count("Présences par activité") == 1


def test_the_rendered_pages_show_every_series_in_its_colour(annual_pdf, tmp_path):
    (tmp_path / "report.pdf").write_bytes(annual_pdf)
    subprocess.run(["pdftoppm", "-r", "40", str(tmp_path / "report.pdf"), str(tmp_path / "page")],
                   check=True)
    pages = sorted(tmp_path.glob("page-*.ppm"))
    assert len(pages) >= 3
    colours = set().union(*(_ppm_pixels(page) for page in pages))
    # The second series (checked in, actual activities) was once drawn grey: no rule styled it.
    assert any(_blue(colour) for colour in colours)


def test_every_series_colour_has_its_style():
    css = charts.chart_css()
    for number, colour in enumerate(charts.STYLE.colors):
        assert f".color-{number}" in css and colour in css


def test_a_chart_with_many_labels_writes_only_some():
    labels = [f"Event number {n}" for n in range(40)]
    svg = str(charts.draw("Attendance", labels, {"Registered": list(range(40))}))
    written = re.findall(r"<text[^>]*>Event number \d+<", svg)
    assert 0 < len(written) <= charts.X_LABELS_SHOWN
