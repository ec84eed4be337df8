"""Reads about B2B sessions, participants, requests and forbidden pairs; portal links."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, and_, exists, func, or_, select
from sqlalchemy.orm import selectinload

from app.auth.links import PersonalLink, Purpose
from app.b2b.models import (
    B2BNotification,
    B2BSession,
    B2BTable,
    ForbiddenPair,
    Meeting,
    MeetingFeedback,
    MeetingRequest,
    Participant,
    ParticipantItem,
    PublishedMeeting,
    RequestStatus,
    ScheduleRun,
    SessionStatus,
    Slot,
    participant_item_tags,
)
from app.events.models import Event, Registration
from app.events.queries import make_manage_token
from app.extensions import db
from app.members.models import Person, ProfileItemKind, Tag
from app.urls import external_url

#: Requests that still stand (the others were declined or withdrawn).
ACTIVE = (RequestStatus.PENDING, RequestStatus.ACCEPTED)
CATALOGUE_PAGE = 50


def get_sessions() -> list[B2BSession]:
    """Return every session, newest event first."""
    return list(db.session.scalars(
        select(B2BSession).join(Event).order_by(Event.starts_at.desc(), B2BSession.id)))


def get_sessions_of_event(event: Event) -> list[B2BSession]:
    """Return the sessions of an event."""
    return list(db.session.scalars(
        select(B2BSession).where(B2BSession.event_id == event.id).order_by(B2BSession.id)))


def get_b2b_events() -> list[Event]:
    """Return the events a session can belong to, newest first."""
    return list(db.session.scalars(select(Event).order_by(Event.starts_at.desc())))


#: Free-text organisation names that say "no organisation": such people are on their own.
NO_ORGANISATION = frozenset({"", "-", "none", "n/a", "independent", "indépendant",
                             "indépendante", "indépendant·e", "zelfstandige", "freelance",
                             "freelancer", "private", "particulier"})


def organisation_key_of(organisation_id: int | None, label: str | None) -> str:
    """Return the key of who someone represents (an organisation id, else the free name)."""
    if organisation_id is not None:
        return f"org:{organisation_id}"
    name = " ".join((label or "").lower().split())
    return "" if name in NO_ORGANISATION else f"name:{name}"


def organisation_key(participant: Participant) -> str:
    """Return who the participant represents: two people with one key never meet."""
    person = participant.person
    return organisation_key_of(person.organisation_id if person else None,
                               participant.organisation_label)


def same_organisation(a: Participant, b: Participant) -> bool:
    """Tell whether two participants represent the same organisation."""
    key = organisation_key(a)
    return bool(key) and key == organisation_key(b)


def get_participant_for(session: B2BSession, person: Person) -> Participant | None:
    """Return the person's participant record in the session."""
    return db.session.scalar(select(Participant).where(
        Participant.session_id == session.id, Participant.person_id == person.id))


def get_participant_by_code(session: B2BSession, code: str) -> Participant | None:
    """Return the participant with this code ("P001") in the session."""
    return db.session.scalar(select(Participant).where(
        Participant.session_id == session.id, Participant.code == code))


def get_participants(session: B2BSession, *, with_items: bool = True) -> list[Participant]:
    """Return the participants with what their profiles show, by code."""
    options = [selectinload(Participant.person).selectinload(Person.organisation),
               selectinload(Participant.unavailable), selectinload(Participant.table),
               selectinload(Participant.registration)]
    if with_items:
        options.append(selectinload(Participant.items).selectinload(ParticipantItem.tags))
    return list(db.session.scalars(
        select(Participant).where(Participant.session_id == session.id)
        .options(*options).order_by(Participant.code)))


def get_stand_holders(table: B2BTable) -> list[Participant]:
    """Return the participants whose fixed stand is this table."""
    return list(db.session.scalars(select(Participant).where(Participant.table_id == table.id)))


def get_request(frm: Participant, to: Participant) -> MeetingRequest | None:
    """Return the request from one participant to another, whatever its status."""
    return db.session.scalar(select(MeetingRequest).where(
        MeetingRequest.from_id == frm.id, MeetingRequest.to_id == to.id))


