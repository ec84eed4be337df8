"""Schedule runs: start one as a background job, solve in the worker, store the result.

A run is started from a web request (`start_run`: a row and a job, nothing else); the worker
calls `solve_run_job`, which builds the problem, runs the CP-SAT solver (or
`matchmaking.resolve` for an event-day re-plan) and stores the meetings with
`problem.store_run` (every conversion to and from matchmaking lives in `app.b2b.problem`).
While the solver works, a small ticker thread writes the best value and bound to the run row
in its own short transaction every few seconds and keeps the job's heartbeat fresh.
"""

from __future__ import annotations

import threading
from datetime import datetime

from flask import current_app
from sqlalchemy import delete, select, update

import matchmaking
from app.b2b.keep_published import build_keeping_problem
from app.b2b.models import (
    B2BSession,
    Meeting,
    RunStatus,
    ScheduleRun,
    Slot,
)
from app.b2b.problem import build_problem, build_run_problem, schedule_of, store_run
from app.db import utc_now
from app.extensions import db
from app.jobs.models import Job, JobStatus
from app.jobs.registry import enqueue, job
from app.jobs.services import STALE_REASON
from app.jobs.worker import current_job_id, heartbeat
from app.text import one_line
from matchmaking import measure

SOLVE_JOB = "b2b.solve"
#: A running run's phases: building the problem, a first schedule found, improving it.
PHASE_PREPARING, PHASE_FOUND, PHASE_IMPROVING = "preparing", "found", "improving"
#: Seconds between two progress writes (and heartbeats) while the solver runs.
PROGRESS_EVERY = 2.0
MAX_TIME_LIMIT = 3600


class RunError(ValueError):
    """A run that cannot be started or restarted; the message is shown to the organiser."""


def start_run(session: B2BSession, *, time_limit: int, min_meetings: int,
              base_run: ScheduleRun | None = None,
              from_slot: Slot | None = None, keep_published: bool = False) -> ScheduleRun:
    """Create a queued run and its solver job; flush only (the worker solves it).

    ``keep_published``: every published meeting still valid stays where it is (after
    publication, the default of the organisers' pages).
    """
    if not 1 <= time_limit <= MAX_TIME_LIMIT:
        raise RunError(f"time limit must be between 1 and {MAX_TIME_LIMIT} seconds")
    if min_meetings < 0:
        raise RunError("min_meetings must not be negative")
    if from_slot is not None and base_run is None:
        raise RunError("a re-plan needs the schedule it starts from")
    if keep_published and (from_slot is not None or session.published_run_id is None):
        raise RunError("only a run after publication keeps the published meetings")
    run = ScheduleRun(session_id=session.id, time_limit=time_limit, min_meetings=min_meetings,
                      base_run_id=base_run.id if base_run else None,
                      from_slot_id=from_slot.id if from_slot else None,
                      keeps_published=keep_published,
                      status=RunStatus.QUEUED, stats={}, unscheduled=[])
    db.session.add(run)
    db.session.flush()
    run.job_id = enqueue(SOLVE_JOB, run_id=run.id).id
    db.session.flush()
    return run


def restart_run(run: ScheduleRun) -> ScheduleRun:
    """Queue a failed run again with a new job; flush only."""
    sync_run_with_job(run)
    if run.status != RunStatus.FAILED:
        raise RunError("only a failed run can be restarted")
    db.session.execute(delete(Meeting).where(Meeting.run_id == run.id))
    run.status = RunStatus.QUEUED
    run.error = ""
    run.best_value = run.bound = run.placed = None
    run.phase = ""
    run.progress_at = run.started_at = run.finished_at = None
    run.stats, run.unscheduled = {}, []
    run.job_id = enqueue(SOLVE_JOB, run_id=run.id).id
    db.session.flush()
    return run


def sync_run_with_job(run: ScheduleRun) -> bool:
    """Mark an unfinished run failed when its job failed (a dead worker, say); flush only."""
    if run.status not in (RunStatus.QUEUED, RunStatus.RUNNING):
        return False
    job_row = db.session.get(Job, run.job_id) if run.job_id else None
    if job_row is not None and job_row.status != JobStatus.FAILED:
        return False
    run.status = RunStatus.FAILED
    run.error = (job_row.error if job_row is not None else "") or STALE_REASON
    run.finished_at = utc_now()
    db.session.flush()
    return True


def sync_session_runs(session: B2BSession) -> int:
    """Bring every unfinished run of a session in line with its job; return how many failed."""
    runs = db.session.scalars(select(ScheduleRun).where(
        ScheduleRun.session_id == session.id,
        ScheduleRun.status.in_((RunStatus.QUEUED, RunStatus.RUNNING)))).all()
    return sum(sync_run_with_job(run) for run in runs)


