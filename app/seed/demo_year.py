"""The demo cluster's year: membership history, board, follow-ups, introductions, projects,
the plan and communication figures, for this year and the one before (deterministic)."""

import random
from datetime import date, timedelta

from sqlalchemy import select

from app.auth.models import User
from app.cluster.models import (
    Advice,
    BoardSeat,
    CommunicationFigures,
    FollowUp,
    FollowUpKind,
    Introduction,
    IntroductionOutcome,
    Membership,
    PlanTarget,
    Project,
    ProjectStage,
)
from app.db import utc_now
from app.extensions import db
from app.members.models import MemberStatus, Organisation, OrganisationKind
from app.timezone import local_day

#: Follow-ups mostly account management, some R&D subsidy or recruitment, little industrial.
FOLLOW_UP_WEIGHTS = {FollowUpKind.ACCOUNT_MANAGEMENT: 30, FollowUpKind.RD_SUBSIDY: 8,
                     FollowUpKind.RECRUITMENT: 7, FollowUpKind.INDUSTRIAL_SUPPORT: 2,
                     FollowUpKind.EXPORT: 3, FollowUpKind.OTHER: 5}
OUTCOME_WEIGHTS = {IntroductionOutcome.PENDING: 6, IntroductionOutcome.NO_REPLY: 8,
                   IntroductionOutcome.CONTACT_MADE: 14, IntroductionOutcome.MEETING_HELD: 10,
                   IntroductionOutcome.BUSINESS: 3}
PLAN = {"event:circlemeet": 4, "event:site_visit": 2, "event:afterwork": 2,
        "event:knowledge_session": 2, "event:study_trip": 1, "event:working_group": 6,
        "event:annual_event": 1, "new_members": 15, "participation_rate": 80,
        "follow_ups": 60, "introductions": 40, "b2b_meetings": 100}


def _day(rng: random.Random, year: int, last: date) -> date:
    start = date(year, 1, 1)
    return start + timedelta(days=rng.randint(0, max(0, (min(last, date(year, 12, 31))
                                                          - start).days)))


def _history(rng: random.Random, organisations: list[Organisation], this_year: int) -> None:
    for index, org in enumerate(organisations):
        since = org.joined_on or date(2018, 1 + index % 12, 1)
        if org.kind == OrganisationKind.PARTNER:
            db.session.add(Membership(organisation=org, kind=org.kind, member_since=since,
                                      partner_type=org.partner_type))
        elif org.status == MemberStatus.CANDIDATE:
            db.session.add(Membership(organisation=org, kind=org.kind,
                                      candidate_since=date(this_year - 1, 3 + index % 9, 1)))
        else:
            # Some members joined this year after a candidacy, some long ago.
            recent = index % 5 == 0
            member_since = date(this_year, 1 + index % 11, 1) if recent else since
            db.session.add(Membership(
                organisation=org, kind=org.kind, member_since=member_since,
                candidate_since=member_since - timedelta(days=120) if index % 3 == 0 else None,
                left_on=org.left_on if org.status == MemberStatus.FORMER else None,
                left_reason="Cessation d'activité" if org.status == MemberStatus.FORMER else ""))
    # Two candidacies that stopped, one each year.
    for offset, org in enumerate(organisations[-2:]):
        db.session.add(Membership(organisation=org, kind=OrganisationKind.MEMBER,
                                  candidate_since=date(this_year - 2 + offset, 2, 1),
                                  left_on=date(this_year - 1 + offset, 5, 1),
                                  left_reason="Pas de projet circulaire pour l'instant"))


def seed_demo_year(seed: int = 2027, today: date | None = None) -> None:
    """Add a year of the cluster's work (and the year before) on top of the demo members."""
    rng = random.Random(seed + 18)
    today = today or local_day(utc_now())
    this_year = today.year
    organisations = list(db.session.scalars(select(Organisation).order_by(Organisation.id)))
    members = [o for o in organisations if o.kind == OrganisationKind.MEMBER
               and o.status == MemberStatus.ACTIVE]
    partners = [o for o in organisations if o.kind == OrganisationKind.PARTNER]
    staff = db.session.scalar(select(User).order_by(User.id).limit(1))
    _history(rng, organisations, this_year)
    for index, org in enumerate(rng.sample(members, 7) + rng.sample(partners, 4)):
        db.session.add(BoardSeat(organisation=org, starts_on=date(this_year - 2, 1, 1)
                                 if index < 9 else date(this_year, 4, 1), co_opted=index >= 9))
    for year, count in ((this_year - 1, 45), (this_year, 55)):
        kinds = rng.choices(list(FOLLOW_UP_WEIGHTS), list(FOLLOW_UP_WEIGHTS.values()), k=count)
        for kind in kinds:
            org = rng.choice(members)
            db.session.add(FollowUp(kind=kind, held_on=_day(rng, year, today), organisation=org,
                                    person=org.people[0] if org.people else None, staff=staff,
                                    notes=""))
        for _ in range(count // 5):
            db.session.add(Advice(held_on=_day(rng, year, today), organisation=rng.choice(members),
                                  subject="Permis d'environnement", staff=staff))
        outcomes = rng.choices(list(OUTCOME_WEIGHTS), list(OUTCOME_WEIGHTS.values()),
                               k=count * 7 // 10)
        for outcome in outcomes:
            a, b = rng.sample(members + partners, 2)
            db.session.add(Introduction(
                held_on=_day(rng, year, today), organisation=a, to_organisation=b,
                reason="Offre et besoin complémentaires", staff=staff, outcome=outcome))
    for index in range(30):
        org = rng.choice(members)
        stage = (ProjectStage.IDEA, ProjectStage.PILOT, ProjectStage.INDUSTRIALISED)[index % 3]
        db.session.add(Project(
            title=f"Projet circulaire {index + 1}", organisation=org,
            sector=org.sectors[0] if org.sectors else None, stage=stage,
            started_on=date(this_year - 4 + index % 5, 1 + index % 12, 1),
            break_even=stage == ProjectStage.INDUSTRIALISED and index % 2 == 0,
            jobs_created=rng.choice((0, 0, 1, 2, 3))))
    for year in (this_year, this_year + 1):
        db.session.add_all(PlanTarget(year=year, metric=m, target=t) for m, t in PLAN.items())
    for year, visitors in ((this_year - 1, 2500), (this_year, 4000)):
        db.session.add(CommunicationFigures(
            starts_on=date(year, 1, 1), ends_on=date(year, 12, 31), website_visitors=visitors,
            open_rate_fr=35 + year % 3, open_rate_nl=42 + year % 3, social_posts=80))
    db.session.flush()
