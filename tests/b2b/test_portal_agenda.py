"""The portal's "My meetings" shows the published agenda, its PDF and the calendar feed."""

import re
from pathlib import Path

import pytest

from app.b2b import publication
from app.b2b.queries import make_participant_token
from app.extensions import db
from tests.factories import (
    make_registration,
    make_run,
    make_schedule_session,
    participants_of,
    tables_of,
)

EN = {"Accept-Language": "en"}
SCREENSHOTS = Path("/tmp/b2ba-screenshots")


def _portal(participant) -> str:
    return f"/b2b/{participant.session_id}/me/{make_participant_token(participant)}/"


def _arrange(*, publish: bool = True):
    session = make_schedule_session()
    tables_of(session)[0].location = "Hall A, left wing"
    ann = participants_of(session)[0]
    ann.registration = make_registration(session.event, ann.person)
    run = make_run(session)
    db.session.commit()
    if publish:
        publication.publish_run(run)
        db.session.commit()
    return session, ann


def test_portal_shows_the_published_agenda_with_pdf_and_feed(client, db):
    _session, ann = _arrange()

    html = client.get(_portal(ann), headers=EN).get_data(as_text=True)

    agenda = html[html.index('data-testid="portal-agenda"'):]
    assert agenda.count('data-testid="agenda-meeting"') == 2
    for text in ("Bert Test", "Org Bert", "Offer of Bert", "Need of Bert", "Chloe Test",
                 "Table 1", "Hall A, left wing", "14:00", "14:20"):
        assert text in agenda, text
    assert re.search(r"/b2b/agenda/[^\"/]+/agenda.pdf", agenda)
    assert 'data-testid="agenda-feed"' in agenda and "/calendar/" in agenda


def test_agenda_page_links_the_pdf(client, db):
    _session, ann = _arrange()

    html = client.get(f"/b2b/agenda/{make_participant_token(ann)}", headers=EN).get_data(
        as_text=True)

    assert re.search(r'href="/b2b/agenda/[^"/]+/agenda.pdf"', html)


def test_portal_before_publication_shows_no_agenda(client, db):
    _session, ann = _arrange(publish=False)

    html = client.get(_portal(ann), headers=EN).get_data(as_text=True)

    assert 'data-testid="portal-agenda"' not in html


def test_participant_downloads_their_own_agenda_pdf(client, db):
    _session, ann = _arrange()

    response = client.get(f"/b2b/agenda/{make_participant_token(ann)}/agenda.pdf")

    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")


def test_agenda_pdf_before_publication_is_404_and_a_bad_token_403(client, db):
    _session, ann = _arrange(publish=False)

    assert client.get(f"/b2b/agenda/{make_participant_token(ann)}/agenda.pdf").status_code == 404
    assert client.get("/b2b/agenda/forged/agenda.pdf").status_code == 403


@pytest.mark.browser
def test_portal_agenda_fits_a_phone(live_server, new_page):
    ann_portal = live_server.call(lambda: _portal(_arrange()[1]))
    page = new_page(locale="nl", viewport={"width": 390, "height": 844})

    page.goto(live_server.url + ann_portal)

    page.wait_for_selector("[data-testid=portal-agenda]")
    assert page.locator("[data-testid=agenda-meeting]").count() == 2
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    card = page.locator("[data-testid=agenda-meeting]").first.bounding_box()
    assert card["width"] <= 390 and card["x"] >= 0
    assert page.locator("[data-testid=agenda-pdf]").is_visible()
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "portal-agenda-390.png"), full_page=True)
