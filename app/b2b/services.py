"""B2B set-up, participants and profiles: every change of state here but meeting requests.

Services flush, never commit. Every change that can alter suggestions (a profile, a request,
a participant joining) raises the session's ``profiles_version`` so cached suggestions go stale.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from app.b2b import queries
from app.b2b.models import (
    B2BSession,
    B2BTable,
    Participant,
    ParticipantItem,
    SessionStatus,
    Slot,
)
from app.db import utc_now
from app.events.models import Event, Registration, RegistrationStatus
from app.extensions import db
from app.members.models import LANGUAGES, Person, ProfileItemKind, Tag
from app.privacy.consent import record_consent
from app.timezone import LocalTimeError, combine

SLOT_LENGTHS = (15, 20, 30)
PRIORITIES = (1, 2, 3)
#: Highest meeting cap of a participant and highest minimum of a session (forms and files).
MAX_MEETINGS_LIMIT, MAX_MIN_MEETINGS = 200, 50


class B2BError(ValueError):
    """A change refused for a reason the user can read; ``code`` is stable for tests."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class ItemData:
    """An offer or need as entered in a profile form."""

    kind: str
    title: str
    tag_codes: tuple[str, ...] = ()


def bump_profiles_version(session: B2BSession) -> None:
    """Mark cached suggestions of the session stale (an SQL increment: no lost update)."""
    session.profiles_version = B2BSession.profiles_version + 1
    db.session.flush()


# --- sessions, slots and tables ---------------------------------------------------------------


def create_session(event: Event, *, title: str = "", slot_minutes: int = 20,
                   requires_acceptance: bool = False, open_to_guests: bool = True) -> B2BSession:
    """Create a B2B session for an event."""
    if slot_minutes not in SLOT_LENGTHS:
        raise B2BError("slot_length", _("A slot lasts 15, 20 or 30 minutes."))
    # Registration pages and mails link each registration to its event's session: with two,
    # half the participants would land in the wrong one.
    if db.session.scalar(select(B2BSession.id).where(B2BSession.event_id == event.id)):
        raise B2BError("one_per_event", _("This event already has a B2B session: an event "
                                          "holds one session, edit that one instead."))
    session = B2BSession(event=event, title=title, slot_minutes=slot_minutes,
                         requires_acceptance=requires_acceptance, open_to_guests=open_to_guests)
    db.session.add(session)
    db.session.flush()
    return session


def update_session(session: B2BSession, **fields) -> None:
    """Change the session's settings (title, limits, deadlines, acceptance, guests)."""
    allowed = {"title", "title_fr", "title_nl", "title_en", "open_to_guests",
               "max_meetings_default", "min_meetings", "profile_deadline_at", "request_deadline_at",
               "requires_acceptance", "status", "outcome_survey_months"}
    for name, value in fields.items():
        if name not in allowed:
            raise TypeError(f"unknown session field {name!r}")
        setattr(session, name, value)
    db.session.flush()


def plan_slots(days: Sequence[date], start: time, end: time, minutes: int,
               breaks: Iterable[tuple[time, time]] = ()) -> list[tuple[datetime, datetime]]:
    """Return (start, end) UTC pairs of the slots from start to end each day, around breaks.

    Times are Brussels wall-clock times: computing on the local clock and converting each
    bound keeps every slot at its printed time on DST days too.
    """
    if minutes not in SLOT_LENGTHS:
        raise B2BError("slot_length", _("A slot lasts 15, 20 or 30 minutes."))
    if end <= start:
        raise B2BError("hours", _("The end must be after the start."))
    breaks = sorted(breaks)
    for b_start, b_end in breaks:
        if b_end <= b_start:
            raise B2BError("breaks", _("A break must end after it starts."))
    out: list[tuple[datetime, datetime]] = []
    step = timedelta(minutes=minutes)
    for day in sorted(set(days)):
        cursor = datetime.combine(day, start)
        limit = datetime.combine(day, end)
        while cursor + step <= limit:
            slot_end = cursor + step
            clash = next((b for b in breaks
                          if cursor.time() < b[1] and slot_end.time() > b[0]), None)
            if clash is not None:
                cursor = max(cursor, datetime.combine(day, clash[1]))
                continue
            try:
                out.append((combine(day, cursor.time()), combine(day, slot_end.time())))
            except LocalTimeError as error:
                raise B2BError("local_time", error.message) from None
            cursor = slot_end
    return out


def _slot_code(number: int) -> str:
    return f"S{number:02d}"


