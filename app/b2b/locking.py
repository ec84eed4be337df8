"""The session lock: publication and grid edits of one B2B session run one at a time."""

from __future__ import annotations

from sqlalchemy import select, text

from app.b2b.models import B2BSession
from app.extensions import db


def lock_session(session: B2BSession) -> B2BSession:
    """Take the session's row lock for the rest of the transaction and reload its row.

    Two organisers who edit the grid or publish at once would otherwise both check the
    schedule as it was before the other's change: one edit lost, or a schedule sent twice.
    """
    if db.session.get_bind().dialect.name == "sqlite":
        # SQLite has no FOR UPDATE: a write takes the database's write lock instead.
        db.session.execute(text("UPDATE b2b_sessions SET id = id WHERE id = :id"),
                           {"id": session.id})
    # Fetched, not only executed: populate_existing refreshes the row another organiser's
    # transaction may have changed while this one waited (published_at, say).
    return db.session.execute(
        select(B2BSession).where(B2BSession.id == session.id).with_for_update()
        .execution_options(populate_existing=True)).scalar_one()
