"""Time B2B suggestions and the catalogue page for a large session, in a temporary SQLite DB.

    python benchmarks/b2b_catalogue.py [--participants 1000] [--tags-each 20] [--vocabulary 400]

Builds a session (bulk inserts) whose participants carry about `tags-each` tags over five
offers and needs, drawn with a skew from a vocabulary of `vocabulary` tags. Times: the
suggestions cold (read profiles, build the index, every participant's top list for the
solver), the same cached, one participant's list, the problem export, and the catalogue
and suggestion pages through the test client (first and warm). Targets: suggestions cold
under 5 s, the catalogue page under 0.3 s once the cache is warm.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select  # noqa: E402

TARGETS = {"suggestions, cold": 5.0, "catalogue page (warm)": 0.3}
LANGUAGES = ("fr", "nl", "en")
SECTORS = ("wood", "textile", "bike", "weee", "construction", "food", "plastics")


def build_session(participants: int, tags_each: int, vocabulary: int, seed: int) -> int:
    """Insert an event, a session, people, participants and tagged items; return the id."""
    from app.b2b.models import (
        B2BSession,
        B2BTable,
        Participant,
        ParticipantItem,
        Slot,
        participant_item_tags,
    )
    from app.events.models import Event, EventKind, EventStatus
    from app.extensions import db
    from app.members.models import Organisation, OrganisationKind, Person, Tag, TagKind

    rng = random.Random(seed)
    start = datetime(2027, 5, 20, 7, tzinfo=UTC)
    event = Event(kind=EventKind.BROKERAGE, status=EventStatus.PUBLISHED, title_en="Bench",
                  starts_at=start, ends_at=start + timedelta(hours=8))
    db.session.add(event)
    db.session.flush()
    session = B2BSession(event_id=event.id, title="Bench", slot_minutes=20,
                         max_meetings_default=8)
    db.session.add(session)
    db.session.flush()
    db.session.execute(insert(Slot), [
        {"session_id": session.id, "code": f"S{i + 1:02d}",
         "starts_at": start + timedelta(minutes=20 * i),
         "ends_at": start + timedelta(minutes=20 * (i + 1))} for i in range(16)])
    db.session.execute(insert(B2BTable), [
        {"session_id": session.id, "code": f"T{i + 1:02d}", "name": f"Table {i + 1}",
         "location": "", "position": i + 1} for i in range(participants // 4)])
    db.session.execute(insert(Tag), [
        {"code": f"bench-{i}", "kind": TagKind.MATERIAL, "label_fr": f"Matière {i}",
         "label_nl": f"Materiaal {i}", "label_en": f"Material {i}"} for i in range(vocabulary)])
    tag_ids = list(db.session.scalars(select(Tag.id).where(Tag.code.like("bench-%"))
                                      .order_by(Tag.id)))
    organisations = max(participants * 2 // 3, 1)
    db.session.execute(insert(Organisation), [
        {"name": f"Bench organisation {i}", "kind": OrganisationKind.MEMBER, "is_company": True,
         "business_models_raw": ""} for i in range(organisations)])
    org_ids = list(db.session.scalars(select(Organisation.id).order_by(Organisation.id)))
    db.session.execute(insert(Person), [
        {"email": f"p{i}@bench.example", "first_name": f"First{i}", "last_name": f"Last{i}",
         "language": rng.choice(LANGUAGES), "organisation_id": org_ids[i % organisations],
         "token_version": 1} for i in range(participants)])
    people = list(db.session.scalars(select(Person.id).where(Person.email.like("%@bench.example"))
                                     .order_by(Person.id)))
    db.session.execute(insert(Participant), [
        {"session_id": session.id, "person_id": person_id, "code": f"P{i + 1:04d}",
         "organisation_label": f"Bench organisation {i % organisations}",
         "languages_raw": ",".join(sorted(set(rng.sample(LANGUAGES, k=rng.randint(1, 2))))),
         "sectors_raw": ",".join(sorted(set(rng.sample(SECTORS, k=rng.randint(1, 2))))),
         "description": "", "absent": False} for i, person_id in enumerate(people)])
    participant_ids = list(db.session.scalars(
        select(Participant.id).where(Participant.session_id == session.id)
        .order_by(Participant.id)))
    weights = [1 / (rank + 1) ** 0.8 for rank in range(len(tag_ids))]
    items = []
    for pid in participant_ids:
        for number in range(5):
            items.append({"participant_id": pid, "kind": "offer" if number < 3 else "need",
                          "title": f"Item {number} of {pid}"})
    db.session.execute(insert(ParticipantItem), items)
    item_rows = list(db.session.execute(
        select(ParticipantItem.id, ParticipantItem.participant_id).order_by(ParticipantItem.id)))
    links = []
    per_item = max(tags_each // 5, 1)
    for item_id, _ in item_rows:
        chosen = set()
        while len(chosen) < per_item:
            chosen.add(rng.choices(tag_ids, weights=weights)[0])
        links += [{"item_id": item_id, "tag_id": tag_id} for tag_id in chosen]
    db.session.execute(insert(participant_item_tags), links)
    db.session.commit()
    return session.id


def timed(func, repeat: int = 1) -> tuple[float, object]:
    """Return the median time of `repeat` calls and the last result."""
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=1000)
    parser.add_argument("--tags-each", type=int, default=20)
    parser.add_argument("--vocabulary", type=int, default=400)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    from app import create_app
    from app.b2b import problem, suggestions
    from app.b2b.models import B2BSession, Participant
    from app.b2b.queries import make_participant_token
    from app.extensions import db
    from config import TestingConfig

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.sqlite'}"
        app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=url)
        rows: list[tuple[str, float]] = []
        with app.app_context():
            db.create_all()
            started = time.perf_counter()
            session_id = build_session(args.participants, args.tags_each, args.vocabulary,
                                       args.seed)
            print(f"built {args.participants} participants in "
                  f"{time.perf_counter() - started:.1f} s", file=sys.stderr)
            session = db.session.get(B2BSession, session_id)
            me = db.session.scalar(select(Participant).where(
                Participant.session_id == session_id).order_by(Participant.id))
            token = make_participant_token(me)

            suggestions.clear_cache()
            cold, cache = timed(lambda: suggestions.get_session_suggestions(session).all())
            rows.append(("suggestions, cold", cold))
            rows.append(("suggestions, cached", timed(
                lambda: suggestions.get_session_suggestions(session).all(), 5)[0]))
            rows.append(("one participant's top 20 (uncached)", timed(
                lambda: suggestions.compute(session).for_participant(me.code), 1)[0]
                - 0.0))
            rows.append(("problem export (cached suggestions)", timed(
                lambda: problem.build_problem_dict(session), 1)[0]))
            pairs = len(cache)

        client = app.test_client()
        base = f"/b2b/{session_id}/me/{token}"
        headers = {"Accept-Language": "en"}
        with app.app_context():
            suggestions.clear_cache()
        first, response = timed(lambda: client.get(base + "/catalogue", headers=headers))
        assert response.status_code == 200, response.status_code
        rows.append(("catalogue page (first, cold cache)", first))
        rows.append(("catalogue page (warm)", timed(
            lambda: client.get(base + "/catalogue", headers=headers), 7)[0]))
        rows.append(("catalogue page, filtered (warm)", timed(
            lambda: client.get(base + "/catalogue?offer=bench-3&language=fr", headers=headers),
            7)[0]))
        rows.append(("suggestions page (warm)", timed(
            lambda: client.get(base + "/suggestions", headers=headers), 7)[0]))
        rows.append(("portal page (warm)", timed(
            lambda: client.get(base + "/", headers=headers), 7)[0]))
        with app.app_context():
            db.engine.dispose()

    print(f"\nB2B catalogue benchmark: {args.participants} participants, ~{args.tags_each} "
          f"tags each, vocabulary {args.vocabulary}, {pairs} suggested pairs\n")
    print(f"{'measure':<42} {'seconds':>9} {'target':>8}  ok")
    failed = False
    for name, seconds in rows:
        target = TARGETS.get(name)
        ok = "" if target is None else ("yes" if seconds <= target else "NO")
        failed |= ok == "NO"
        print(f"{name:<42} {seconds:>9.3f} {target if target else '':>8}  {ok}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
