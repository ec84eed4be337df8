"""A pooled PostgreSQL connection the server closed is replaced before use, without a ping
query for the connections that are fine (app/dropped_connections.py), on a real server."""

import time

import pytest
from sqlalchemy import create_engine, text

from app import dropped_connections
from app.dropped_connections import replace_dropped_connections, server_closed
from tests.external import postgres_url, require_service

pytestmark = pytest.mark.postgres


@pytest.fixture
def engine():
    """Yield an engine of one pooled connection, checked as the app checks its own."""
    url = postgres_url()
    require_service(url is not None, "no PostgreSQL (set TEST_POSTGRES_URL)")
    engine = create_engine(url, pool_size=1, max_overflow=0)
    replace_dropped_connections(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def pings(engine, monkeypatch):
    """Count the pings the dialect sends (each a round trip to the server)."""
    sent = []
    ping = engine.dialect.do_ping

    def counted(dbapi_connection):
        sent.append(dbapi_connection)
        return ping(dbapi_connection)

    monkeypatch.setattr(engine.dialect, "do_ping", counted)
    return sent


def _backend_pid(engine) -> int:
    with engine.connect() as conn:
        return conn.scalar(text("SELECT pg_backend_pid()"))


def _terminate(pid: int) -> None:
    other = create_engine(postgres_url())
    with other.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    other.dispose()


def test_a_healthy_connection_is_reused_without_a_ping(engine, pings):
    first = _backend_pid(engine)
    second = _backend_pid(engine)

    assert second == first  # the same connection, handed out again
    assert pings == []  # and no round trip to check it


def test_a_connection_the_server_closed_is_replaced_before_use(engine, pings):
    with engine.connect() as conn:
        old = conn.scalar(text("SELECT pg_backend_pid()"))
        raw = conn.connection.dbapi_connection
    _terminate(old)
    deadline = time.monotonic() + 5
    while not server_closed(raw) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert server_closed(raw)

    with engine.connect() as conn:  # no error: the pool opened a new connection
        new = conn.scalar(text("SELECT pg_backend_pid()"))

    assert new != old
    assert pings == []


def test_a_connection_idle_for_long_is_pinged_first(engine, pings, monkeypatch):
    _backend_pid(engine)
    monkeypatch.setattr(dropped_connections, "PING_AFTER_IDLE_SECONDS", 0.0)
    time.sleep(0.01)

    _backend_pid(engine)

    assert len(pings) == 1


def test_a_connection_that_fails_its_ping_is_replaced(engine, pings, monkeypatch):
    old = _backend_pid(engine)
    monkeypatch.setattr(dropped_connections, "PING_AFTER_IDLE_SECONDS", 0.0)
    # A connection cut without a word: its socket shows nothing, but it no longer answers.
    monkeypatch.setattr(dropped_connections, "server_closed", lambda connection: False)
    _terminate(old)
    time.sleep(0.2)

    new = _backend_pid(engine)

    assert new != old
    assert len(pings) == 1  # the ping failed; the new connection needed none
