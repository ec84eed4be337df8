"""Organisers' changes to events: editing, programme, questions, duplication, attendance.

Registrations themselves (register, approve, move, cancel) live in app.events.services.
Every function flushes; the caller commits.
"""

from collections.abc import Iterable
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.db import utc_now
from app.events import changes, mails, places
from app.events.models import (
    DayAttendance,
    Event,
    EventStatus,
    ItemAttendance,
    ProgrammeItem,
    Question,
    Registration,
    RegistrationStatus,
)
from app.extensions import db
from app.members.models import Organisation, Sector
from app.timezone import local_day, shift_days

EVENT_FIELDS = (
    "kind", "title_fr", "title_nl", "title_en", "description_fr", "description_nl",
    "description_en", "starts_at", "ends_at", "venue", "address", "audience", "capacity",
    "registration_opens_at", "registration_closes_at", "requires_approval",
    "confirm_by_link", "offer_hours",
)
QUESTION_FIELDS = ("kind", "label_fr", "label_nl", "label_en", "choices", "required",
                   "min_value", "max_value", "condition_values")
PROGRAMME_FIELDS = ("starts_at", "ends_at", "title_fr", "title_nl", "title_en", "location",
                    "check_in")


class AdminError(ValueError):
    """An organiser's action that the event's state does not allow; str() is translated."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


def _sectors(ids: Iterable[int]) -> list[Sector]:
    ids = list(ids or [])
    if not ids:
        return []
    return list(db.session.scalars(select(Sector).where(Sector.id.in_(ids))))


def save_event(event: Event | None, data: dict) -> Event:
    """Create (as a draft) or update an event from plain values (times aware UTC)."""
    if event is None:
        event = Event(status=EventStatus.DRAFT)
        db.session.add(event)
    old_capacity = event.capacity
    for field in EVENT_FIELDS:
        if field in data:
            setattr(event, field, data[field])
    if "host_organisation_id" in data:
        host_id = data["host_organisation_id"]
        event.host_organisation = db.session.get(Organisation, host_id) if host_id else None
    if "sector_ids" in data:
        event.sectors = _sectors(data["sector_ids"])
    db.session.flush()
    if old_capacity is not None and (event.capacity is None or event.capacity > old_capacity):
        # More room: the waiting list moves up at once, as after a cancellation.
        places.promote_waitlisted(event)
    if event.status == EventStatus.PUBLISHED:
        # A new time or place must reach the calendars that hold the invite.
        changes.send_event_updates(event)
    return event


def publish_event(event: Event) -> Event:
    """Make a draft event visible and open to registrations."""
    if event.status == EventStatus.CANCELLED:
        raise AdminError(_l("A cancelled event cannot be published."))
    event.status = EventStatus.PUBLISHED
    db.session.flush()
    changes.record_event_revision(event)
    return event


def duplicate_event(event: Event, starts_on: date) -> Event:
    """Copy an event as a draft on another day, with its questions and shifted programme."""
    days = (starts_on - local_day(event.starts_at)).days
    copy = Event(status=EventStatus.DRAFT, host_organisation=event.host_organisation,
                 sectors=list(event.sectors))
    for field in EVENT_FIELDS:
        setattr(copy, field, getattr(event, field))
    for field in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
        setattr(copy, field, shift_days(getattr(event, field), days))
    copies = {q.id: Question(position=q.position, **{f: getattr(q, f) for f in QUESTION_FIELDS})
              for q in event.questions}
    for q in event.questions:
        copies[q.id].condition_question = copies.get(q.condition_question_id)
    copy.questions = list(copies.values())
    copy.programme = [
        ProgrammeItem(**{f: getattr(item, f) for f in PROGRAMME_FIELDS})
        for item in event.programme
    ]
    for item in copy.programme:
        item.starts_at = shift_days(item.starts_at, days)
        item.ends_at = shift_days(item.ends_at, days)
    db.session.add(copy)
    db.session.flush()
    return copy


def save_question(event: Event, question: Question | None, data: dict) -> Question:
    """Add a question at the end of the event's list, or update one."""
    if question is None:
        last = max((q.position for q in event.questions), default=0)
        question = Question(position=last + 1)
        event.questions.append(question)
    for field in QUESTION_FIELDS:
        if field in data:
            setattr(question, field, data[field])
    if "condition_question_id" in data:
        question.condition_question = next(
            (q for q in event.questions if q.id == data["condition_question_id"]), None)
    _check_conditions(event)
    db.session.flush()
    return question


def _check_conditions(event: Event) -> None:
    """Keep each condition to answers its question still offers, one level deep.

    A condition left with no answer (its question lost those options, or became conditional
    itself) is dropped: the question is then always asked.
    """
    for question in event.questions:
        trigger = question.condition_question
        values = [] if trigger is None or trigger.condition_question is not None else [
            v for v in question.condition_value_list if v in trigger.option_values]
        if not values:
            question.condition_question = None
        question.condition_values = "\n".join(values)


