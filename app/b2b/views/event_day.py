"""Organisers' event-day page: presence (from the event's check-in), late arrivals, re-plans."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.b2b import event_day, queries
from app.b2b.models import B2BSession, Participant
from app.b2b.views.base import flash_run_error, now, organiser_page
from app.extensions import db
from app.web import get_owned_or_404, query_choice


def _back(session_id: int):
    """Return to the event-day list with the search and filter the organiser had."""
    state = request.form.get("state")
    return redirect(url_for(
        "b2b.schedule_event_day", session_id=session_id, q=request.form.get("q") or None,
        state=state if state in event_day.PRESENCE_FILTERS else None))


@organiser_page("/sessions/<int:session_id>/event-day")
def schedule_event_day(session_id: int):
    """Show the participants with their presence, the next slot and the re-plans."""
    session = db.get_or_404(B2BSession, session_id)
    search = request.args.get("q", "")[:100]
    state = query_choice("state", event_day.PRESENCE_FILTERS)
    everyone = queries.get_participants_with_people(session)
    shown = event_day.filter_participants(everyone, search=search, state=state)
    counts = {name: len(event_day.filter_participants(everyone, state=name))
              for name in event_day.PRESENCE_FILTERS}
    return render_template("b2b/schedule/event_day.html", session=session,
                           participants=shown, total=len(everyone), counts=counts,
                           search=search, state=state, presence=event_day.presence,
                           next_slot=event_day.next_slot(session, now()),
                           replans=queries.get_replans(session))


@organiser_page("/sessions/<int:session_id>/event-day/<int:participant_id>/absent",
                methods=["POST"])
def schedule_absent(session_id: int, participant_id: int):
    """Mark a participant absent or present again (the event's no-show mark)."""
    participant = get_owned_or_404(Participant, participant_id, session_id=session_id)
    event_day.set_absent(participant, request.form.get("absent") == "1")
    db.session.commit()
    return _back(session_id)


@organiser_page("/sessions/<int:session_id>/event-day/<int:participant_id>/left",
                methods=["POST"])
def schedule_left(session_id: int, participant_id: int):
    """Record that a participant left early (their later meetings go at the next re-plan)."""
    participant = get_owned_or_404(Participant, participant_id, session_id=session_id)
    event_day.set_left(participant, request.form.get("left") == "1", now=now())
    db.session.commit()
    return _back(session_id)


@organiser_page("/sessions/<int:session_id>/event-day/<int:participant_id>/arrival",
                methods=["POST"])
def schedule_arrival(session_id: int, participant_id: int):
    """Record when a late participant arrives (an empty time: on time)."""
    participant = get_owned_or_404(Participant, participant_id, session_id=session_id)
    try:
        event_day.set_arrival_time(participant, request.form.get("arrives_at", ""), now=now())
    except event_day.ArrivalError as error:
        db.session.rollback()
        flash(str(error), "danger")
    else:
        db.session.commit()
    return _back(session_id)


@organiser_page("/sessions/<int:session_id>/event-day/replan", methods=["POST"])
def schedule_replan(session_id: int):
    """Re-plan the published schedule from the next slot on."""
    session = db.get_or_404(B2BSession, session_id)
    run = flash_run_error(lambda: event_day.start_replan(session, now=now()))
    if run is None:
        return redirect(url_for("b2b.schedule_event_day", session_id=session.id))
    db.session.commit()
    flash(_("Re-planning from the next slot on."), "info")
    return redirect(url_for("b2b.schedule_run", run_id=run.id))
