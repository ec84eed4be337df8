"""Organisers' B2B set-up pages: sessions, slots and tables (participants: participants.py)."""

from __future__ import annotations

from datetime import timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from app.b2b import meeting_requests, queries, services
from app.b2b.blueprint import bp
from app.b2b.forms import (
    LANGUAGE_LABELS,
    PRIORITY_LABELS,
    REQUEST_STATUS_LABELS,
    STATUS_LABELS,
    ActionForm,
    SessionForm,
    SlotForm,
    SlotPlanForm,
    TableForm,
    TablesForm,
    make_pair_form,
    slot_label,
)
from app.b2b.models import (
    TITLE_LANGUAGES,
    B2BSession,
    B2BTable,
    Participant,
    SessionStatus,
    Slot,
)
from app.b2b.views.base import setup_page
from app.events.models import Event
from app.extensions import db
from app.i18n import current_language
from app.timezone import LocalTimeError, combine, local_day, to_form
from app.web import get_owned_or_404


@bp.app_context_processor
def b2b_labels():
    """Give every template the B2B labels and the slot formatter."""
    return {"b2b_status_labels": STATUS_LABELS, "priority_labels": PRIORITY_LABELS,
            "request_status_labels": REQUEST_STATUS_LABELS, "language_labels": LANGUAGE_LABELS,
            "slot_label": slot_label}


@setup_page("/")
def sessions():
    """List the B2B sessions."""
    return render_template("b2b/setup/sessions.html", sessions=queries.get_sessions(),
                           lang=current_language())


def _session_form(session: B2BSession | None) -> SessionForm:
    if session is None or request.method == "POST":
        form = SessionForm()
    else:
        form = SessionForm(
            obj=session, event_id=session.event_id, status=session.status.value,
            profile_deadline_at=to_form(session.profile_deadline_at),
            request_deadline_at=to_form(session.request_deadline_at))
    lang = current_language()
    form.event_id.choices = [
        (e.id, f"{e.title(lang)} ({local_day(e.starts_at):%Y-%m-%d})")
        for e in queries.get_b2b_events()]
    if session is not None:
        del form.event_id
    return form


def _settings(form: SessionForm) -> dict:
    return {
        **{f"title_{language}": (getattr(form, f"title_{language}").data or "").strip()
           for language in TITLE_LANGUAGES},
        "status": SessionStatus(form.status.data),
        "open_to_guests": form.open_to_guests.data,
        "requires_acceptance": form.requires_acceptance.data,
        "max_meetings_default": form.max_meetings_default.data,
        "min_meetings": form.min_meetings.data or 0,
        "profile_deadline_at": form.profile_deadline_at.utc_data,
        "request_deadline_at": form.request_deadline_at.utc_data,
        "outcome_survey_months": form.outcome_survey_months.data or 6,
    }


@setup_page("/new", methods=["GET", "POST"])
def new_session():
    """Create a session for an event."""
    form = _session_form(None)
    if not form.event_id.choices:
        flash(_("Create an event first: a B2B session belongs to an event."), "warning")
    if form.validate_on_submit():
        event = db.get_or_404(Event, form.event_id.data)
        try:
            session = services.create_session(event)
        except services.B2BError as error:
            form.event_id.errors.append(error.message)
        else:
            services.update_session(session, **_settings(form))
            db.session.commit()
            flash(_("Session created. Now plan its slots."), "success")
            return redirect(url_for(".slots", session_id=session.id))
    return render_template("b2b/setup/form.html", form=form, title=_("New B2B session"),
                           back=url_for(".sessions"))


@setup_page("/<int:session_id>")
def session_detail(session_id: int):
    """Show a session: settings, slots, tables and participants at a glance."""
    session = db.get_or_404(B2BSession, session_id)
    participants = queries.get_participants(session)
    return render_template(
        "b2b/setup/session.html", session=session, lang=current_language(), action=ActionForm(),
        no_language=meeting_requests.share_no_language,
        pair_form=make_pair_form(participants), forbidden=queries.get_forbidden(session),
        requests=queries.get_requests(session), participants=participants)


@setup_page("/<int:session_id>/settings", methods=["GET", "POST"])
def edit_session(session_id: int):
    """Change the session's settings."""
    session = db.get_or_404(B2BSession, session_id)
    form = _session_form(session)
    if form.validate_on_submit():
        services.update_session(session, **_settings(form))
        db.session.commit()
        flash(_("Settings saved."), "success")
        return redirect(url_for(".session_detail", session_id=session.id))
    return render_template("b2b/setup/form.html", form=form, title=_("Session settings"),
                           back=url_for(".session_detail", session_id=session.id))


