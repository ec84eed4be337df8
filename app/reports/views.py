"""Organisers' dashboard of the cluster's year: figures, charts and the plan, for any period."""

import csv
import io

from flask import Response, render_template, request

from app.db import utc_now
from app.events.labels import REGISTRATION_STATUS_LABELS, YES_NO_LABELS
from app.events.models import Event
from app.i18n import current_language
from app.reports import dashboard, plan
from app.reports import event_report as event_report_figures
from app.reports.blueprint import organiser_page
from app.reports.forms import PeriodForm
from app.reports.period import Period
from app.reports.summary import figures
from app.text import spreadsheet_cell
from app.timezone import local_day
from app.web import get_owned_or_404


def _period() -> tuple[PeriodForm, Period | None]:
    """Read the period from the query string; this year when none is given."""
    form = PeriodForm(request.args)
    if not request.args:
        year = local_day(utc_now()).year
        return form, Period.year(year)
    if not form.validate():
        return form, None
    return form, Period(form.start.data, form.end.data)


@organiser_page("/")
def index():
    """Show the period's figures, charts with their numbers, and the plan against actual."""
    form, period = _period()
    if period is None:
        return render_template("reports/dashboard.html", form=form, period=None), 400
    result = figures(period)
    lines = plan.against_plan(period.end.year, result.plan_actuals())
    return render_template("reports/dashboard.html", form=form, period=period, figures=result,
                           lines=lines, charts=dashboard.build_charts(result, lines))


@organiser_page("/figures.csv")
def figures_csv():
    """Every figure of the period and of the year before, one per row (CSV)."""
    form, period = _period()
    if period is None:
        return Response("\n".join(str(e) for f in form for e in f.errors), 400,
                        mimetype="text/plain")
    current, previous = figures(period).rows(), dict(figures(period.previous_year()).rows())
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["figure", f"{period.start}..{period.end}", "previous year"])
    for key, value in current:
        writer.writerow([spreadsheet_cell(key), value, previous.get(key)])
    return Response(out.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="figures-{period.start}-{period.end}.csv"'})


@organiser_page("/events/<int:event_id>")
def event_report(event_id: int):
    """Show one event's report: registrations, attendance, answers and B2B figures."""
    event = get_owned_or_404(Event, event_id)
    return render_template("reports/event.html", event=event, lang=current_language(),
                           counts=event_report_figures.registration_counts(event),
                           answers=event_report_figures.answers(event),
                           b2b=event_report_figures.b2b_figures(event),
                           outcome_labels=dashboard.B2B_OUTCOME_LABELS,
                           status_labels=REGISTRATION_STATUS_LABELS,
                           yes_no_labels=YES_NO_LABELS)
