"""The team's work: follow-ups, simple advices, introductions, projects, communication."""

from sqlalchemy import func, select

from app.cluster.models import (
    Advice,
    CommunicationFigures,
    FollowUp,
    FollowUpKind,
    Introduction,
    IntroductionOutcome,
    Project,
    ProjectStage,
)
from app.extensions import db
from app.reports.period import Period


def _count_by(column, model, period: Period, enum_cls) -> dict:
    rows = db.session.execute(
        select(column, func.count()).where(model.held_on >= period.start,
                                           model.held_on <= period.end).group_by(column)
    ).all()
    counts = dict.fromkeys(enum_cls, 0)
    counts.update({key: n for key, n in rows})
    return counts


def follow_ups_by_kind(period: Period) -> dict[FollowUpKind, int]:
    """Count follow-ups dated within the period per kind (every kind, zeros included)."""
    return _count_by(FollowUp.kind, FollowUp, period, FollowUpKind)


def introductions_by_outcome(period: Period) -> dict[IntroductionOutcome, int]:
    """Count introductions dated within the period per outcome known today (pending included)."""
    return _count_by(Introduction.outcome, Introduction, period, IntroductionOutcome)


def simple_advices(period: Period) -> dict[str, int]:
    """Count simple advices dated within the period, in one query.

    Simple advices = advices plus introductions (an introduction is a simple advice), each
    dated within the period. Returns {"advices", "introductions", "total"}.
    """
    advices = select(func.count()).select_from(Advice).where(
        Advice.held_on.between(period.start, period.end))
    intros = select(func.count()).select_from(Introduction).where(
        Introduction.held_on.between(period.start, period.end))
    row = db.session.execute(select(advices.scalar_subquery(), intros.scalar_subquery())).one()
    return {"advices": row[0], "introductions": row[1], "total": row[0] + row[1]}


def project_indicators(period: Period) -> dict[str, int]:
    """Count the five-year indicators over projects started within the period, in one query.

    Over projects whose `started_on` falls in the period (give a five-year period for the
    five-year indicators), as recorded today: projects; industrialised (stage industrialised);
    break_even (break-even reached); with_jobs (at least one job created); jobs (jobs created,
    summed); in_sectors (projects with a sector).
    """
    row = db.session.execute(
        select(func.count(),
               func.count().filter(Project.stage == ProjectStage.INDUSTRIALISED),
               func.count().filter(Project.break_even.is_(True)),
               func.count().filter(Project.jobs_created > 0),
               func.coalesce(func.sum(Project.jobs_created), 0),
               func.count().filter(Project.sector_id.is_not(None)))
        .where(Project.started_on.between(period.start, period.end))
    ).one()
    keys = ("projects", "industrialised", "break_even", "with_jobs", "jobs", "in_sectors")
    return dict(zip(keys, (int(v) for v in row), strict=True))


def communication(period: Period) -> dict[str, float | int | None]:
    """Sum the communication figures typed in for the period, in one query.

    Over the entries that lie wholly within the period: website_visitors and social_posts are
    summed (None when no entry gives them); open_rate_fr/nl/en are the mean of the entries that
    give them, in percent, one decimal (indicative: mail clients hide or fake opens).
    """
    row = db.session.execute(
        select(func.sum(CommunicationFigures.website_visitors),
               func.sum(CommunicationFigures.social_posts),
               func.avg(CommunicationFigures.open_rate_fr),
               func.avg(CommunicationFigures.open_rate_nl),
               func.avg(CommunicationFigures.open_rate_en))
        .where(CommunicationFigures.starts_on >= period.start,
               CommunicationFigures.ends_on <= period.end)
    ).one()

    def rate(value):
        return None if value is None else round(float(value), 1)

    return {"website_visitors": row[0], "social_posts": row[1], "open_rate_fr": rate(row[2]),
            "open_rate_nl": rate(row[3]), "open_rate_en": rate(row[4])}