@setup_page("/<int:session_id>/slots", methods=["GET", "POST"])
def slots(session_id: int):
    """Generate the slots from hours, a length and a break; list them."""
    session = db.get_or_404(B2BSession, session_id)
    plan = SlotPlanForm(prefix="plan")
    if request.method == "GET" and session.event:
        plan.first_day.data = local_day(session.event.starts_at)
        plan.slot_minutes.data = session.slot_minutes
    if plan.validate_on_submit():
        first, last = plan.first_day.data, plan.last_day.data or plan.first_day.data
        days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        breaks = ([(plan.break_start.data, plan.break_end.data)]
                  if plan.break_start.data else [])
        try:
            made = services.generate_slots(session, days, plan.start.data, plan.end.data,
                                           plan.slot_minutes.data, breaks)
        except services.B2BError as error:
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(ngettext("%(num)d slot generated.", "%(num)d slots generated.", len(made)),
                  "success")
            return redirect(url_for(".slots", session_id=session.id))
    return render_template("b2b/setup/slots.html", session=session, plan=plan,
                           slot_form=SlotForm(prefix="slot"), action=ActionForm())


@setup_page("/<int:session_id>/slots/add", methods=["POST"])
def add_slot(session_id: int):
    """Add one slot by hand."""
    session = db.get_or_404(B2BSession, session_id)
    form = SlotForm(prefix="slot")
    if form.validate_on_submit():
        try:
            services.add_slot(session, combine(form.day.data, form.start.data),
                              combine(form.day.data, form.end.data))
        except LocalTimeError as error:
            flash(error.message, "error")
        except services.B2BError as error:
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Slot added."), "success")
    else:
        flash(_("Give a day, a start and an end."), "error")
    return redirect(url_for(".slots", session_id=session.id))


@setup_page("/<int:session_id>/slots/<int:slot_id>/delete", methods=["POST"])
def delete_slot(session_id: int, slot_id: int):
    """Delete one slot."""
    session = db.get_or_404(B2BSession, session_id)
    slot = get_owned_or_404(Slot, slot_id, session_id=session.id)
    if ActionForm().validate_on_submit():
        services.delete_slot(slot)
        db.session.commit()
        flash(_("Slot deleted."), "success")
    return redirect(url_for(".slots", session_id=session.id))


@setup_page("/<int:session_id>/tables", methods=["GET", "POST"])
def tables(session_id: int):
    """List the tables and add numbered ones."""
    session = db.get_or_404(B2BSession, session_id)
    form = TablesForm()
    if form.validate_on_submit():
        try:
            services.add_tables(session, form.count.data, form.location.data or "")
        except services.B2BError as error:
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Tables added."), "success")
            return redirect(url_for(".tables", session_id=session.id))
    holders: dict[int, list[Participant]] = {}
    for participant in session.participants:
        if participant.table_id:
            holders.setdefault(participant.table_id, []).append(participant)
    return render_template("b2b/setup/tables.html", session=session, form=form,
                           holders=holders, action=ActionForm())


@setup_page("/<int:session_id>/tables/<int:table_id>", methods=["GET", "POST"])
def edit_table(session_id: int, table_id: int):
    """Rename a table or change its location."""
    session = db.get_or_404(B2BSession, session_id)
    table = get_owned_or_404(B2BTable, table_id, session_id=session.id)
    form = TableForm(obj=table)
    if form.validate_on_submit():
        services.update_table(table, name=form.name.data, location=form.location.data or "")
        db.session.commit()
        flash(_("Table saved."), "success")
        return redirect(url_for(".tables", session_id=session.id))
    return render_template("b2b/setup/form.html", form=form,
                           title=_("Table %(code)s", code=table.code),
                           back=url_for(".tables", session_id=session.id))


@setup_page("/<int:session_id>/tables/<int:table_id>/delete", methods=["POST"])
def delete_table(session_id: int, table_id: int):
    """Delete a table."""
    session = db.get_or_404(B2BSession, session_id)
    table = get_owned_or_404(B2BTable, table_id, session_id=session.id)
    if ActionForm().validate_on_submit():
        services.delete_table(table)
        db.session.commit()
        flash(_("Table deleted."), "success")
    return redirect(url_for(".tables", session_id=session.id))
