"""Load benchmark: the app under gunicorn on PostgreSQL and SQLite, against a bare Flask hello.

Run from the repository root (``make bench-load``)::

    python -m benchmarks.load --postgres postgresql+psycopg://postgres@127.0.0.1:5433/cm_load

For each database: its schema is dropped and rebuilt with the demo data (``flask seed demo``)
and two events of 50 places for the rushes; gunicorn starts with ``gunicorn.conf.py`` and 4
workers in the production configuration (JSON logs, rate limits counted in Redis, the
registration limit set for a crowd, see CROWD_SETTINGS); a bare Flask hello app runs under
the same gunicorn command as the ceiling. A second process (benchmarks/load_client.py, an
asyncio HTTP/1.1 client on loopback) drives each server: hello, /events/ and an event page in
turn, one-second slices (see ``load_client.alternate``), so that the machine's drift weighs
on the ceiling and the pages alike. Prints one table.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from benchmarks import load_client
from benchmarks.rush import _make_event

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
WORKERS = 4
#: Redis database of the benchmark's rate-limit counters (flushed before each server starts).
REDIS_URL = os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/13")
#: A crowd registers from one loopback address here: the per-address registration limit is
#: raised so that the rush measures seats, not the limiter (which still counts in Redis).
CROWD_SETTINGS = {"REGISTRATION_RATE_LIMIT": "2000 per minute"}
#: Seconds each page (and hello) is driven after one second of warm-up, in ROUNDS slices
#: taken in turn with the others; and the most requests of each.
DURATION = float(os.environ.get("LOAD_SECONDS", "5"))
ROUNDS = 5
MAX_REQUESTS = 50_000
CONCURRENCY = 16
RUSH_PEOPLE, RUSH_PLACES, RUSH_CONCURRENT = 200, 50, 50
FORM_MIN_SECONDS = 1.0


def free_port() -> int:
    """Return a loopback port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_environment(database_url: str, mail_folder: str) -> dict:
    """Return the environment of a production gunicorn on `database_url`."""
    return {**os.environ, "CLUSTERMEET_ENV": "production", "SECRET_KEY": secrets.token_hex(32),
            "DATABASE_URL": database_url, "WEB_WORKERS": str(WORKERS),
            "RATELIMIT_STORAGE_URI": REDIS_URL, "MAIL_TRANSPORT": "folder",
            "MAIL_FOLDER": mail_folder, "FORM_MIN_SECONDS": str(FORM_MIN_SECONDS),
            "LOG_FORMAT": "json", **CROWD_SETTINGS}


class Server:
    """A gunicorn with WORKERS workers serving `app_path`, its log in a file; a context."""

    def __init__(self, app_path: str, environment: dict, log_path: Path, ready_path: str) -> None:
        self.port = free_port()
        self.ready_path = ready_path
        self.log = open(log_path, "wb")  # noqa: SIM115 (closed in __exit__)
        self.process = subprocess.Popen(
            [GUNICORN, "-c", "gunicorn.conf.py", "-w", str(WORKERS),
             "-b", f"127.0.0.1:{self.port}",
             "--control-socket", str(log_path.with_suffix(".ctl")), app_path],
            cwd=ROOT, env=environment, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True)

    def __enter__(self) -> Server:
        """Wait until a worker answers `ready_path` (workers import the app after the bind)."""
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log.name}")
            if asyncio.run(load_client.request(self.port, "GET", self.ready_path)).status:
                return self
            time.sleep(0.5)
        raise RuntimeError(f"gunicorn did not answer within 120 s; see {self.log.name}")

    def __exit__(self, *exc) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.log.close()


def drive(job: str, *args, **kwargs) -> dict:
    """Run a client job in a second process and return its figures."""
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    child = context.Process(target=load_client.run_in_child, args=(results, job, *args),
                            kwargs=kwargs)
    child.start()
    figures = results.get(timeout=600)
    child.join(timeout=30)
    if isinstance(figures, dict) and "failed" in figures:
        raise RuntimeError(f"client {job} failed: {figures['failed']}")
    return figures


def prepare_database(url: str) -> tuple[int, int]:
    """Rebuild `url` with the demo data and two rush events; return the rush events' ids."""
    from app import create_app
    from app.extensions import db
    from app.seed.cli import DEMO_STEPS
    from app.seed.demo_members import seed_demo_members
    from app.seed.vocabulary import seed_vocabulary
    from config import DevelopmentConfig

    if url.startswith("postgresql"):
        _create_postgres_database(url)
    app = create_app(DevelopmentConfig, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        if url.startswith("postgresql"):
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        db.create_all()
        seed_vocabulary()
        seed_demo_members(2027)
        for step in DEMO_STEPS:
            step(2027)
        db.session.commit()
    events = (_make_event(app, RUSH_PLACES), _make_event(app, RUSH_PLACES))
    with app.app_context():
        db.session.remove()
        if url.startswith("postgresql"):
            # A database in service has its statistics (autovacuum keeps them): gather them
            # now rather than let autovacuum's first pass over the new tables fall mid-run.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
        db.engine.dispose()
    return events


def _create_postgres_database(url: str) -> None:
    target = make_url(url)
    engine = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                             {"name": target.database})
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    engine.dispose()