def _between(a: Participant, b: Participant):
    return or_(and_(MeetingRequest.from_id == a.id, MeetingRequest.to_id == b.id),
               and_(MeetingRequest.from_id == b.id, MeetingRequest.to_id == a.id))


def is_declined(a: Participant, b: Participant) -> bool:
    """Tell whether a request between the two (either way) was declined."""
    return bool(db.session.scalar(select(exists().where(
        _between(a, b), MeetingRequest.status == RequestStatus.DECLINED))))


def get_forbidden_rows(a: Participant, b: Participant) -> list[ForbiddenPair]:
    """Return the forbidden-pair rows for the two participants (either order)."""
    return list(db.session.scalars(select(ForbiddenPair).where(or_(
        and_(ForbiddenPair.a_id == a.id, ForbiddenPair.b_id == b.id),
        and_(ForbiddenPair.a_id == b.id, ForbiddenPair.b_id == a.id)))))


def is_forbidden(a: Participant, b: Participant) -> bool:
    """Tell whether organisers forbade this pair."""
    return bool(get_forbidden_rows(a, b))


def get_forbidden(session: B2BSession) -> list[ForbiddenPair]:
    """Return the session's forbidden pairs."""
    return list(db.session.scalars(
        select(ForbiddenPair).where(ForbiddenPair.session_id == session.id)
        .order_by(ForbiddenPair.id)))


def get_requests(session: B2BSession, statuses=None) -> list[MeetingRequest]:
    """Return the session's requests, optionally of some statuses, oldest first."""
    query = select(MeetingRequest).where(MeetingRequest.session_id == session.id)
    if statuses is not None:
        query = query.where(MeetingRequest.status.in_(list(statuses)))
    return list(db.session.scalars(query.order_by(MeetingRequest.id)))


def get_scheduled_requests(session: B2BSession) -> list[MeetingRequest]:
    """Return the requests that go to the scheduler.

    With acceptance required only accepted ones (organisers' pairs are accepted); otherwise
    pending and accepted ones. Declined and withdrawn requests never go.
    """
    statuses = ((RequestStatus.ACCEPTED,) if session.requires_acceptance else ACTIVE)
    return get_requests(session, statuses)


def get_sent_requests(participant: Participant) -> list[MeetingRequest]:
    """Return the requests the participant made, newest first."""
    return list(db.session.scalars(
        select(MeetingRequest).where(MeetingRequest.from_id == participant.id)
        .order_by(MeetingRequest.created_at.desc(), MeetingRequest.id.desc())))


def get_received_requests(participant: Participant) -> list[MeetingRequest]:
    """Return the requests made to the participant, newest first."""
    return list(db.session.scalars(
        select(MeetingRequest).where(MeetingRequest.to_id == participant.id)
        .order_by(MeetingRequest.created_at.desc(), MeetingRequest.id.desc())))


def get_request_state(participant: Participant) -> dict[int, MeetingRequest]:
    """Return, per other participant id, the latest request between them and `participant`."""
    out: dict[int, MeetingRequest] = {}
    rows = db.session.scalars(select(MeetingRequest).where(
        or_(MeetingRequest.from_id == participant.id, MeetingRequest.to_id == participant.id))
        .order_by(MeetingRequest.id))
    for row in rows:
        other = row.to_id if row.from_id == participant.id else row.from_id
        previous = out.get(other)
        if previous is None or previous.status not in ACTIVE or row.status in ACTIVE:
            out[other] = row
    return out


def catalogue_query(session: B2BSession, *, sector: str = "", offer: str = "", need: str = "",
                    language: str = "", search: str = "") -> Select:
    """Return the select of participants matching the catalogue filters, by organisation."""
    query = (select(Participant).join(Person, Participant.person_id == Person.id)
             .where(Participant.session_id == session.id, Participant.absent.is_(False)))
    if sector:
        # Sector codes are stored comma-joined; wrap both sides in commas for an exact match.
        query = query.where(("," + Participant.sectors_raw + ",").contains(f",{sector},"))
    if language:
        query = query.where(or_(Participant.languages_raw == "",
                                ("," + Participant.languages_raw + ",").contains(f",{language},")))
    for kind, code in ((ProfileItemKind.OFFER, offer), (ProfileItemKind.NEED, need)):
        if code:
            # An uncorrelated IN runs once, where a correlated EXISTS would run per row.
            holders = (select(ParticipantItem.participant_id)
                       .join(participant_item_tags,
                             participant_item_tags.c.item_id == ParticipantItem.id)
                       .join(Tag, participant_item_tags.c.tag_id == Tag.id)
                       .where(ParticipantItem.kind == kind, Tag.code == code))
            query = query.where(Participant.id.in_(holders))
    if search:
        like = f"%{search.lower()}%"
        query = query.where(or_(func.lower(Participant.organisation_label).like(like),
                                func.lower(Person.first_name + " " + Person.last_name).like(like)))
    return query.order_by(func.lower(Participant.organisation_label), Participant.code)


