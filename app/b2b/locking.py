"""The session lock: publication and grid edits of one B2B session run one at a time."""

from __future__ import annotations

from app.b2b.models import B2BSession
from app.db import lock_row
from app.extensions import db


def lock_session(session: B2BSession) -> B2BSession:
    """Take the session's row lock for the rest of the transaction and reload its row.

    Two organisers who edit the grid or publish at once would otherwise both check the
    schedule as it was before the other's change: one edit lost, or a schedule sent twice.
    """
    return lock_row(db.session, session)