def generate_slots(session: B2BSession, days: Sequence[date], start: time, end: time,
                   minutes: int, breaks: Iterable[tuple[time, time]] = ()) -> list[Slot]:
    """Replace the session's slots with those of the plan, coded S01, S02... in time order."""
    planned = plan_slots(days, start, end, minutes, breaks)
    if not planned:
        raise B2BError("no_slots", _("These hours leave no slot."))
    for slot in list(session.slots):
        db.session.delete(slot)
    db.session.flush()
    session.slots = []
    session.slot_minutes = minutes
    slots = [Slot(session=session, code=_slot_code(n), starts_at=s, ends_at=e)
             for n, (s, e) in enumerate(planned, start=1)]
    db.session.add_all(slots)
    db.session.flush()
    bump_profiles_version(session)
    return slots


def add_slot(session: B2BSession, starts_at: datetime, ends_at: datetime) -> Slot:
    """Add one slot (UTC bounds) that overlaps no other; it gets the next free code."""
    if ends_at <= starts_at:
        raise B2BError("slot_order", _("A slot must end after it starts."))
    for slot in session.slots:
        if starts_at < slot.ends_at and ends_at > slot.starts_at:
            raise B2BError("slot_overlap",
                           _("This slot overlaps slot %(code)s.", code=slot.code))
    numbers = [int(s.code[1:]) for s in session.slots if s.code[1:].isdigit()]
    slot = Slot(session=session, code=_slot_code(max(numbers, default=0) + 1),
                starts_at=starts_at, ends_at=ends_at)
    db.session.add(slot)
    db.session.flush()
    bump_profiles_version(session)
    return slot


def delete_slot(slot: Slot) -> None:
    """Delete a slot (participants' unavailability for it goes with it)."""
    session = slot.session
    db.session.delete(slot)
    db.session.flush()
    db.session.expire(session, ["slots"])
    bump_profiles_version(session)


def add_table(session: B2BSession, name: str = "", location: str = "") -> B2BTable:
    """Add a table or room with the next free code T01, T02..."""
    numbers = [int(t.code[1:]) for t in session.tables if t.code[1:].isdigit()]
    number = max(numbers, default=0) + 1
    table = B2BTable(session=session, code=f"T{number:02d}",
                     name=name.strip() or _("Table %(number)s", number=number),
                     location=location.strip(), position=number)
    db.session.add(table)
    db.session.flush()
    return table


def add_tables(session: B2BSession, count: int, location: str = "") -> list[B2BTable]:
    """Add `count` numbered tables."""
    if not 1 <= count <= 500:
        raise B2BError("table_count", _("Add between 1 and 500 tables at once."))
    return [add_table(session, location=location) for _ in range(count)]


def update_table(table: B2BTable, *, name: str, location: str = "") -> None:
    """Rename a table or change its location."""
    if not name.strip():
        raise B2BError("table_name", _("A table needs a name."))
    table.name, table.location = name.strip(), location.strip()
    db.session.flush()


def delete_table(table: B2BTable) -> None:
    """Delete a table; participants whose stand it was get none."""
    session = table.session
    for participant in session.participants:
        if participant.table_id == table.id:
            participant.table = None
    db.session.delete(table)
    db.session.flush()
    db.session.expire(session, ["tables"])


def assign_stand(participant: Participant, table: B2BTable | None) -> None:
    """Make a table the participant's fixed stand, shared only within one organisation."""
    if table is not None:
        if table.session_id != participant.session_id:
            raise B2BError("stand_session", _("This table belongs to another session."))
        key = queries.organisation_key(participant)
        for other in queries.get_stand_holders(table):
            if other.id != participant.id and (not key or queries.organisation_key(other) != key):
                raise B2BError("stand_shared", _(
                    "Stand %(table)s is held by %(name)s of %(organisation)s: a stand hosts "
                    "people of one organisation only.", table=table.name,
                    name=other.person.full_name, organisation=other.organisation_label or "-"))
    participant.table = table
    db.session.flush()


# --- participants -----------------------------------------------------------------------------


def _next_code(session: B2BSession) -> str:
    codes = db.session.scalars(select(Participant.code).where(
        Participant.session_id == session.id))
    numbers = [int(c[1:]) for c in codes if c[1:].isdigit()]
    return f"P{max(numbers, default=0) + 1:03d}"


