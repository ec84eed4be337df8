"""The registers organisers keep through the year: what each lists, edits and shows."""

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from app.cluster import forms
from app.cluster.labels import FOLLOW_UP_KIND_LABELS, OUTCOME_LABELS, STAGE_LABELS
from app.cluster.models import (
    Advice,
    BoardSeat,
    CommunicationFigures,
    FollowUp,
    Introduction,
    Membership,
    Project,
)
from app.members.labels import KIND_LABELS


@dataclass(frozen=True)
class Register:
    """One kind of row organisers record: its model, form, list columns and order."""

    name: str
    title: object
    model: type
    form: type
    columns: tuple[tuple[object, Callable], ...]
    order_by: tuple
    #: Relationships loaded with the list, so it takes one query.
    load: tuple = ()
    #: The staff member who records a row is kept on it.
    keeps_staff: bool = False


def _org(row) -> str:
    return row.organisation.name


def _date(attribute: str) -> Callable:
    return lambda row: getattr(row, attribute)


REGISTERS = {r.name: r for r in (
    Register("memberships", _l("Membership history"), Membership, forms.MembershipForm,
             ((_l("Organisation"), _org), (_l("Kind"), lambda r: KIND_LABELS[r.kind]),
              (_l("Candidate since"), _date("candidate_since")),
              (_l("Member (or partner) since"), _date("member_since")),
              (_l("Left on"), _date("left_on")), (_l("Reason for leaving"),
                                                  lambda r: r.left_reason)),
             (Membership.member_since.desc(), Membership.id.desc()),
             load=(Membership.organisation,)),
    Register("board", _l("Advisory board"), BoardSeat, forms.BoardSeatForm,
             ((_l("Organisation"), _org), (_l("Start"), _date("starts_on")),
              (_l("End"), _date("ends_on")),
              (_l("Co-opted"), lambda r: _l("yes") if r.co_opted else "")),
             (BoardSeat.starts_on.desc(), BoardSeat.id.desc()), load=(BoardSeat.organisation,)),
    Register("follow-ups", _l("Follow-ups"), FollowUp, forms.FollowUpForm,
             ((_l("Date"), _date("held_on")), (_l("Organisation"), _org),
              (_l("Kind"), lambda r: FOLLOW_UP_KIND_LABELS[r.kind]),
              (_l("Person"), lambda r: r.person.full_name if r.person else ""),
              (_l("Staff member"), lambda r: r.staff.name if r.staff else ""),
              (_l("Notes"), lambda r: r.notes)),
             (FollowUp.held_on.desc(), FollowUp.id.desc()),
             load=(FollowUp.organisation, FollowUp.person, FollowUp.staff), keeps_staff=True),
    Register("advices", _l("Simple advices"), Advice, forms.AdviceForm,
             ((_l("Date"), _date("held_on")), (_l("Organisation"), _org),
              (_l("Subject"), lambda r: r.subject),
              (_l("Staff member"), lambda r: r.staff.name if r.staff else "")),
             (Advice.held_on.desc(), Advice.id.desc()),
             load=(Advice.organisation, Advice.staff), keeps_staff=True),
    Register("introductions", _l("Introductions"), Introduction, forms.IntroductionForm,
             ((_l("Date"), _date("held_on")), (_l("Who"), _org), (_l("Whom"), lambda r: r.whom),
              (_l("Why"), lambda r: r.reason),
              (_l("By"), lambda r: r.staff.name if r.staff else ""),
              (_l("Outcome"), lambda r: OUTCOME_LABELS[r.outcome])),
             (Introduction.held_on.desc(), Introduction.id.desc()),
             load=(Introduction.organisation, Introduction.to_organisation, Introduction.staff),
             keeps_staff=True),
    Register("projects", _l("Projects"), Project, forms.ProjectForm,
             ((_l("Title"), lambda r: r.title), (_l("Organisation"), _org),
              (_l("Stage"), lambda r: STAGE_LABELS[r.stage]),
              (_l("Started on"), _date("started_on")),
              (_l("Break-even reached"), lambda r: _l("yes") if r.break_even else ""),
              (_l("Jobs created"), lambda r: r.jobs_created)),
             (Project.started_on.desc(), Project.id.desc()), load=(Project.organisation,)),
    Register("communication", _l("Communication figures"), CommunicationFigures,
             forms.CommunicationForm,
             ((_l("From"), _date("starts_on")), (_l("To"), _date("ends_on")),
              (_l("Website unique visitors"), lambda r: r.website_visitors),
              (_l("Open rate FR"), lambda r: r.open_rate_fr),
              (_l("Open rate NL"), lambda r: r.open_rate_nl),
              (_l("Open rate EN"), lambda r: r.open_rate_en),
              (_l("Social media posts"), lambda r: r.social_posts)),
             (CommunicationFigures.starts_on.desc(), CommunicationFigures.id.desc())),
)}


def loader_options(register: Register) -> list:
    """Return the eager loads that keep a register's list to one query."""
    return [joinedload(attribute) for attribute in register.load]
