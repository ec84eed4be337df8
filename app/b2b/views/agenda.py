"""Printable agendas and table sheets, and participants' agenda and feedback (token links)."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from app.auth.links import LinkError, link_refused
from app.b2b import feedback, mails, outcome_survey, pdf, queries
from app.b2b.blueprint import bp
from app.b2b.forms import ContactForm, FeedbackForm, OutcomeSurveyForm
from app.b2b.models import B2BSession, B2BTable, Participant, ScheduleRun
from app.b2b.views.base import now, organiser_page
from app.extensions import db, limiter
from app.web import get_owned_or_404, manage_rate_limit, query_int

# --- printable sheets ----------------------------------------------------------------------


def pdf_response(data: bytes, filename: str) -> Response:
    """Return PDF bytes shown in the browser under this file name."""
    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{filename}"'})


def published_or_404(session: B2BSession) -> ScheduleRun:
    """Return the run asked for (?run=), else the published one, or answer 404."""
    run_id = query_int("run") or session.published_run_id
    return get_owned_or_404(ScheduleRun, run_id, session_id=session.id)


@organiser_page("/sessions/<int:session_id>/agendas/<int:participant_id>.pdf")
def schedule_agenda_pdf(session_id: int, participant_id: int):
    """Return a participant's printable agenda of the published (or given) run."""
    session = db.get_or_404(B2BSession, session_id)
    participant = get_owned_or_404(Participant, participant_id, session_id=session.id)
    run = published_or_404(session)
    return pdf_response(pdf.participant_agenda_pdf(run, participant),
                         f"agenda-{participant.code}.pdf")


@organiser_page("/sessions/<int:session_id>/tables/<int:table_id>.pdf")
def schedule_table_pdf(session_id: int, table_id: int):
    """Return a table's printable sheet of the published (or given) run."""
    session = db.get_or_404(B2BSession, session_id)
    table = get_owned_or_404(B2BTable, table_id, session_id=session.id)
    run = published_or_404(session)
    return pdf_response(pdf.table_sheet_pdf(run, table), f"table-{table.code}.pdf")


# --- participants' agenda and feedback (token links) ---------------------------------------


def _agenda_link_refused(error: LinkError):
    # Agenda links answered 403 for every refused link from their first release on; the page
    # and its messages are the app's one link-error page.
    return link_refused(error, status=403)


@bp.route("/b2b/agenda/<token>")
def agenda(token: str):
    """Show a participant their published meetings."""
    try:
        participant = queries.load_participant_token(token)
    except LinkError as error:
        return _agenda_link_refused(error)
    return render_template("b2b/schedule/agenda.html", participant=participant,
                           session=participant.session, lines=queries.get_agenda(participant),
                           token=token)


@bp.route("/b2b/agenda/<token>/agenda.pdf")
@limiter.limit(manage_rate_limit)
def agenda_pdf(token: str):
    """Return a participant's own printable agenda of the published schedule."""
    try:
        participant = queries.load_participant_token(token)
    except LinkError as error:
        return _agenda_link_refused(error)
    session = db.session.get(B2BSession, participant.session_id)
    if session.published_run_id is None:
        abort(404)
    run = db.session.get(ScheduleRun, session.published_run_id)
    return pdf_response(pdf.participant_agenda_pdf(run, participant),
                        f"agenda-{participant.code}.pdf")


