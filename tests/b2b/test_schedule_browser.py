"""End to end in chromium: run the scheduler, watch it, edit and lock, publish, move, republish."""

import re
import threading

import pytest

from app.auth.services import create_user
from app.b2b.models import B2BSession, Meeting, ScheduleRun
from app.extensions import db
from tests.factories import make_schedule_session, participants_of


def _arrange() -> int:
    create_user("orga@cluster.example", "correct-horse", name="Orga", is_admin=True)
    return make_schedule_session().id


def _latest_run(session_id: int) -> int:
    return db.session.scalars(db.select(ScheduleRun.id).where(
        ScheduleRun.session_id == session_id).order_by(ScheduleRun.id.desc())).first()


def _free_spot(run_id: int, session_id: int, who: tuple[int, int]):
    """Return (meeting id, slot id, table id, emails) moving the pair `who` to a free place."""
    session = db.session.get(B2BSession, session_id)
    p = participants_of(session)
    a, b = p[who[0]], p[who[1]]
    meetings = db.session.scalars(db.select(Meeting).where(Meeting.run_id == run_id)).all()
    mine = next(m for m in meetings if {m.a_id, m.b_id} == {a.id, b.id})
    for slot in sorted(session.slots, key=lambda s: s.starts_at):
        if slot.id == mine.slot_id:
            continue
        here = [m for m in meetings if m.slot_id == slot.id]
        if any({a.id, b.id} & {m.a_id, m.b_id} for m in here):
            continue
        table = next(t for t in session.tables if all(m.table_id != t.id for m in here))
        return mine.id, slot.id, table.id, sorted([a.person.email, b.person.email])
    raise AssertionError("no free place")


def _method_and_events(mail) -> tuple[str, list[tuple[str, str]]]:
    (text,) = [part.get_content() for part in mail.message.walk()
               if part.get_content_type() == "text/calendar"]
    text = re.sub(r"\r?\n[ \t]", "", text)
    method = re.search(r"^METHOD:(\w+)", text, re.M).group(1)
    return method, re.findall(r"^UID:(\S+)\r?\n(?:.*\r?\n)*?SEQUENCE:(\d+)", text, re.M)


def _move(page, meeting_id: int, slot_id: int, table_id: int) -> None:
    page.click(f"[data-testid=meeting-{meeting_id}]")
    page.wait_for_selector("[data-testid=edit-panel]")
    page.select_option("[data-testid=move-form] select[name=slot_id]", str(slot_id))
    page.select_option("[data-testid=move-form] select[name=table_id]", str(table_id))
    page.click("[data-testid=move-form] button[type=submit]")
    page.wait_for_selector(".alert-success")


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_organiser_runs_edits_publishes_and_republishes(live_server, smtp_server, new_page,
                                                       lang):
    session_id = live_server.call(_arrange)
    page = new_page(locale=lang)
    page.goto(live_server.url + "/auth/login")
    page.fill("input[name=email]", "orga@cluster.example")
    page.fill("input[name=password]", "correct-horse")
    page.click("input[type=submit], button[type=submit]")

    # Start a run and watch its progress while the worker solves it.
    page.goto(f"{live_server.url}/b2b/sessions/{session_id}/runs")
    assert page.get_attribute("html", "lang") == lang
    page.fill("#time_limit", "2")
    page.click("[data-testid=start-run] button[type=submit]")
    page.wait_for_selector("[data-testid=progress-bar]", state="attached")
    assert page.get_attribute("[data-testid=run-status]", "data-status") in ("queued", "running")
    worker = threading.Thread(target=live_server.worker_once)
    worker.start()
    page.wait_for_selector("[data-testid=review]", timeout=30_000)
    worker.join(timeout=30)
    assert page.get_attribute("[data-testid=run-status]", "data-status") == "done"
    assert page.get_attribute("[data-testid=progress-bar]", "data-percent") == "100.0"
    run_id = live_server.call(_latest_run, session_id)

    # Edit a meeting (move it), then lock it.
    page.click("[data-testid=review]")
    meeting_id, slot_id, table_id, _ = live_server.call(_free_spot, run_id, session_id, (2, 3))
    _move(page, meeting_id, slot_id, table_id)
    page.click("[data-testid=lock]")
    page.wait_for_selector("[data-testid=edit-panel] .badge")
    assert live_server.call(lambda: db.session.get(Meeting, meeting_id).locked) is True

    # Publish: one agenda mail per participant and one invitation per meeting and person.
    page.click("[data-testid=publish-link]")
    page.click("[data-testid=publish]")
    page.wait_for_selector(".alert-success")
    live_server.worker_once()
    first = smtp_server.wait_for(10)
    assert len(first) == 10
    sent = {}
    invitations = [mail for mail in first if any(
        part.get_content_type() == "text/calendar" for part in mail.message.walk())]
    assert len(invitations) == 6
    for mail in invitations:
        method, events = _method_and_events(mail)
        assert method == "REQUEST" and [seq for _, seq in events] == ["0"]
        sent.update(dict(events))

    # Move another meeting and republish: only its two people get an update.
    smtp_server.clear()
    meeting_id, slot_id, table_id, emails = live_server.call(_free_spot, run_id, session_id,
                                                             (0, 1))
    _move(page, meeting_id, slot_id, table_id)
    page.click("[data-testid=publish-link]")
    page.click("[data-testid=publish]")
    page.wait_for_selector(".alert-success")
    live_server.worker_once()
    again = smtp_server.wait_for(2)
    live_server.worker_once()
    assert len(smtp_server.messages) == 2
    assert sorted(m.rcpt_tos[0] for m in again) == emails
    for mail in again:
        method, events = _method_and_events(mail)
        assert method == "REQUEST" and len(events) == 1
        uid, sequence = events[0]
        assert uid in sent and sequence == "1"
