"""Organisers' reminders page: when an event's reminders go and went, send now, their text."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.events import queries, reminders
from app.events.admin_forms import ConfirmForm, ReminderTextForm
from app.events.admin_views import event_or_404, organiser_page
from app.extensions import db
from app.i18n import current_language


@organiser_page("/<int:event_id>/reminders", methods=["GET", "POST"])
def admin_reminders(event_id: int):
    """Show when the reminders go and went, and edit their text per language."""
    event = event_or_404(event_id)
    form = ReminderTextForm()
    if form.validate_on_submit():
        for name, value in form.to_data().items():
            setattr(event, name, value)
        db.session.commit()
        flash(_("Reminder text saved."), "success")
        return redirect(url_for(".admin_reminders", event_id=event.id))
    if request.method == "GET":
        form.fill_from(event)
    return render_template(
        "events/admin/reminders.html", event=event, form=form, lang=current_language(),
        due_at=event.starts_at - reminders.reminder_window(),
        sent=queries.get_reminders_sent(event), waiting=len(queries.get_unreminded(event)),
        send_form=ConfirmForm()), 400 if form.errors else 200


@organiser_page("/<int:event_id>/reminders/send", methods=["POST"])
def admin_send_reminders(event_id: int):
    """Send the reminder now to every confirmed attendee who has none (never twice)."""
    event = event_or_404(event_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    count = reminders.send_event_reminders(event)
    db.session.commit()
    flash(_("Reminder queued for %(num)d people; nobody gets it twice.", num=count), "success")
    return redirect(url_for(".admin_reminders", event_id=event.id))
