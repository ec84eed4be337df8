"""Background jobs run by the worker."""

import enum
from datetime import datetime

from sqlalchemy import JSON, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import enum_type, utc_now
from app.extensions import db


class JobStatus(enum.StrEnum):
    """Where a background job stands."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Job(db.Model):
    """A unit of background work: a registered kind and plain arguments (ids, never objects)."""

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(60))
    #: JSON-serialisable arguments: ids and plain values only.
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[JobStatus] = mapped_column(enum_type(JobStatus), default=JobStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    run_after: Mapped[datetime] = mapped_column(default=utc_now)
    started_at: Mapped[datetime | None]
    #: Refreshed while the job runs; a stale heartbeat means its worker died.
    heartbeat_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    error: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (Index("ix_jobs_status_run_after", "status", "run_after"),)

    def __repr__(self) -> str:
        return f"<Job {self.id} {self.kind} {self.status}>"


class ProcessBeat(db.Model):
    """The last sign of life of a named process: a worker ("worker:host:pid"), the reminders."""

    __tablename__ = "process_beats"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    beat_at: Mapped[datetime] = mapped_column(default=utc_now)

    __table_args__ = (UniqueConstraint("name"),)

    def __repr__(self) -> str:
        return f"<ProcessBeat {self.name} {self.beat_at:%Y-%m-%d %H:%M:%S}>"
