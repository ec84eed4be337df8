"""Read the audit log: filtered by action and date, newest first, a page at a time."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.extensions import db

PAGE_SIZE = 50


@dataclass(frozen=True)
class AuditPage:
    """One page of the log and where it sits among the others."""

    entries: list[AuditEntry]
    page: int
    pages: int
    total: int


def get_actions() -> list[str]:
    """Return the actions present in the log, sorted (the filter's choices)."""
    return list(db.session.scalars(
        select(AuditEntry.action).distinct().order_by(AuditEntry.action)))


def get_entries(*, action: str | None = None, since: datetime | None = None,
                until: datetime | None = None, page: int = 1,
                per_page: int = PAGE_SIZE) -> AuditPage:
    """Return a page of entries, newest first; `until` is exclusive."""
    conditions = []
    if action:
        conditions.append(AuditEntry.action == action)
    if since is not None:
        conditions.append(AuditEntry.created_at >= since)
    if until is not None:
        conditions.append(AuditEntry.created_at < until)
    total = db.session.scalar(select(func.count(AuditEntry.id)).where(*conditions)) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    entries = list(db.session.scalars(
        select(AuditEntry).where(*conditions)
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
        .offset((page - 1) * per_page).limit(per_page)))
    return AuditPage(entries=entries, page=page, pages=pages, total=total)