def get_catalogue(session: B2BSession, *, page: int = 1,
                  **filters) -> tuple[list[Participant], int]:
    """Return one page of the catalogue (with items and tags loaded) and the total count."""
    query = catalogue_query(session, **filters)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    page = max(page, 1)
    rows = list(db.session.scalars(
        query.options(selectinload(Participant.person),
                      selectinload(Participant.items).selectinload(ParticipantItem.tags))
        .limit(CATALOGUE_PAGE).offset((page - 1) * CATALOGUE_PAGE)))
    return rows, total or 0


def get_participants_by_ids(ids) -> dict[int, Participant]:
    """Return participants by id, with their items and tags loaded."""
    ids = list(ids)
    if not ids:
        return {}
    rows = db.session.scalars(
        select(Participant).where(Participant.id.in_(ids))
        .options(selectinload(Participant.person),
                 selectinload(Participant.items).selectinload(ParticipantItem.tags)))
    return {p.id: p for p in rows}


def get_pending_notifications(participant_ids) -> list[B2BNotification]:
    """Return unsent notifications of these participants, oldest first."""
    return list(db.session.scalars(
        select(B2BNotification).where(B2BNotification.participant_id.in_(list(participant_ids)),
                                      B2BNotification.sent_at.is_(None))
        .order_by(B2BNotification.created_at, B2BNotification.id)))


# --- personal links ---------------------------------------------------------------------------

#: The participants' portal links (salt and payload key: keep old links working).
PORTAL_LINK = Purpose(salt="b2b-participant", key="p")
_PORTAL = PersonalLink(PORTAL_LINK, lambda participant_id: db.session.get(
    Participant, participant_id), lambda participant: participant.session.event.ends_at)


def make_participant_token(participant: Participant) -> str:
    """Sign a portal token for this participant, tied to the person's token version."""
    return _PORTAL.make(participant)


def load_participant_token(token: str, *, now: datetime | None = None) -> Participant:
    """Return the participant of a valid portal token; raise LinkError otherwise."""
    return _PORTAL.load(token, now=now)


def participant_portal_url(participant: Participant) -> str:
    """Return the absolute personal link to the participant's B2B portal."""
    return external_url("b2b.portal", session_id=participant.session_id,
                        token=make_participant_token(participant))


def registration_b2b_url(registration: Registration) -> str | None:
    """Return the B2B link for a registration: the portal, or the page to join; None if none.

    For the events' registration page and mails: the event's first session still taking
    participants (draft or open), the portal when the person already takes part in it.
    """
    taking = (SessionStatus.DRAFT, SessionStatus.OPEN)
    of_event = select(B2BSession).where(
        B2BSession.event_id == registration.event_id).order_by(B2BSession.id)
    session = db.session.scalar(of_event.where(B2BSession.status.in_(taking)))
    if session is None:
        session = db.session.scalar(of_event)
        if session is None:
            return None
    participant = db.session.scalar(select(Participant).where(
        Participant.session_id == session.id, Participant.person_id == registration.person_id))
    if participant is not None:
        return participant_portal_url(participant)
    if session.status not in taking:
        return None
    return external_url("b2b.join", session_id=session.id,
                        token=make_manage_token(registration))


# --- schedules ---------------------------------------------------------------------------


def get_runs(session: B2BSession) -> list[ScheduleRun]:
    """Return the session's schedule runs, newest first."""
    return list(db.session.scalars(select(ScheduleRun).where(
        ScheduleRun.session_id == session.id).order_by(ScheduleRun.id.desc())))


