"""While the database is down, every page answers a translated 503 (a form keeps what was
typed, JSON gets JSON); once it is back, the first request works (the pool replaces the
connections the server closed: app/dropped_connections.py)."""

import glob
import os
import shutil
import socket
import sqlite3
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest
from flask import request_finished
from sqlalchemy import create_engine, func, select, text

from app import create_app
from app.events.models import Event, Registration
from app.extensions import db
from app.members.models import Person
from config import TestingConfig
from tests.external import require_service
from tests.factories import make_event

FORM = {"first_name": "Marie", "last_name": "Dubois", "email": "marie@example.org",
        "organisation": "Atelier Chêne", "language": "fr", "consent": "y"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ThrowawayPostgres:
    """A PostgreSQL cluster of our own in a temporary folder, which the test stops at will."""

    def __init__(self, folder: Path):
        self.bin = sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1]
        self.folder, self.port = folder, _free_port()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, command: str) -> None:
        # initdb and pg_ctl refuse to run as root: run them as the postgres user then.
        if os.geteuid() == 0:
            subprocess.run(["su", "postgres", "-c", command], check=True, capture_output=True)
        else:
            subprocess.run(command, shell=True, check=True, capture_output=True)

    def create(self) -> None:
        """Initialise the cluster and start it."""
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run(f"{self.bin}/initdb -D {self.folder}/data -U postgres --auth=trust -E UTF8")
        self.start()

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        self._run(f"{self.bin}/pg_ctl -D {self.folder}/data -l {self.folder}/log -w -o "
                  f"'-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
                  "-c fsync=off' start")

    def stop(self) -> None:
        """Stop the server at once (open connections are cut)."""
        self._run(f"{self.bin}/pg_ctl -D {self.folder}/data -m fast -w stop")


@pytest.fixture
def throwaway_postgres():
    """Yield a started PostgreSQL cluster of this test's own; removed afterwards."""
    require_service(bool(glob.glob("/usr/lib/postgresql/*/bin/initdb")),
                    "no PostgreSQL server binaries (initdb)")
    # Not under pytest's tmp_path: the postgres user must be able to reach the folder.
    folder = Path(tempfile.mkdtemp(prefix="clustermeet-pg-"))
    cluster = ThrowawayPostgres(folder)
    try:
        cluster.create()
        yield cluster
    finally:
        try:
            cluster.stop()
        except subprocess.CalledProcessError:
            pass  # already stopped, or never started
        shutil.rmtree(folder, ignore_errors=True)


def _app(url: str, tmp_path, **settings):
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=url,
                     MAIL_FOLDER=str(tmp_path / "mail"), **settings)
    with app.app_context():
        db.create_all()
        event_id = make_event(capacity=10, confirm_by_link=False).id
        db.session.commit()
    return app, event_id


@pytest.mark.slow
def test_database_down_gives_503_and_the_first_request_after_it_returns_works(
        throwaway_postgres, tmp_path):
    app, event_id = _app(throwaway_postgres.url, tmp_path)
    client = app.test_client()
    assert client.get(f"/events/{event_id}").status_code == 200  # the pool holds a connection

    throwaway_postgres.stop()
    posted = client.post(f"/events/{event_id}", data=FORM,
                         headers={"Accept-Language": "fr"})
    listed = client.get("/events/", headers={"Accept": "application/json"})

    page = posted.get_data(as_text=True)
    assert posted.status_code == 503
    assert posted.headers["Retry-After"] == "60"
    assert "Le service est brièvement indisponible" in page
    assert 'name="email" value="marie@example.org"' in page
    assert 'name="organisation" value="Atelier Chêne"' in page
    assert f'action="/events/{event_id}"' in page
    assert listed.status_code == 503
    assert listed.get_json() == {
        "error": "Service briefly unavailable",
        "reason": "The service is briefly unavailable. Please try again in a minute."}

    throwaway_postgres.start()
    again = client.post(f"/events/{event_id}", data=FORM)

    assert again.status_code == 302
    assert again.headers["Location"] == f"/events/{event_id}/registered"
    # A restart while idle leaves dead connections in the pool: they are replaced at checkout.
    throwaway_postgres.stop()
    throwaway_postgres.start()
    assert client.get(f"/events/{event_id}").status_code == 200
    with app.app_context():
        assert db.session.scalar(select(func.count(Registration.id))) == 1
        db.engine.dispose()


def _lock_out(app, path) -> sqlite3.Connection:
    """Hold the SQLite file so that nobody else can even read it (WAL lets readers past a
    plain writer's lock: only exclusive locking mode keeps them out)."""
    with app.app_context():
        db.engine.dispose()
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("PRAGMA locking_mode = EXCLUSIVE")
    other.execute("BEGIN EXCLUSIVE")
    return other


def test_a_locked_sqlite_database_gives_503(tmp_path):
    path = tmp_path / "locked.sqlite"
    app, event_id = _app(f"sqlite:///{path}", tmp_path,
                         SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"timeout": 0.1}})
    other = _lock_out(app, path)
    try:
        response = app.test_client().get(f"/events/{event_id}",
                                          headers={"Accept-Language": "nl"})
    finally:
        other.execute("ROLLBACK")
        other.close()

    assert response.status_code == 503
    assert "De dienst is even niet beschikbaar" in response.get_data(as_text=True)
    assert app.test_client().get(f"/events/{event_id}").status_code == 200


