"""The year's infographic: key numbers on one page, SVG and PDF, in each language, no script."""

import re
import shutil
import subprocess

import pytest

from tests.external import require_service
from tests.reports.builders import build_2025

URL = "/admin/reports/annual/2025/infographic"


@pytest.mark.parametrize(("lang", "title", "rate"), [
    ("fr", "Le cluster en 2025", "50\u00a0%"), ("nl", "De cluster in 2025", "50%"),
    ("en", "The cluster in 2025", "50%")])
def test_the_svg_shows_the_years_key_numbers_in_the_language(logged_in, db, lang, title, rate):
    build_2025()
    db.session.commit()
    response = logged_in.get(f"{URL}.svg?lang={lang}")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    svg = response.get_data(as_text=True)
    assert svg.startswith("<svg") and title in svg and rate in svg
    assert svg.count('rx="14"') == 9  # nine tiles
    assert "<script" not in svg and re.search(r"\son\w+=", svg) is None


def test_the_pdf_is_one_page_with_the_numbers(logged_in, db):
    require_service(shutil.which("pdftotext") is not None, "pdftotext not installed")
    build_2025()
    db.session.commit()
    response = logged_in.get(f"{URL}.pdf?lang=fr")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-", "-"], input=response.data, capture_output=True,
                          check=True).stdout.decode("utf-8")
    assert "Le cluster en 2025" in text and "Rendez-vous B2B" in text
    assert text.count("\f") == 1  # one page


def test_the_annual_report_links_the_infographic(logged_in, db):
    page = logged_in.get("/admin/reports/annual/2025?lang=en").get_data(as_text=True)
    assert f'href="{URL}.svg?lang=en"' in page and f'href="{URL}.pdf?lang=en"' in page
    assert logged_in.get("/admin/reports/annual/99999/infographic.svg").status_code == 404
