"""Organisers' B2B set-up pages for participants: their list and settings, pairs, requests."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.audit.services import record
from app.b2b import meeting_requests, queries, services
from app.b2b.forms import (
    ActionForm,
    ParticipantSettingsForm,
    make_pair_form,
    make_profile_form,
    profile_values,
)
from app.b2b.links import renew_participant_links
from app.b2b.models import (
    B2BSession,
    B2BTable,
    ForbiddenPair,
    MeetingRequest,
    Participant,
    RequestStatus,
)
from app.b2b.queries import participant_portal_url
from app.b2b.views.base import setup_page
from app.events.admin_forms import RevokeLinksForm
from app.extensions import db
from app.i18n import current_language
from app.members.queries import get_sectors, get_tags
from app.urls import safe_next
from app.web import get_owned_or_404


@setup_page("/<int:session_id>/participants")
def participants(session_id: int):
    """List the participants with their profile state and links."""
    session = db.get_or_404(B2BSession, session_id)
    return render_template("b2b/setup/participants.html", session=session,
                           participants=queries.get_participants(session), action=ActionForm(),
                           lang=current_language())


@setup_page("/<int:session_id>/import-registrations", methods=["POST"])
def import_registrations(session_id: int):
    """Add the event's confirmed registrants as participants."""
    session = db.get_or_404(B2BSession, session_id)
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
    session = db.get_or_404(B2BSession, session_id)
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
    session = db.get_or_404(B2BSession, session_id)
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


def _pair(session: B2BSession) -> tuple[Participant, Participant] | None:
    form = make_pair_form(queries.get_participants(session))
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
    session = db.get_or_404(B2BSession, session_id)
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
    session = db.get_or_404(B2BSession, session_id)
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
    session = db.get_or_404(B2BSession, session_id)
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
    session = db.get_or_404(B2BSession, session_id)
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
    session = db.get_or_404(B2BSession, session_id)
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