@bp.route("/b2b/agenda/<token>/feedback", methods=["GET", "POST"])
def agenda_feedback(token: str):
    """Ask a participant how their meetings went; POST saves the answered ones."""
    try:
        participant = queries.load_participant_token(token)
    except LinkError as error:
        return _agenda_link_refused(error)
    moment = now()
    agenda_lines = queries.get_agenda(participant)
    # Only meetings whose slot has ended can be judged; the others are listed as upcoming.
    lines = [line for line in agenda_lines if feedback.feedback_open(line["slot"], moment)]
    upcoming = [line for line in agenda_lines if line not in lines]
    ids = [line["row"].id for line in lines]
    # A posted form is judged on what was sent: earlier answers only fill the empty page.
    existing = {} if request.method == "POST" else queries.get_feedback_of(participant)
    form = FeedbackForm.for_meetings(ids, existing)
    errors: dict[int, str] = {}
    if form.validate_on_submit():
        for line in lines:
            answers = form.answers(line["row"].id)
            if answers is not None:
                feedback.save_feedback(line["row"], participant, now=moment, **answers)
        db.session.commit()
        flash(_("Thank you for your feedback."), "success")
        return redirect(url_for("b2b.agenda_feedback", token=token))
    if form.is_submitted():
        errors = {i: _("Choose one of the answers offered.") for i in ids
                  if form.meeting(i).errors}
    return render_template("b2b/schedule/feedback.html", participant=participant,
                           session=participant.session, lines=lines, form=form,
                           upcoming=upcoming, errors=errors, token=token,
                           outcomes=feedback.outcome_labels()), (
        400 if errors else 200)


def _posted_results(ids: set[int]) -> dict[int, str] | None:
    """Return the posted result per meeting (fields m<id>); None if one is not offered."""
    offered = outcome_survey.result_labels()
    answers: dict[int, str] = {}
    for key, value in request.form.items():
        if key == "csrf_token" or not value:
            continue
        number = key[1:] if key.startswith("m") else ""
        if not number.isdigit() or int(number) not in ids or value not in offered:
            return None
        answers[int(number)] = value
    return answers


@bp.route("/b2b/agenda/<token>/outcomes", methods=["GET", "POST"])
def agenda_outcomes(token: str):
    """Ask a participant, months later, what came of each meeting; POST saves the answers."""
    try:
        participant = queries.load_participant_token(token)
    except LinkError as error:
        return _agenda_link_refused(error)
    lines = queries.get_agenda(participant)
    rows = {line["row"].id: line["row"] for line in lines}
    form = OutcomeSurveyForm()
    error = ""
    if form.validate_on_submit():
        answers = _posted_results(set(rows))
        if answers is None:
            error = _("Choose one of the answers offered, for your own meetings.")
        else:
            _save_answers(rows, participant, answers)
            flash(_("Thank you for your answers."), "success")
            return redirect(url_for("b2b.agenda_outcomes", token=token))
    elif form.is_submitted():
        error = _("The form has expired; please send it again.")
    return render_template("b2b/schedule/outcomes.html", participant=participant, lines=lines,
                           form=form, token=token, error=error,
                           answers=outcome_survey.get_survey_answers(participant),
                           results=outcome_survey.result_labels()), 400 if error else 200


def _save_answers(rows, participant, answers) -> None:
    """Save and commit the answers; a twin request that inserted first is simply updated."""
    for attempt in (1, 2):
        try:
            for meeting_id, result in answers.items():
                outcome_survey.save_survey_answer(rows[meeting_id], participant, result)
            db.session.commit()
            return
        except IntegrityError:
            db.session.rollback()  # the same form sent twice at once: the rows exist now
            if attempt == 2:
                raise


@bp.route("/b2b/agenda/<token>/contact/<int:meeting_id>", methods=["GET", "POST"])
@limiter.limit(manage_rate_limit, methods=["POST"])
def agenda_contact(token: str, meeting_id: int):
    """Let a participant write to someone they meet; the app forwards it by mail."""
    try:
        participant = queries.load_participant_token(token)
    except LinkError as error:
        return _agenda_link_refused(error)
    line = next((line for line in queries.get_agenda(participant)
                 if line["row"].id == meeting_id), None)
    if line is None:
        abort(404)
    form = ContactForm()
    if form.validate_on_submit():
        mails.queue_contact_mail(participant, line["other"], form.message.data)
        db.session.commit()
        flash(_("Your message was sent; their answer will come to your mailbox."), "success")
        return redirect(url_for("b2b.agenda", token=token))
    return render_template("b2b/schedule/contact.html", participant=participant, line=line,
                           form=form, token=token), 400 if form.errors else 200
