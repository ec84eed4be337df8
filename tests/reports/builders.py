"""Hand-built cluster history for the report tests: every number below is known."""

from datetime import UTC, date, datetime

from sqlalchemy import func, select

from app.b2b.models import MeetingFeedback, MeetingOutcome, PublishedMeeting
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
from app.events.models import EventKind, EventStatus
from app.extensions import db
from app.members.models import OrganisationKind
from tests.factories import (
    make_event,
    make_organisation,
    make_participant,
    make_person,
    make_registration,
    make_session,
    slots_of,
    tables_of,
)

MEMBER, PARTNER = OrganisationKind.MEMBER, OrganisationKind.PARTNER


def membership(name: str, kind=MEMBER, *, candidate=None, since=None, left=None,
               company=True) -> Membership:
    """Add an organisation with one membership row."""
    organisation = make_organisation(name, kind=kind)
    organisation.is_company = company
    row = Membership(organisation=organisation, kind=kind, candidate_since=candidate,
                     member_since=since, left_on=left)
    db.session.add(row)
    db.session.flush()
    return row


def at(day: date, hour: int = 10) -> datetime:
    """Return a UTC instant on a day."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def build_2025() -> dict:
    """Build the 2025 history the tests count on; return the objects they look at.

    Members in 2025: Alpha (since 2020), Beta (since 2025-03-01), Gamma (left 2025-06-30),
    Delta (joined after a candidacy, 2025-09-01). Not members: Epsilon (candidate who stopped
    on 2025-05-01), Zeta (candidate still), Eta (left 2024), Partner P (partner since 2019,
    not a company), Theta (joins 2026).
    """
    alpha = membership("Alpha", since=date(2020, 1, 1))
    beta = membership("Beta", since=date(2025, 3, 1))
    gamma = membership("Gamma", since=date(2018, 1, 1), left=date(2025, 6, 30))
    delta = membership("Delta", candidate=date(2024, 10, 1), since=date(2025, 9, 1))
    membership("Epsilon", candidate=date(2024, 11, 1), left=date(2025, 5, 1))
    zeta = membership("Zeta", candidate=date(2025, 2, 1))
    membership("Eta", since=date(2015, 1, 1), left=date(2024, 12, 31))
    partner = membership("Partner P", PARTNER, since=date(2019, 1, 1), company=False)
    membership("Theta", since=date(2026, 1, 15))

    people = {}
    for row in (alpha, beta, gamma, delta, zeta, partner):
        name = row.organisation.name.split()[0].lower()
        people[name] = make_person(f"{name}@example.org", organisation=row.organisation)
    people["loner"] = make_person("loner@example.org")

    circlemeet = make_event(starts_at=at(date(2025, 4, 10)), kind=EventKind.CIRCLEMEET)
    visit = make_event(starts_at=at(date(2025, 10, 2)), kind=EventKind.SITE_VISIT)
    make_event(starts_at=at(date(2025, 11, 2)), kind=EventKind.SEMINAR,
               status=EventStatus.CANCELLED)
    make_event(starts_at=at(date(2024, 11, 2)), kind=EventKind.SEMINAR)
    checked = at(date(2025, 4, 10), 11)
    # Alpha and Gamma take part; Beta registers but never comes; Zeta (candidate), the partner
    # and the loner take part but do not count.
    for name in ("alpha", "gamma", "zeta", "partner", "loner"):
        make_registration(circlemeet, people[name], attended_at=checked)
    make_registration(circlemeet, people["beta"])
    make_registration(visit, people["alpha"], attended_at=at(date(2025, 10, 2), 11))

    board = [BoardSeat(organisation=alpha.organisation, starts_on=date(2023, 1, 1)),
             BoardSeat(organisation=partner.organisation, starts_on=date(2023, 1, 1)),
             BoardSeat(organisation=delta.organisation, starts_on=date(2025, 10, 1),
                       co_opted=True),
             BoardSeat(organisation=gamma.organisation, starts_on=date(2020, 1, 1),
                       ends_on=date(2025, 6, 30))]
    work = [
        FollowUp(kind=FollowUpKind.ACCOUNT_MANAGEMENT, held_on=date(2025, 2, 1),
                 organisation=alpha.organisation),
        FollowUp(kind=FollowUpKind.ACCOUNT_MANAGEMENT, held_on=date(2025, 3, 1),
                 organisation=beta.organisation),
        FollowUp(kind=FollowUpKind.RD_SUBSIDY, held_on=date(2025, 12, 31),
                 organisation=beta.organisation),
        FollowUp(kind=FollowUpKind.EXPORT, held_on=date(2024, 12, 31),
                 organisation=beta.organisation),
        Advice(subject="Permits", held_on=date(2025, 5, 5), organisation=alpha.organisation),
        Introduction(held_on=date(2025, 6, 1), organisation=alpha.organisation,
                     to_organisation=beta.organisation,
                     outcome=IntroductionOutcome.MEETING_HELD),
        Introduction(held_on=date(2025, 7, 1), organisation=beta.organisation,
                     outside_contact="Lab X"),
        Introduction(held_on=date(2026, 1, 2), organisation=beta.organisation,
                     outside_contact="Lab Y"),
        Project(title="Chairs", organisation=alpha.organisation, started_on=date(2022, 1, 1),
                stage=ProjectStage.INDUSTRIALISED, break_even=True, jobs_created=3,
                sector_id=None),
        Project(title="Bags", organisation=beta.organisation, started_on=date(2025, 5, 1),
                stage=ProjectStage.PILOT, jobs_created=0),
        Project(title="Old", organisation=beta.organisation, started_on=date(2019, 5, 1),
                stage=ProjectStage.INDUSTRIALISED),
        CommunicationFigures(starts_on=date(2025, 1, 1), ends_on=date(2025, 6, 30),
                             website_visitors=1000, open_rate_fr=30, open_rate_nl=40,
                             social_posts=10),
        CommunicationFigures(starts_on=date(2025, 7, 1), ends_on=date(2025, 12, 31),
                             website_visitors=1500, open_rate_fr=40),
        PlanTarget(year=2025, metric="event:circlemeet", target=4),
        PlanTarget(year=2025, metric="new_members", target=2),
    ]
    db.session.add_all(board + work)
    db.session.flush()
    return {"alpha": alpha, "beta": beta, "people": people, "circlemeet": circlemeet}


def add_b2b_meetings(outcomes, prefix: str = "") -> None:
    """Add a 2025 B2B session with one published meeting per entry of `outcomes`.

    Each entry is a pair (outcome reported by a, outcome reported by b), None for no answer.
    """
    event = make_event(starts_at=at(date(2025, 5, 20)), kind=EventKind.BROKERAGE)
    session = make_session(event)
    slot, table = slots_of(session)[0], tables_of(session)[0]
    for i, (first, second) in enumerate(outcomes):
        a = make_participant(session, f"{prefix}a{i}@b2b.example")
        b = make_participant(session, f"{prefix}b{i}@b2b.example")
        meeting = PublishedMeeting(session_id=session.id, a_id=a.id, b_id=b.id,
                                   slot_id=slot.id, table_id=table.id, uid=f"{prefix}m{i}")
        db.session.add(meeting)
        db.session.flush()
        for participant, outcome in ((a, first), (b, second)):
            if outcome is not None:
                db.session.add(MeetingFeedback(published_meeting_id=meeting.id,
                                               participant_id=participant.id,
                                               outcome=MeetingOutcome(outcome)))
    db.session.flush()


def demo_year() -> int:
    """The year `flask seed demo` filled: that of its latest follow-up (today's, in Brussels,
    when it ran), so that a test spanning midnight on 31 December still reads the right one."""
    return db.session.scalar(select(func.max(FollowUp.held_on))).year
