"""The printable PDFs as paper shows them: rendered to PNG by pdftoppm, read by pdftotext."""

import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from app.b2b import pdf, pdf_render, publication
from app.extensions import db
from tests.external import require_service
from tests.factories import make_run, make_schedule_session, participants_of, tables_of

#: Kept after the run so a person can look at the pages.
PICTURES = Path("/tmp/b2b-printout-pngs")
A4_WIDTH_MM = 210
MARGIN_MM = 14


@pytest.fixture(autouse=True)
def _poppler():
    require_service(shutil.which("pdftoppm") is not None and shutil.which("pdftotext") is not None,
                    "poppler-utils (pdftoppm, pdftotext) not installed")


def pdf_pages(data: bytes) -> list[str]:
    """Return the text of each page of a PDF, as pdftotext reads it."""
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True,
                         check=True).stdout.decode()
    return out.split("\f")[:-1]


def to_pngs(data: bytes, name: str, pages: int = 1) -> list[Image.Image]:
    """Render the first pages of a PDF to PNG files (kept to look at) and open them."""
    PICTURES.mkdir(exist_ok=True)
    prefix = PICTURES / name
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", str(pages), "-", str(prefix)],
                   input=data, check=True)
    return [Image.open(path).convert("L") for path in sorted(PICTURES.glob(f"{name}-*.png"))]


def ink_box(image: Image.Image) -> tuple[int, int, int, int]:
    """Return the box (left, top, right, bottom) of everything darker than light grey."""
    return image.point(lambda value: 255 if value < 200 else 0).getbbox()


def assert_inside_margins(image: Image.Image) -> None:
    """Check the ink stays inside the page's margins (nothing runs off the right edge)."""
    margin = image.width * (MARGIN_MM - 2) / A4_WIDTH_MM
    left, _top, right, _bottom = ink_box(image)
    assert left >= margin and right <= image.width - margin, (left, right, image.width)


def _published(**changes):
    session = make_schedule_session()
    session.event.venue, session.event.address = "Tour & Taxis", "Avenue du Port 86C, Brussels"
    people = participants_of(session)
    for person, last in zip(people, ["Zeeman", "Adams", "Moreau", "Dubois"], strict=True):
        person.person.last_name = last
    for code, label in changes.items():
        next(p for p in people if p.code == code).organisation_label = label
    run = make_run(session)
    db.session.commit()
    publication.publish_run(run)
    db.session.commit()
    return session, run


@pytest.mark.parametrize(("index", "language", "words"), [
    (1, "fr", ["Bourse B2B", "20 mai 2032", "Tour & Taxis", "Agenda B2B", "Avec Ann Zeeman"]),
    (2, "nl", ["B2B-beurs", "20 mei 2032", "Tour & Taxis", "B2B-agenda", "Met Ann Zeeman"]),
])
def test_an_agenda_pdf_prints_in_its_participants_language(db, index, language, words):
    session, run = _published()
    participant = participants_of(session)[index]

    data = pdf.participant_agenda_pdf(run, participant)

    [text] = pdf_pages(data)
    for word in words:
        assert word in text, (language, word)
    assert "23/03" not in text and "/2032" not in text
    [picture] = to_pngs(data, f"agenda-{language}")
    assert picture.height > picture.width  # A4 portrait
    assert_inside_margins(picture)


def test_all_agendas_pdf_has_a_participant_a_page_sorted_by_name(app, db):
    session, run = _published()
    # A page a chunk: the pages come from four forked processes and are joined back in order.
    app.config.update(PDF_CHUNK_PAGES=1, PDF_PROCESSES=2)

    data = pdf.all_agendas_pdf(run)

    pages = pdf_pages(data)
    assert len(pages) == 4
    headings = [next(line for line in page.splitlines() if "agenda" in line.casefold())
                for page in pages]
    assert headings == ["Agenda B2B · Bert Adams", "B2B agenda · Dirk Dubois",
                        "B2B-agenda · Chloe Moreau", "B2B agenda · Ann Zeeman"]
    assert "20 mai 2032" in pages[0] and "20 mei 2032" in pages[2]
    assert all("Tour & Taxis" in page for page in pages)
    for picture in to_pngs(data, "all-agendas", pages=4):
        assert_inside_margins(picture)


def test_joined_pdf_matches_one_rendered_in_one_go(app, db):
    _session, run = _published()
    pages = pdf._all_agenda_pages(run)

    whole = pdf_render.pages_to_pdf(pages, "All", processes=1)
    joined = pdf_render.pages_to_pdf(pages, "All", processes=2, chunk_pages=1)

    assert pdf_pages(joined) == pdf_pages(whole)


def test_long_words_wrap_inside_the_page(db):
    long_name = "Brusselsinternationalmaritimelogisticsandwarehousingcooperative" * 2
    session, run = _published(P002=long_name)  # Bert: Ann meets him, so her page names him

    ann = participants_of(session)[0]
    for name, data in [("long-agenda", pdf.participant_agenda_pdf(run, ann)),
                       ("long-table", pdf.table_sheet_pdf(run, tables_of(session)[0]))]:
        [picture] = to_pngs(data, name)
        assert_inside_margins(picture)


def test_all_table_sheets_pdf_has_a_table_a_page(db):
    session, run = _published()

    data = pdf.all_table_sheets_pdf(run)

    pages = pdf_pages(data)
    assert len(pages) == len(tables_of(session)) == 2
    assert "Table 1" in pages[0] and "Ann Zeeman" in pages[0]
    assert "Table 2" in pages[1] and "Chloe Moreau" in pages[1] and "Ann Zeeman" not in pages[1]
    for picture in to_pngs(data, "tables", pages=2):
        assert_inside_margins(picture)
