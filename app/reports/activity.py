"""Activity figures: participation, events by kind, attendance, B2B meetings and outcomes.

An *activity* is an event that starts within the period (Brussels days) and is not cancelled
(drafts count neither). Someone *took part* when their registration has a check-in
(`attended_at`), whatever its status.
"""

from sqlalchemy import case, func, select

from app.b2b.models import (
    B2BSession,
    MeetingFeedback,
    MeetingOutcome,
    MeetingSurveyAnswer,
    PublishedMeeting,
    SurveyResult,
)
from app.events.models import Event, EventKind, EventStatus, Registration
from app.extensions import db
from app.members.models import Person
from app.reports.membership import member_ids_during
from app.reports.period import Period, Ratio


def _events_in(period: Period):
    start, end = period.utc_bounds
    return (Event.starts_at >= start, Event.starts_at < end,
            Event.status == EventStatus.PUBLISHED)


def participation(period: Period) -> Ratio:
    """Return the participation rate of members over the period, in one query.

    Participation rate = organisations that were members for at least one day of the period
    (see `membership.member_ids_during`) and had at least one person checked in at one or more
    activities of the period, over those members. A person counts for the organisation they
    belong to now (`Person.organisation_id`). Candidates and partners count neither above nor
    below the line (they are not members); people without an organisation and guests count
    nowhere. Members with nobody checked in count below the line only.
    """
    members = member_ids_during(period).subquery()
    took_part = (
        select(Person.organisation_id)
        .join(Registration, Registration.person_id == Person.id)
        .join(Event, Event.id == Registration.event_id)
        .where(Registration.attended_at.is_not(None), *_events_in(period))
        .distinct().subquery()
    )
    row = db.session.execute(
        select(func.count(), func.count(took_part.c.organisation_id))
        .select_from(members)
        .outerjoin(took_part, took_part.c.organisation_id == members.c.organisation_id)
    ).one()
    return Ratio(row[1], row[0])


def events_by_kind(period: Period) -> dict[EventKind, int]:
    """Count the period's activities (published events starting in it) per kind, every kind."""
    rows = db.session.execute(
        select(Event.kind, func.count()).where(*_events_in(period)).group_by(Event.kind)
    ).all()
    counts = dict.fromkeys(EventKind, 0)
    counts.update({kind: n for kind, n in rows})
    return counts


def attendance_by_event(period: Period) -> list[tuple[Event, int, int]]:
    """Return each activity with its registrations and check-ins, in date order, one query.

    registrations: rows confirmed or checked in (cancelled, waitlisted, pending and unconfirmed
    ones do not count unless checked in); check-ins: rows with `attended_at`.
    """
    registered = func.count(Registration.id).filter(
        (Registration.status == "confirmed") | Registration.attended_at.is_not(None))
    checked_in = func.count(Registration.id).filter(Registration.attended_at.is_not(None))
    rows = db.session.execute(
        select(Event, registered, checked_in)
        .outerjoin(Registration, Registration.event_id == Event.id)
        .where(*_events_in(period)).group_by(Event.id).order_by(Event.starts_at, Event.id)
    ).all()
    return [(event, reg, att) for event, reg, att in rows]


#: Order of outcomes, best last: a meeting takes the best outcome either side reported.
_OUTCOME_RANK = {MeetingOutcome.NONE: 1, MeetingOutcome.FOLLOW_UP: 2, MeetingOutcome.DEAL: 3}


def b2b_meetings(period: Period) -> dict[str, int]:
    """Count B2B meetings of the period and their outcomes, in one query.

    meetings: published meetings (what participants were told) of sessions whose event is an
    activity of the period. Each meeting takes the best outcome either participant reported in
    the feedback after the event (deal > follow-up > none); `no_feedback` counts meetings nobody
    answered for; a meeting reported as not held by both sides still counts as published.
    Returns {"meetings", "no_feedback", "none", "follow_up", "deal"}.
    """
    return b2b_meetings_where(*_events_in(period))


def b2b_meetings_where(*conditions) -> dict[str, int]:
    """Count B2B meetings and outcomes of the sessions whose event meets the conditions."""
    rank = case({k.value: v for k, v in _OUTCOME_RANK.items()}, value=MeetingFeedback.outcome)
    best = (
        select(PublishedMeeting.id.label("mid"), func.max(rank).label("rank"))
        .join(B2BSession, B2BSession.id == PublishedMeeting.session_id)
        .join(Event, Event.id == B2BSession.event_id)
        .outerjoin(MeetingFeedback, MeetingFeedback.published_meeting_id == PublishedMeeting.id)
        .where(*conditions)
        .group_by(PublishedMeeting.id).subquery()
    )
    rows = db.session.execute(select(best.c.rank, func.count()).group_by(best.c.rank)).all()
    by_rank = {rank: n for rank, n in rows}
    result = {"meetings": sum(by_rank.values()), "no_feedback": by_rank.get(None, 0)}
    for outcome, value in _OUTCOME_RANK.items():
        result[outcome.value] = by_rank.get(value, 0)
    return result


#: Order of survey results, best last: a meeting takes the best result either side reported.
_SURVEY_RANK = {result: rank for rank, result in enumerate(SurveyResult, start=1)}


def b2b_survey_results(period: Period) -> dict[str, int]:
    """Count what came of the period's B2B meetings, from the outcomes survey, in one query.

    Over published meetings of sessions whose event is an activity of the period, counts the
    meetings at least one participant answered for in the outcomes survey (`answered`), and
    per result the meetings whose best answer, either side, is that result (agreement reached >
    negotiation started > valuable contact > knowledge gained > no further contact).
    Returns {"answered", "no_contact", "knowledge", "contact", "negotiation", "agreement"}.
    """
    return b2b_survey_results_where(*_events_in(period))


def b2b_survey_results_where(*conditions) -> dict[str, int]:
    """Count survey results of meetings of the sessions whose event meets the conditions."""
    rank = case({k.value: v for k, v in _SURVEY_RANK.items()}, value=MeetingSurveyAnswer.result)
    best = (
        select(PublishedMeeting.id.label("mid"), func.max(rank).label("rank"))
        .join(B2BSession, B2BSession.id == PublishedMeeting.session_id)
        .join(Event, Event.id == B2BSession.event_id)
        .join(MeetingSurveyAnswer,
              MeetingSurveyAnswer.published_meeting_id == PublishedMeeting.id)
        .where(*conditions)
        .group_by(PublishedMeeting.id).subquery()
    )
    by_rank = dict(db.session.execute(
        select(best.c.rank, func.count()).group_by(best.c.rank)).all())
    result = {"answered": sum(by_rank.values())}
    for outcome, value in _SURVEY_RANK.items():
        result[outcome.value] = by_rank.get(value, 0)
    return result
