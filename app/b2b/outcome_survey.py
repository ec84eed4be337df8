"""The B2B outcomes survey: months after the event, what came of each meeting.

``send_outcome_surveys`` (``flask b2b send-outcome-surveys``, run by cron) mails each
participant of a session whose event ended at least ``outcome_survey_months`` ago, once
(``Participant.outcome_survey_sent_at``), a personal link to a page listing their published
meetings with the five results; ``save_survey_answer`` records (or replaces) one answer.
"""

from __future__ import annotations

import calendar
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, or_, select

from app.b2b.links import queue_participant_mail
from app.b2b.models import (
    B2BSession,
    MeetingSurveyAnswer,
    Participant,
    PublishedMeeting,
    SurveyResult,
)
from app.b2b.queries import make_participant_token
from app.db import utc_now
from app.events.models import Event, EventStatus
from app.extensions import db
from app.mail.models import OutboxMessage
from app.urls import external_url


def result_labels() -> dict[str, str]:
    """Return the translated label of each survey result, in the order they are offered."""
    return {SurveyResult.NO_CONTACT.value: str(_l("No further contact")),
            SurveyResult.KNOWLEDGE.value: str(_l("Knowledge gained")),
            SurveyResult.CONTACT.value: str(_l("Valuable contact")),
            SurveyResult.NEGOTIATION.value: str(_l("Negotiation started")),
            SurveyResult.AGREEMENT.value: str(_l("Agreement reached"))}


def add_months(moment: datetime, months: int) -> datetime:
    """Return the same moment `months` calendar months later (day clipped to the month's end)."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def survey_due(session: B2BSession, now: datetime) -> bool:
    """Tell whether the session's survey is due: its event ended the set months ago or more."""
    return add_months(session.event.ends_at, session.outcome_survey_months) <= now


def survey_url(participant: Participant) -> str:
    """Return the absolute personal link to the participant's outcomes survey."""
    return external_url("b2b.agenda_outcomes", token=make_participant_token(participant))


def _has_meetings():
    return exists().where(PublishedMeeting.session_id == Participant.session_id,
                          or_(PublishedMeeting.a_id == Participant.id,
                              PublishedMeeting.b_id == Participant.id))


def send_outcome_surveys(now: datetime | None = None) -> int:
    """Queue the survey mail to each due participant with meetings, once; return how many."""
    now = now or utc_now()
    sessions = db.session.scalars(
        select(B2BSession).join(Event, Event.id == B2BSession.event_id)
        .where(B2BSession.published_run_id.is_not(None), Event.status == EventStatus.PUBLISHED,
               Event.ends_at <= now))
    count = 0
    for session in sessions:
        if not survey_due(session, now):
            continue
        participants = db.session.scalars(select(Participant).where(
            Participant.session_id == session.id, Participant.outcome_survey_sent_at.is_(None),
            _has_meetings()).order_by(Participant.id).with_for_update(skip_locked=True))
        for participant in participants:
            participant.outcome_survey_sent_at = now
            queue_survey_mail(participant)
            count += 1
    db.session.flush()
    return count


def queue_survey_mail(participant: Participant) -> OutboxMessage:
    """Queue the mail asking a participant what came of their meetings, in their language."""
    return queue_participant_mail(
        participant, url=survey_url(participant), template="b2b/mail/outcome_survey",
        subject=lambda title: _("What came of your B2B meetings at %(title)s?", title=title),
        kind="b2b.outcome_survey")


def get_survey_answers(participant: Participant) -> dict[int, str]:
    """Return the participant's answers so far, by published meeting id."""
    return {row.published_meeting_id: row.result.value for row in db.session.scalars(
        select(MeetingSurveyAnswer).where(MeetingSurveyAnswer.participant_id == participant.id))}


def save_survey_answer(meeting: PublishedMeeting, participant: Participant,
                       result: SurveyResult, now: datetime | None = None) -> MeetingSurveyAnswer:
    """Record (or replace) what came of one of the participant's meetings; flush only."""
    if participant.id not in (meeting.a_id, meeting.b_id):
        raise ValueError("a participant answers on their own meetings only")
    row = db.session.scalar(select(MeetingSurveyAnswer).where(
        MeetingSurveyAnswer.published_meeting_id == meeting.id,
        MeetingSurveyAnswer.participant_id == participant.id))
    if row is None:
        row = MeetingSurveyAnswer(published_meeting_id=meeting.id, participant_id=participant.id)
        db.session.add(row)
    row.result = SurveyResult(result)
    row.answered_at = now or utc_now()
    db.session.flush()
    return row
