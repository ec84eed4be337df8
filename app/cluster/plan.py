"""The yearly plan's metrics: one target per event kind and per key figure."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.cluster.models import PlanTarget
from app.events.labels import KIND_LABELS as EVENT_KIND_LABELS
from app.events.models import EventKind
from app.extensions import db

KEY_FIGURE_LABELS = {
    "new_members": _l("New members and partners"),
    "participation_rate": _l("Participation rate (%)"),
    "follow_ups": _l("Follow-ups"),
    "introductions": _l("Introductions"),
    "b2b_meetings": _l("B2B meetings"),
}


def event_metric(kind: EventKind) -> str:
    """Return the plan metric of an event kind."""
    return f"event:{kind.value}"


#: Every metric a plan may set, in the order pages show them, with its label.
METRIC_LABELS = {event_metric(kind): EVENT_KIND_LABELS[kind] for kind in EventKind}
METRIC_LABELS.update(KEY_FIGURE_LABELS)


def get_targets(year: int) -> dict[str, int]:
    """Return the year's targets by metric (one query)."""
    return dict(db.session.execute(
        select(PlanTarget.metric, PlanTarget.target).where(PlanTarget.year == year)).all())
