"""Membership figures: members, partners, share of companies, joins, departures, candidates.

Every figure reads the membership history (`cluster.models.Membership`), never the current
status columns of `Organisation`. A row is a *member* row or a *partner* row (its `kind`). An
organisation is a member (partner) on day D when one of its member (partner) rows has
`member_since <= D` and no `left_on` or `left_on > D` (the day it left, it no longer counts).
A candidate is never counted as a member. An organisation with several rows counts once.
"""

from datetime import date

from sqlalchemy import and_, func, or_, select

from app.cluster.models import BoardSeat, Membership
from app.extensions import db
from app.members.models import Organisation, OrganisationKind, Sector, organisation_sectors
from app.reports.period import Period, Ratio


def _in_on(day: date):
    return and_(Membership.member_since <= day,
                or_(Membership.left_on.is_(None), Membership.left_on > day))


def ties_at(day: date) -> dict[str, int]:
    """Count members, partners and companies among both on a day, in one query.

    members: organisations with a member row running on the day (candidates excluded);
    partners: the same with partner rows; companies: organisations among those two groups
    whose `is_company` is set. Returns {"members", "partners", "companies"}.
    """
    rows = db.session.execute(
        select(Membership.kind, Organisation.is_company,
               func.count(func.distinct(Membership.organisation_id)))
        .join(Organisation, Organisation.id == Membership.organisation_id)
        .where(_in_on(day))
        .group_by(Membership.kind, Organisation.is_company)
    ).all()
    counts = {"members": 0, "partners": 0, "companies": 0}
    for kind, is_company, n in rows:
        counts["members" if kind == OrganisationKind.MEMBER else "partners"] += n
        if is_company:
            counts["companies"] += n
    return counts


def company_share(counts: dict[str, int]) -> Ratio:
    """Return companies over members and partners, from the counts of `ties_at`."""
    return Ratio(counts["companies"], counts["members"] + counts["partners"])


def changes(period: Period) -> dict[str, int]:
    """Count the period's joins, departures and candidacies that ended, in one query.

    - joins: member or partner rows whose `member_since` falls in the period (a candidate who
      becomes a member joins that day);
    - departures: rows with a `member_since` whose `left_on` falls in the period;
    - candidates_stopped: rows with `candidate_since`, no `member_since`, `left_on` in the period;
    - candidates_joined: rows with `candidate_since` whose `member_since` falls in the period.
    Returns those four keys.
    """
    start, end = period.start, period.end
    joined = and_(Membership.member_since >= start, Membership.member_since <= end)
    left = and_(Membership.left_on >= start, Membership.left_on <= end)
    row = db.session.execute(select(
        func.count().filter(joined),
        func.count().filter(and_(Membership.member_since.is_not(None), left)),
        func.count().filter(and_(Membership.candidate_since.is_not(None),
                                 Membership.member_since.is_(None), left)),
        func.count().filter(and_(Membership.candidate_since.is_not(None), joined)),
    )).one()
    return {"joins": row[0], "departures": row[1], "candidates_stopped": row[2],
            "candidates_joined": row[3]}


def board_at(day: date) -> dict[str, int]:
    """Count the advisory board's seats running on the day, in one query.

    A seat runs from `starts_on` to `ends_on` included (no end: still running). companies:
    seats of organisations whose `is_company` is set; partners: seats of partner
    organisations; co_opted: seats marked co-opted; seats: all of them.
    """
    row = db.session.execute(
        select(func.count(),
               func.count().filter(Organisation.is_company.is_(True)),
               func.count().filter(Organisation.kind == OrganisationKind.PARTNER),
               func.count().filter(BoardSeat.co_opted.is_(True)))
        .join(Organisation, Organisation.id == BoardSeat.organisation_id)
        .where(BoardSeat.starts_on <= day,
               or_(BoardSeat.ends_on.is_(None), BoardSeat.ends_on >= day))
    ).one()
    return {"seats": row[0], "companies": row[1], "partners": row[2], "co_opted": row[3]}


def member_ids_during(period: Period):
    """Return a select of organisations that were members for at least one day of the period.

    A member row counts when `member_since <= end` and (`left_on` is empty or after `start`).
    """
    return select(Membership.organisation_id).where(
        Membership.kind == OrganisationKind.MEMBER,
        Membership.member_since <= period.end,
        or_(Membership.left_on.is_(None), Membership.left_on > period.start),
    ).distinct()


def members_by_sector(day: date) -> list[tuple[object, int]]:
    """Count the members of the day per sector (an organisation counts in each of its sectors).

    Returns (Sector, count) pairs in the sectors' order, sectors with no member left out.
    """
    members = select(Membership.organisation_id).where(
        Membership.kind == OrganisationKind.MEMBER, _in_on(day)).distinct().subquery()
    rows = db.session.execute(
        select(Sector, func.count())
        .join(organisation_sectors, organisation_sectors.c.sector_id == Sector.id)
        .join(members, members.c.organisation_id == organisation_sectors.c.organisation_id)
        .group_by(Sector.id).order_by(Sector.position, Sector.id)).all()
    return [(sector, n) for sector, n in rows]


def members_by_business_model(day: date) -> dict[str, int]:
    """Count the members of the day per circular business model (one per model they follow)."""
    members = select(Membership.organisation_id).where(
        Membership.kind == OrganisationKind.MEMBER, _in_on(day)).distinct().subquery()
    counts: dict[str, int] = {}
    for raw in db.session.scalars(
            select(Organisation.business_models_raw)
            .join(members, members.c.organisation_id == Organisation.id)):
        for model in filter(None, raw.split(",")):
            counts[model] = counts.get(model, 0) + 1
    return counts
