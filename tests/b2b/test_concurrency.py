"""Two organisers at once: grid edits never double-book a table, a schedule is sent once."""

import threading
import time

import pytest
from sqlalchemy import func, select

from app.b2b import editing, publication, runs
from app.b2b.models import B2BSession, B2BTable, Meeting, PublishedMeeting, ScheduleRun, Slot
from app.extensions import db
from app.mail.models import OutboxMessage
from tests.factories import (
    make_run,
    make_schedule_session,
    meeting_of,
    participants_of,
    slots_of,
    tables_of,
)

#: Seconds each organiser's transaction stays open after its change: without the session
#: lock the other one checks the schedule as it was in the meantime.
HOLD = 0.5


def _in_threads(app, works) -> list[BaseException]:
    """Run each work in its own thread, started together, committing after HOLD seconds."""
    barrier = threading.Barrier(len(works))
    errors: list[BaseException] = []

    def run(work) -> None:
        with app.app_context():
            try:
                barrier.wait()
                work()
                time.sleep(HOLD)
                db.session.commit()
            except BaseException as error:  # collected and asserted below
                db.session.rollback()
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(work,)) for work in works]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def _race_for_one_table(app) -> dict:
    with app.app_context():
        session = make_schedule_session()
        run = make_run(session)
        p, s, t = participants_of(session), slots_of(session), tables_of(session)
        ids = {"run": run.id, "first": meeting_of(run, p[0], p[1]).id,
               "second": meeting_of(run, p[2], p[3]).id, "slot": s[3].id, "table": t[0].id}
        db.session.commit()

    def move(key: str):
        def work() -> None:
            meeting = db.session.get(Meeting, ids[key])
            slot = db.session.get(Slot, ids["slot"])
            table = db.session.get(B2BTable, ids["table"])
            editing.move_meeting(meeting, slot, table)
            runs.refresh_run_stats(db.session.get(ScheduleRun, ids["run"]))

        return work

    errors = _in_threads(app, [move("first"), move("second")])
    with app.app_context():
        hosted = db.session.scalar(select(func.count(Meeting.id)).where(
            Meeting.run_id == ids["run"], Meeting.slot_id == ids["slot"],
            Meeting.table_id == ids["table"]))
        meetings = db.session.get(ScheduleRun, ids["run"]).stats["meetings"]
    return {"refusals": [getattr(e, "code", repr(e)) for e in errors], "hosted": hosted,
            "meetings": meetings}


def _race_to_publish(app) -> dict:
    with app.app_context():
        session = make_schedule_session()
        run_id = make_run(session).id
        db.session.commit()

    def publish() -> None:
        publication.publish_run(db.session.get(ScheduleRun, run_id))

    errors = _in_threads(app, [publish, publish])
    with app.app_context():
        mails = db.session.scalar(select(func.count(OutboxMessage.id)))
        published = db.session.scalar(select(func.count(PublishedMeeting.id)))
        session = db.session.scalar(select(B2BSession))
        return {"errors": errors, "mails": mails, "published": published,
                "published_run": session.published_run_id == run_id}


def test_concurrent_moves_to_one_table_leave_one_meeting_there_sqlite(sqlite_app):
    result = _race_for_one_table(sqlite_app)

    assert result == {"refusals": ["table_busy"], "hosted": 1, "meetings": 3}


def test_concurrent_publications_send_the_schedule_once_sqlite(sqlite_app):
    result = _race_to_publish(sqlite_app)

    assert result == {"errors": [], "mails": 10, "published": 3, "published_run": True}


@pytest.mark.postgres
def test_concurrent_moves_to_one_table_leave_one_meeting_there_postgres(postgres_app):
    result = _race_for_one_table(postgres_app)

    assert result == {"refusals": ["table_busy"], "hosted": 1, "meetings": 3}


@pytest.mark.postgres
def test_concurrent_publications_send_the_schedule_once_postgres(postgres_app):
    result = _race_to_publish(postgres_app)

    assert result == {"errors": [], "mails": 10, "published": 3, "published_run": True}