def get_replans(session: B2BSession) -> list[ScheduleRun]:
    """Return the session's event-day re-plans (runs from a slot on), newest first."""
    return list(db.session.scalars(select(ScheduleRun).where(
        ScheduleRun.session_id == session.id, ScheduleRun.from_slot_id.is_not(None))
        .order_by(ScheduleRun.id.desc())))


def get_slots(session: B2BSession) -> list[Slot]:
    """Return the session's slots in time order."""
    return list(db.session.scalars(select(Slot).where(Slot.session_id == session.id)
                                   .order_by(Slot.starts_at)))


def get_first_slot(session_id: int) -> Slot | None:
    """Return the session's earliest slot."""
    return db.session.scalars(select(Slot).where(Slot.session_id == session_id)
                              .order_by(Slot.starts_at).limit(1)).first()


def get_tables(session: B2BSession) -> list[B2BTable]:
    """Return the session's tables in their order."""
    return list(db.session.scalars(select(B2BTable).where(B2BTable.session_id == session.id)
                                   .order_by(B2BTable.position, B2BTable.code)))


def get_participants_with_people(session: B2BSession) -> list[Participant]:
    """Return the session's participants with their people and registrations loaded, by code."""
    return list(db.session.scalars(
        select(Participant).where(Participant.session_id == session.id)
        .options(selectinload(Participant.person), selectinload(Participant.registration))
        .order_by(Participant.code)))


def get_run_meetings(run: ScheduleRun) -> list[Meeting]:
    """Return a run's meetings with participants, people, slots and tables loaded."""
    return list(db.session.scalars(
        select(Meeting).where(Meeting.run_id == run.id)
        .options(selectinload(Meeting.a).selectinload(Participant.person),
                 selectinload(Meeting.b).selectinload(Participant.person),
                 selectinload(Meeting.slot), selectinload(Meeting.table))
        .order_by(Meeting.id)))


def get_participant_meetings(run: ScheduleRun, participant: Participant) -> list[Meeting]:
    """Return a participant's meetings in a run, in time order, with everything shown loaded."""
    meetings = list(db.session.scalars(
        select(Meeting).where(Meeting.run_id == run.id,
                              (Meeting.a_id == participant.id) | (Meeting.b_id == participant.id))
        .options(selectinload(Meeting.slot), selectinload(Meeting.table),
                 selectinload(Meeting.a).selectinload(Participant.person),
                 selectinload(Meeting.b).selectinload(Participant.person))))
    meetings.sort(key=lambda m: m.slot.starts_at)
    return meetings


def count_published_people(session: B2BSession) -> int:
    """Return how many participants have at least one published meeting."""
    pairs = db.session.execute(select(PublishedMeeting.a_id, PublishedMeeting.b_id).where(
        PublishedMeeting.session_id == session.id)).all()
    return len({person for pair in pairs for person in pair})


def get_published_meetings(participant: Participant) -> list[PublishedMeeting]:
    """Return the published meetings of a participant (what they were told)."""
    return list(db.session.scalars(select(PublishedMeeting).where(
        PublishedMeeting.session_id == participant.session_id,
        (PublishedMeeting.a_id == participant.id) | (PublishedMeeting.b_id == participant.id))))


def get_agenda(participant: Participant) -> list[dict]:
    """Return the participant's published agenda: row, slot, table and other participant."""
    rows = get_published_meetings(participant)
    people = get_participants_by_ids({r.a_id for r in rows} | {r.b_id for r in rows})
    slots = {s.id: s for s in db.session.scalars(
        select(Slot).where(Slot.session_id == participant.session_id))}
    tables = {t.id: t for t in db.session.scalars(
        select(B2BTable).where(B2BTable.session_id == participant.session_id))}
    lines = [{"row": r, "slot": slots[r.slot_id], "table": tables[r.table_id],
              "other": people[r.b_id if r.a_id == participant.id else r.a_id]} for r in rows]
    lines.sort(key=lambda line: line["slot"].starts_at)
    return lines


def get_feedback_of(participant: Participant) -> dict[int, MeetingFeedback]:
    """Return the participant's feedback per published meeting id."""
    return {f.published_meeting_id: f for f in db.session.scalars(
        select(MeetingFeedback).where(MeetingFeedback.participant_id == participant.id))}
