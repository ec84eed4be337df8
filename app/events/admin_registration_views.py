"""Organisers' registration pages: the list, approvals and moves, check-in, no-shows, exports."""

from datetime import date

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.audit.services import record
from app.auth.models import Role
from app.db import utc_now
from app.events import admin_services, attendance, exports, services
from app.events.admin_forms import (
    REGISTRATION_STATUS_LABELS,
    ConfirmForm,
    MessageForm,
    MoveForm,
    NoShowForm,
    RevokeLinksForm,
    answers_from,
    make_registration_form,
)
from app.events.admin_views import event_or_404, organiser_page
from app.events.models import Event, ProgrammeItem, Registration, RegistrationStatus
from app.extensions import db
from app.i18n import current_language
from app.urls import safe_next
from app.web import get_owned_or_404


def _back(default: str) -> str:
    """Return to the page the action came from (local paths only), else to `default`."""
    target = request.form.get("next") or ""
    return target if target and safe_next(target) == target else default


def _registrations_url(event: Event) -> str:
    return url_for(".admin_registrations", event_id=event.id)


# Registrations ------------------------------------------------------------------------------

@organiser_page("/<int:event_id>/registrations")
def admin_registrations(event_id: int):
    """List an event's registrations by status, searched by name, email or organisation."""
    event = event_or_404(event_id)
    status = request.args.get("status") or None
    if status not in {s.value for s in RegistrationStatus}:
        status = None
    search = (request.args.get("q") or "").strip()
    registrations = attendance.get_registrations(event, status=status, search=search)
    return render_template(
        "events/admin/registrations.html", event=event, registrations=registrations,
        status=status, search=search, counts=attendance.get_status_counts(event),
        lang=current_language(), started=utc_now() >= event.starts_at,
    )


@organiser_page("/<int:event_id>/registrations/new", methods=["GET", "POST"])
def admin_add_registration(event_id: int):
    """Register someone by hand, as the organiser, answering the event's questions."""
    event = event_or_404(event_id)
    form = make_registration_form(event, current_language())
    if request.method == "GET":
        form.language.data = current_language()
    if form.validate_on_submit():
        try:
            registration, created = services.register(
                event, **form.to_data(), answers=answers_from(form, event), source="organiser")
        except services.RegistrationError as error:
            db.session.rollback()
            form.email.errors.append(_refusal(error))
        else:
            record(current_user, "registration.add", registration)
            db.session.commit()
            if created:
                flash(_("%(name)s is registered (%(status)s).",
                        name=registration.person.full_name,
                        status=REGISTRATION_STATUS_LABELS[registration.status]), "success")
            else:
                flash(_("%(name)s was registered already (%(status)s).",
                        name=registration.person.full_name,
                        status=REGISTRATION_STATUS_LABELS[registration.status]), "info")
            return redirect(_registrations_url(event))
    status = 400 if request.method == "POST" else 200
    return render_template("events/admin/form.html", form=form, event=event,
                           title=_("Register someone"), back=_registrations_url(event)), status


def _registration_action(event_id: int, registration_id: int, form_class=ConfirmForm):
    """Load the event, its registration and the validated form, or stop with 404/400."""
    event = event_or_404(event_id)
    registration = get_owned_or_404(Registration, registration_id, event_id=event.id)
    form = form_class()
    if not form.validate_on_submit():
        abort(400)
    return event, registration, form


#: Why the registration services refuse an organiser's action, by RegistrationError.code.
REFUSALS = {
    "cancelled": _l("This registration or event is cancelled."),
    "not_pending": _l("This registration is not awaiting approval any more."),
    "status": _l("A registration can only be moved to confirmed or to the waiting list."),
    "email": _l("This email address is not valid."),
    "answers": _l("Some answers are not valid."),
}


def _refusal(error: Exception) -> str:
    if isinstance(error, services.RegistrationError):
        return str(REFUSALS.get(error.code, _l("This change is not possible.")))
    return str(error)


def _run(action, success: str, event: Event, default: str | None = None):
    """Call one service, commit and flash; show the service's refusal instead of failing."""
    try:
        action()
    except (admin_services.AdminError, services.RegistrationError) as error:
        db.session.rollback()
        flash(_refusal(error), "danger")
    else:
        db.session.commit()
        flash(success, "success")
    return redirect(_back(default or _registrations_url(event)))


