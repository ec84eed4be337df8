"""Event day: the event's check-in is the B2B presence, a searchable list, a quick re-plan."""

import time
from collections import Counter
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.b2b import event_day, publication, runs
from app.b2b.models import B2BSession, RunStatus, ScheduleRun
from app.b2b.problem import build_problem_dict
from app.events import admin_services
from app.extensions import db
from app.jobs.worker import run_next_job
from app.mail.models import OutboxMessage
from tests.factories import make_registration, make_schedule_session, participants_of

#: 14:05 in Brussels on the session day: slot S01 (14:00) has started, S02 (14:20) is next.
DURING_FIRST_SLOT = datetime(2032, 5, 20, 12, 5, tzinfo=UTC)


def _registered(_db):
    session = make_schedule_session()
    people = participants_of(session)
    for participant in people:
        participant.registration = make_registration(session.event, participant.person)
    db.session.commit()
    return session, people


def _unavailable(session, participant) -> list[str]:
    row = next(r for r in build_problem_dict(session)["participants"]
               if r["id"] == participant.code)
    return row["unavailable"]


def test_checking_in_at_the_event_makes_a_b2b_absentee_present(db):
    session, p = _registered(db)
    event_day.set_absent(p[1], True)
    assert p[1].registration.no_show  # one mark, the event's: its no-show list shows it too
    assert len(_unavailable(session, p[1])) == 4

    admin_services.check_in(p[1].registration)  # at the event's welcome desk

    assert not p[1].is_absent and event_day.presence(p[1]) == "arrived"
    assert _unavailable(session, p[1]) == []


def test_a_no_show_marked_at_the_event_is_absent_for_the_b2b(db):
    session, p = _registered(db)
    p[2].registration.no_show = True  # the event's "mark the no-shows" did it
    db.session.flush()

    assert event_day.presence(p[2]) == "absent"
    assert len(_unavailable(session, p[2])) == 4


def test_leaving_early_frees_the_later_slots(db):
    session, p = _registered(db)
    event_day.set_left(p[0], True, now=datetime(2032, 5, 20, 12, 30, tzinfo=UTC))  # 14:30

    assert _unavailable(session, p[0]) == ["S03", "S04"]
    assert event_day.presence(p[0]) == "left"


def test_event_day_page_searches_and_filters(app, db, logged_in):
    session, p = _registered(db)
    admin_services.check_in(p[0].registration)
    event_day.set_left(p[3], True, now=DURING_FIRST_SLOT)
    db.session.commit()
    url = f"/b2b/sessions/{session.id}/event-day"

    def names(**args) -> list[str]:
        text = logged_in.get(url, query_string=args).get_data(as_text=True)
        return [x.person.full_name for x in p if f"<td>{x.person.full_name}," in text]

    assert names() == [x.person.full_name for x in p]
    assert names(state="arrived") == [p[0].person.full_name]
    assert names(state="not_arrived") == [p[1].person.full_name, p[2].person.full_name]
    assert names(state="left") == [p[3].person.full_name]
    assert names(q=p[2].person.first_name.upper()) == [p[2].person.full_name]
    assert names(q=p[2].organisation_label, state="arrived") == []
    assert logged_in.get(url, query_string={"state": "bogus"}).status_code == 200

    # A mark keeps the organiser's search and filter.
    response = logged_in.post(f"{url}/{p[1].id}/absent",
                              data={"absent": "1", "q": "x", "state": "not_arrived"})
    assert response.headers["Location"].endswith("?q=x&state=not_arrived")


@pytest.fixture
def demo(runner, db):  # noqa: ARG001 (the db fixture gives the tables)
    result = runner.invoke(args=["seed", "demo"])
    assert result.exit_code == 0, result.output
    return db.session.scalar(select(B2BSession))


def _outbox_per_person() -> Counter:
    return Counter(row.recipient for row in db.session.scalars(select(OutboxMessage)))


def test_demo_replan_for_one_absentee_is_quick_and_mails_only_those_concerned(app, demo):
    run = runs.start_run(demo, time_limit=5, min_meetings=0)
    db.session.commit()
    run_next_job(app)
    db.session.expire_all()
    base = db.session.get(ScheduleRun, run.id)
    assert base.status == RunStatus.DONE, base.error
    publication.publish_run(base)
    db.session.commit()
    before = _outbox_per_person()
    slot_of = {slot.id: i for i, slot in enumerate(demo.slots)}
    first = demo.slots[0]
    clock = first.starts_at.replace(minute=first.starts_at.minute + 5)
    # Someone with meetings later in the day does not come.
    later = [m for m in base.meetings if slot_of[m.slot_id] >= 1]
    absentee = later[0].a
    event_day.set_absent(absentee, True)
    replan = event_day.start_replan(demo, now=clock)
    db.session.commit()

    started = time.monotonic()
    run_next_job(app)
    seconds = time.monotonic() - started

    db.session.expire_all()
    replan = db.session.get(ScheduleRun, replan.id)
    assert replan.status == RunStatus.DONE, replan.error
    assert seconds < 5, seconds
    old = {frozenset((m.a_id, m.b_id)): (m.slot_id, m.table_id) for m in base.meetings}
    new = {frozenset((m.a_id, m.b_id)): (m.slot_id, m.table_id) for m in replan.meetings}
    # Every meeting of the others stays where it was (new ones may fill the gaps).
    moved = [pair for pair, place in old.items()
             if absentee.id not in pair and new.get(pair) != place]
    assert moved == []

    publication.publish_run(replan)
    db.session.commit()
    after = _outbox_per_person() - before
    changed = {pair for pair in old.keys() | new.keys() if old.get(pair) != new.get(pair)}
    emails = {p.id: p.person.email for p in demo.participants}
    expected = Counter(emails[pid] for pair in changed for pid in pair)
    # One mail per changed meeting, to its two people, and to nobody else.
    assert after == expected
    assert absentee.person.email in after
