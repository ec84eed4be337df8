"""Participants' feedback on their meetings, after the event, and its summary for reports."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.b2b.models import (
    B2BSession,
    MeetingFeedback,
    MeetingOutcome,
    Participant,
    PublishedMeeting,
    Slot,
)
from app.db import utc_now
from app.extensions import db


class FeedbackTooEarly(ValueError):
    """Feedback on a meeting whose slot has not ended yet."""


def feedback_open(slot: Slot, now: datetime | None = None) -> bool:
    """Tell whether feedback on a meeting in this slot is open: the slot has ended."""
    return slot.ends_at <= (now or utc_now())


def outcome_labels() -> dict[str, str]:
    """Return the translated label of each outcome."""
    return {MeetingOutcome.NONE.value: str(_l("No follow-up")),
            MeetingOutcome.FOLLOW_UP.value: str(_l("Follow-up planned")),
            MeetingOutcome.DEAL.value: str(_l("Quote or deal"))}


def save_feedback(meeting: PublishedMeeting, participant: Participant, *, happened: bool,
                  usefulness: int | None, outcome: MeetingOutcome,
                  comment: str = "", now: datetime | None = None) -> MeetingFeedback:
    """Record (or replace) a participant's feedback on one of their meetings; flush only."""
    if participant.id not in (meeting.a_id, meeting.b_id):
        raise ValueError("a participant gives feedback on their own meetings only")
    if not feedback_open(db.session.get(Slot, meeting.slot_id), now):
        raise FeedbackTooEarly("feedback opens once the meeting's slot has ended")
    if usefulness is not None and not 1 <= usefulness <= 5:
        raise ValueError("usefulness is 1 to 5")
    row = db.session.scalar(select(MeetingFeedback).where(
        MeetingFeedback.published_meeting_id == meeting.id,
        MeetingFeedback.participant_id == participant.id))
    if row is None:
        row = MeetingFeedback(published_meeting_id=meeting.id, participant_id=participant.id)
        db.session.add(row)
    row.happened = happened
    row.usefulness = usefulness if happened else None
    row.outcome = MeetingOutcome(outcome) if happened else MeetingOutcome.NONE
    row.comment = comment.strip()[:2000]
    db.session.flush()
    return row


def feedback_summary(session: B2BSession) -> dict:
    """Return the feedback counts of a session for the reports.

    Keys: meetings (published), responses, meetings_with_response, happened, not_happened,
    usefulness (counts for 1..5), usefulness_average (None without answers), outcomes
    (counts per outcome code, over meetings that happened).
    """
    meetings = db.session.scalar(select(func.count(PublishedMeeting.id)).where(
        PublishedMeeting.session_id == session.id)) or 0
    rows = db.session.execute(
        select(MeetingFeedback.published_meeting_id, MeetingFeedback.happened,
               MeetingFeedback.usefulness, MeetingFeedback.outcome)
        .join(PublishedMeeting, PublishedMeeting.id == MeetingFeedback.published_meeting_id)
        .where(PublishedMeeting.session_id == session.id)).all()
    usefulness = {score: 0 for score in range(1, 6)}
    outcomes = {o.value: 0 for o in MeetingOutcome}
    happened = not_happened = 0
    for _meeting_id, did_happen, score, outcome in rows:
        if did_happen:
            happened += 1
            outcomes[MeetingOutcome(outcome).value] += 1
            if score is not None:
                usefulness[score] += 1
        else:
            not_happened += 1
    scored = sum(usefulness.values())
    average = (round(sum(s * n for s, n in usefulness.items()) / scored, 2) if scored else None)
    return {
        "meetings": meetings,
        "responses": len(rows),
        "meetings_with_response": len({r[0] for r in rows}),
        "happened": happened,
        "not_happened": not_happened,
        "usefulness": usefulness,
        "usefulness_average": average,
        "outcomes": outcomes,
    }
