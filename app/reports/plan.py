"""The yearly plan against what happened."""

from dataclasses import dataclass

from app.cluster.plan import METRIC_LABELS, event_metric, get_targets

__all__ = ["PlanLine", "against_plan", "event_metric"]


@dataclass(frozen=True)
class PlanLine:
    """One target of the plan beside the actual figure (None: no target set)."""

    metric: str
    target: int | None
    actual: float | int | None

    @property
    def label(self) -> str:
        """Return the metric's name in the reader's language."""
        return str(METRIC_LABELS[self.metric])

    @property
    def reached(self) -> bool | None:
        """Tell whether the actual figure meets the target (None when either is missing)."""
        if self.target is None or self.actual is None:
            return None
        return self.actual >= self.target


def against_plan(year: int, actual: dict[str, float | int | None]) -> list[PlanLine]:
    """Return every metric with a target or a non-zero actual figure, in the plan's order.

    Targets are the year's plan rows; actual figures come from `summary.Figures.plan_actuals`
    (new members = joins of the period, participation rate in percent, follow-ups,
    introductions and B2B meetings of the period, activities per event kind).
    """
    planned = get_targets(year)
    return [PlanLine(metric, planned.get(metric), actual.get(metric))
            for metric in METRIC_LABELS if metric in planned or actual.get(metric)]