def add_participant(session: B2BSession, person: Person,
                    registration: Registration | None = None) -> Participant:
    """Add a person to the session, their profile pre-filled from their organisation."""
    existing = queries.get_participant_for(session, person)
    if existing is not None:
        return existing
    organisation = person.organisation
    participant = Participant(
        session_id=session.id, person=person, registration=registration,
        code=_next_code(session), organisation_label=person.organisation_label or "",
    )
    db.session.add(participant)
    participant.languages = [person.language] if person.language in LANGUAGES else []
    if organisation is not None:
        participant.sectors = [s.code for s in organisation.sectors]
        participant.items = [ParticipantItem(kind=item.kind, title=item.title[:200],
                                             tags=list(item.tags))
                             for item in organisation.profile_items]
    db.session.flush()
    db.session.expire(session, ["participants"])
    bump_profiles_version(session)
    return participant


def import_registrations(session: B2BSession) -> list[Participant]:
    """Add every confirmed registrant of the session's event not yet a participant."""
    registrations = db.session.scalars(
        select(Registration).where(Registration.event_id == session.event_id,
                                   Registration.status == RegistrationStatus.CONFIRMED)
        .order_by(Registration.confirmed_at, Registration.id)).all()
    known = {p.person_id for p in session.participants}
    added = []
    for registration in registrations:
        person = registration.person
        if person.id in known:
            continue
        if not session.open_to_guests and person.organisation_id is None:
            continue
        added.append(add_participant(session, person, registration))
        known.add(person.id)
    return added


def is_profile_closed(session: B2BSession, now: datetime | None = None) -> bool:
    """Tell whether participants may no longer change their profiles (organisers still may)."""
    deadline = session.profile_deadline_at
    return deadline is not None and (now or utc_now()) > deadline


def update_profile(participant: Participant, *, sectors: Iterable[str],
                   languages: Iterable[str], description: str = "",
                   items: Iterable[ItemData] = (),
                   unavailable: Iterable[Slot] | None = None,
                   share_email: bool | None = None) -> None:
    """Replace the participant's profile: sectors, languages, offers and needs, availability.

    ``share_email`` (None: unchanged) lets the people they meet see their address.
    """
    languages = [code for code in languages if code in LANGUAGES]
    participant.sectors = list(sectors)
    participant.languages = languages
    participant.description = description.strip()
    tags = {t.code: t for t in db.session.scalars(select(Tag))}
    new_items = []
    for item in items:
        title = item.title.strip()
        chosen = [tags[c] for c in dict.fromkeys(item.tag_codes) if c in tags]
        if not title and not chosen:
            continue
        if not title:
            title = ", ".join(t.label(participant.person.language) for t in chosen)
        new_items.append(ParticipantItem(kind=ProfileItemKind(item.kind), title=title[:200],
                                         tags=chosen))
    participant.items = new_items
    if unavailable is not None:
        set_unavailable(participant, unavailable, bump=False)
    if share_email is not None:
        participant.share_email = share_email
    participant.profile_completed_at = participant.profile_completed_at or utc_now()
    db.session.flush()
    bump_profiles_version(participant.session)


def set_unavailable(participant: Participant, slots: Iterable[Slot], *, bump: bool = True) -> None:
    """Set the slots the participant cannot attend."""
    slots = list(slots)
    if any(slot.session_id != participant.session_id for slot in slots):
        raise B2BError("slot_session", _("A slot of another session was given."))
    participant.unavailable = slots
    db.session.flush()
    if bump:
        bump_profiles_version(participant.session)


def update_participant_settings(participant: Participant, *, max_meetings: int | None,
                                table: B2BTable | None, absent: bool | None = None) -> None:
    """Change what organisers set for a participant: meeting limit, stand, absence."""
    if max_meetings is not None and max_meetings < 0:
        raise B2BError("max_meetings", _("The meeting limit cannot be negative."))
    participant.max_meetings = max_meetings
    if absent is not None:
        participant.absent = absent
    if table != participant.table:
        assign_stand(participant, table)
    db.session.flush()


def join_session(session: B2BSession, registration: Registration) -> Participant:
    """Make a confirmed registrant of the session's event a participant (their own choice)."""
    if registration.event_id != session.event_id:
        raise B2BError("other_event", _("This registration is for another event."))
    if registration.status != RegistrationStatus.CONFIRMED:
        raise B2BError("not_confirmed", _("Only confirmed registrations can join."))
    if session.status not in (SessionStatus.DRAFT, SessionStatus.OPEN):
        raise B2BError("closed", _("This B2B session is closed to new participants."))
    if not session.open_to_guests and registration.person.organisation_id is None:
        raise B2BError("guests", _("This B2B session is for the cluster's members only."))
    participant = add_participant(session, registration.person, registration)
    # Joining shows the profile to the other participants: the person's consent.
    record_consent(participant)
    db.session.flush()
    return participant
