"""Every figure of a period at once, for the dashboard, the annual report and the CSV."""

from dataclasses import dataclass, field

from app.cluster.models import FollowUpKind, IntroductionOutcome
from app.events.models import EventKind
from app.reports import activity, membership, plan, work
from app.reports.period import Period, Ratio


@dataclass
class Figures:
    """The figures of one period (see each module's functions for their definitions)."""

    period: Period
    ties_at_end: dict[str, int]
    company_share: Ratio
    changes: dict[str, int]
    board: dict[str, int]
    participation: Ratio
    events: dict[EventKind, int]
    attendance: list = field(repr=False)
    b2b: dict[str, int] = field(default_factory=dict)
    b2b_survey: dict[str, int] = field(default_factory=dict)
    follow_ups: dict[FollowUpKind, int] = field(default_factory=dict)
    advices: dict[str, int] = field(default_factory=dict)
    introductions: dict[IntroductionOutcome, int] = field(default_factory=dict)
    projects: dict[str, int] = field(default_factory=dict)
    communication: dict = field(default_factory=dict)

    def plan_actuals(self) -> dict[str, float | int | None]:
        """Return the actual figure of every plan metric."""
        actual: dict[str, float | int | None] = {
            plan.event_metric(kind): n for kind, n in self.events.items()}
        actual.update(
            new_members=self.changes["joins"],
            participation_rate=self.participation.percent,
            follow_ups=sum(self.follow_ups.values()),
            introductions=self.advices["introductions"],
            b2b_meetings=self.b2b["meetings"],
        )
        return actual

    def rows(self) -> list[tuple[str, float | int | None]]:
        """Return every figure as (key, value) rows, in the report's order (for the CSV)."""
        out: list[tuple[str, float | int | None]] = []
        out += [(f"ties.{k}", v) for k, v in self.ties_at_end.items()]
        out.append(("ties.company_share_percent", self.company_share.percent))
        out += [(f"changes.{k}", v) for k, v in self.changes.items()]
        out += [(f"board.{k}", v) for k, v in self.board.items()]
        out += [("participation.members", self.participation.whole),
                ("participation.took_part", self.participation.part),
                ("participation.percent", self.participation.percent)]
        out += [(f"events.{k.value}", v) for k, v in self.events.items()]
        out.append(("events.check_ins", sum(a for _, _, a in self.attendance)))
        out += [(f"b2b.{k}", v) for k, v in self.b2b.items()]
        out += [(f"b2b_survey.{k}", v) for k, v in self.b2b_survey.items()]
        out += [(f"follow_ups.{k.value}", v) for k, v in self.follow_ups.items()]
        out += [(f"advices.{k}", v) for k, v in self.advices.items()]
        out += [(f"introductions.{k.value}", v) for k, v in self.introductions.items()]
        out += [(f"projects.{k}", v) for k, v in self.projects.items()]
        out += [(f"communication.{k}", v) for k, v in self.communication.items()]
        return out


def figures(period: Period) -> Figures:
    """Compute every figure of the period (a fixed number of queries, whatever the data)."""
    ties = membership.ties_at(period.end)
    return Figures(
        period=period,
        ties_at_end=ties,
        company_share=membership.company_share(ties),
        changes=membership.changes(period),
        board=membership.board_at(period.end),
        participation=activity.participation(period),
        events=activity.events_by_kind(period),
        attendance=activity.attendance_by_event(period),
        b2b=activity.b2b_meetings(period),
        b2b_survey=activity.b2b_survey_results(period),
        follow_ups=work.follow_ups_by_kind(period),
        advices=work.simple_advices(period),
        introductions=work.introductions_by_outcome(period),
        projects=work.project_indicators(period),
        communication=work.communication(period),
    )
