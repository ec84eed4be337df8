"""Organisers' registration figures of an event, with a small server-drawn chart."""

from flask import Response, render_template
from flask_babel import format_number, format_percent

from app.events.admin_views import event_or_404, organiser_page
from app.events.figures import event_figures, registrations_chart
from app.i18n import current_language


@organiser_page("/<int:event_id>/figures")
def admin_figures(event_id: int):
    """Show the event's registrations by status, organisation type, sector and the show rate."""
    event = event_or_404(event_id)
    lang = current_language()
    return render_template("events/admin/figures.html", event=event, lang=lang,
                           figures=event_figures(event, lang), fmt=format_number,
                           percent=format_percent)


@organiser_page("/<int:event_id>/figures.svg")
def admin_figures_chart(event_id: int):
    """Draw the registrations over time as an SVG image."""
    event = event_or_404(event_id)
    chart = registrations_chart(event_figures(event, current_language()))
    return Response(chart, mimetype="image/svg+xml")
