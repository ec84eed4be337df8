"""The yearly plan against what happened."""

from dataclasses import dataclass

from sqlalchemy import select

from app.cluster.models import PlanTarget
from app.events.models import EventKind
from app.extensions import db

#: Key figures a plan may set, besides one target per event kind (``event:<kind>``).
KEY_FIGURES = ("new_members", "participation_rate", "follow_ups", "introductions", "b2b_meetings")


def event_metric(kind: EventKind) -> str:
    """Return the plan metric of an event kind."""
    return f"event:{kind.value}"


PLAN_METRICS = tuple(event_metric(kind) for kind in EventKind) + KEY_FIGURES


@dataclass(frozen=True)
class PlanLine:
    """One target of the plan beside the actual figure (None: no target set)."""

    metric: str
    target: int | None
    actual: float | int | None

    @property
    def reached(self) -> bool | None:
        """Tell whether the actual figure meets the target (None when either is missing)."""
        if self.target is None or self.actual is None:
            return None
        return self.actual >= self.target


def targets(year: int) -> dict[str, int]:
    """Return the plan's targets for the year, by metric (one query)."""
    rows = db.session.execute(
        select(PlanTarget.metric, PlanTarget.target).where(PlanTarget.year == year)
    ).all()
    return dict(rows)


def against_plan(year: int, actual: dict[str, float | int | None]) -> list[PlanLine]:
    """Return every metric with a target or an actual figure, in the plan's order."""
    planned = targets(year)
    return [PlanLine(metric, planned.get(metric), actual.get(metric))
            for metric in PLAN_METRICS if metric in planned or actual.get(metric)]
