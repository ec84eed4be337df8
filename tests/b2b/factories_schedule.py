"""Factories for scheduling tests: a small session with requests, runs with given meetings."""

from __future__ import annotations

from email import message_from_bytes, policy

from sqlalchemy import select

from app.b2b import services
from app.b2b.models import (
    B2BSession,
    B2BTable,
    Meeting,
    MeetingRequest,
    Participant,
    RequestStatus,
    RunStatus,
    ScheduleRun,
    Slot,
)
from app.db import utc_now
from app.extensions import db
from app.mail.models import OutboxMessage
from tests.b2b.factories import make_participant, make_session

NAMES = ["Ann", "Bert", "Chloe", "Dirk", "Emma", "Farid", "Greta", "Hugo"]
LANGS = ["en", "fr", "nl", "en", "fr", "nl", "en", "fr"]


def make_schedule_session(*, people: int = 4, slots: int = 4, tables: int = 2,
                          requests=((0, 1, 3), (2, 3, 2), (0, 2, 1))) -> B2BSession:
    """Add a session with `people` participants (P001...) and accepted requests between them."""
    session = make_session(slots=slots, tables=tables)
    participants = []
    for i in range(people):
        participants.append(make_participant(
            session, f"{NAMES[i].lower()}@example.org", organisation=f"Org {NAMES[i]}",
            first_name=NAMES[i], language=LANGS[i], languages=("en", "fr", "nl"),
            offers=[(f"Offer of {NAMES[i]}",)], needs=[(f"Need of {NAMES[i]}",)]))
    for a, b, priority in requests:
        db.session.add(MeetingRequest(session_id=session.id, requester=participants[a],
                                      recipient=participants[b], priority=priority,
                                      status=RequestStatus.ACCEPTED))
    db.session.flush()
    return session


def participants_of(session: B2BSession) -> list[Participant]:
    return list(db.session.scalars(select(Participant).where(
        Participant.session_id == session.id).order_by(Participant.code)))


def slots_of(session: B2BSession) -> list[Slot]:
    return list(db.session.scalars(select(Slot).where(Slot.session_id == session.id)
                                   .order_by(Slot.starts_at)))


def tables_of(session: B2BSession) -> list[B2BTable]:
    return list(db.session.scalars(select(B2BTable).where(B2BTable.session_id == session.id)
                                   .order_by(B2BTable.position, B2BTable.code)))


def make_run(session: B2BSession, meetings=((0, 1, 0, 0), (2, 3, 0, 1), (0, 2, 1, 0)),
             *, locked=()) -> ScheduleRun:
    """Add a finished run with meetings given as (a, b, slot, table) positions."""
    people, slots, tables = participants_of(session), slots_of(session), tables_of(session)
    run = ScheduleRun(session_id=session.id, status=RunStatus.DONE, time_limit=5,
                      stats={"meetings": len(meetings), "value": 0}, unscheduled=[],
                      finished_at=utc_now())
    db.session.add(run)
    db.session.flush()
    for i, (a, b, s, t) in enumerate(meetings):
        first, second = sorted((people[a], people[b]), key=lambda p: p.id)
        db.session.add(Meeting(run_id=run.id, a_id=first.id, b_id=second.id,
                               slot_id=slots[s].id, table_id=tables[t].id, locked=i in locked))
    db.session.flush()
    return run


def meeting_of(run: ScheduleRun, a: Participant, b: Participant) -> Meeting:
    first, second = sorted((a.id, b.id))
    return db.session.scalar(select(Meeting).where(Meeting.run_id == run.id,
                                                   Meeting.a_id == first,
                                                   Meeting.b_id == second))


def outbox() -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def parsed(item: OutboxMessage):
    return message_from_bytes(item.raw, policy=policy.default)


def calendar_of(message) -> str:
    """Return the text/calendar part of a message as text."""
    for part in message.walk():
        if part.get_content_type() == "text/calendar":
            return part.get_content()
    return ""


def add_stand(participant: Participant, table: B2BTable) -> None:
    services.assign_stand(participant, table)
