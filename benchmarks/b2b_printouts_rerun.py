"""Time printing every agenda and a re-run after publication, in a temporary SQLite database.

    python benchmarks/b2b_printouts_rerun.py [--participants 200] [--requests 1500]

Builds a session (benchmarks/b2b_schedule.py), publishes a schedule, changes 5 requests (4
new, 1 withdrawn), then times a re-run that keeps the published meetings (the solver with
the published meetings locked) and counts the meetings it moved; then times "print all
agendas" (one PDF, a page per participant) and "print all table sheets". Targets: re-run under
10 s moving no meeting that could stay, all agendas and all table sheets under 10 s each. CPU
time counts the PDF worker processes; the load average is printed (2 cores shared).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select  # noqa: E402

from benchmarks.b2b_schedule import build_session, timed  # noqa: E402

TARGETS = {"re-run (keep)": 10.0, "print agendas": 10.0, "print tables": 10.0}


def add_requests(session_id: int, total: int, seed: int) -> None:
    """Add accepted requests between random participants until the session has `total`."""
    from app.b2b.models import MeetingRequest, Participant, RequestStatus
    from app.extensions import db

    rng = random.Random(seed)
    ids = list(db.session.scalars(select(Participant.id).where(
        Participant.session_id == session_id)))
    pairs = {frozenset(p) for p in db.session.execute(
        select(MeetingRequest.from_id, MeetingRequest.to_id).where(
            MeetingRequest.session_id == session_id))}
    rows = []
    while len(pairs) < total:
        a, b = rng.sample(ids, 2)
        if frozenset((a, b)) not in pairs:
            pairs.add(frozenset((a, b)))
            rows.append({"session_id": session_id, "from_id": a, "to_id": b,
                         "priority": rng.choice((1, 2, 3)), "status": RequestStatus.ACCEPTED,
                         "by_organiser": False, "message": ""})
    if rows:
        db.session.execute(insert(MeetingRequest), rows)
    db.session.commit()


def change_five_requests(session_id: int, seed: int) -> None:
    """Withdraw one scheduled request and add four new ones."""
    from app.b2b.models import MeetingRequest, RequestStatus
    from app.extensions import db

    withdrawn = db.session.scalars(select(MeetingRequest).where(
        MeetingRequest.session_id == session_id).order_by(MeetingRequest.id)).first()
    withdrawn.status = RequestStatus.WITHDRAWN
    db.session.commit()
    total = db.session.query(MeetingRequest).filter_by(session_id=session_id).count()
    add_requests(session_id, total + 4, seed + 1)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=200)
    parser.add_argument("--requests", type=int, default=1500)
    parser.add_argument("--slots", type=int, default=16)
    parser.add_argument("--tables", type=int, default=60)
    parser.add_argument("--time-limit", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    import matchmaking
    from app import create_app
    from app.b2b import pdf, publication
    from app.b2b.keep_published import build_keeping_problem
    from app.b2b.models import B2BSession, RunStatus, ScheduleRun
    from app.b2b.problem import build_problem, store_run
    from app.extensions import db
    from config import TestingConfig

    results: dict[str, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp}/bench.sqlite",
                         MAIL_FOLDER=f"{tmp}/mail")
        with app.app_context(), app.test_request_context():
            db.create_all()
            session_id = build_session(args.participants, args.slots, args.tables, args.seed)
            add_requests(session_id, args.requests, args.seed)
            session = db.session.get(B2BSession, session_id)
            first = ScheduleRun(session_id=session_id, status=RunStatus.RUNNING, time_limit=1)
            db.session.add(first)
            db.session.commit()
            store_run(first, matchmaking.greedy_by_value(build_problem(session)))
            publication.publish_run(first)
            db.session.commit()
            before = {frozenset((m.a_id, m.b_id)): (m.slot_id, m.table_id)
                      for m in first.meetings}
            change_five_requests(session_id, args.seed)

            run = ScheduleRun(session_id=session_id, status=RunStatus.RUNNING,
                              time_limit=args.time_limit, base_run_id=first.id,
                              keeps_published=True)
            db.session.add(run)
            db.session.commit()

            def rerun():
                problem, locked, previous = build_keeping_problem(run)
                schedule = matchmaking.resolve(problem, previous, time_limit=args.time_limit)
                store_run(run, schedule, locked=locked)
                db.session.commit()

            timed("re-run (keep)", results, rerun)
            after = {frozenset((m.a_id, m.b_id)): (m.slot_id, m.table_id)
                     for m in run.meetings}
            moved = sum(1 for pair, place in before.items()
                        if pair in after and after[pair] != place)
            dropped = sum(1 for pair in before if pair not in after)
            added = sum(1 for pair in after if pair not in before)
            data = timed("print agendas", results, lambda: pdf.all_agendas_pdf(run))
            sheets = timed("print tables", results, lambda: pdf.all_table_sheets_pdf(run))

    print(f"B2B printouts and re-run benchmark: {args.participants} participants, "
          f"{args.requests} requests, {len(before)} published meetings; re-run after 5 "
          f"changed requests: {moved} moved, {dropped} dropped, {added} added; "
          f"all agendas: {len(data) // 1024} KiB, all table sheets: {len(sheets) // 1024} KiB; "
          f"load average {os.getloadavg()[0]:.1f} (1 min)")
    print(f"{'step':<16} {'seconds':>8} {'cpu s':>8} {'target':>8}  ok")
    failed = moved > 0
    for label, (seconds, cpu) in results.items():
        target = TARGETS.get(label)
        ok = "" if target is None else ("yes" if seconds < target else "NO")
        failed |= ok == "NO"
        shown = "" if target is None else f"{target:8.1f}"
        print(f"{label:<16} {seconds:8.2f} {cpu:8.2f} {shown:>8}  {ok}")
    print(f"{'moved meetings':<16} {moved:8d} {'':>8} {0:8d}  {'yes' if moved == 0 else 'NO'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