def registration_counts(url: str, event_id: int) -> dict:
    """Count the registrations of an event by status."""
    from app.events.models import Registration

    engine = create_engine(url)
    with engine.connect() as conn:
        counts = dict(conn.execute(select(Registration.status, func.count())
                                   .where(Registration.event_id == event_id)
                                   .group_by(Registration.status)).all())
    engine.dispose()
    return {str(getattr(key, "value", key)): value for key, value in counts.items()}


def flush_redis() -> None:
    """Empty the benchmark's Redis database (the limiter's counters of an earlier run)."""
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


def redis_missing() -> str | None:
    """Return why the benchmark cannot use its Redis, or None when Redis answers."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        return (f"benchmarks.load: no Redis at {REDIS_URL} ({exc}); the app counts its rate "
                f"limits there, as in production. Start redis-server on that address or set "
                f"LOAD_REDIS_URL.")
    return None


def measure_database(name: str, url: str, hello_port: int, work: Path) -> list[dict]:
    """Measure hello, /events/, an event page and the two rushes on one database."""
    rush_events = prepare_database(url)
    flush_redis()
    environment = server_environment(url, str(work / f"mail-{name}"))
    rows = []
    with Server("wsgi:app", environment, work / f"gunicorn-{name}.log", "/events/") as server:
        page = _first_event_page(server.port, rush_events)
        hello, *pages = drive("alternate", [(hello_port, "/"), (server.port, "/events/"),
                                            (server.port, page)],
                              concurrency=CONCURRENCY, seconds=DURATION, rounds=ROUNDS,
                              max_requests=MAX_REQUESTS)
        rows.append({"what": "hello", "db": name, **hello})
        for label, figures in zip(("/events/", "event page"), pages, strict=True):
            rows.append({"what": label, "db": name, "ratio": figures["rps"] / hello["rps"],
                         **figures})
        for event_id, concurrency in zip(rush_events, (RUSH_PEOPLE, RUSH_CONCURRENT),
                                         strict=True):
            figures = drive("rush", server.port, event_id, RUSH_PEOPLE, concurrency,
                            f"{name}{event_id}", FORM_MIN_SECONDS)
            counts = registration_counts(url, event_id)
            rows.append({"what": f"rush {RUSH_PEOPLE}, {concurrency} at once", "db": name,
                         "confirmed": counts.get("confirmed", 0),
                         "waitlisted": counts.get("waitlisted", 0), **figures})
    return rows


def _first_event_page(port: int, skip: tuple[int, ...]) -> str:
    """Return the path of the first demo event listed on /events/ (not a rush event)."""
    answer = asyncio.run(load_client.request(port, "GET", "/events/"))
    for match in re.finditer(rb'href="/events/(\d+)"', answer.body):
        if int(match.group(1)) not in skip:
            return f"/events/{int(match.group(1))}"
    raise RuntimeError(f"no event on /events/ (status {answer.status})")


def format_table(rows: list[dict]) -> str:
    """Return the rows as one Markdown table."""
    lines = ["| what | db | requests | req/s | p50 ms | p95 ms | p99 ms | errors | vs hello "
             "| rush outcome |", "|---|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    for row in rows:
        ratio = f"{row['ratio'] * 100:.1f} %" if "ratio" in row else ""
        outcome = (f"{row['confirmed']} confirmed, {row['waitlisted']} waitlisted, "
                   f"wall {row['seconds']:.2f} s" if "confirmed" in row else "")
        lines.append(
            f"| {row['what']} | {row['db']} | {row['requests']} | {row['rps']:.0f} "
            f"| {row['p50'] * 1000:.1f} | {row['p95'] * 1000:.1f} | {row['p99'] * 1000:.1f} "
            f"| {row['errors']} | {ratio} | {outcome} |")
    return "\n".join(lines)


def main() -> None:
    """Parse the arguments, run every measurement, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default=os.environ.get("LOAD_POSTGRES_URL"),
                        help="PostgreSQL URL of a database the benchmark may empty "
                             "(created if missing); without it, SQLite only")
    parser.add_argument("--no-sqlite", action="store_true", help="skip SQLite")
    args = parser.parse_args()
    missing = redis_missing()
    if missing:
        parser.exit(2, missing + "\n")
    work = Path(tempfile.mkdtemp(prefix="clustermeet-load-"))
    databases = []
    if args.postgres:
        databases.append(("PostgreSQL", args.postgres))
    if not args.no_sqlite:
        databases.append(("SQLite", f"sqlite:///{work / 'load.sqlite'}"))
    started = time.monotonic()
    rows: list[dict] = []
    load_before = os.getloadavg()
    hello_environment = server_environment("sqlite://", str(work / "mail-hello"))
    with Server("benchmarks.hello_app:app", hello_environment, work / "gunicorn-hello.log",
                "/") as hello:
        for name, url in databases:
            rows += measure_database(name, url, hello.port, work)
    load_after = os.getloadavg()
    print(f"gunicorn: {WORKERS} sync workers (gunicorn.conf.py), {CONCURRENCY} client "
          f"connections for {DURATION:.0f} s per page in {ROUNDS} slices alternating with "
          f"hello's, {os.cpu_count()} cores; load average "
          f"{load_before[0]:.2f} before, {load_after[0]:.2f} after; "
          f"{time.monotonic() - started:.0f} s in all")
    print(format_table(rows))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
