"""A run's progress as an organiser reads it: phase, time used, meetings and quality."""

from __future__ import annotations

from flask_babel import format_decimal, format_percent, get_locale
from flask_babel import gettext as _

from app.b2b.labels import run_status_label
from app.b2b.models import RunStatus, ScheduleRun
from app.b2b.runs import PHASE_FOUND, PHASE_IMPROVING, PHASE_PREPARING
from app.db import utc_now


def phase_label(run: ScheduleRun) -> str:
    """Return what the scheduler is doing, in words."""
    if run.status == RunStatus.QUEUED:
        return _("Waiting for the scheduler to start")
    if run.status == RunStatus.DONE:
        return _("Finished")
    if run.status == RunStatus.FAILED:
        return _("Stopped by an error")
    return {PHASE_PREPARING: _("Preparing the data"),
            PHASE_FOUND: _("First schedule found"),
            PHASE_IMPROVING: _("Improving the schedule")}.get(run.phase, _("Preparing the data"))


def quality_label(run: ScheduleRun) -> str:
    """Return how far the best schedule so far is from the best possible, in words."""
    if run.best_value is None or run.bound is None:
        return ""
    gap = 0.0 if run.bound <= 0 else max(0.0, (run.bound - run.best_value) / run.bound)
    if gap < 0.0005:
        return _("As good as the best possible")
    # The locale's own percent pattern ("25 %" in French), with one decimal.
    pattern = get_locale().percent_formats[None].pattern.replace("#,##0", "#,##0.#")
    return _("Within %(gap)s of the best possible", gap=format_percent(gap, format=pattern))


def breaks_label(run: ScheduleRun) -> str:
    """Return a finished run's breaks and the fewest any schedule of its meetings can have.

    The solver's proven lower bound holds for the meetings it placed: after a hand edit the
    meetings may differ, so only the breaks are shown.
    """
    stats = run.stats or {}
    if stats.get("breaks") is None:
        return ""
    breaks = format_decimal(stats["breaks"])
    bound = stats.get("breaks_lower_bound")
    if bound is None or stats.get("edited"):
        return breaks
    if stats["breaks"] <= bound:
        return _("%(breaks)s, the fewest possible with these meetings", breaks=breaks)
    return _("%(breaks)s (any schedule of these meetings has at least %(bound)s)",
             breaks=breaks, bound=format_decimal(bound))


def run_progress(run: ScheduleRun) -> dict:
    """Return the figures the run page shows and polls."""
    elapsed = None
    if run.started_at is not None:
        elapsed = max(0.0, ((run.finished_at or utc_now()) - run.started_at).total_seconds())
    finished = run.status in (RunStatus.DONE, RunStatus.FAILED)
    share = 1.0 if run.status == RunStatus.DONE else (
        min(1.0, elapsed / run.time_limit) if elapsed is not None and run.time_limit else 0.0)
    meetings = (run.stats or {}).get("meetings") if finished else run.placed
    return {
        "status": str(run.status),
        "status_label": run_status_label(run.status),
        "phase": run.phase or "",
        "phase_label": phase_label(run),
        "elapsed": None if elapsed is None else round(elapsed, 1),
        "time_limit": run.time_limit,
        "time_percent": round(100 * share, 1),
        "time_label": _("%(used)s s used of %(limit)s s",
                        used=format_decimal(round(elapsed or 0.0, 1), format="#,##0.0"),
                        limit=format_decimal(run.time_limit)),
        "meetings": meetings,
        "meetings_label": "" if meetings is None else _("Meetings placed: %(count)s",
                                                        count=format_decimal(meetings)),
        "quality_label": quality_label(run),
        "breaks_label": breaks_label(run) if run.status == RunStatus.DONE else "",
        "best_value": run.best_value,
        "bound": run.bound,
        "percent": (round(100 * run.best_value / run.bound, 1)
                    if run.best_value is not None and run.bound else None),
        "error": run.error,
    }
