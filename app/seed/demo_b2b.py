"""Demo B2B session at the annual event: ~60 participants, profiles, requests, stands.

Runs after the events demo step. Deterministic for a given seed: a newcomer opens the
session, a participant's portal, and sees suggestions, requests and answers at once.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from sqlalchemy import select

from app.b2b import meeting_requests, services, suggestions
from app.b2b.models import B2BSession, Participant, SessionStatus
from app.db import utc_now
from app.events.models import (
    Audience,
    Event,
    EventKind,
    EventStatus,
    Registration,
    RegistrationStatus,
)
from app.extensions import db
from app.members.models import MemberStatus, Organisation, OrganisationKind, Person
from app.privacy.notice import DEFAULT_VERSION
from app.timezone import combine, local_day, to_form

TARGET_PARTICIPANTS = 60
TABLES = 20
#: Guests from outside the cluster: name, organisation, language, offers and needs.
GUESTS = (
    ("Lena", "Wouters", "Studio Kapok", "nl", [("offer", "Ontwerp van meubels", ("eco-design",)),
                                               ("need", "Hergebruikt eikenhout",
                                                ("reclaimed-wood",))]),
    ("Hugo", "Marchal", "Démolitions Marchal", "fr", [
        ("offer", "Poutres de chêne de démolition", ("reclaimed-wood", "wood-offcuts")),
        ("need", "Logistique urbaine", ("cargo-bike-logistics",))]),
    ("Sofia", "Rossi", "Tessuti Circolari", "en", [
        ("offer", "Sorted textile scraps", ("fabric-scraps",)),
        ("need", "Industrial sewing capacity", ("industrial-sewing",))]),
    ("Pieter", "Claes", "Fietsdokter Claes", "nl", [
        ("offer", "Herstelling van fietsen", ("repair", "bike-parts")),
        ("need", "Gebruikte fietsen", ("used-bikes",))]),
    ("Awa", "Diallo", "Réemploi Solidaire", "fr", [
        ("offer", "Insertion et formation", ("social-employment", "training")),
        ("need", "Ordinateurs à reconditionner", ("used-laptops",))]),
    ("Tom", "Jacobs", "LCA Consult", "en", [
        ("offer", "Life-cycle assessments", ("lca",)),
        ("need", "Case studies in wood", ("reclaimed-wood",))]),
)


def _event() -> Event:
    event = db.session.scalar(select(Event).where(
        Event.kind == EventKind.ANNUAL_EVENT, Event.status == EventStatus.PUBLISHED)
        .order_by(Event.starts_at.desc()))
    if event is not None:
        return event
    day = local_day(utc_now() + timedelta(days=45))
    event = Event(kind=EventKind.BROKERAGE, status=EventStatus.PUBLISHED,
                  title_fr="Bourse B2B de l'économie circulaire",
                  title_nl="B2B-beurs circulaire economie",
                  title_en="Circular economy B2B brokerage", starts_at=combine(day, time(9)),
                  ends_at=combine(day, time(15)), venue="Tour & Taxis",
                  address="Avenue du Port 86C, 1000 Bruxelles", audience=Audience.PUBLIC,
                  capacity=120)
    db.session.add(event)
    db.session.flush()
    return event


def _register(event: Event, person: Person, when: datetime) -> None:
    known = db.session.scalar(select(Registration).where(
        Registration.event_id == event.id, Registration.person_id == person.id))
    if known is None:
        db.session.add(Registration(
            event=event, person=person, language=person.language,
            status=RegistrationStatus.CONFIRMED, created_at=when, confirmed_at=when,
            consent_at=when, consent_notice_version=DEFAULT_VERSION, source="online",
            answers={}))
    elif known.status != RegistrationStatus.CONFIRMED:
        known.status = RegistrationStatus.CONFIRMED
        known.confirmed_at = when


def _guests(event: Event, when: datetime) -> list[Person]:
    people = []
    for first, last, organisation, language, _items in GUESTS:
        email = f"{first.lower()}.{last.lower()}@{organisation.lower().replace(' ', '-')}.example"
        person = db.session.scalar(select(Person).where(Person.email == email))
        if person is None:
            person = Person(email=email, first_name=first, last_name=last, language=language,
                            organisation_name=organisation, consent_contact=True)
            db.session.add(person)
            db.session.flush()
        _register(event, person, when)
        people.append(person)
    return people


def _top_up(event: Event, rng: random.Random, needed: int, when: datetime) -> None:
    """Register more active members' people so the session has about TARGET participants."""
    registered = set(db.session.scalars(select(Registration.person_id).where(
        Registration.event_id == event.id, Registration.status == RegistrationStatus.CONFIRMED)))
    pool = [p for p in db.session.scalars(
        select(Person).join(Organisation).where(
            Organisation.kind == OrganisationKind.MEMBER,
            Organisation.status == MemberStatus.ACTIVE).order_by(Person.id))
            if p.id not in registered]
    for person in rng.sample(pool, k=min(needed, len(pool))):
        _register(event, person, when)


