"""Build ten years of cluster life in the current database, with bulk inserts.

At scale 1: about 200 organisations, 3,000 people, 600 events, 30,000 registrations,
20,000 published B2B meetings (half of them with feedback), 5,000 follow-ups and some
introductions, over the ten years up to `last_year`. Deterministic for a seed. Used by
benchmarks/reports.py; a test builds it at a small scale.

The vocabulary (sectors) comes from the seeding code the tests use; organisations and people
are named like the test factories' ones; everything else goes in with `insert(...)` lists,
since a row-by-row ORM build of 30,000 registrations would take minutes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert, select

from app.b2b.models import (
    B2BSession,
    B2BTable,
    MeetingFeedback,
    MeetingOutcome,
    Participant,
    PublishedMeeting,
    SessionStatus,
    Slot,
)
from app.cluster.models import (
    FollowUp,
    FollowUpKind,
    Introduction,
    IntroductionOutcome,
    Membership,
)
from app.events.models import Event, EventKind, EventStatus, Registration, RegistrationStatus
from app.extensions import db
from app.members.models import (
    MemberStatus,
    Organisation,
    OrganisationKind,
    Person,
    Sector,
    organisation_sectors,
)
from app.seed.vocabulary import seed_vocabulary

YEARS = 10
LANGUAGES = ("fr", "nl", "en")
#: B2B sessions per year and their shape: participants pair off in every slot.
SESSIONS_PER_YEAR = 2
SLOTS = 10


@dataclass(frozen=True)
class Counts:
    """How many rows of each kind a scale gives."""

    organisations: int
    people: int
    events: int
    registrations_each: int
    b2b_participants: int
    follow_ups: int
    introductions: int

    @classmethod
    def at(cls, scale: float) -> Counts:
        """Return the counts for a scale (1 = the full ten years)."""

        def n(full: int, least: int) -> int:
            return max(int(full * scale), least)

        return cls(organisations=n(200, 4), people=n(3000, 20), events=n(600, 2 * YEARS),
                   registrations_each=n(50, 4), b2b_participants=n(200, SLOTS + 2) // 2 * 2,
                   follow_ups=n(5000, YEARS), introductions=n(1000, YEARS))


def _ids(model) -> list[int]:
    return list(db.session.scalars(select(model.id).order_by(model.id)))


def _day(rng: random.Random, year: int) -> date:
    return date(year, 1, 1) + timedelta(days=rng.randrange(365))


def _organisations(rng: random.Random, counts: Counts, first_year: int) -> list[int]:
    db.session.execute(insert(Organisation), [
        {"name": f"Atelier {i:03d} SRL", "kind": OrganisationKind.MEMBER,
         "status": MemberStatus.ACTIVE, "is_company": rng.random() < 0.85,
         "business_models_raw": rng.choice(["", "repair", "reuse", "sharing,repair"])}
        for i in range(counts.organisations)])
    org_ids = _ids(Organisation)
    sector_ids = _ids(Sector)
    links, ties = set(), []
    for org_id in org_ids:
        for sector_id in rng.sample(sector_ids, k=min(2, len(sector_ids))):
            links.add((org_id, sector_id))
        joined = _day(rng, first_year + rng.randrange(YEARS))
        left = joined + timedelta(days=rng.randrange(400, 3000)) if rng.random() < 0.2 else None
        kind = OrganisationKind.PARTNER if rng.random() < 0.1 else OrganisationKind.MEMBER
        ties.append({"organisation_id": org_id, "kind": kind, "member_since": joined,
                     "candidate_since": joined - timedelta(days=60), "left_on": left})
    db.session.execute(insert(organisation_sectors),
                       [{"organisation_id": o, "sector_id": s} for o, s in sorted(links)])
    db.session.execute(insert(Membership), ties)
    return org_ids


def _people(rng: random.Random, counts: Counts, org_ids: list[int]) -> list[int]:
    db.session.execute(insert(Person), [
        {"email": f"p{i}@decade.example", "first_name": f"Ann{i}", "last_name": "Test",
         "language": rng.choice(LANGUAGES), "organisation_id": org_ids[i % len(org_ids)],
         "token_version": 1} for i in range(counts.people)])
    return _ids(Person)


def _events(rng: random.Random, counts: Counts,
            first_year: int) -> list[tuple[int, datetime, bool]]:
    """Insert the events (brokerage ones first each year); return (id, start, is_b2b)."""
    kinds = [k for k in EventKind if k != EventKind.BROKERAGE]
    rows = []
    for year in range(first_year, first_year + YEARS):
        for number in range(counts.events // YEARS):
            b2b = number < SESSIONS_PER_YEAR
            day = _day(rng, year)
            starts = datetime(day.year, day.month, day.day, 15, tzinfo=UTC)
            cancelled = not b2b and rng.random() < 0.03
            rows.append({"kind": EventKind.BROKERAGE if b2b else rng.choice(kinds),
                         "status": EventStatus.CANCELLED if cancelled else EventStatus.PUBLISHED,
                         "title_fr": f"Activité {year}-{number}",
                         "title_nl": f"Activiteit {year}-{number}",
                         "title_en": f"Activity {year}-{number}",
                         "starts_at": starts, "ends_at": starts + timedelta(hours=3)})
    db.session.execute(insert(Event), rows)
    ids = _ids(Event)
    return [(i, row["starts_at"], row["kind"] == EventKind.BROKERAGE)
            for i, row in zip(ids, rows, strict=True)]


def _registrations(rng: random.Random, counts: Counts, events, people: list[int]) -> None:
    rows = []
    for event_id, starts, _b2b in events:
        for person_id in rng.sample(people, k=min(counts.registrations_each, len(people))):
            came = rng.random() < 0.7
            rows.append({"event_id": event_id, "person_id": person_id,
                         "status": RegistrationStatus.CONFIRMED, "language": "fr",
                         "created_at": starts - timedelta(days=10),
                         "attended_at": starts + timedelta(minutes=5) if came else None})
    db.session.execute(insert(Registration), rows)


def _round_robin(n: int, rounds: int) -> list[list[tuple[int, int]]]:
    """Return `rounds` rounds of pairs of 0..n-1 (n even), no pair twice (circle method)."""
    order = list(range(n))
    result = []
    for _ in range(min(rounds, n - 1)):
        result.append([(order[i], order[n - 1 - i]) for i in range(n // 2)])
        order = [order[0], order[-1], *order[1:-1]]
    return result


def _b2b(rng: random.Random, counts: Counts, events, people: list[int]) -> None:
    outcomes = list(MeetingOutcome)
    for event_id, starts, b2b in events:
        if not b2b:
            continue
        session = B2BSession(event_id=event_id, title="B2B", status=SessionStatus.CLOSED,
                             published_at=starts - timedelta(days=2))
        db.session.add(session)
        db.session.flush()
        sid, size = session.id, counts.b2b_participants
        db.session.execute(insert(Slot), [
            {"session_id": sid, "code": f"S{i + 1:02d}",
             "starts_at": starts + timedelta(minutes=20 * i),
             "ends_at": starts + timedelta(minutes=20 * (i + 1))} for i in range(SLOTS)])
        db.session.execute(insert(B2BTable), [
            {"session_id": sid, "code": f"T{i + 1:03d}", "name": f"Table {i + 1}"}
            for i in range(size // 2)])
        db.session.execute(insert(Participant), [
            {"session_id": sid, "person_id": person_id, "code": f"P{i + 1:04d}",
             "organisation_label": "", "languages_raw": "fr"}
            for i, person_id in enumerate(rng.sample(people, k=min(size, len(people))))])
        slots = list(db.session.scalars(select(Slot.id).where(Slot.session_id == sid)
                                        .order_by(Slot.id)))
        tables = list(db.session.scalars(select(B2BTable.id).where(B2BTable.session_id == sid)
                                         .order_by(B2BTable.id)))
        parts = list(db.session.scalars(select(Participant.id)
                                        .where(Participant.session_id == sid)
                                        .order_by(Participant.id)))
        meetings = []
        for slot_id, pairs in zip(slots, _round_robin(len(parts), SLOTS), strict=False):
            for table_id, (a, b) in zip(tables, pairs, strict=False):
                a_id, b_id = sorted((parts[a], parts[b]))
                meetings.append({"session_id": sid, "a_id": a_id, "b_id": b_id,
                                 "slot_id": slot_id, "table_id": table_id,
                                 "uid": f"decade-{sid}-{a_id}-{b_id}@clustermeet.example",
                                 "published_at": starts - timedelta(days=2)})
        db.session.execute(insert(PublishedMeeting), meetings)
        rows = db.session.execute(select(PublishedMeeting.id, PublishedMeeting.a_id)
                                  .where(PublishedMeeting.session_id == sid)).all()
        db.session.execute(insert(MeetingFeedback), [
            {"published_meeting_id": mid, "participant_id": a_id, "happened": True,
             "outcome": rng.choice(outcomes), "created_at": starts + timedelta(days=3)}
            for mid, a_id in rows if rng.random() < 0.5])


def _team_work(rng: random.Random, counts: Counts, first_year: int, org_ids: list[int]) -> None:
    def day() -> date:
        return _day(rng, first_year + rng.randrange(YEARS))

    db.session.execute(insert(FollowUp), [
        {"kind": rng.choice(list(FollowUpKind)), "organisation_id": rng.choice(org_ids),
         "held_on": day(), "notes": ""} for _ in range(counts.follow_ups)])
    db.session.execute(insert(Introduction), [
        {"organisation_id": rng.choice(org_ids), "to_organisation_id": rng.choice(org_ids),
         "held_on": day(), "outcome": rng.choice(list(IntroductionOutcome)), "notes": "",
         "reason": ""} for _ in range(counts.introductions)])


def build_decade(last_year: int, scale: float = 1.0, seed: int = 1) -> dict[str, int]:
    """Insert ten years of data ending with `last_year` and commit; return row counts."""
    rng = random.Random(seed)
    counts = Counts.at(scale)
    first_year = last_year - YEARS + 1
    if db.session.scalar(select(Sector.id).limit(1)) is None:
        seed_vocabulary()
    org_ids = _organisations(rng, counts, first_year)
    people = _people(rng, counts, org_ids)
    events = _events(rng, counts, first_year)
    _registrations(rng, counts, events, people)
    _b2b(rng, counts, events, people)
    _team_work(rng, counts, first_year, org_ids)
    db.session.commit()
    tables = {"organisations": Organisation, "people": Person, "events": Event,
              "registrations": Registration, "B2B meetings": PublishedMeeting,
              "meeting feedback": MeetingFeedback, "follow-ups": FollowUp,
              "introductions": Introduction}
    return {name: db.session.scalar(select(db.func.count()).select_from(model))
            for name, model in tables.items()}
