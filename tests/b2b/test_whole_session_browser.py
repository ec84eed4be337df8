"""A whole B2B session in chromium: organiser in French, participants in French and Dutch."""

import re
import subprocess
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.auth.services import create_user
from app.b2b.models import B2BSession, MeetingRequest, RequestStatus, ScheduleRun
from app.b2b.queries import make_participant_token
from app.extensions import db
from tests.factories import (
    make_participant,
    make_registration,
    make_schedule_session,
    participants_of,
)

#: Pairs (positions among the 8 participants) that asked to meet, with priorities.
REQUESTS = ((0, 1, 3), (2, 3, 2), (0, 2, 1), (4, 5, 3), (6, 7, 2), (1, 4, 2), (3, 6, 1),
            (5, 7, 2))
#: 14:05 in Brussels on the session day: the first slot has started, the second is next.
DURING_FIRST_SLOT = datetime(2032, 5, 20, 12, 5, tzinfo=UTC)
OUT = Path("/tmp/whole-session")


def _arrange() -> int:
    create_user("orga@cluster.example", "correct-horse", name="Orga", is_admin=True)
    session = make_schedule_session(people=8, slots=6, tables=2, requests=REQUESTS)
    for i, participant in enumerate(participants_of(session)):
        participant.person.language = ("fr", "nl")[i % 2]
        participant.registration = make_registration(session.event, participant.person)
    return session.id


def _late_registration(session_id: int) -> tuple[str, str]:
    """Register Ines late, with an accepted request to Ann; return both addresses."""
    session = db.session.get(B2BSession, session_id)
    ann = participants_of(session)[0]
    ines = make_participant(session, "ines@late.example", first_name="Ines", language="nl",
                            languages=("en", "fr", "nl"))
    ines.registration = make_registration(session.event, ines.person)
    db.session.add(MeetingRequest(session_id=session.id, requester=ines, recipient=ann,
                                  priority=3, status=RequestStatus.ACCEPTED))
    return ines.person.email, ann.person.email


def _places(run_id: int) -> dict[frozenset, tuple[int, int]]:
    run = db.session.get(ScheduleRun, run_id)
    return {frozenset((m.a.person.email, m.b.person.email)): (m.slot_id, m.table_id)
            for m in run.meetings}


def _published(session_id: int) -> int:
    db.session.expire_all()
    return db.session.get(B2BSession, session_id).published_run_id


def _portal(session_id: int, position: int) -> tuple[str, int]:
    """Return a participant's portal path and how many published meetings they have."""
    session = db.session.get(B2BSession, session_id)
    participant = participants_of(session)[position]
    run = db.session.get(ScheduleRun, session.published_run_id or 0)
    count = sum(participant.id in (m.a_id, m.b_id) for m in run.meetings) if run else 0
    return f"/b2b/{session_id}/me/{make_participant_token(participant)}/", count


def _registration_ids(session_id: int) -> dict[str, int]:
    session = db.session.get(B2BSession, session_id)
    return {p.person.email: p.registration.id for p in participants_of(session)}


def _solve(page, live_server) -> int:
    """Start a run on the runs page (mode as chosen), let the worker solve it, review it."""
    page.fill("#time_limit", "2")
    page.click("[data-testid=start-run] button[type=submit]")
    page.wait_for_selector("[data-testid=progress-bar]", state="attached")
    worker = threading.Thread(target=live_server.worker_once)
    worker.start()
    page.wait_for_selector("[data-testid=review]", timeout=30_000)
    worker.join(timeout=30)
    assert page.get_attribute("[data-testid=run-status]", "data-status") == "done"
    return int(re.search(r"/runs/(\d+)", page.url).group(1))


def _publish(page, live_server, smtp_server, run_id: int) -> set[str]:
    """Publish the run from its page and return who got mail."""
    smtp_server.clear()
    page.goto(f"{live_server.url}/b2b/runs/{run_id}/publish")
    page.click("[data-testid=publish]")
    page.wait_for_selector(".alert-success")
    live_server.worker_once()
    live_server.worker_once()
    return {m.rcpt_tos[0] for m in smtp_server.messages}


def _people_of(places) -> set[str]:
    return {email for pair in places for email in pair}


