"""Time a registration rush: N threads register at once for the last places of one event.

Run from the repository root, on a database you may empty (its schema is dropped)::

    CLUSTERMEET_ENV=testing python -m benchmarks.rush postgresql+psycopg://.../db \
        --people 200 --places 50 --threads 50

Each thread posts the public registration form through the WSGI app (Flask's test client,
so no HTTP server in the way) and times its requests; ``--processes`` forks that many
processes (like gunicorn's workers: threads of one process share its interpreter lock).
Prints confirmed, waitlisted, errors, the wall time, the p50/p95 of one request, and how long
each transaction held the event's lock (from the granted SELECT ... FOR UPDATE to the commit;
their total is time nobody else could register). The testing configuration is used: no CSRF,
no rate limit, no form timing check, mail to a folder that nobody sends.
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import tempfile
import threading
import time
from datetime import timedelta

from sqlalchemy import event as sa_event
from sqlalchemy import func, select, text

from app import create_app
from app.db import utc_now
from app.events.models import Audience, Event, EventKind, EventStatus, Registration
from app.extensions import db
from config import TestingConfig


def _make_app(url: str, threads: int):
    options = {"pool_size": threads, "max_overflow": 5, "pool_timeout": 120}
    if url.startswith("sqlite"):
        options = {"connect_args": {"timeout": 120}}
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=url,
                     SQLALCHEMY_ENGINE_OPTIONS=options, MAIL_FOLDER=tempfile.mkdtemp())
    with app.app_context():
        if url.startswith("postgresql"):
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        db.create_all()
    return app


def _make_event(app, places: int) -> int:
    with app.app_context():
        starts_at = utc_now().replace(microsecond=0) + timedelta(days=10)
        event = Event(kind=EventKind.CIRCLEMEET, status=EventStatus.PUBLISHED,
                      title_en="Rush", title_fr="Rush", title_nl="Rush",
                      description_en="The last places.", starts_at=starts_at,
                      ends_at=starts_at + timedelta(hours=2), venue="Hall",
                      address="Rue de l'Exemple 1, 1070 Anderlecht", audience=Audience.PUBLIC,
                      capacity=places, confirm_by_link=False)
        db.session.add(event)
        db.session.commit()
        return event.id


def _watch_lock(app, held: list[float]) -> None:
    """Append to `held` how long each transaction held the event lock (taken to commit)."""
    taken: dict[int, float] = {}
    with app.app_context():
        engine = db.engine

    @sa_event.listens_for(engine, "after_cursor_execute")  # after: once the lock is granted
    def after(conn, cursor, statement, parameters, context, executemany):
        if "FROM events" in statement and "FOR UPDATE" in statement or (
                statement.startswith("UPDATE events SET id = id")):
            taken.setdefault(id(conn), time.perf_counter())

    @sa_event.listens_for(engine, "commit")
    def commit(conn):
        started = taken.pop(id(conn), None)
        if started is not None:
            held.append(time.perf_counter() - started)

    @sa_event.listens_for(engine, "rollback")
    def rollback(conn):
        commit(conn)


def _rush(app, event_id: int, people: list[int], threads: int, start_at: float) -> tuple:
    """Register `people` from `threads` threads; return durations, statuses, lock times."""
    durations: list[float] = []
    statuses: list[int] = []
    held: list[float] = []
    _watch_lock(app, held)
    lock = threading.Lock()
    queue = iter(people)

    def worker() -> None:
        client = app.test_client()
        while True:
            with lock:
                index = next(queue, None)
            if index is None:
                return
            started = time.perf_counter()
            response = client.post(f"/events/{event_id}", data={
                "first_name": "Rush", "last_name": str(index), "language": "en",
                "email": f"rush{index}@example.org", "consent": "y"})
            elapsed = time.perf_counter() - started
            with lock:
                durations.append(elapsed)
                statuses.append(response.status_code)

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    time.sleep(max(0.0, start_at - time.time()))
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=600)
    return durations, statuses, held


def _process(url: str, event_id: int, people: list[int], threads: int, start_at: float,
             results) -> None:
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=url, MAIL_FOLDER=tempfile.mkdtemp(),
                     SQLALCHEMY_ENGINE_OPTIONS={"pool_size": threads, "pool_timeout": 120})
    results.put(_rush(app, event_id, people, threads, start_at))


def run(url: str, people: int, places: int, threads: int, processes: int = 1) -> dict:
    """Register `people` for an event with `places` from `processes` x `threads` clients."""
    app = _make_app(url, threads)
    event_id = _make_event(app, places)
    with app.app_context():
        db.engine.dispose()  # forked processes open their own connections
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    start_at = time.time() + 2 + processes  # every process ready before the first request
    children = [context.Process(target=_process, args=(
        url, event_id, list(range(people))[number::processes], threads, start_at, results))
        for number in range(processes)]
    for child in children:
        child.start()
    durations: list[float] = []
    statuses: list[int] = []
    held: list[float] = []
    for _ in children:
        more_durations, more_statuses, more_held = results.get(timeout=900)
        durations += more_durations
        statuses += more_statuses
        held += more_held
    wall = time.time() - start_at
    for child in children:
        child.join(timeout=60)
    with app.app_context():
        counts = dict(db.session.execute(
            select(Registration.status, func.count()).group_by(Registration.status)).all())
        db.session.remove()
        db.engine.dispose()
    durations.sort()
    held.sort()
    return {
        "lock_p50": statistics.median(held), "lock_total": sum(held),
        "confirmed": counts.get("confirmed", 0), "waitlisted": counts.get("waitlisted", 0),
        "errors": sum(1 for status in statuses if status != 302), "wall": wall,
        "p50": statistics.median(durations),
        "p95": durations[max(0, int(len(durations) * 0.95) - 1)],
    }


def main() -> None:
    """Parse the arguments, run the rush, print one line of figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="database URL (its schema is dropped)")
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--places", type=int, default=50)
    parser.add_argument("--threads", type=int, default=50, help="threads per process")
    parser.add_argument("--processes", type=int, default=1, help="like gunicorn's workers")
    args = parser.parse_args()
    figures = run(args.url, args.people, args.places, args.threads, args.processes)
    print(f"people={args.people} places={args.places} processes={args.processes} "
          f"threads={args.threads} "
          f"confirmed={figures['confirmed']} waitlisted={figures['waitlisted']} "
          f"errors={figures['errors']} wall={figures['wall']:.2f}s "
          f"p50={figures['p50'] * 1000:.0f}ms p95={figures['p95'] * 1000:.0f}ms "
          f"lock held: p50={figures['lock_p50'] * 1000:.1f}ms "
          f"total={figures['lock_total']:.2f}s")


if __name__ == "__main__":
    main()
