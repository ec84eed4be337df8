"""Organisers' B2B set-up pages: sessions, slots, tables, participants, pairs, requests."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.audit.services import record
from app.b2b import meeting_requests, queries, services
from app.b2b.blueprint import bp
from app.b2b.forms import (
    LANGUAGE_LABELS,
    PRIORITY_LABELS,
    REQUEST_STATUS_LABELS,
    STATUS_LABELS,
    ActionForm,
    PairForm,
    ParticipantSettingsForm,
    SessionForm,
    SlotForm,
    SlotPlanForm,
    TableForm,
    TablesForm,
    make_profile_form,
    profile_values,
    slot_label,
)
from app.b2b.labels import participant_label
from app.b2b.links import renew_participant_links
from app.b2b.models import (
    TITLE_LANGUAGES,
    B2BSession,
    B2BTable,
    ForbiddenPair,
    MeetingRequest,
    Participant,
    RequestStatus,
    SessionStatus,
    Slot,
)
from app.b2b.queries import participant_portal_url
from app.b2b.views.base import setup_page
from app.events.admin_forms import RevokeLinksForm
from app.events.models import Event
from app.extensions import db
from app.i18n import current_language
from app.members.queries import get_sectors, get_tags
from app.timezone import LocalTimeError, combine, local_day, to_form
from app.urls import safe_next
from app.web import get_owned_or_404


def _session(session_id: int) -> B2BSession:
    return db.get_or_404(B2BSession, session_id)




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
    session = _session(session_id)
    return render_template(
        "b2b/setup/session.html", session=session, lang=current_language(), action=ActionForm(),
        no_language=meeting_requests.share_no_language,
        pair_form=_pair_form(session), forbidden=queries.get_forbidden(session),
        requests=queries.get_requests(session), participants=queries.get_participants(session))


@setup_page("/<int:session_id>/settings", methods=["GET", "POST"])
def edit_session(session_id: int):
    """Change the session's settings."""
    session = _session(session_id)
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
    session = _session(session_id)
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
    session = _session(session_id)
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
    session = _session(session_id)
    slot = get_owned_or_404(Slot, slot_id, session_id=session.id)
    if ActionForm().validate_on_submit():
        services.delete_slot(slot)
        db.session.commit()
        flash(_("Slot deleted."), "success")
    return redirect(url_for(".slots", session_id=session.id))


@setup_page("/<int:session_id>/tables", methods=["GET", "POST"])
def tables(session_id: int):
    """List the tables and add numbered ones."""
    session = _session(session_id)
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
    session = _session(session_id)
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
    session = _session(session_id)
    table = get_owned_or_404(B2BTable, table_id, session_id=session.id)
    if ActionForm().validate_on_submit():
        services.delete_table(table)
        db.session.commit()
        flash(_("Table deleted."), "success")
    return redirect(url_for(".tables", session_id=session.id))


@setup_page("/<int:session_id>/participants")
def participants(session_id: int):
    """List the participants with their profile state and links."""
    session = _session(session_id)
    return render_template("b2b/setup/participants.html", session=session,
                           participants=queries.get_participants(session), action=ActionForm(),
                           lang=current_language())


@setup_page("/<int:session_id>/import-registrations", methods=["POST"])
def import_registrations(session_id: int):
    """Add the event's confirmed registrants as participants."""
    session = _session(session_id)
    if ActionForm().validate_on_submit():
        added = services.import_registrations(session)
        record(current_user, "b2b.import_registrations", session, f"participants={len(added)}")
        db.session.commit()
        flash(ngettext("%(num)d participant added from the registrations.",
                       "%(num)d participants added from the registrations.", len(added)),
              "success")
    return redirect(url_for(".participants", session_id=session.id))


def _settings_form(session: B2BSession, participant: Participant) -> ParticipantSettingsForm:
    if request.method == "POST" and "settings-submit" in request.form:
        form = ParticipantSettingsForm(prefix="settings")
    else:
        form = ParticipantSettingsForm(formdata=None, prefix="settings",
                                       max_meetings=participant.max_meetings,
                                       table_id=participant.table_id or 0,
                                       absent=participant.absent)
    form.table_id.choices = [(0, _("None"))] + [
        (t.id, f"{t.code} · {t.name}") for t in session.tables]
    return form


@setup_page("/<int:session_id>/participants/<int:participant_id>", methods=["GET", "POST"])
def participant(session_id: int, participant_id: int):
    """See and edit a participant: profile, availability, limit, stand, requests."""
    session = _session(session_id)
    person = get_owned_or_404(Participant, participant_id, session_id=session.id)
    lang = current_language()
    settings = _settings_form(session, person)
    is_profile = request.method == "POST" and "submit" in request.form
    profile = make_profile_form(person, lang, sectors=get_sectors(), tags=get_tags(),
                                post=is_profile)
    try:
        if "settings-submit" in request.form and settings.validate_on_submit():
            table = (get_owned_or_404(B2BTable, settings.table_id.data, session_id=session.id)
                     if settings.table_id.data else None)
            services.update_participant_settings(person, max_meetings=settings.max_meetings.data,
                                                 table=table, absent=settings.absent.data)
            db.session.commit()
            flash(_("Participant saved."), "success")
            return redirect(request.path)
        if is_profile and profile.validate_on_submit():
            services.update_profile(person, **profile_values(profile, person))
            record(current_user, "participant.edit", person)
            db.session.commit()
            flash(_("Profile saved."), "success")
            return redirect(request.path)
    except services.B2BError as error:
        db.session.rollback()
        flash(error.message, "error")
    return render_template(
        "b2b/setup/participant.html", session=session, participant=person, settings=settings,
        profile=profile, lang=lang, sent=queries.get_sent_requests(person),
        received=queries.get_received_requests(person), action=ActionForm(),
        portal_url=participant_portal_url(person))