@organiser_page("/<int:event_id>/registrations/<int:registration_id>/approve",
                methods=["POST"])
def admin_approve(event_id: int, registration_id: int):
    """Approve a registration that awaits approval."""
    event, registration, _form = _registration_action(event_id, registration_id)
    return _run(lambda: services.approve_registration(registration),
                _("Registration approved."), event)


@organiser_page("/<int:event_id>/registrations/<int:registration_id>/move", methods=["POST"])
def admin_move(event_id: int, registration_id: int):
    """Move a registration to confirmed or to the waiting list."""
    event, registration, form = _registration_action(event_id, registration_id, MoveForm)
    target = RegistrationStatus(form.status.data)
    return _run(lambda: services.move_registration(registration, target),
                _("Registration moved to: %(status)s.",
                  status=REGISTRATION_STATUS_LABELS[target]), event)


@organiser_page("/<int:event_id>/registrations/<int:registration_id>/cancel", methods=["POST"])
def admin_cancel_registration(event_id: int, registration_id: int):
    """Cancel a registration on the participant's behalf."""
    event, registration, _form = _registration_action(event_id, registration_id)
    return _run(lambda: services.cancel_registration(registration, by_organiser=True),
                _("Registration cancelled."), event)


@organiser_page("/<int:event_id>/registrations/<int:registration_id>/revoke-links",
                methods=["POST"])
def admin_revoke_links(event_id: int, registration_id: int):
    """Make the person's personal links stop working, and mail a new one if asked."""
    event, registration, form = _registration_action(event_id, registration_id, RevokeLinksForm)
    send = form.send.data == "1"

    def revoke() -> None:
        services.renew_links(registration, send=send, by_organiser=True)
        record(current_user, "person.revoke_links", registration.person)

    return _run(revoke, _("Links revoked; a new link is mailed.") if send else _("Links revoked."),
                event)


@organiser_page("/<int:event_id>/registrations/<int:registration_id>/check-in",
                methods=["POST"], role=Role.CHECKIN)
def admin_check_in(event_id: int, registration_id: int):
    """Check a participant in, then return to the check-in page."""
    return _check_in_action(event_id, registration_id, _("%(name)s is checked in."),
                            admin_services.check_in_at_item, admin_services.check_in)


@organiser_page("/<int:event_id>/registrations/<int:registration_id>/undo-check-in",
                methods=["POST"], role=Role.CHECKIN)
def admin_undo_check_in(event_id: int, registration_id: int):
    """Undo a participant's check-in, then return to the check-in page."""
    return _check_in_action(event_id, registration_id, _("Check-in of %(name)s undone."),
                            admin_services.undo_item_check_in, admin_services.undo_check_in)


def _check_in_action(event_id: int, registration_id: int, message: str, at_item, on_day):
    """Apply a check-in change at the posted programme item, else on the posted day."""
    event, registration, _form = _registration_action(event_id, registration_id)
    message = message % {"name": registration.person.full_name}
    item = _item(event, request.form.get("item"))
    if item is not None:
        return _run(lambda: at_item(registration, item), message, event,
                    _check_in_url(event, None, item))
    day = _day(event, request.form.get("day"))
    return _run(lambda: on_day(registration, day), message, event, _check_in_url(event, day))


def _day(event: Event, value: str | None) -> date | None:
    """Return the day of a multi-day event's check-in named in the request (400 if not one)."""
    days = attendance.event_days(event)
    if len(days) == 1:
        return None
    if not value:
        return attendance.default_day(event)
    try:
        day = date.fromisoformat(value)
    except ValueError:
        abort(400, _("Not a day of this event."))
    if day not in days:
        abort(400, _("Not a day of this event."))
    return day


def _item(event: Event, value: str | None) -> ProgrammeItem | None:
    """Return the check-in item named in the request, if any (400 if not one of the event's)."""
    if not value:
        return None
    item = next((i for i in attendance.check_in_items(event) if str(i.id) == value), None)
    if item is None:
        abort(400, _("Not a programme item with a check-in."))
    return item


