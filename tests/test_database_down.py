"""While the database is down, every page answers a translated 503 (a form keeps what was
typed, JSON gets JSON); once it is back, the first request works (pool_pre_ping)."""

import glob
import os
import shutil
import socket
import sqlite3
import subprocess
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app import create_app
from app.events.models import Registration
from app.extensions import db
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
    # A restart while idle leaves dead connections in the pool: pre-ping replaces them.
    throwaway_postgres.stop()
    throwaway_postgres.start()
    assert client.get(f"/events/{event_id}").status_code == 200
    with app.app_context():
        assert db.session.scalar(select(func.count(Registration.id))) == 1
        db.engine.dispose()


def test_a_locked_sqlite_database_gives_503(tmp_path):
    path = tmp_path / "locked.sqlite"
    app, event_id = _app(f"sqlite:///{path}", tmp_path,
                         SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"timeout": 0.1}})
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
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
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
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
