"""Check-in staff: their list of events, and the organisers' page assigning them to an event."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from app.auth import queries as account_queries
from app.auth import services as account_services
from app.auth.models import Role
from app.events.admin_views import event_or_404, organiser_page
from app.events.models import Event
from app.events.queries import get_upcoming_events
from app.extensions import db
from app.i18n import current_language


@organiser_page("/check-in", role=Role.CHECKIN)
def staff_home():
    """List the events whose check-in the account may run: assigned ones for check-in staff."""
    if current_user.role == Role.CHECKIN:
        ids = account_queries.get_assigned_event_ids(current_user)
        events = list(db.session.scalars(
            select(Event).where(Event.id.in_(ids)).order_by(Event.starts_at))) if ids else []
    else:
        events = get_upcoming_events()
    return render_template("events/admin/staff_home.html", events=events,
                           lang=current_language())


@organiser_page("/<int:event_id>/staff", methods=["GET", "POST"])
def admin_staff(event_id: int):
    """Show an event's check-in staff; add or remove one (organisers)."""
    event = event_or_404(event_id)
    form = FlaskForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        user = account_queries.get_user(request.form.get("user_id", type=int))
        if user is None or user.role != Role.CHECKIN:
            abort(400, description=_("Choose a check-in staff account."))
        if request.form.get("action") == "remove":
            account_services.unassign_staff(user, event.id)
        else:
            account_services.assign_staff(user, event.id)
        db.session.commit()
        flash(_("Check-in staff updated."), "success")
        return redirect(url_for(".admin_staff", event_id=event.id))
    staff = account_queries.get_event_staff(event.id)
    candidates = [u for u in account_queries.get_staff_accounts() if u not in staff]
    return render_template("events/admin/staff.html", event=event, staff=staff,
                           candidates=candidates, form=form, lang=current_language())