def delete_question(question: Question) -> None:
    """Remove a question; answers already given stay in the registrations."""
    event = question.event
    for other in event.questions:
        if other.condition_question is question:
            other.condition_question = None  # asked always from now on
    _check_conditions(event)
    event.questions.remove(question)
    _renumber(event.questions)
    db.session.flush()


def move_question(question: Question, direction: str) -> None:
    """Move a question one place up or down."""
    questions = sorted(question.event.questions, key=lambda q: (q.position, q.id))
    index = questions.index(question)
    target = index - 1 if direction == "up" else index + 1
    if 0 <= target < len(questions):
        questions[index], questions[target] = questions[target], questions[index]
    _renumber(questions)
    db.session.flush()


def _renumber(questions: list[Question]) -> None:
    for position, question in enumerate(questions, start=1):
        question.position = position


def save_programme_item(event: Event, item: ProgrammeItem | None, data: dict) -> ProgrammeItem:
    """Add an item to the event's programme, or update one."""
    if item is None:
        item = ProgrammeItem()
        event.programme.append(item)
    for field in PROGRAMME_FIELDS:
        if field in data:
            setattr(item, field, data[field])
    db.session.flush()
    return item


def delete_programme_item(item: ProgrammeItem) -> None:
    """Remove an item from the programme."""
    item.event.programme.remove(item)
    db.session.flush()


def check_in(registration: Registration, day: date | None = None) -> None:
    """Record that a confirmed participant arrived (on ``day`` of a multi-day event)."""
    if registration.status != RegistrationStatus.CONFIRMED:
        raise AdminError(_l("Only confirmed participants can be checked in."))
    now = utc_now()
    if day is not None and day not in {d.day for d in registration.days}:
        registration.days.append(DayAttendance(day=day, checked_in_at=now))
    # attended_at stays the first arrival: the figures over the whole event read it.
    registration.attended_at = registration.attended_at or now
    registration.no_show = False
    db.session.flush()


def check_in_at_item(registration: Registration, item: ProgrammeItem) -> None:
    """Record that a confirmed participant came to one programme item (a visit)."""
    if registration.status != RegistrationStatus.CONFIRMED:
        raise AdminError(_l("Only confirmed participants can be checked in."))
    now = utc_now()
    if item.id not in {a.item_id for a in registration.items}:
        registration.items.append(ItemAttendance(item=item, checked_in_at=now))
    registration.attended_at = registration.attended_at or now
    registration.no_show = False
    db.session.flush()


def undo_item_check_in(registration: Registration, item: ProgrammeItem) -> None:
    """Forget a check-in at one programme item made by mistake."""
    removed = [a for a in registration.items if a.item_id == item.id]
    for attendance in removed:
        registration.items.remove(attendance)
    left = [d.checked_in_at for d in registration.days] + [
        a.checked_in_at for a in registration.items]
    if left:
        registration.attended_at = min(left)
    elif registration.attended_at in {a.checked_in_at for a in removed}:
        registration.attended_at = None  # this item was all the person came to
    db.session.flush()


def undo_check_in(registration: Registration, day: date | None = None) -> None:
    """Forget a check-in made by mistake (on ``day`` only, for a multi-day event)."""
    if day is None:
        registration.days.clear()
    else:
        for attendance in [d for d in registration.days if d.day == day]:
            registration.days.remove(attendance)
    left = [d.checked_in_at for d in registration.days]
    registration.attended_at = min(left) if left else None
    db.session.flush()


def _require_started(event: Event) -> None:
    if utc_now() < event.starts_at:
        raise AdminError(_l("No-shows can only be marked once the event has started."))


def set_no_show(registration: Registration, value: bool) -> None:
    """Mark or unmark one confirmed participant as absent without notice."""
    _require_started(registration.event)
    if value and registration.status != RegistrationStatus.CONFIRMED:
        raise AdminError(_l("Only confirmed participants can be marked as no-shows."))
    registration.no_show = value
    if value:
        registration.attended_at = None
        registration.days.clear()
    db.session.flush()


def mark_no_shows(event: Event) -> int:
    """Mark every confirmed participant who was not checked in as a no-show; return how many."""
    _require_started(event)
    count = 0
    for registration in event.registrations:
        if (registration.status == RegistrationStatus.CONFIRMED
                and registration.attended_at is None and not registration.no_show):
            registration.no_show = True
            count += 1
    db.session.flush()
    return count


def message_confirmed(event: Event, subject: str, body: str) -> int:
    """Queue the organiser's message to every confirmed participant; return how many."""
    count = 0
    for registration in event.registrations:
        if registration.status == RegistrationStatus.CONFIRMED:
            mails.queue_event_message(registration, subject, body)
            count += 1
    db.session.flush()
    return count