def _check_in_url(event: Event, day: date | None, item: ProgrammeItem | None = None) -> str:
    place = {"item": item.id} if item else {"day": day.isoformat()} if day else {}
    return url_for(".admin_check_in_page", event_id=event.id, **place)


@organiser_page("/<int:event_id>/registrations/<int:registration_id>/no-show",
                methods=["POST"])
def admin_no_show(event_id: int, registration_id: int):
    """Set or clear the no-show mark of one registration."""
    event, registration, form = _registration_action(event_id, registration_id, NoShowForm)
    value = form.value.data == "1"
    message = _("Marked as no-show.") if value else _("No-show mark removed.")
    return _run(lambda: admin_services.set_no_show(registration, value), message, event)


@organiser_page("/<int:event_id>/no-shows", methods=["POST"])
def admin_mark_no_shows(event_id: int):
    """Mark every confirmed participant not checked in as a no-show."""
    event = event_or_404(event_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        count = admin_services.mark_no_shows(event)
    except admin_services.AdminError as error:
        flash(str(error), "danger")
    else:
        db.session.commit()
        flash(_("%(num)d participants marked as no-shows.", num=count), "success")
    return redirect(_registrations_url(event))


# Attendance ---------------------------------------------------------------------------------

@organiser_page("/<int:event_id>/check-in", role=Role.CHECKIN)
def admin_check_in_page(event_id: int):
    """Show the check-in page: confirmed participants, searchable, with a check-in button each."""
    event = event_or_404(event_id)
    search = (request.args.get("q") or "").strip()
    registrations = attendance.get_registrations(
        event, status=RegistrationStatus.CONFIRMED.value, search=search)
    item = _item(event, request.args.get("item"))
    day = None if item else _day(event, request.args.get("day"))
    days = len(attendance.event_days(event)) > 1
    figures, people = attendance.day_figures(event) if days else ([], 0)
    checked_in = (attendance.get_checked_in_at(item) if item
                  else attendance.get_checked_in_on(event, day) if day else None)
    return render_template("events/admin/check_in.html", event=event, search=search,
                           registrations=registrations, lang=current_language(),
                           counts=attendance.get_status_counts(event), day=day, item=item,
                           checked_in=checked_in, figures=figures, people=people,
                           items=attendance.item_figures(event))


@organiser_page("/<int:event_id>/attendance-sheet", role=Role.CHECKIN)
def admin_attendance_sheet(event_id: int):
    """Show the printable attendance sheet of the confirmed participants."""
    event = event_or_404(event_id)
    return render_template("events/admin/sheet.html", event=event, lang=current_language(),
                           registrations=attendance.get_confirmed(event),
                           days=attendance.event_days(event))


@organiser_page("/<int:event_id>/registrations.csv")
def admin_export_csv(event_id: int):
    """Download the event's registrations as CSV; logged."""
    return _export(event_id, "csv", exports.registrations_csv, "text/csv; charset=utf-8")


@organiser_page("/<int:event_id>/registrations.xlsx")
def admin_export_xlsx(event_id: int):
    """Download the event's registrations as an XLSX workbook; logged."""
    return _export(event_id, "xlsx", exports.registrations_xlsx, XLSX_MIMETYPE)


XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _export(event_id: int, extension: str, write, mimetype: str) -> Response:
    event = event_or_404(event_id)
    body = write(event, current_language())
    record(current_user, "registrations.export", event)
    db.session.commit()
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition":
            f"attachment; filename=event-{event.id}-registrations.{extension}"})


@organiser_page("/<int:event_id>/message", methods=["GET", "POST"])
def admin_message(event_id: int):
    """Write a message to every confirmed participant and queue it in the outbox."""
    event = event_or_404(event_id)
    form = MessageForm()
    if form.validate_on_submit():
        count = admin_services.message_confirmed(event, form.subject.data.strip(),
                                                 form.body.data.strip())
        db.session.commit()
        flash(_("Message queued for %(num)d participants.", num=count), "success")
        return redirect(_registrations_url(event))
    status = 400 if request.method == "POST" else 200
    return render_template("events/admin/message.html", form=form, event=event,
                           lang=current_language(),
                           counts=attendance.get_status_counts(event)), status
