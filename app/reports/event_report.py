"""One event's report: registrations, attendance, no-shows, waiting list, answers, B2B."""

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, select

from app.events.models import Event, Question, QuestionKind, Registration, RegistrationStatus
from app.extensions import db
from app.reports.activity import b2b_meetings_where


@dataclass
class QuestionAnswers:
    """The answers to one question: counts per choice or number, or the texts typed."""

    question: Question
    counts: list[tuple[str, int]]
    texts: list[str]
    #: Number questions: the sum of the answers (None for other kinds).
    total: int | None = None


def registration_counts(event: Event) -> dict[str, int]:
    """Count an event's registrations by status, with check-ins and no-shows (one query).

    check_ins: registrations with a check-in, whatever their status; no_shows: those marked as
    no-show; one key per status besides.
    """
    rows = db.session.execute(
        select(Registration.status, func.count(),
               func.count().filter(Registration.attended_at.is_not(None)),
               func.count().filter(Registration.no_show.is_(True)))
        .where(Registration.event_id == event.id).group_by(Registration.status)).all()
    counts = dict.fromkeys((s.value for s in RegistrationStatus), 0)
    counts.update(check_ins=0, no_shows=0)
    for status, n, checked, no_show in rows:
        counts[status.value] = n
        counts["check_ins"] += checked
        counts["no_shows"] += no_show
    return counts


def answers(event: Event) -> list[QuestionAnswers]:
    """Tally the answers of confirmed registrations to each question (two queries).

    Choice and yes/no questions: how many gave each answer (blank answers left out), each
    option ticked for multiple choices; numbers: how many gave each, smallest first, and
    their sum; text questions: the non-empty texts, in registration order.
    """
    questions = list(db.session.scalars(select(Question).where(Question.event_id == event.id)
                                        .order_by(Question.position, Question.id)))
    given = list(db.session.scalars(
        select(Registration.answers).where(Registration.event_id == event.id,
                                           Registration.status == RegistrationStatus.CONFIRMED)
        .order_by(Registration.id)))
    result = []
    for question in questions:
        values = [(a or {}).get(str(question.id), "") for a in given]
        if question.kind == QuestionKind.NUMBER:
            numbers = [v for v in values if isinstance(v, int) and not isinstance(v, bool)]
            result.append(QuestionAnswers(question, sorted(Counter(numbers).items()), [],
                                          total=sum(numbers)))
            continue
        if question.kind == QuestionKind.MULTIPLE:
            values = [v for picked in values if isinstance(picked, list) for v in picked]
        values = [v for v in values if isinstance(v, str) and v.strip()]
        if question.kind == QuestionKind.TEXT:
            result.append(QuestionAnswers(question, [], values))
        else:
            result.append(QuestionAnswers(question, Counter(values).most_common(), []))
    return result


def b2b_figures(event: Event) -> dict[str, int]:
    """Return the event's B2B meetings and outcomes, defined as `activity.b2b_meetings`."""
    return b2b_meetings_where(Event.id == event.id)
