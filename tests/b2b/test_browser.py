"""End to end in chromium: set up a session, fill profiles, see the suggestion, request, accept."""

import re

import pytest
from sqlalchemy import select

from app.auth.services import create_user
from app.b2b.mails import send_digests
from app.b2b.models import B2BSession, MeetingRequest, RequestStatus
from app.b2b.queries import participant_portal_url
from app.extensions import db
from app.seed.vocabulary import seed_vocabulary
from tests.factories import make_b2b_event, make_person, make_profile_item, make_registration
from tests.mails import text_body


def _arrange(lang: str) -> int:
    seed_vocabulary()
    create_user("orga@cluster.example", "correct-horse", name="Orga", is_admin=True)
    event = make_b2b_event()
    ann = make_person("ann@meubles.example", organisation="Meubles Ann", language=lang,
                      first_name="Ann", last_name="Maes")
    make_profile_item(ann, "need", "Bois de réemploi pour mobilier", "reclaimed-wood")
    bob = make_person("bob@bois.example", organisation="Bois Bob", language="nl",
                      first_name="Bob", last_name="Peeters")
    make_profile_item(bob, "offer", "Eikenhoutresten", "reclaimed-wood", "wood-offcuts")
    make_registration(event, ann)
    make_registration(event, bob)
    return event.id


def _portal_urls() -> dict[str, str]:
    session = db.session.scalar(select(B2BSession))
    return {p.person.first_name: participant_portal_url(p) for p in session.participants}


def _request_status() -> tuple[int, RequestStatus]:
    request = db.session.scalar(select(MeetingRequest))
    return request.priority, request.status


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_session_set_up_profiles_suggestion_request_accept(live_server, smtp_server, new_page,
                                                           lang):
    live_server.call(_arrange, lang)
    url = live_server.url

    # The organiser logs in, creates the session, plans slots and tables, imports registrations.
    orga = new_page(locale=lang)
    orga.goto(f"{url}/auth/login")
    orga.fill("#email", "orga@cluster.example")
    orga.fill("#password", "correct-horse")
    orga.click("[type=submit]")
    orga.goto(f"{url}/admin/b2b/")
    orga.click("[data-testid=new-session]")
    orga.fill("#title_en", "Matchmaking")
    orga.select_option("#status", "open")
    orga.click("#submit")
    orga.fill("#plan-first_day", "2027-05-20")
    orga.fill("#plan-start", "10:00")
    orga.fill("#plan-end", "13:00")
    orga.select_option("#plan-slot_minutes", "20")
    orga.fill("#plan-break_start", "11:20")
    orga.fill("#plan-break_end", "12:00")
    orga.click("#plan-submit")
    assert orga.locator("[data-testid=slot-row]").count() == 7
    orga.goto(orga.url.replace("/slots", "/tables"))
    orga.fill("#count", "3")
    orga.click("#submit")
    assert orga.locator("[data-testid=table-row]").count() == 3
    orga.goto(orga.url.replace("/tables", "/participants"))
    orga.click("[data-testid=import-registrations]")
    assert orga.locator("[data-testid=participant-row]").count() == 2

    # Both participants open their personal links and complete their profiles.
    links = live_server.call(_portal_urls)
    ann, bob = new_page(locale=lang), new_page(locale="nl")
    for page, name in ((ann, "Ann"), (bob, "Bob")):
        page.goto(links[name])
        assert page.get_attribute("html", "lang") == ("nl" if name == "Bob" else lang)
        page.click("[data-testid=nav-profile]")
        page.check("input[name=sectors][value=wood]")
        page.check("input[name=languages][value=en]")
        page.click("[data-testid=save-profile]")

    # Ann sees Bob suggested because her need matches his offer through the shared tag.
    ann.click("[data-testid=nav-suggestions]")
    card = ann.locator("[data-testid=suggestion]").first
    assert card.get_attribute("data-code") == "P002"
    reason = card.locator("[data-reason=need_offer]")
    assert reason.get_attribute("data-tag") == "reclaimed-wood"
    assert "Eikenhoutresten" in reason.inner_text()
    assert card.locator("[data-reason=same_sector]").count() == 1

    # Ann asks for a must-meet; Bob accepts.
    card.locator("a.fw-bold").click()
    ann.select_option("#priority", "3")
    ann.click("[data-testid=request]")
    assert ann.locator("[data-testid=sent][data-code=P002]").count() == 1
    bob.click("[data-testid=nav-portal]")
    bob.click("[data-testid=received][data-code=P001] [data-testid=accept]")
    assert bob.locator("[data-testid=received][data-code=P001] [data-testid=accept]").count() == 0
    assert live_server.call(_request_status) == (3, RequestStatus.ACCEPTED)

    # The daily digests reach both over SMTP, each in their own language.
    assert live_server.call(send_digests) == 2
    live_server.worker_once()
    mails = {m.rcpt_tos[0]: m for m in smtp_server.wait_for(2)}
    assert set(mails) == {"ann@meubles.example", "bob@bois.example"}
    assert "Bob Peeters (Bois Bob)" in text_body(mails["ann@meubles.example"].message)
    assert "Ann Maes (Meubles Ann)" in text_body(mails["bob@bois.example"].message)
    for address, language in (("ann@meubles.example", lang), ("bob@bois.example", "nl")):
        html = mails[address].message.get_body(("html",)).get_content()
        assert f'<html lang="{language}">' in html
        assert re.search(r"/b2b/\d+/me/\S+", text_body(mails[address].message))
