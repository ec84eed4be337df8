"""The dashboard's charts and tables: each chart has the table of its numbers beside it."""

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from app.cluster.labels import FOLLOW_UP_KIND_LABELS, OUTCOME_LABELS
from app.events.labels import KIND_LABELS as EVENT_KIND_LABELS
from app.i18n import current_language
from app.members.labels import BUSINESS_MODEL_LABELS
from app.members.models import BusinessModel
from app.reports import activity, charts, membership, plan
from app.reports.period import Period
from app.reports.summary import Figures

B2B_OUTCOME_LABELS = {"no_feedback": _l("No feedback"), "none": _l("No outcome"),
                      "follow_up": _l("Follow-up"), "deal": _l("Deal")}
#: Events shown one by one on the attendance chart (the table lists them all).
ATTENDANCE_BARS = 40


@dataclass
class Chart:
    """A chart and the table of its numbers: headings, then one row per label."""

    key: str
    title: str
    svg: Markup
    headings: list[str]
    rows: list[list]

    @property
    def pdf_svg(self) -> Markup:
        """Return the chart with its style inside, for WeasyPrint (no page stylesheet there)."""
        return Markup(charts.svg_document(self.svg))


def _chart(key, title, labels, series, line=False) -> Chart:
    names = list(series)
    rows = [[label] + [series[name][i] for name in names] for i, label in enumerate(labels)]
    svg = charts.draw(title, [str(label) for label in labels], series, line=line)
    return Chart(key, title, svg, [""] + names, rows)


def _month_ends(period: Period) -> list[date]:
    ends, day = [], period.start
    while day <= period.end and len(ends) < 120:
        next_month = (day.replace(day=1) + timedelta(days=32)).replace(day=1)
        ends.append(min(next_month - timedelta(days=1), period.end))
        day = next_month
    return ends


def participation_over_time(period: Period) -> Chart:
    """Chart the participation rate from the period's start to each month's end."""
    ends = _month_ends(period)
    rates = [activity.participation(Period(period.start, end)).percent for end in ends]
    labels = [format_date(end, "MMM yyyy") for end in ends]
    return _chart("participation", _("Participation rate since the start (%)"), labels,
                  {_("Participation (%)"): rates}, line=True)


def build_charts(figures: Figures, lines: list[plan.PlanLine]) -> list[Chart]:
    """Return the dashboard's charts, each with its numbers."""
    period = figures.period
    lang = current_language()
    planned = {line.metric: line.target for line in lines}
    kinds = [k for k, n in figures.events.items() if n or planned.get(plan.event_metric(k))]
    result = [participation_over_time(period)]
    result.append(_chart(
        "events", _("Activities by kind against the plan"),
        [str(EVENT_KIND_LABELS[k]) for k in kinds],
        {_("Plan"): [planned.get(plan.event_metric(k)) for k in kinds],
         _("Actual"): [figures.events[k] for k in kinds]}))
    shown = figures.attendance[:ATTENDANCE_BARS]
    result.append(_chart(
        "attendance", _("Attendance per activity"),
        [f"{format_date(e.starts_at, 'dd/MM')} {e.title(lang)}" for e, _r, _a in shown],
        {_("Registered"): [r for _e, r, _a in shown], _("Checked in"): [a for _e, _r, a in shown]}))
    outcome_keys = list(B2B_OUTCOME_LABELS)
    result.append(_chart(
        "b2b", _("B2B meetings by outcome"), [str(B2B_OUTCOME_LABELS[k]) for k in outcome_keys],
        {_("Meetings"): [figures.b2b.get(k, 0) for k in outcome_keys]}))
    sectors = membership.members_by_sector(period.end)
    result.append(_chart(
        "sectors", _("Members by sector"), [s.label(lang) for s, _n in sectors],
        {_("Members"): [n for _s, n in sectors]}))
    models = membership.members_by_business_model(period.end)
    result.append(_chart(
        "models", _("Members by business model"),
        [str(BUSINESS_MODEL_LABELS[m]) for m in BusinessModel],
        {_("Members"): [models.get(m.value, 0) for m in BusinessModel]}))
    result.append(_chart(
        "follow_ups", _("Follow-ups by kind"),
        [str(FOLLOW_UP_KIND_LABELS[k]) for k in figures.follow_ups],
        {_("Follow-ups"): list(figures.follow_ups.values())}))
    result.append(_chart(
        "introductions", _("Introductions by outcome"),
        [str(OUTCOME_LABELS[k]) for k in figures.introductions],
        {_("Introductions"): list(figures.introductions.values())}))
    return result
