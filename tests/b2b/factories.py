"""Small factories for B2B sessions, participants, profiles and requests."""

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from app.b2b import services
from app.b2b.models import B2BSession, Participant
from app.events.models import Event, EventKind, EventStatus, Registration, RegistrationStatus
from app.extensions import db
from app.members.models import (
    Organisation,
    OrganisationKind,
    Person,
    ProfileItem,
    ProfileItemKind,
    Sector,
    Tag,
)

DAY = date(2027, 5, 20)


def make_b2b_event(**values) -> Event:
    """Add a published brokerage event on 20 May 2027 (Brussels, 9:00-18:00)."""
    defaults = dict(kind=EventKind.BROKERAGE, status=EventStatus.PUBLISHED,
                    title_en="Brokerage", title_fr="Bourse B2B", title_nl="B2B-beurs",
                    starts_at=datetime(2027, 5, 20, 7, tzinfo=UTC),
                    ends_at=datetime(2027, 5, 20, 16, tzinfo=UTC))
    defaults.update(values)
    event = Event(**defaults)
    db.session.add(event)
    db.session.flush()
    return event


def make_session(event: Event | None = None, *, slots: int = 4, tables: int = 2,
                 **settings) -> B2BSession:
    """Add a session with `slots` 20-minute slots from 14:00 and `tables` tables."""
    session = services.create_session(event or make_b2b_event(), title="B2B")
    if slots:
        end = (datetime.combine(DAY, time(14)) + timedelta(minutes=20 * slots)).time()
        services.generate_slots(session, [DAY], time(14), end, 20)
    if tables:
        services.add_tables(session, tables)
    if settings:
        services.update_session(session, **settings)
    return session


def tag(code: str) -> Tag:
    return db.session.scalar(select(Tag).where(Tag.code == code))


def sector(code: str) -> Sector:
    return db.session.scalar(select(Sector).where(Sector.code == code))


def make_person(email: str, *, organisation: str | None = None, language: str = "en",
                first_name: str = "Ann", last_name: str = "Test", guest_org: str = "") -> Person:
    """Add a person, in a (new or existing) organisation when `organisation` is given."""
    org = None
    if organisation:
        org = db.session.scalar(select(Organisation).where(Organisation.name == organisation))
        if org is None:
            org = Organisation(name=organisation, kind=OrganisationKind.MEMBER)
            db.session.add(org)
    person = Person(email=email, first_name=first_name, last_name=last_name, language=language,
                    organisation=org, organisation_name=guest_org)
    db.session.add(person)
    db.session.flush()
    return person


def add_org_item(person: Person, kind: str, title: str, *tag_codes: str) -> None:
    person.organisation.profile_items.append(ProfileItem(
        kind=ProfileItemKind(kind), title=title, tags=[tag(c) for c in tag_codes]))
    db.session.flush()


def register(event: Event, person: Person,
             status: RegistrationStatus = RegistrationStatus.CONFIRMED) -> Registration:
    registration = Registration(event=event, person=person, status=status,
                                language=person.language,
                                confirmed_at=datetime(2027, 1, 1, tzinfo=UTC))
    db.session.add(registration)
    db.session.flush()
    return registration


def make_participant(session: B2BSession, email: str, *, organisation: str | None = None,
                     offers=(), needs=(), sectors=(), languages=("en",), language: str = "en",
                     first_name: str = "Ann") -> Participant:
    """Add a participant with a profile: offers/needs are (title, tag codes...) tuples."""
    person = make_person(email, organisation=organisation or f"Org {email}", language=language,
                         first_name=first_name)
    participant = services.add_participant(session, person)
    items = [services.ItemData("offer", t, tuple(c)) for t, *c in offers]
    items += [services.ItemData("need", t, tuple(c)) for t, *c in needs]
    services.update_profile(participant, sectors=sectors, languages=languages, items=items)
    return participant


def get_en(client, url: str):
    """GET a page in English.

    The test's app context is shared with the request, and Flask-Babel caches the locale
    on it; a service called before (in the default locale) would otherwise pin French.
    """
    from flask_babel import refresh

    refresh()
    return client.get(url, headers={"Accept-Language": "en"})
