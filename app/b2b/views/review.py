"""Organisers' review of a finished run: the grid, one participant's meetings, hand edits."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.b2b import editing, grid, queries, runs
from app.b2b.models import B2BTable, Meeting, Participant, RunStatus, ScheduleRun, Slot
from app.b2b.views.base import form_int, get_run_or_404, organiser_page
from app.extensions import db
from app.web import get_owned_or_404


@organiser_page("/runs/<int:run_id>/grid")
def schedule_grid(run_id: int):
    """Show a finished run as a grid of slots and tables, one meeting selected to edit."""
    run, session = get_run_or_404(run_id)
    if run.status != RunStatus.DONE:
        return redirect(url_for("b2b.schedule_run", run_id=run.id))
    who, table = request.args.get("who", "")[:100], request.args.get("table", "")[:100]
    layout = grid.build_grid(run, session, who=who, table=table)
    selected = None
    if request.args.get("meeting", "").isdigit():
        selected = next((m for m in layout.meetings if m.id == int(request.args["meeting"])),
                        None)
    return render_template(
        "b2b/schedule/grid.html", run=run, session=session, grid=layout, who=who, table=table,
        slots=layout.slots, tables=queries.get_tables(session), meetings=layout.meetings,
        selected=selected, participants=queries.get_participants_with_people(session))


@organiser_page("/runs/<int:run_id>/participants/<int:participant_id>")
def schedule_participant(run_id: int, participant_id: int):
    """List one participant's meetings in a run."""
    run, session = get_run_or_404(run_id)
    participant = get_owned_or_404(Participant, participant_id, session_id=session.id)
    return render_template("b2b/schedule/participant.html", run=run, session=session,
                           participant=participant,
                           meetings=queries.get_participant_meetings(run, participant))


def _edit(run: ScheduleRun, action, success: str, meeting_id: int | None = None):
    """Make one hand edit, refresh the run's figures and commit, or flash the refusal."""
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
    # The grid's filter stays as the organiser set it (drag and drop posts it along).
    args.update({name: request.form[name][:100] for name in ("who", "table")
                 if request.form.get(name)})
    return redirect(url_for("b2b.schedule_grid", run_id=run.id, **args))


@organiser_page("/runs/<int:run_id>/meetings/<int:meeting_id>/move", methods=["POST"])
def schedule_move(run_id: int, meeting_id: int):
    """Move a meeting to another slot and table."""
    run, session = get_run_or_404(run_id)
    meeting = get_owned_or_404(Meeting, meeting_id, run_id=run.id)
    slot = get_owned_or_404(Slot, form_int("slot_id"), session_id=session.id)
    table = get_owned_or_404(B2BTable, form_int("table_id"), session_id=session.id)
    return _edit(run, lambda: editing.move_meeting(meeting, slot, table),
                 _("Meeting moved."), meeting.id)


@organiser_page("/runs/<int:run_id>/meetings/<int:meeting_id>/swap", methods=["POST"])
def schedule_swap(run_id: int, meeting_id: int):
    """Swap the places of two meetings."""
    run, _session = get_run_or_404(run_id)
    meeting = get_owned_or_404(Meeting, meeting_id, run_id=run.id)
    other = get_owned_or_404(Meeting, form_int("other_id"), run_id=run.id)
    return _edit(run, lambda: editing.swap_meetings(meeting, other), _("Meetings swapped."),
                 meeting.id)


@organiser_page("/runs/<int:run_id>/meetings/<int:meeting_id>/remove", methods=["POST"])
def schedule_remove(run_id: int, meeting_id: int):
    """Take a meeting out of the run."""
    run, _session = get_run_or_404(run_id)
    meeting = get_owned_or_404(Meeting, meeting_id, run_id=run.id)
    return _edit(run, lambda: editing.remove_meeting(meeting), _("Meeting removed."))


@organiser_page("/runs/<int:run_id>/meetings/<int:meeting_id>/lock", methods=["POST"])
def schedule_lock(run_id: int, meeting_id: int):
    """Lock a meeting (later runs keep it) or unlock it."""
    run, _session = get_run_or_404(run_id)
    meeting = get_owned_or_404(Meeting, meeting_id, run_id=run.id)
    locked = request.form.get("locked") == "1"
    return _edit(run, lambda: editing.set_locked(meeting, locked),
                 _("Meeting locked.") if locked else _("Meeting unlocked."), meeting.id)


@organiser_page("/runs/<int:run_id>/meetings/add", methods=["POST"])
def schedule_add(run_id: int):
    """Add a meeting by hand, with a must-meet request when asked."""
    run, session = get_run_or_404(run_id)
    a = get_owned_or_404(Participant, form_int("a_id"), session_id=session.id)
    b = get_owned_or_404(Participant, form_int("b_id"), session_id=session.id)
    slot = get_owned_or_404(Slot, form_int("slot_id"), session_id=session.id)
    table = get_owned_or_404(B2BTable, form_int("table_id"), session_id=session.id)
    add_request = request.form.get("add_request") == "1"
    return _edit(run, lambda: editing.add_meeting(run, a, b, slot, table,
                                                  add_request=add_request),
                 _("Meeting added."))
