"""Organisers' schedule runs: start one, follow its progress, restart it, re-run with locks."""

from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.b2b import queries, runs
from app.b2b.blueprint import bp
from app.b2b.labels import participant_label, run_status_label
from app.b2b.models import B2BSession, ScheduleRun
from app.b2b.run_progress import run_progress
from app.b2b.views.base import flash_run_error, form_int, get_run_or_404, organiser_page
from app.extensions import db


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


@bp.app_context_processor
def run_labels():
    """Let every page name a run's status."""
    return {"run_status_label": run_status_label, "participant_label": participant_label}


# A run whose worker died is shown failed at once; GET pages only flush that (never commit):
# the next POST on the run (restart, re-run) writes it for good.


@organiser_page("/sessions/<int:session_id>/runs", methods=["GET", "POST"])
def schedule_runs(session_id: int):
    """List a session's runs, newest first; POST starts one (the worker solves it)."""
    session = db.get_or_404(B2BSession, session_id)
    if request.method == "POST":
        return _start_run(session)
    runs.sync_session_runs(session)
    return render_template("b2b/schedule/runs.html", session=session,
                           runs=queries.get_runs(session), default_limit=30,
                           published_people=queries.count_published_people(session))


def _start_run(session: B2BSession):
    time_limit, min_meetings = form_int("time_limit"), form_int("min_meetings")
    back = redirect(url_for("b2b.schedule_runs", session_id=session.id))
    base, keep = None, False
    if session.published_run_id is not None:
        # After publication a run keeps the published meetings unless the organiser asks
        # for a new plan and confirms it, knowing how many people may be mailed.
        if request.form.get("mode") == "scratch":
            if request.form.get("confirm_scratch") != "1":
                flash(_("Tick the box to confirm a new plan from scratch."), "danger")
                return back
        else:
            base, keep = db.session.get(ScheduleRun, session.published_run_id), True
    run = flash_run_error(lambda: runs.start_run(session, time_limit=time_limit,
                                                 min_meetings=min_meetings, base_run=base,
                                                 keep_published=keep))
    if run is None:
        return back
    db.session.commit()
    flash(_("The scheduler is starting."), "info")
    return redirect(url_for("b2b.schedule_run", run_id=run.id))


@organiser_page("/runs/<int:run_id>")
def schedule_run(run_id: int):
    """Show a run: status, figures and the pairs left out with their reasons."""
    run, session = get_run_or_404(run_id)
    runs.sync_run_with_job(run)
    names = {p.code: participant_label(p) for p in session.participants}
    return render_template("b2b/schedule/run.html", run=run, session=session,
                           reason_label=reason_label, names=names, progress=run_progress(run))


@organiser_page("/runs/<int:run_id>/progress")
def schedule_run_progress(run_id: int):
    """Return a run's progress as JSON for the page's polling."""
    run, _session = get_run_or_404(run_id)
    runs.sync_run_with_job(run)
    return jsonify(run_progress(run))


@organiser_page("/runs/<int:run_id>/restart", methods=["POST"])
def schedule_run_restart(run_id: int):
    """Queue a failed run again."""
    run, _session = get_run_or_404(run_id)
    if flash_run_error(lambda: runs.restart_run(run)) is not None:
        db.session.commit()
        flash(_("The run was queued again."), "info")
    return redirect(url_for("b2b.schedule_run", run_id=run.id))


@organiser_page("/runs/<int:run_id>/rerun", methods=["POST"])
def schedule_rerun(run_id: int):
    """Start a new run that keeps this run's locked meetings (and the published ones)."""
    base, session = get_run_or_404(run_id)
    time_limit, min_meetings = form_int("time_limit"), form_int("min_meetings")
    keep = session.published_run_id is not None
    run = flash_run_error(lambda: runs.start_run(session, time_limit=time_limit,
                                                 min_meetings=min_meetings, base_run=base,
                                                 keep_published=keep))
    if run is None:
        return redirect(url_for("b2b.schedule_grid", run_id=base.id))
    db.session.commit()
    flash(_("A new run keeps the published and locked meetings.") if keep
          else _("A new run keeps the locked meetings."), "info")
    return redirect(url_for("b2b.schedule_run", run_id=run.id))
