"""Printable agendas and table sheets: one or all, each agenda in its participant's language."""

import weasyprint

from app.b2b import pdf, publication
from app.extensions import db
from tests.factories import make_run, make_schedule_session, participants_of, tables_of

EN = {"Accept-Language": "en"}


def page_texts(html: str) -> list[str]:
    """Return the text laid out on each page of the PDF WeasyPrint makes of this HTML."""
    document = weasyprint.HTML(string=html).render()
    return [" ".join(box.text for box in page._page_box.descendants() if hasattr(box, "text"))
            for page in document.pages]


def _published():
    session = make_schedule_session()
    session.event.venue, session.event.address = "Tour & Taxis", "Avenue du Port 86C, Brussels"
    run = make_run(session)
    db.session.commit()
    publication.publish_run(run)
    db.session.commit()
    return session, run


def test_agenda_is_in_its_participants_language_with_event_date_and_venue(db):
    session, run = _published()
    ann, bert, chloe = participants_of(session)[:3]  # en, fr, nl

    english = " ".join(page_texts(pdf.participant_agenda_html(run, ann)))
    french = " ".join(page_texts(pdf.participant_agenda_html(run, bert)))
    dutch = " ".join(page_texts(pdf.participant_agenda_html(run, chloe)))

    assert "Brokerage" in english and "20 May 2032" in english
    assert "Bourse B2B" in french and "20 mai 2032" in french and "Avec Ann Test" in french
    assert "B2B-beurs" in dutch and "20 mei 2032" in dutch
    for text in (english, french, dutch):
        assert "Tour & Taxis" in text and "23/03" not in text


def test_all_agendas_put_a_participant_per_page_sorted_by_name(db):
    session, run = _published()
    people = participants_of(session)
    for person, last in zip(people, ["Zeeman", "Adams", "Moreau", "Dubois"], strict=True):
        person.person.last_name = last
    db.session.commit()

    pages = page_texts(pdf.all_agendas_html(run))

    assert len(pages) == 4
    firsts = ["Bert Adams", "Dirk Dubois", "Chloe Moreau", "Ann Zeeman"]
    # Each page opens with its participant's name; the people they meet come after.
    assert [min((n for n in firsts if n in page), key=page.index) for page in pages] == firsts
    assert "20 mai 2032" in pages[0] and "20 mei 2032" in pages[2]


def test_all_table_sheets_put_a_table_per_page(db):
    session, run = _published()

    pages = page_texts(pdf.all_table_sheets_html(run))

    assert len(pages) == len(tables_of(session)) == 2
    assert "Table 1" in pages[0] and "Ann Test" in pages[0]
    assert "Table 2" in pages[1] and "Chloe Test" in pages[1] and "Ann Test" not in pages[1]


def test_organiser_prints_all_agendas_and_table_sheets(logged_in, db):
    session, _run = _published()

    page = logged_in.get(f"/b2b/sessions/{session.id}/printouts", headers=EN)
    agendas = logged_in.get(f"/b2b/sessions/{session.id}/agendas.pdf")
    tables = logged_in.get(f"/b2b/sessions/{session.id}/tables.pdf")

    html = page.get_data(as_text=True)
    assert f"/b2b/sessions/{session.id}/agendas.pdf" in html
    assert f"/b2b/sessions/{session.id}/tables/{tables_of(session)[0].id}.pdf" in html
    assert agendas.mimetype == tables.mimetype == "application/pdf"
    assert agendas.data.startswith(b"%PDF") and tables.data.startswith(b"%PDF")


def test_printouts_of_an_unpublished_session_are_404(logged_in, db):
    session = make_schedule_session()
    db.session.commit()

    assert logged_in.get(f"/b2b/sessions/{session.id}/agendas.pdf").status_code == 404
    assert logged_in.get(f"/b2b/sessions/{session.id}/tables.pdf").status_code == 404


def test_tables_page_links_the_table_sheets_once_published(logged_in, db):
    session = make_schedule_session()
    db.session.commit()
    url = f"/admin/b2b/{session.id}/tables"
    sheet = f"/b2b/sessions/{session.id}/tables/{tables_of(session)[0].id}.pdf"

    before = logged_in.get(url, headers=EN).get_data(as_text=True)
    run = make_run(session)
    db.session.commit()
    publication.publish_run(run)
    db.session.commit()
    after = logged_in.get(url, headers=EN).get_data(as_text=True)

    assert sheet not in before and f"/b2b/sessions/{session.id}/tables.pdf" not in before
    assert sheet in after and f"/b2b/sessions/{session.id}/tables.pdf" in after
    assert logged_in.get(sheet).mimetype == "application/pdf"