def seed_demo_b2b(seed: int = 2027) -> B2BSession | None:
    """Create the demo B2B session once (nothing when a session exists)."""
    if db.session.scalar(select(B2BSession.id).limit(1)) is not None:
        return None
    rng = random.Random(seed + 52)
    event = _event()
    when = event.starts_at - timedelta(days=20)
    session = services.create_session(event, title="B2B matchmaking", slot_minutes=20)
    services.update_session(
        session, status=SessionStatus.OPEN, max_meetings_default=8, min_meetings=2,
        profile_deadline_at=event.starts_at - timedelta(days=7),
        request_deadline_at=event.starts_at - timedelta(days=3))

    # Ten 20-minute slots: five, a 40-minute lunch pause, five more.
    first = to_form(event.starts_at) + timedelta(minutes=30)
    pause = first + timedelta(minutes=100)
    services.generate_slots(session, [first.date()], first.time(),
                            (first + timedelta(minutes=240)).time(), 20,
                            [(pause.time(), (pause + timedelta(minutes=40)).time())])
    services.add_tables(session, TABLES - 2, location="Hall A")
    stands = [services.add_table(session, name=name, location="Hall B")
              for name in ("Stand Wood", "Stand Textile")]

    _guests(event, when)
    confirmed = db.session.scalar(select(db.func.count(Registration.id)).where(
        Registration.event_id == event.id, Registration.status == RegistrationStatus.CONFIRMED))
    if confirmed < TARGET_PARTICIPANTS:
        _top_up(event, rng, TARGET_PARTICIPANTS - confirmed, when)
    db.session.flush()
    participants = services.import_registrations(session)

    guest_items = {f"{g[0]} {g[1]}": g[4] for g in GUESTS}
    for participant in participants:
        items = guest_items.get(participant.person.full_name)
        languages = set(participant.languages)
        if rng.random() < 0.6:
            languages.add("en")
        if rng.random() < 0.3:
            languages.add("fr" if "nl" in languages else "nl")
        if items is not None:
            services.update_profile(
                participant, sectors=[], languages=sorted(languages),
                items=[services.ItemData(k, t, c) for k, t, c in items])
        else:
            participant.languages = sorted(languages)
            if rng.random() < 0.7:
                participant.profile_completed_at = when
    db.session.flush()

    _stands(participants, stands)
    _requests(session, participants, rng)
    db.session.flush()
    return session


def _stands(participants: list[Participant], stands) -> None:
    """Give two exhibitors (a wood and a textile member) a fixed stand, colleagues included."""
    for table, sector in zip(stands, ("wood", "textile"), strict=True):
        holders = [p for p in participants if p.person.organisation
                   and sector in p.sectors and p.table is None]
        if holders:
            organisation_id = holders[0].person.organisation_id
            for participant in holders:
                if participant.person.organisation_id == organisation_id:
                    services.assign_stand(participant, table)


def _requests(session: B2BSession, participants: list[Participant],
              rng: random.Random) -> None:
    """Request some of each one's best suggestions; some answered, a few declined."""
    db.session.flush()
    computed = suggestions.compute(session)
    by_code = {p.code: p for p in participants}
    made = 0
    for participant in participants:
        if rng.random() < 0.45:
            continue
        ranked = computed.for_participant(participant.code, limit=4)
        for rank, suggestion in enumerate(ranked[:rng.randint(1, 3)]):
            other = by_code.get(suggestion.b)
            if other is None:
                continue
            try:
                request = meeting_requests.request_meeting(
                    participant, other, 3 if rank == 0 and rng.random() < 0.5
                    else rng.choice((1, 2, 2)))
            except services.B2BError:
                continue  # the other side asked first: they will answer theirs
            made += 1
            roll = rng.random()
            # Declines only below the top suggestion, so the demo's first lines stay sensible.
            if roll < 0.4:
                meeting_requests.respond_to_request(request, other, True)
            elif roll < 0.5 and rank > 0:
                meeting_requests.respond_to_request(request, other, False)
    if made:
        db.session.flush()
