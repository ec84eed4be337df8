"""Scheduling pages: runs, review and edits, publication, event day, agendas, PDFs, feedback."""

from __future__ import annotations

from datetime import datetime, time

from flask import (
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.b2b import editing, event_day, feedback, pdf, publication, queries, runs
from app.b2b.blueprint import bp
from app.b2b.labels import run_status_label
from app.b2b.models import (
    B2BSession,
    B2BTable,
    Meeting,
    MeetingFeedback,
    MeetingOutcome,
    Participant,
    PublishedMeeting,
    RunStatus,
    ScheduleRun,
    Slot,
)
from app.b2b.tokens import TokenError, load_participant_token
from app.db import utc_now
from app.extensions import db
from app.invites.timezone import BRUSSELS


def organiser_page(rule: str, **options):
    """Register an organiser route under /b2b that requires a login."""

    def decorator(view):
        return bp.route("/b2b" + rule, **options)(login_required(view))

    return decorator


def now() -> datetime:
    """Return the current time; tests inject a clock with the B2B_CLOCK setting."""
    clock = current_app.config.get("B2B_CLOCK")
    return clock() if clock else utc_now()


def _int(name: str, *, required: bool = True) -> int | None:
    raw = request.form.get(name, "").strip()
    if not raw and not required:
        return None
    try:
        return int(raw)
    except ValueError:
        abort(400, _("The field %(field)s must be a whole number.", field=name))


def _run(run_id: int) -> tuple[ScheduleRun, B2BSession]:
    run = db.get_or_404(ScheduleRun, run_id)
    return run, db.session.get(B2BSession, run.session_id)


def _of_session(model, object_id: int, session_id: int):
    item = db.session.get(model, object_id)
    if item is None or item.session_id != session_id:
        abort(404)
    return item


def _meeting(run: ScheduleRun, meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or meeting.run_id != run.id:
        abort(404)
    return meeting


def reason_label(code: str) -> str:
    """Return the translated explanation of an unscheduled reason code."""
    labels = {
        "forbidden": _("The organisers excluded this pair."),
        "language": _("No shared language."),
        "no_common_slot": _("No slot both can attend."),
        "capacity": _("Meeting limit or tables ran out."),
        "not_chosen": _("Possible, but other meetings were worth more."),
    }
    return labels.get(code, code)


# --- runs ----------------------------------------------------------------------------------


@organiser_page("/sessions/<int:session_id>/runs", methods=["GET", "POST"])
def schedule_runs(session_id: int):
    session = db.get_or_404(B2BSession, session_id)
    if request.method == "POST":
        time_limit = _int("time_limit")
        min_meetings = _int("min_meetings")
        try:
            run = runs.start_run(session, time_limit=time_limit, min_meetings=min_meetings)
        except runs.RunError as error:
            db.session.rollback()
            flash(str(error), "danger")
            return redirect(url_for("b2b.schedule_runs", session_id=session.id))
        db.session.commit()
        flash(_("The scheduler is starting."), "info")
        return redirect(url_for("b2b.schedule_run", run_id=run.id))
    if runs.sync_session_runs(session):
        db.session.commit()
    items = list(db.session.scalars(select(ScheduleRun).where(
        ScheduleRun.session_id == session.id).order_by(ScheduleRun.id.desc())))
    return render_template("b2b/schedule/runs.html", session=session, runs=items,
                           default_limit=30)


@organiser_page("/runs/<int:run_id>")
def schedule_run(run_id: int):
    run, session = _run(run_id)
    if runs.sync_run_with_job(run):
        db.session.commit()
    names = {p.code: f"{p.person.full_name} ({p.organisation_label})" if p.organisation_label
             else p.person.full_name for p in session.participants}
    return render_template("b2b/schedule/run.html", run=run, session=session,
                           reason_label=reason_label, names=names)


@organiser_page("/runs/<int:run_id>/progress")
def schedule_run_progress(run_id: int):
    run, _session = _run(run_id)
    if runs.sync_run_with_job(run):
        db.session.commit()
    percent = None
    if run.best_value is not None and run.bound:
        percent = round(100 * run.best_value / run.bound, 1)
    elapsed = None
    if run.started_at is not None:
        elapsed = round(((run.finished_at or utc_now()) - run.started_at).total_seconds(), 1)
    return jsonify(status=str(run.status), status_label=run_status_label(run.status),
                   best_value=run.best_value, bound=run.bound,
                   percent=percent, elapsed=elapsed, time_limit=run.time_limit,
                   error=run.error, meetings=(run.stats or {}).get("meetings"))


@organiser_page("/runs/<int:run_id>/restart", methods=["POST"])
def schedule_run_restart(run_id: int):
    run, _session = _run(run_id)
    try:
        runs.restart_run(run)
    except runs.RunError as error:
        db.session.rollback()
        flash(str(error), "danger")
    else:
        db.session.commit()
        flash(_("The run was queued again."), "info")
    return redirect(url_for("b2b.schedule_run", run_id=run.id))


@organiser_page("/runs/<int:run_id>/rerun", methods=["POST"])
def schedule_rerun(run_id: int):
    base, session = _run(run_id)
    try:
        run = runs.start_run(session, time_limit=_int("time_limit"),
                             min_meetings=_int("min_meetings"), base_run=base)
    except runs.RunError as error:
        db.session.rollback()
        flash(str(error), "danger")
        return redirect(url_for("b2b.schedule_grid", run_id=base.id))
    db.session.commit()
    flash(_("A new run keeps the locked meetings."), "info")
    return redirect(url_for("b2b.schedule_run", run_id=run.id))


# --- review and edits ----------------------------------------------------------------------


def _grid_data(run: ScheduleRun, session: B2BSession):
    slots = list(db.session.scalars(select(Slot).where(Slot.session_id == session.id)
                                    .order_by(Slot.starts_at)))
    tables = list(db.session.scalars(select(B2BTable).where(B2BTable.session_id == session.id)
                                     .order_by(B2BTable.position, B2BTable.code)))
    meetings = queries.get_run_meetings(run)
    cells = {(m.slot_id, m.table_id): m for m in meetings}
    return slots, tables, meetings, cells


@organiser_page("/runs/<int:run_id>/grid")
def schedule_grid(run_id: int):
    run, session = _run(run_id)
    if run.status != RunStatus.DONE:
        return redirect(url_for("b2b.schedule_run", run_id=run.id))
    slots, tables, meetings, cells = _grid_data(run, session)
    selected = None
    if request.args.get("meeting", "").isdigit():
        selected = next((m for m in meetings if m.id == int(request.args["meeting"])), None)
    participants = list(db.session.scalars(
        select(Participant).where(Participant.session_id == session.id)
        .options(selectinload(Participant.person)).order_by(Participant.code)))
    return render_template("b2b/schedule/grid.html", run=run, session=session, slots=slots,
                           tables=tables, cells=cells, meetings=meetings, selected=selected,
                           participants=participants)


@organiser_page("/runs/<int:run_id>/participants/<int:participant_id>")
def schedule_participant(run_id: int, participant_id: int):
    run, session = _run(run_id)
    participant = _of_session(Participant, participant_id, session.id)
    meetings = [m for m in db.session.scalars(
        select(Meeting).where(Meeting.run_id == run.id,
                              (Meeting.a_id == participant.id) | (Meeting.b_id == participant.id))
        .options(selectinload(Meeting.slot), selectinload(Meeting.table),
                 selectinload(Meeting.a).selectinload(Participant.person),
                 selectinload(Meeting.b).selectinload(Participant.person)))]
    meetings.sort(key=lambda m: m.slot.starts_at)
    return render_template("b2b/schedule/participant.html", run=run, session=session,
                           participant=participant, meetings=meetings)


def _edit(run: ScheduleRun, action, success: str, meeting_id: int | None = None):
    if run.status != RunStatus.DONE:
        flash(_("Only a finished run can be edited."), "danger")
        return redirect(url_for("b2b.schedule_run", run_id=run.id))
    try:
        action()
        runs.refresh_run_stats(run)
    except editing.EditRefused as refused:
        db.session.rollback()
        flash(refused.message, "danger")
    else:
        db.session.commit()
        flash(success, "success")
    args = {"meeting": meeting_id} if meeting_id else {}
    return redirect(url_for("b2b.schedule_grid", run_id=run.id, **args))


@organiser_page("/runs/<int:run_id>/meetings/<int:meeting_id>/move", methods=["POST"])
def schedule_move(run_id: int, meeting_id: int):
    run, session = _run(run_id)
    meeting = _meeting(run, meeting_id)
    slot = _of_session(Slot, _int("slot_id"), session.id)
    table = _of_session(B2BTable, _int("table_id"), session.id)
    return _edit(run, lambda: editing.move_meeting(meeting, slot, table),
                 _("Meeting moved."), meeting.id)


@organiser_page("/runs/<int:run_id>/meetings/<int:meeting_id>/swap", methods=["POST"])
def schedule_swap(run_id: int, meeting_id: int):
    run, _session = _run(run_id)
    meeting = _meeting(run, meeting_id)
    other = _meeting(run, _int("other_id"))
    return _edit(run, lambda: editing.swap_meetings(meeting, other), _("Meetings swapped."),
                 meeting.id)


@organiser_page("/runs/<int:run_id>/meetings/<int:meeting_id>/remove", methods=["POST"])
def schedule_remove(run_id: int, meeting_id: int):
    run, _session = _run(run_id)
    meeting = _meeting(run, meeting_id)
    return _edit(run, lambda: editing.remove_meeting(meeting), _("Meeting removed."))


@organiser_page("/runs/<int:run_id>/meetings/<int:meeting_id>/lock", methods=["POST"])
def schedule_lock(run_id: int, meeting_id: int):
    run, _session = _run(run_id)
    meeting = _meeting(run, meeting_id)
    locked = request.form.get("locked") == "1"
    return _edit(run, lambda: editing.set_locked(meeting, locked),
                 _("Meeting locked.") if locked else _("Meeting unlocked."), meeting.id)


@organiser_page("/runs/<int:run_id>/meetings/add", methods=["POST"])
def schedule_add(run_id: int):
    run, session = _run(run_id)
    a = _of_session(Participant, _int("a_id"), session.id)
    b = _of_session(Participant, _int("b_id"), session.id)
    slot = _of_session(Slot, _int("slot_id"), session.id)
    table = _of_session(B2BTable, _int("table_id"), session.id)
    add_request = request.form.get("add_request") == "1"
    return _edit(run, lambda: editing.add_meeting(run, a, b, slot, table,
                                                  add_request=add_request),
                 _("Meeting added."))


# --- publication ---------------------------------------------------------------------------


@organiser_page("/runs/<int:run_id>/publish", methods=["GET", "POST"])
def schedule_publish(run_id: int):
    run, session = _run(run_id)
    if run.status != RunStatus.DONE:
        flash(_("Only a finished run can be published."), "danger")
        return redirect(url_for("b2b.schedule_run", run_id=run.id))
    if request.method == "POST":
        result = publication.publish_run(run, now=now())
        db.session.commit()
        flash(_("Schedule published: %(mails)s mail(s) to %(people)s participant(s).",
                mails=result.mails, people=result.people), "success")
        return redirect(url_for("b2b.schedule_grid", run_id=run.id))
    diff = publication.diff_run(run)
    return render_template("b2b/schedule/publish.html", run=run, session=session, diff=diff)


# --- event day -----------------------------------------------------------------------------


@organiser_page("/sessions/<int:session_id>/event-day")
def schedule_event_day(session_id: int):
    session = db.get_or_404(B2BSession, session_id)
    participants = list(db.session.scalars(
        select(Participant).where(Participant.session_id == session.id)
        .options(selectinload(Participant.person)).order_by(Participant.code)))
    next_slot = event_day.next_slot(session, now())
    replans = list(db.session.scalars(select(ScheduleRun).where(
        ScheduleRun.session_id == session.id, ScheduleRun.from_slot_id.is_not(None))
        .order_by(ScheduleRun.id.desc())))
    return render_template("b2b/schedule/event_day.html", session=session,
                           participants=participants, next_slot=next_slot, replans=replans)


@organiser_page("/sessions/<int:session_id>/event-day/<int:participant_id>/absent",
                methods=["POST"])
def schedule_absent(session_id: int, participant_id: int):
    participant = _of_session(Participant, participant_id, session_id)
    event_day.set_absent(participant, request.form.get("absent") == "1")
    db.session.commit()
    return redirect(url_for("b2b.schedule_event_day", session_id=session_id))


@organiser_page("/sessions/<int:session_id>/event-day/<int:participant_id>/arrival",
                methods=["POST"])
def schedule_arrival(session_id: int, participant_id: int):
    participant = _of_session(Participant, participant_id, session_id)
    raw = request.form.get("arrives_at", "").strip()
    arrives_at = None
    if raw:
        try:
            moment = time.fromisoformat(raw)
        except ValueError:
            flash(_("Give the arrival time as HH:MM."), "danger")
            return redirect(url_for("b2b.schedule_event_day", session_id=session_id))
        day = now().astimezone(BRUSSELS).date()
        first = db.session.scalars(select(Slot).where(Slot.session_id == session_id)
                                   .order_by(Slot.starts_at)).first()
        if first is not None and first.starts_at.astimezone(BRUSSELS).date() > day:
            day = first.starts_at.astimezone(BRUSSELS).date()
        arrives_at = datetime.combine(day, moment, tzinfo=BRUSSELS).astimezone(
            utc_now().tzinfo)
    event_day.set_arrival(participant, arrives_at)
    db.session.commit()
    return redirect(url_for("b2b.schedule_event_day", session_id=session_id))


@organiser_page("/sessions/<int:session_id>/event-day/replan", methods=["POST"])
def schedule_replan(session_id: int):
    session = db.get_or_404(B2BSession, session_id)
    try:
        run = event_day.start_replan(session, now=now())
    except runs.RunError as error:
        db.session.rollback()
        flash(str(error), "danger")
        return redirect(url_for("b2b.schedule_event_day", session_id=session.id))
    db.session.commit()
    flash(_("Re-planning from the next slot on."), "info")
    return redirect(url_for("b2b.schedule_run", run_id=run.id))


# --- printable sheets ----------------------------------------------------------------------


def _pdf_response(data: bytes, filename: str) -> Response:
    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{filename}"'})


def _published_or_404(session: B2BSession) -> ScheduleRun:
    run_id = request.args.get("run", type=int) or session.published_run_id
    run = db.session.get(ScheduleRun, run_id) if run_id else None
    if run is None or run.session_id != session.id:
        abort(404)
    return run


@organiser_page("/sessions/<int:session_id>/agendas/<int:participant_id>.pdf")
def schedule_agenda_pdf(session_id: int, participant_id: int):
    session = db.get_or_404(B2BSession, session_id)
    participant = _of_session(Participant, participant_id, session.id)
    run = _published_or_404(session)
    return _pdf_response(pdf.participant_agenda_pdf(run, participant),
                         f"agenda-{participant.code}.pdf")


@organiser_page("/sessions/<int:session_id>/tables/<int:table_id>.pdf")
def schedule_table_pdf(session_id: int, table_id: int):
    session = db.get_or_404(B2BSession, session_id)
    table = _of_session(B2BTable, table_id, session.id)
    run = _published_or_404(session)
    return _pdf_response(pdf.table_sheet_pdf(run, table), f"table-{table.code}.pdf")


# --- participants' agenda and feedback (token links) ---------------------------------------


class _LinkRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _participant_or_error(token: str) -> Participant:
    try:
        return load_participant_token(token)
    except TokenError as error:
        messages = {"expired": _("This link has expired."),
                    "revoked": _("This link was replaced by a newer one.")}
        raise _LinkRefused(messages.get(error.reason, _("This link is not valid."))) from error


def _link_refused(error: _LinkRefused):
    return render_template("b2b/schedule/link_error.html", message=error.message), 403


def _published_meetings(participant: Participant) -> list[PublishedMeeting]:
    rows = list(db.session.scalars(select(PublishedMeeting).where(
        PublishedMeeting.session_id == participant.session_id,
        (PublishedMeeting.a_id == participant.id) | (PublishedMeeting.b_id == participant.id))))
    return rows


def _agenda_lines(participant: Participant):
    rows = _published_meetings(participant)
    ids = {r.a_id for r in rows} | {r.b_id for r in rows}
    people = {p.id: p for p in db.session.scalars(
        select(Participant).where(Participant.id.in_(ids))
        .options(selectinload(Participant.person), selectinload(Participant.items)))}
    slots = {s.id: s for s in db.session.scalars(
        select(Slot).where(Slot.session_id == participant.session_id))}
    tables = {t.id: t for t in db.session.scalars(
        select(B2BTable).where(B2BTable.session_id == participant.session_id))}
    lines = [{"row": r, "slot": slots[r.slot_id], "table": tables[r.table_id],
              "other": people[r.b_id if r.a_id == participant.id else r.a_id]} for r in rows]
    lines.sort(key=lambda line: line["slot"].starts_at)
    return lines


@bp.route("/b2b/agenda/<token>")
def agenda(token: str):
    try:
        participant = _participant_or_error(token)
    except _LinkRefused as error:
        return _link_refused(error)
    return render_template("b2b/schedule/agenda.html", participant=participant,
                           session=participant.session, lines=_agenda_lines(participant),
                           token=token)


@bp.route("/b2b/agenda/<token>/feedback", methods=["GET", "POST"])
def agenda_feedback(token: str):
    try:
        participant = _participant_or_error(token)
    except _LinkRefused as error:
        return _link_refused(error)
    lines = _agenda_lines(participant)
    existing = {f.published_meeting_id: f for f in db.session.scalars(
        select(MeetingFeedback).where(MeetingFeedback.participant_id == participant.id))}
    errors: dict[int, str] = {}
    if request.method == "POST":
        answers = []
        for line in lines:
            row = line["row"]
            prefix = f"m{row.id}-"
            happened = request.form.get(prefix + "happened")
            if happened is None:
                continue
            usefulness = request.form.get(prefix + "usefulness", "")
            outcome = request.form.get(prefix + "outcome", MeetingOutcome.NONE.value)
            if happened not in ("yes", "no") or outcome not in {o.value for o in MeetingOutcome} or (
                    usefulness and usefulness not in {"1", "2", "3", "4", "5"}):
                errors[row.id] = _("Choose one of the answers offered.")
                continue
            answers.append((row, happened == "yes", int(usefulness) if usefulness else None,
                            MeetingOutcome(outcome), request.form.get(prefix + "comment", "")))
        if not errors:
            for row, happened, usefulness, outcome, comment in answers:
                feedback.save_feedback(row, participant, happened=happened,
                                       usefulness=usefulness, outcome=outcome, comment=comment)
            db.session.commit()
            flash(_("Thank you for your feedback."), "success")
            return redirect(url_for("b2b.agenda_feedback", token=token))
    return render_template("b2b/schedule/feedback.html", participant=participant,
                           session=participant.session, lines=lines, existing=existing,
                           errors=errors, token=token, outcomes=feedback.outcome_labels()), (
        400 if errors else 200)


@bp.app_context_processor
def run_labels():
    return {"run_status_label": run_status_label}
