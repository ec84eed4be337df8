"""Time the B2B schedule path for a large session, in a temporary SQLite database.

    python benchmarks/b2b_schedule.py [--participants 1000] [--slots 16] [--tables 260]
                                      [--requests N] [--grid-target 2.0]

Builds a session (bulk inserts), then times: building the problem from the database, storing
a run of about 4 meetings per participant (a greedy schedule: the solver's own time is measured
by benchmarks/solver.py), rendering the grid page, the publication as the organiser's request
does it (decide what each person is told, record it, store the mails as one deferred row),
and the worker writing those mails into the outbox. Targets: under 2 s for each of the first
three, under 10 s for the publication's request; the worker's time is printed without one.
The grid is rendered twice, plain and filtered by a participant, after one warm-up request
(the template is compiled once per process). `make bench` also runs the organisers' size:
200 participants, 60 tables and 1,500 requests, whose grid must render in under 500 ms.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, insert, select  # noqa: E402

TARGETS = {"build problem": 2.0, "store run": 2.0, "render grid": 2.0, "publish (request)": 10.0}
LANGUAGES = ("fr", "nl", "en")


def build_session(participants: int, slots: int, tables: int, seed: int,
                  requests: int | None = None) -> int:
    """Insert a brokerage event and a session of that size; return the session id."""
    from app.b2b.models import (
        B2BSession,
        B2BTable,
        MeetingRequest,
        Participant,
        ParticipantItem,
        RequestStatus,
        SessionStatus,
        Slot,
    )
    from app.events.models import Event, EventKind, EventStatus
    from app.extensions import db
    from app.members.models import Person, ProfileItemKind

    rng = random.Random(seed)
    start = datetime(2027, 5, 20, 7, tzinfo=UTC)
    event = Event(kind=EventKind.BROKERAGE, status=EventStatus.PUBLISHED, title_en="Brokerage",
                  title_fr="Bourse B2B", title_nl="B2B-beurs", starts_at=start,
                  ends_at=start + timedelta(hours=10))
    db.session.add(event)
    db.session.flush()
    session = B2BSession(event_id=event.id, title="Benchmark", status=SessionStatus.OPEN,
                         max_meetings_default=8)
    db.session.add(session)
    db.session.flush()
    db.session.execute(insert(Slot), [
        {"session_id": session.id, "code": f"S{i + 1:02d}",
         "starts_at": start + timedelta(minutes=20 * i + (60 if i >= slots // 2 else 0)),
         "ends_at": start + timedelta(minutes=20 * i + 20 + (60 if i >= slots // 2 else 0))}
        for i in range(slots)])
    db.session.execute(insert(B2BTable), [
        {"session_id": session.id, "code": f"T{i + 1:03d}", "name": f"Table {i + 1}",
         "location": "", "position": i + 1} for i in range(tables)])
    db.session.execute(insert(Person), [
        {"email": f"p{i}@bench.example", "first_name": f"First{i}", "last_name": f"Last{i}",
         "language": LANGUAGES[i % 3], "organisation_name": f"Company {i}"}
        for i in range(participants)])
    person_ids = list(db.session.scalars(select(Person.id).order_by(Person.id)))
    db.session.execute(insert(Participant), [
        {"session_id": session.id, "person_id": pid, "code": f"P{i + 1:04d}",
         "organisation_label": f"Company {i}", "languages_raw": "en,fr,nl",
         "sectors_raw": "", "description": ""}
        for i, pid in enumerate(person_ids)])
    part_ids = list(db.session.scalars(select(Participant.id).where(
        Participant.session_id == session.id).order_by(Participant.id)))
    db.session.execute(insert(ParticipantItem), [
        {"participant_id": p, "kind": kind, "title": f"{kind.value} of {p}"}
        for p in part_ids for kind in (ProfileItemKind.OFFER, ProfileItemKind.NEED)])
    pairs: set[tuple[int, int]] = set()
    wanted = 4 * len(part_ids) if requests is None else requests
    per_person = -(-wanted // len(part_ids))
    for p in part_ids:
        made = 0
        while made < per_person and len(pairs) < wanted:
            q = rng.choice(part_ids)
            if q != p and (p, q) not in pairs and (q, p) not in pairs:
                pairs.add((p, q))
                made += 1
    db.session.execute(insert(MeetingRequest), [
        {"session_id": session.id, "from_id": a, "to_id": b, "priority": rng.choice((1, 2, 3)),
         "status": RequestStatus.ACCEPTED, "by_organiser": False, "message": ""}
        for a, b in sorted(pairs)])
    db.session.commit()
    return session.id


def cpu_seconds() -> float:
    """Return the CPU time of this process and of its finished child processes (PDF workers)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def timed(label: str, results: dict, func_):
    started, cpu = time.perf_counter(), cpu_seconds()
    value = func_()
    results[label] = (time.perf_counter() - started, cpu_seconds() - cpu)
    return value


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=1000)
    parser.add_argument("--slots", type=int, default=16)
    parser.add_argument("--tables", type=int, default=260)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=None,
                        help="requests in all (default: 4 per participant)")
    parser.add_argument("--grid-target", type=float, default=TARGETS["render grid"],
                        help="seconds the grid page may take")
    args = parser.parse_args(argv)
    targets = {**TARGETS, "render grid": args.grid_target,
               "render grid filtered": args.grid_target}

    import matchmaking
    from app import create_app
    from app.auth.services import create_user
    from app.b2b import publication
    from app.b2b.models import B2BSession, Meeting, MeetingRequest, RunStatus, ScheduleRun
    from app.b2b.problem import build_problem, store_run
    from app.extensions import db
    from app.mail import deferred
    from app.mail.models import OutboxMessage
    from config import TestingConfig

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp}/bench.sqlite",
                         MAIL_FOLDER=f"{tmp}/mail")
        results: dict[str, tuple[float, float]] = {}
        with app.app_context():
            db.create_all()
            create_user("bench@cluster.example", "bench-password", name="Bench", is_admin=True)
            session_id = timed("insert session", results, lambda: build_session(
                args.participants, args.slots, args.tables, args.seed, args.requests))
            session = db.session.get(B2BSession, session_id)
            problem = timed("build problem", results, lambda: build_problem(session))
            schedule = matchmaking.greedy_by_value(problem)
            run = ScheduleRun(session_id=session_id, status=RunStatus.RUNNING, time_limit=1)
            db.session.add(run)
            db.session.commit()
            timed("store run", results, lambda: (store_run(run, schedule),
                                                 db.session.commit()))
            meetings = db.session.scalar(select(func.count(Meeting.id)).where(
                Meeting.run_id == run.id))
            requests = db.session.scalar(select(func.count(MeetingRequest.id)))
            run_id = run.id

        client = app.test_client()
        client.post("/auth/login", data={"email": "bench@cluster.example",
                                         "password": "bench-password"})
        grid_url = f"/b2b/runs/{run_id}/grid"
        client.get(grid_url, headers={"Accept-Language": "en"})
        for label, query in (("render grid", {}), ("render grid filtered", {"who": "last1"})):
            response = timed(label, results, lambda query=query: client.get(
                grid_url, query_string=query, headers={"Accept-Language": "en"}))
            if response.status_code != 200:
                print(f"grid page answered {response.status_code}", file=sys.stderr)
                return 1

        with app.app_context():
            run = db.session.get(ScheduleRun, run_id)
            # The organiser's request decides and stores the mails; the worker writes them.
            result = timed("publish (request)", results, lambda: (
                publication.publish_run(run, defer_mail=True), db.session.commit())[0])
            timed("write mails (worker)", results, deferred.render_deferred)
            queued = db.session.scalar(select(func.count(OutboxMessage.id)))

    print(f"B2B schedule benchmark: {args.participants} participants, {args.slots} slots, "
          f"{args.tables} tables, {requests} requests, {meetings} meetings, {queued} mails queued "
          f"({result.people} people)")
    # CPU seconds are shown too: on a shared, busy machine wall time mostly measures waiting.
    print(f"{'step':<20} {'seconds':>8} {'cpu s':>8} {'target':>8}  ok")
    failed = False
    for label, (seconds, cpu) in results.items():
        target = targets.get(label)
        ok = "" if target is None else ("yes" if seconds < target else "NO")
        failed |= ok == "NO"
        shown = "" if target is None else f"{target:8.1f}"
        print(f"{label:<20} {seconds:8.2f} {cpu:8.2f} {shown:>8}  {ok}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