@pytest.mark.browser
@pytest.mark.slow
def test_whole_session_from_set_up_to_event_day(live_server, smtp_server, new_page):
    from playwright.sync_api import expect  # optional: the new_page fixture skips without it

    session_id = live_server.call(_arrange)
    url = live_server.url
    OUT.mkdir(exist_ok=True)
    orga = new_page(locale="fr")
    orga.goto(f"{url}/auth/login")
    orga.fill("#email", "orga@cluster.example")
    orga.fill("#password", "correct-horse")
    orga.click("[type=submit]")

    # Set-up: the organiser adds a third table, in the Horta room.
    orga.goto(f"{url}/admin/b2b/{session_id}/tables")
    assert orga.get_attribute("html", "lang") == "fr"
    orga.fill("#count", "1")
    orga.fill("#location", "Salle Horta")
    orga.click("#submit")
    expect(orga.locator("[data-testid=table-row]")).to_have_count(3)

    # Requests: Chloe (French) asks to meet Farid (Dutch), who accepts in the portal.
    chloe_path, _ = live_server.call(_portal, session_id, 2)
    farid_path, _ = live_server.call(_portal, session_id, 5)
    chloe = new_page(locale="fr")
    chloe.goto(f"{url}{chloe_path}participants/P006")
    chloe.select_option("#priority", "3")
    chloe.click("[data-testid=request]")
    expect(chloe.locator("[data-testid=sent][data-code=P006]")).to_have_count(1)
    farid = new_page(locale="nl")
    farid.goto(url + farid_path)
    assert farid.get_attribute("html", "lang") == "nl"
    farid.click("[data-testid=received][data-code=P003] [data-testid=accept]")
    expect(farid.locator("[data-testid=received][data-code=P003] [data-testid=accept]")
           ).to_have_count(0)

    # Run and publish: everyone with a meeting gets their agenda, in French or Dutch.
    orga.goto(f"{url}/b2b/sessions/{session_id}/runs")
    assert orga.get_attribute("html", "lang") == "fr"
    first = _solve(orga, live_server)
    first_places = live_server.call(_places, first)
    mailed = _publish(orga, live_server, smtp_server, first)
    assert frozenset(("chloe@example.org", "farid@example.org")) in first_places
    assert mailed == _people_of(first_places)
    assert live_server.call(_published, session_id) == first

    # A late registration and a re-run keeping the published meetings: only the new
    # meeting's two people get mail.
    ines, ann = live_server.call(_late_registration, session_id)
    orga.goto(f"{url}/b2b/sessions/{session_id}/runs")
    second = _solve(orga, live_server)
    second_places = live_server.call(_places, second)
    assert {pair: second_places.get(pair) for pair in first_places} == first_places
    assert frozenset((ines, ann)) in second_places
    mailed = _publish(orga, live_server, smtp_server, second)
    assert mailed == {ines, ann}

    # Ann (French) and Bert (Dutch) see their agenda in the portal on a phone.
    for position, lang in ((0, "fr"), (1, "nl")):
        path, count = live_server.call(_portal, session_id, position)
        phone = new_page(locale=lang, viewport={"width": 390, "height": 844})
        phone.goto(url + path)
        assert phone.get_attribute("html", "lang") == lang
        assert phone.locator("[data-testid=agenda-meeting]").count() == count
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        phone.screenshot(path=str(OUT / f"portal-{lang}.png"), full_page=True)

    # Print all agendas: a participant per page, each in their own language.
    orga.goto(f"{url}/b2b/sessions/{session_id}/printouts")
    response = orga.request.get(url + orga.get_attribute("[data-testid=print-agendas]", "href"))
    assert response.ok and response.body().startswith(b"%PDF")
    pdf = OUT / "agendas.pdf"
    pdf.write_bytes(response.body())
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "2", str(pdf),
                    str(OUT / "agendas")], check=True, timeout=60)
    pages = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                           check=True, timeout=60).stdout.split("\f")
    pages = [p for p in pages if p.strip()]
    assert len(pages) == 9
    names = [re.search(r"Agenda B2B · (.+)|B2B-agenda · (.+)", p).group(0) for p in pages]
    assert names[:2] == ["Agenda B2B · Ann Test", "B2B-agenda · Bert Test"]
    assert "20 mai 2032" in pages[0] and "Avec Bert Test" in pages[0]
    assert "20 mei 2032" in pages[1] and "Met " in pages[1]
    assert [n.split(" · ")[1] for n in names] == sorted(n.split(" · ")[1] for n in names)

    # The event day: everyone but Hugo checks in at the event; Hugo is marked absent.
    live_server.app.config["B2B_CLOCK"] = lambda: DURING_FIRST_SLOT
    event_id = live_server.call(lambda: db.session.get(B2BSession, session_id).event_id)
    registrations = live_server.call(_registration_ids, session_id)
    hugo = "hugo@example.org"
    orga.goto(live_server.url_for("events.admin_check_in_page", event_id=event_id))
    for email, registration_id in registrations.items():
        if email != hugo:
            orga.click(f"[data-testid=checkin-{registration_id}] button[type=submit]")
            orga.wait_for_selector(f"[data-testid=checkin-{registration_id}] [data-testid=undo]")
    orga.goto(f"{url}/b2b/sessions/{session_id}/event-day")
    assert orga.locator("[data-testid=participant-row][data-presence=arrived]").count() == 8
    row = orga.locator("[data-testid=participant-row]", has_text="Hugo")
    row.locator("button", has_text="Marquer absent").click()
    expect(orga.locator("[data-testid=participant-row][data-presence=absent]")).to_have_count(1)
    assert "Hugo" in orga.inner_text("[data-testid=participant-row][data-presence=absent]")

    # A re-plan of the rest of the day: only Hugo's meetings go, and only their people hear.
    orga.click("[data-testid=replan]")
    worker = threading.Thread(target=live_server.worker_once)
    worker.start()
    orga.wait_for_selector("[data-testid=review]", timeout=30_000)
    worker.join(timeout=30)
    replan = int(re.search(r"/runs/(\d+)", orga.url).group(1))
    replan_places = live_server.call(_places, replan)
    assert not any(hugo in pair for pair in replan_places)
    hugo_pairs = {pair for pair in second_places if hugo in pair}
    mailed = _publish(orga, live_server, smtp_server, replan)
    changed = {pair for pair in second_places.keys() | replan_places.keys()
               if second_places.get(pair) != replan_places.get(pair)}
    assert hugo_pairs <= changed
    assert mailed == _people_of(changed)
