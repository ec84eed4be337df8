"""The annual report: the issue's sections, each figure beside the previous year's."""

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.cluster.labels import FOLLOW_UP_KIND_LABELS, OUTCOME_LABELS
from app.cluster.models import ReportText
from app.events.labels import KIND_LABELS as EVENT_KIND_LABELS
from app.events.models import EventKind
from app.extensions import db
from app.reports.period import Period
from app.reports.summary import Figures, figures

#: The report's sections, in its order.
SECTIONS = {
    "governance": _l("Governance"),
    "working_groups": _l("Working groups"),
    "follow_up": _l("Member follow-up"),
    "events": _l("Events"),
    "b2b": _l("B2B"),
    "communication": _l("Communication"),
    "team": _l("Team"),
}


@dataclass
class Row:
    """One figure of the report: its label, this year's and last year's value."""

    label: object
    current: float | int | None
    previous: float | int | None
    percent: bool = False


@dataclass
class Section:
    """A section of the report: its figures and the organiser's paragraph."""

    key: str
    title: object
    rows: list[Row] = field(default_factory=list)
    text: str = ""


def _rows(now: Figures, before: Figures) -> dict[str, list[Row]]:
    def row(label, get, percent=False):
        return Row(label, get(now), get(before), percent)

    working_group = EventKind.WORKING_GROUP
    return {
        "governance": [
            row(_l("Members at year end"), lambda f: f.ties_at_end["members"]),
            row(_l("Partners at year end"), lambda f: f.ties_at_end["partners"]),
            row(_l("Share of companies"), lambda f: f.company_share.percent, True),
            row(_l("New members and partners"), lambda f: f.changes["joins"]),
            row(_l("Departures"), lambda f: f.changes["departures"]),
            row(_l("Candidates who stopped"), lambda f: f.changes["candidates_stopped"]),
            row(_l("Candidates who became members"), lambda f: f.changes["candidates_joined"]),
            row(_l("Advisory board: companies"), lambda f: f.board["companies"]),
            row(_l("Advisory board: partners"), lambda f: f.board["partners"]),
            row(_l("Advisory board: co-opted"), lambda f: f.board["co_opted"]),
            row(_l("Participation rate"), lambda f: f.participation.percent, True),
        ],
        "working_groups": [
            row(_l("Working group meetings"), lambda f: f.events[working_group]),
        ],
        "follow_up": [
            row(_l("Follow-ups"), lambda f: sum(f.follow_ups.values())),
            *(row(label, lambda f, k=kind: f.follow_ups[k])
              for kind, label in FOLLOW_UP_KIND_LABELS.items()),
            row(_l("Simple advices"), lambda f: f.advices["total"]),
            row(_l("Introductions"), lambda f: f.advices["introductions"]),
            *(row(label, lambda f, k=kind: f.introductions[k])
              for kind, label in OUTCOME_LABELS.items()),
            row(_l("Projects started"), lambda f: f.projects["projects"]),
            row(_l("Projects industrialised"), lambda f: f.projects["industrialised"]),
            row(_l("Projects at break-even"), lambda f: f.projects["break_even"]),
            row(_l("Jobs created"), lambda f: f.projects["jobs"]),
        ],
        "events": [
            *(row(label, lambda f, k=kind: f.events[k])
              for kind, label in EVENT_KIND_LABELS.items() if kind != working_group),
            row(_l("Check-ins"), lambda f: sum(a for _e, _r, a in f.attendance)),
        ],
        "b2b": [
            row(_l("B2B meetings"), lambda f: f.b2b["meetings"]),
            row(_l("Meetings followed up"), lambda f: f.b2b["follow_up"]),
            row(_l("Meetings that led to a deal"), lambda f: f.b2b["deal"]),
            row(_l("Meetings without feedback"), lambda f: f.b2b["no_feedback"]),
            row(_l("Meetings answered for in the outcomes survey"),
                lambda f: f.b2b_survey["answered"]),
            row(_l("Meetings that led to a valuable contact or more (survey)"),
                lambda f: sum(f.b2b_survey[k] for k in ("contact", "negotiation", "agreement"))),
            row(_l("Meetings that led to an agreement (survey)"),
                lambda f: f.b2b_survey["agreement"]),
        ],
        "communication": [
            row(_l("Website unique visitors"), lambda f: f.communication["website_visitors"]),
            row(_l("Open rate FR"), lambda f: f.communication["open_rate_fr"], True),
            row(_l("Open rate NL"), lambda f: f.communication["open_rate_nl"], True),
            row(_l("Open rate EN"), lambda f: f.communication["open_rate_en"], True),
            row(_l("Social media posts"), lambda f: f.communication["social_posts"]),
        ],
        "team": [],
    }


def texts(year: int) -> dict[str, str]:
    """Return the organisers' paragraphs of the year's report, by section."""
    return dict(db.session.execute(
        select(ReportText.section, ReportText.body).where(ReportText.year == year)).all())


def annual_report(year: int) -> tuple[Figures, list[Section]]:
    """Return the year's figures and the report's sections, with the previous year beside."""
    period = Period.year(year)
    now, before = figures(period), figures(period.previous_year())
    rows, paragraphs = _rows(now, before), texts(year)
    return now, [Section(key, title, rows[key], paragraphs.get(key, ""))
                 for key, title in SECTIONS.items()]