@setup_page("/<int:session_id>/participants/<int:participant_id>/revoke-links", methods=["POST"])
def revoke_participant_links(session_id: int, participant_id: int):
    """Make the participant's personal links stop working, and mail a new one if asked."""
    session = _session(session_id)
    participant = get_owned_or_404(Participant, participant_id, session_id=session.id)
    form = RevokeLinksForm()
    if not form.validate_on_submit():
        abort(400)
    send = form.send.data == "1"
    renew_participant_links(participant, send=send)
    record(current_user, "person.revoke_links", participant.person)
    db.session.commit()
    flash(_("Links revoked; a new link is mailed.") if send else _("Links revoked."), "success")
    return redirect(url_for(".participant", session_id=session.id, participant_id=participant.id))


def _pair_form(session: B2BSession) -> PairForm:
    form = PairForm(prefix="pair")
    choices = [(p.code, f"{p.code} · {participant_label(p)}")
               for p in queries.get_participants(session)]
    form.a.choices = choices
    form.b.choices = choices
    return form


def _pair(session: B2BSession) -> tuple[Participant, Participant] | None:
    form = _pair_form(session)
    if not form.validate_on_submit():
        flash(_("Choose two participants."), "error")
        return None
    a = queries.get_participant_by_code(session, form.a.data)
    b = queries.get_participant_by_code(session, form.b.data)
    if a is None or b is None:
        abort(404)
    return a, b


@setup_page("/<int:session_id>/pairs", methods=["POST"])
def add_pair(session_id: int):
    """Add a must-meet pair by hand."""
    session = _session(session_id)
    pair = _pair(session)
    if pair is not None:
        interpreter = bool(request.form.get("pair-interpreter"))
        try:
            meeting_requests.add_pair(*pair, interpreter=interpreter)
        except services.B2BError as error:
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Must-meet pair added."), "success")
            if not interpreter and meeting_requests.share_no_language(*pair):
                flash(_("%(a)s and %(b)s share no language: the schedule will leave them out "
                        "unless you mark an interpreter as present.",
                        a=pair[0].person.full_name, b=pair[1].person.full_name), "warning")
    return redirect(url_for(".session_detail", session_id=session.id) + "#pairs")


@setup_page("/<int:session_id>/requests/<int:request_id>/interpreter", methods=["POST"])
def set_interpreter(session_id: int, request_id: int):
    """Mark an interpreter present (or not) for an organisers' must-meet pair."""
    session = _session(session_id)
    item = get_owned_or_404(MeetingRequest, request_id, session_id=session.id)
    if ActionForm().validate_on_submit():
        try:
            meeting_requests.set_interpreter(item, request.form.get("present") == "1")
        except services.B2BError as error:
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Request updated."), "success")
    return redirect(url_for(".session_detail", session_id=session.id) + "#requests")


@setup_page("/<int:session_id>/forbidden", methods=["POST"])
def forbid_pair(session_id: int):
    """Forbid a pair."""
    session = _session(session_id)
    pair = _pair(session)
    if pair is not None:
        try:
            meeting_requests.forbid_pair(*pair)
        except services.B2BError as error:
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Pair forbidden."), "success")
    return redirect(url_for(".session_detail", session_id=session.id) + "#pairs")


@setup_page("/<int:session_id>/forbidden/<int:pair_id>/delete", methods=["POST"])
def allow_pair(session_id: int, pair_id: int):
    """Remove a forbidden pair."""
    session = _session(session_id)
    pair = get_owned_or_404(ForbiddenPair, pair_id, session_id=session.id)
    if ActionForm().validate_on_submit():
        meeting_requests.allow_pair(pair)
        db.session.commit()
        flash(_("The pair may meet again."), "success")
    return redirect(url_for(".session_detail", session_id=session.id) + "#pairs")


REQUEST_ACTIONS = {"accept": RequestStatus.ACCEPTED, "decline": RequestStatus.DECLINED,
                   "withdraw": RequestStatus.WITHDRAWN, "reopen": RequestStatus.PENDING}


@setup_page("/<int:session_id>/requests/<int:request_id>/<action>", methods=["POST"])
def set_request_status(session_id: int, request_id: int, action: str):
    """Accept, decline, withdraw or reopen a request on a participant's behalf."""
    session = _session(session_id)
    item = get_owned_or_404(MeetingRequest, request_id, session_id=session.id)
    if action not in REQUEST_ACTIONS:
        abort(404)
    form = ActionForm()
    if form.validate_on_submit():
        meeting_requests.set_request_status(item, REQUEST_ACTIONS[action])
        db.session.commit()
        flash(_("Request updated."), "success")
    target = form.next.data or ""
    return redirect(target if target and safe_next(target) == target
                    else url_for(".session_detail", session_id=session.id))
