"""Pooled PostgreSQL connections the server closed are replaced before use, without a query.

A server that stops or restarts (or ends an idle session, ``idle_session_timeout``) closes its
connections: it sends a last message and ends the stream, so the socket of an idle pooled
connection becomes readable (an idle connection is sent nothing otherwise). At checkout, the
first query of a request, such a connection is thrown away and the pool opens a new one: the
first request once the server is back works. SQLAlchemy's ``pool_pre_ping`` did this with a
query at every checkout, one round trip more for every request.

A connection cut without a word (a firewall's idle timeout, a failover to another machine)
leaves no trace on its socket. One idle for longer than PING_AFTER_IDLE_SECONDS is pinged
first; a failed ping replaces every connection of the pool. One used more recently reaches
the lost server: that request answers the "briefly unavailable" page, keeping what was typed,
and SQLAlchemy then replaces the pool's connections, so the next request works. For psycopg 3,
the driver the app uses.
"""

from __future__ import annotations

import select
import time

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError, InvalidatePoolError

#: A connection idle this long is pinged at checkout, whatever its socket says.
PING_AFTER_IDLE_SECONDS = 10.0
#: Where a pooled connection's record keeps when it was last given back (time.monotonic). The
#: pool clears a record's info when it opens a new connection: a new one is not checked.
_IDLE_SINCE = "clustermeet_idle_since"


def replace_dropped_connections(engine: Engine) -> None:
    """Check each connection the pool hands out (PostgreSQL through psycopg; not SQLite)."""
    if (engine.dialect.name, engine.dialect.driver) != ("postgresql", "psycopg"):
        return
    dbapi_error = engine.dialect.loaded_dbapi.Error

    @event.listens_for(engine, "checkin")
    def _given_back(_dbapi_connection, record) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _handed_out(dbapi_connection, record, _proxy) -> None:
        idle_since = record.info.pop(_IDLE_SINCE, None)
        if idle_since is None:  # opened just now
            return
        if server_closed(dbapi_connection):
            # The pool discards the connection and checks out a new one.
            raise DisconnectionError("the database server closed this connection")
        if time.monotonic() - idle_since > PING_AFTER_IDLE_SECONDS:
            try:
                engine.dialect.do_ping(dbapi_connection)
            except dbapi_error as error:
                if not engine.dialect.is_disconnect(error, dbapi_connection, None):
                    raise
                # Like pool_pre_ping: the pool's other connections went the same way.
                raise InvalidatePoolError(f"the database did not answer: {error}") from error


def server_closed(connection) -> bool:
    """Tell whether the server ended this idle psycopg connection (its socket has news)."""
    if connection.closed:
        return True
    try:
        socket = connection.pgconn.socket
    except connection.OperationalError:  # the connection is no longer usable
        return True
    poller = select.poll()
    poller.register(socket, select.POLLIN | select.POLLPRI)
    return bool(poller.poll(0))