@job(SOLVE_JOB)
def solve_run_job(run_id: int) -> None:
    """Solve one run in the worker: mark it running, solve with progress, store the result."""
    run = db.session.get(ScheduleRun, run_id)
    if run is None or run.status not in (RunStatus.QUEUED, RunStatus.RUNNING):
        return
    run.status, run.started_at, run.error = RunStatus.RUNNING, utc_now(), ""
    run.phase = PHASE_PREPARING
    # Committed now so the organiser's page sees "running" while the solver works.
    db.session.commit()
    try:
        previous = None
        from_code = None
        if run.keeps_published:
            problem, keep_locked, previous = build_keeping_problem(run)
        else:
            problem, keep_locked = build_run_problem(run)
        if run.from_slot_id is not None:
            previous = schedule_of(db.session.get(ScheduleRun, run.base_run_id))
            from_code = db.session.get(Slot, run.from_slot_id).code
        db.session.commit()  # no transaction stays open while the solver runs
        ticker = _ProgressTicker(current_app._get_current_object(), run.id)
        ticker.start()
        try:
            workers = current_app.config.get("SOLVER_WORKERS") or 1
            if previous is not None:
                schedule = matchmaking.resolve(problem, previous, from_slot=from_code,
                                               keep_valid=True,
                                               time_limit=run.time_limit,
                                               progress=ticker.report, workers=workers)
            else:
                schedule = matchmaking.solve(problem, time_limit=run.time_limit,
                                             progress=ticker.report, workers=workers)
        finally:
            ticker.stop()
        run = db.session.get(ScheduleRun, run_id)
        store_run(run, schedule, locked=keep_locked)
    except Exception as exc:
        db.session.rollback()
        run = db.session.get(ScheduleRun, run_id)
        if run is not None:
            run.status, run.error, run.finished_at = RunStatus.FAILED, _run_error(exc), utc_now()
            db.session.commit()
        raise


def refresh_run_stats(run: ScheduleRun) -> dict:
    """Recompute a run's stats after hand edits (value, meetings, breaks...); flush only."""
    session = db.session.get(B2BSession, run.session_id)
    problem = build_problem(session)
    result = measure(problem, schedule_of(run).meetings)
    stats = dict(run.stats or {})
    stats.update(value=round(result.value, 2), meetings=result.meetings,
                 participants_without_meeting=result.participants_without_meeting,
                 breaks=result.breaks, idle_slots=result.idle_slots, edited=True)
    run.stats = stats
    run.best_value = stats["value"]
    db.session.flush()
    return stats


class _ProgressTicker:
    """Write the solver's latest progress and the job heartbeat every few seconds.

    The solver calls `report` from its own threads whenever it finds a better schedule; this
    thread writes at most every PROGRESS_EVERY seconds, each time in a short transaction of
    its own, and refreshes the heartbeat even when no better schedule turns up (the solver can
    be silent for long on the later objective levels), so a live run is never taken for dead.
    """

    def __init__(self, app, run_id: int, every: float = PROGRESS_EVERY):
        self.app, self.run_id, self.every = app, run_id, every
        self.job_id = _current_job_id()
        self._latest: tuple[float, float, int] | None = None
        self._written: tuple[float, float, int] | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=f"run-{run_id}-progress",
                                        daemon=True)

    def report(self, best_value: float, bound: float, placed: int) -> None:
        """Remember the best value, bound and meetings placed so far (called by the solver)."""
        with self._lock:
            self._latest = (float(best_value), float(bound), int(placed))

    def start(self) -> None:
        """Start writing the reported progress to the run in the background."""
        self._thread.start()

    def stop(self) -> None:
        """Stop the progress thread and write the last reported figures."""
        self._stop.set()
        self._thread.join(timeout=10)
        self.tick()  # the last figures the solver reported

    def _loop(self) -> None:
        while not self._stop.wait(self.every):
            self.tick()

    def tick(self, now: datetime | None = None) -> None:
        """Write the latest figures if they changed, and the heartbeat."""
        with self._lock:
            latest = self._latest
        with self.app.app_context():
            heartbeat(self.job_id)
            if latest is None or latest == self._written:
                return
            write_progress(self.run_id, *latest, now=now,
                           phase=PHASE_FOUND if self._written is None else PHASE_IMPROVING)
            self._written = latest


def write_progress(run_id: int, best_value: float, bound: float, placed: int | None = None, *,
                   now: datetime | None = None, phase: str = PHASE_IMPROVING) -> None:
    """Store a run's best value, bound, meetings placed and phase in a short transaction of its own.

    Best effort: a busy database must not stop the solver.
    """
    table = ScheduleRun.__table__
    try:
        with db.engine.begin() as connection:
            connection.execute(update(table).where(table.c.id == run_id).values(
                best_value=round(best_value, 2), bound=round(bound, 2), placed=placed,
                phase=phase,
                progress_at=now or utc_now()))
    except Exception as exc:
        current_app.logger.warning("progress of run %s not recorded: %s", run_id,
                                   _run_error(exc))


def _current_job_id() -> int | None:
    return current_job_id()


def _run_error(exc: BaseException) -> str:
    # The organiser reads it on the run's page: the message alone, cut to fit the column.
    return one_line(exc, with_type=False)[:500]
