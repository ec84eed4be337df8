"""Factories: database objects for the tests, and the plain data the app's forms take.

Every `make_*` adds its objects and flushes, never commits: the test's database is new for
each test (see conftest.py). A test whose objects must be seen outside its own session (a
second connection, the live server, the worker) commits in its body.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.b2b import services as b2b_services
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
from app.events.models import (
    Audience,
    Event,
    EventKind,
    EventStatus,
    Question,
    QuestionKind,
    Registration,
    RegistrationStatus,
)
from app.extensions import db
from app.invites.ics import Method, build_invite
from app.invites.items import Attendee, CalendarItem, Party
from app.invites.messages import build_imip_message, build_plain_message
from app.invites.uids import registration_uid
from app.mail.models import OutboxMessage
from app.mail.services import queue_message
from app.members.models import (
    MemberStatus,
    Organisation,
    OrganisationKind,
    Person,
    ProfileItem,
    ProfileItemKind,
    Sector,
    Tag,
)

# Members and people ---------------------------------------------------------------------------


def make_organisation(name: str = "Bois Vif SRL", *,
                      kind: OrganisationKind = OrganisationKind.MEMBER,
                      status: MemberStatus = MemberStatus.ACTIVE) -> Organisation:
    """Return the organisation called `name`, added (an active member by default) if new."""
    organisation = db.session.scalar(select(Organisation).where(Organisation.name == name))
    if organisation is None:
        organisation = Organisation(name=name, kind=kind,
                                    status=status if kind == OrganisationKind.MEMBER else None)
        db.session.add(organisation)
        db.session.flush()
    return organisation


def make_person(email: str = "ann@boisvif.example", *,
                organisation: Organisation | str | None = None, language: str = "en",
                first_name: str = "Ann", last_name: str = "Test",
                organisation_name: str = "") -> Person:
    """Add a person, in an organisation (given or by name) or with a free-text one."""
    if isinstance(organisation, str):
        organisation = make_organisation(organisation)
    person = Person(email=email, first_name=first_name, last_name=last_name, language=language,
                    organisation=organisation, organisation_name=organisation_name)
    db.session.add(person)
    db.session.flush()
    return person


def tag(code: str) -> Tag:
    """Return the seeded tag with this code (needs the `vocabulary` fixture)."""
    return db.session.scalar(select(Tag).where(Tag.code == code))


def sector(code: str) -> Sector:
    """Return the seeded sector with this code (needs the `vocabulary` fixture)."""
    return db.session.scalar(select(Sector).where(Sector.code == code))


def make_profile_item(person: Person, kind: str, title: str, *tag_codes: str) -> ProfileItem:
    """Add an offer or need, with seeded tags, to the person's organisation."""
    item = ProfileItem(kind=ProfileItemKind(kind), title=title, tags=[tag(c) for c in tag_codes])
    person.organisation.profile_items.append(item)
    db.session.flush()
    return item


# Events and registrations ---------------------------------------------------------------------


def make_event(**values) -> Event:
    """Add a published public circlemeet starting in ten days (two hours long)."""
    starts_at = values.pop("starts_at", utc_now().replace(microsecond=0) + timedelta(days=10))
    defaults = dict(
        kind=EventKind.CIRCLEMEET, status=EventStatus.PUBLISHED, title_fr="Circlemeet bois",
        title_nl="Circlemeet hout", title_en="Wood circlemeet", description_en="Meet the members.",
        starts_at=starts_at, ends_at=starts_at + timedelta(hours=2), venue="Atelier Chêne",
        address="Rue de l'Exemple 1, 1070 Anderlecht", audience=Audience.PUBLIC, capacity=None,
    )
    defaults.update(values)
    event = Event(**defaults)
    db.session.add(event)
    db.session.flush()
    return event


def make_b2b_event(**values) -> Event:
    """Add a published brokerage event on Thursday 20 May 2032 (Brussels, 9:00-18:00), no venue.

    The day lies years ahead: online registration stays open and the personal links (valid
    until 30 days after the event) stay valid on any day the tests run before it.
    """
    return make_event(**{
        "kind": EventKind.BROKERAGE, "title_en": "Brokerage", "title_fr": "Bourse B2B",
        "title_nl": "B2B-beurs", "description_en": "", "venue": "", "address": "",
        "starts_at": datetime(2032, 5, 20, 7, tzinfo=UTC),
        "ends_at": datetime(2032, 5, 20, 16, tzinfo=UTC), **values})


def make_question(event: Event, kind: QuestionKind = QuestionKind.TEXT, *, required=False,
                  choices: str = "", label: str = "Dietary needs", **values) -> Question:
    """Add a question, labelled alike in every language, after the event's others."""
    question = Question(event=event, kind=kind, label_en=label, label_fr=label, label_nl=label,
                        choices=choices, required=required, position=len(event.questions),
                        **values)
    db.session.add(question)
    db.session.flush()
    return question


def make_registration(event: Event, person: Person,
                      status: RegistrationStatus = RegistrationStatus.CONFIRMED,
                      **values) -> Registration:
    """Add a registration of `person` (in their language unless given) with this status."""
    values.setdefault("language", person.language)
    registration = Registration(event=event, person=person, status=status, **values)
    db.session.add(registration)
    db.session.flush()
    return registration


def registration_data(**values) -> dict:
    """Return the keyword arguments of `events.services.register` for one newcomer."""
    data = dict(email="Marie.Dubois@Example.org", first_name="Marie", last_name="Dubois",
                organisation="Independent", language="en", answers={}, consent=True)
    data.update(values)
    return data