def test_the_503_page_never_sends_a_password_back(tmp_path):
    path = tmp_path / "locked.sqlite"
    app, _ = _app(f"sqlite:///{path}", tmp_path,
                  SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"timeout": 0.1}})
    other = _lock_out(app, path)
    try:
        response = app.test_client().post("/auth/login", data={
            "email": "orga@cluster.example", "password": "correct-horse-secret"})
    finally:
        other.execute("ROLLBACK")
        other.close()

    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert 'name="email" value="orga@cluster.example"' in page
    assert "correct-horse-secret" not in page and 'name="password"' not in page


class _Rush:
    """Threads posting the registration form without pause, each answer kept with its time."""

    def __init__(self, app, event_id: int, threads: int = 6):
        self.app, self.event_id = app, event_id
        self.answers: list[tuple[float, str, int, str]] = []  # started, email, status, page
        self.unavailable_ended: list[float] = []  # when each 503 came back
        self.errors: list[BaseException] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._post, args=(n,)) for n in range(threads)]

    def _post(self, number: int) -> None:
        client = self.app.test_client()
        sent = 0
        while not self._stop.is_set():
            email = f"rush{number}-{sent}@example.org"
            sent += 1
            started = time.monotonic()
            try:
                response = client.post(f"/events/{self.event_id}", data={**FORM, "email": email},
                                       headers={"Accept-Language": "fr"})
            except BaseException as exc:  # an error the app let through is a failure here
                with self._lock:
                    self.errors.append(exc)
                return
            with self._lock:
                self.answers.append((started, email, response.status_code,
                                     response.get_data(as_text=True)))
                if response.status_code == 503:
                    self.unavailable_ended.append(time.monotonic())
            time.sleep(0.02)  # a crowd, not a busy loop, while the server is down

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=30)

    def wait_for(self, confirmed: int, after: float = 0.0, timeout: float = 20.0) -> None:
        """Wait until `confirmed` registrations went through since `after` (monotonic)."""
        deadline = time.monotonic() + timeout
        while sum(1 for started, _, status, _ in list(self.answers)
                  if status == 302 and started >= after) < confirmed:
            if self.errors or time.monotonic() > deadline:
                raise AssertionError(f"rush stalled: {self.errors or 'timeout'}")
            time.sleep(0.05)


@pytest.mark.slow
def test_postgres_restarted_mid_rush_gives_no_500_and_works_again_at_once(
        throwaway_postgres, tmp_path):
    app, event_id = _app(throwaway_postgres.url, tmp_path,
                         SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 8})
    with app.app_context():
        event = db.session.get(Event, event_id)
        event.capacity = 5000
        db.session.commit()
    rush = _Rush(app, event_id)
    rush.start()
    try:
        rush.wait_for(10)
        stopped_at = time.monotonic()
        throwaway_postgres.stop()
        time.sleep(1.0)  # the crowd keeps posting while the server is down
        throwaway_postgres.start()
        back_at = time.monotonic()
        rush.wait_for(10, after=back_at)
    finally:
        rush.stop()

    assert rush.errors == []
    statuses = {status for _, _, status, _ in rush.answers}
    assert statuses <= {302, 503}, statuses
    unavailable = [(email, page) for started, email, status, page in rush.answers
                   if status == 503]
    assert unavailable, "no request met the stopped server"
    assert min(rush.unavailable_ended) >= stopped_at  # none before the server stopped
    for email, page in unavailable:
        assert "Le service est brièvement indisponible" in page
        assert f'name="email" value="{email}"' in page
    # The first requests once the server is back all work (dropped connections replaced).
    after = sorted((started, status) for started, _, status, _ in rush.answers
                   if started >= back_at)
    assert after and {status for _, status in after} == {302}
    confirmed = {email for _, email, status, _ in rush.answers if status == 302}
    typed = {email for _, email, _, _ in rush.answers}
    with app.app_context():
        stored = list(db.session.scalars(select(Person.email).join(
            Registration, Registration.person_id == Person.id)))
        db.engine.dispose()
    assert len(stored) == len(set(stored))  # nobody twice
    assert confirmed <= set(stored) <= typed  # every confirmed one kept, nothing invented


@pytest.mark.postgres
def test_a_connection_cut_after_the_last_query_of_a_request_is_no_500(postgres_app):
    with postgres_app.app_context():
        event_id = make_event().id
        db.session.commit()
    url = postgres_app.config["SQLALCHEMY_DATABASE_URI"]

    def cut_the_connection(sender, response, **extra):
        # The page is made; the database now drops this request's connection (a restart).
        pid = db.session.scalar(text("SELECT pg_backend_pid()"))
        other = create_engine(url)
        with other.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        other.dispose()

    client = postgres_app.test_client()
    with request_finished.connected_to(cut_the_connection, postgres_app):
        cut = client.get(f"/events/{event_id}")
    after = client.get(f"/events/{event_id}")

    assert cut.status_code == 200
    assert "Wood circlemeet" in cut.get_data(as_text=True)
    assert after.status_code == 200