def event_form(**values) -> dict:
    """Return the organiser's event form as posted, for a textile seminar (None drops a field)."""
    data = {
        "kind": "seminar", "title_fr": "Séminaire textile", "title_nl": "Seminarie textiel",
        "title_en": "Textile seminar", "description_en": "Sorting and reuse.",
        "starts_at": "2027-07-01T10:00", "ends_at": "2027-07-01T12:30", "venue": "Hangar 26",
        "address": "Rue Picard 7, 1000 Bruxelles", "audience": "members_partners",
        "capacity": "40", "registration_closes_at": "2027-06-30T18:00",
    }
    data.update(values)
    return {k: v for k, v in data.items() if v is not None}


# B2B sessions and schedules -------------------------------------------------------------------

#: The day of the sessions built by `make_session`: the day of `make_b2b_event`.
DAY = date(2032, 5, 20)
#: First names and languages of the participants of `make_schedule_session`, in code order.
NAMES = ["Ann", "Bert", "Chloe", "Dirk", "Emma", "Farid", "Greta", "Hugo"]
LANGS = ["en", "fr", "nl", "en", "fr", "nl", "en", "fr"]


def make_session(event: Event | None = None, *, slots: int = 4, tables: int = 2,
                 **settings) -> B2BSession:
    """Add a session with `slots` 20-minute slots from 14:00 and `tables` tables."""
    session = b2b_services.create_session(event or make_b2b_event(), title="B2B")
    if slots:
        end = (datetime.combine(DAY, time(14)) + timedelta(minutes=20 * slots)).time()
        b2b_services.generate_slots(session, [DAY], time(14), end, 20)
    if tables:
        b2b_services.add_tables(session, tables)
    if settings:
        b2b_services.update_session(session, **settings)
    return session


def make_participant(session: B2BSession, email: str, *, organisation: str | None = None,
                     offers=(), needs=(), sectors=(), languages=("en",), language: str = "en",
                     first_name: str = "Ann") -> Participant:
    """Add a participant with a profile: offers/needs are (title, tag codes...) tuples."""
    person = make_person(email, organisation=organisation or f"Org {email}", language=language,
                         first_name=first_name)
    participant = b2b_services.add_participant(session, person)
    items = [b2b_services.ItemData("offer", t, tuple(c)) for t, *c in offers]
    items += [b2b_services.ItemData("need", t, tuple(c)) for t, *c in needs]
    b2b_services.update_profile(participant, sectors=sectors, languages=languages, items=items)
    return participant


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
    """Return the session's participants in code order."""
    return list(db.session.scalars(select(Participant).where(
        Participant.session_id == session.id).order_by(Participant.code)))


def slots_of(session: B2BSession) -> list[Slot]:
    """Return the session's slots in time order."""
    return list(db.session.scalars(select(Slot).where(Slot.session_id == session.id)
                                   .order_by(Slot.starts_at)))


def tables_of(session: B2BSession) -> list[B2BTable]:
    """Return the session's tables in their order."""
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
    """Return the run's meeting between two participants."""
    first, second = sorted((a.id, b.id))
    return db.session.scalar(select(Meeting).where(Meeting.run_id == run.id,
                                                   Meeting.a_id == first,
                                                   Meeting.b_id == second))


# Outbox ---------------------------------------------------------------------------------------

SENDER = ("Clustermeet", "events@clustermeet.example")
DOMAIN = "clustermeet.example"
BRUSSELS = ZoneInfo("Europe/Brussels")


def queue_plain(to: str = "ana@example.org", *, subject: str = "Registration confirmed",
                body: str = "You are registered for the circlemeet.",
                kind: str = "registration.confirmed", reference: str = "registration:1"
                ) -> OutboxMessage:
    """Queue a plain text message, like a registration confirmation."""
    message = build_plain_message(sender=SENDER, to=("Ana Peeters", to), subject=subject,
                                  text_body=body, message_id_domain=DOMAIN)
    return queue_message(message, kind=kind, reference=reference)


def imip_invite(to: str = "zoe@example.org", *, registration_id: int = 7) -> bytes:
    """Return the bytes of a REQUEST invite for one registration."""
    start = datetime(2027, 6, 15, 18, 0, tzinfo=BRUSSELS)
    item = CalendarItem(
        uid=registration_uid(registration_id, DOMAIN), sequence=0,
        summary="Circlemeet: textile & réemploi", start=start, end=start + timedelta(hours=2),
        location="Greenbizz, Bruxelles", organizer=Party(*SENDER),
        attendees=(Attendee("Zoë Müller", to),),
    )
    return build_invite(item, Method.REQUEST, datetime(2027, 3, 1, 9, 0, tzinfo=UTC))


def queue_imip(to: str = "zoe@example.org") -> tuple[OutboxMessage, bytes]:
    """Queue an iMIP REQUEST message; return it and the calendar bytes it carries."""
    ics = imip_invite(to)
    message = build_imip_message(
        sender=SENDER, to=("Zoë Müller", to), subject="Invitation: Circlemeet",
        text_body="Vous êtes inscrite. À bientôt !", html_body="<p>Vous êtes inscrite.</p>",
        ics_bytes=ics, method=Method.REQUEST, message_id_domain=DOMAIN,
    )
    return queue_message(message, kind="registration.invite", reference="registration:7"), ics
