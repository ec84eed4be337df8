"""Changes to the cluster's registers and plan: they flush, the view commits."""

from sqlalchemy import delete, inspect, select

from app.cluster import mails
from app.cluster.introductions import Proposal, contact_of, reason_summary
from app.cluster.models import Introduction, PlanTarget, ReportText
from app.db import utc_now
from app.extensions import db
from app.i18n import current_language
from app.members.models import Tag
from app.timezone import local_day


def save_row(model: type, row, data: dict, *, staff=None):
    """Store the form's values on a row (a new one when `row` is None) and flush it.

    Text goes in as typed (templates escape it); enum columns get their enum, so a value the
    form let through is stored as the model knows it.
    """
    if row is None:
        row = model()
        if staff is not None and hasattr(model, "staff_id"):
            row.staff_id = staff.id
        db.session.add(row)
    columns = inspect(model).columns
    for name, value in data.items():
        if name not in columns:
            continue
        enum_class = getattr(columns[name].type, "enum_class", None)
        if enum_class is not None and value not in (None, ""):
            value = enum_class(value)
        elif enum_class is not None:
            value = None
        setattr(row, name, value)
    db.session.flush()
    return row


def delete_row(row) -> None:
    """Remove a row of a register."""
    db.session.delete(row)
    db.session.flush()


def set_targets(year: int, targets: dict[str, int | None]) -> None:
    """Replace the year's plan: one row per metric with a target (None or blank: no target)."""
    db.session.execute(delete(PlanTarget).where(PlanTarget.year == year))
    db.session.add_all(PlanTarget(year=year, metric=metric, target=value)
                       for metric, value in targets.items() if value is not None)
    db.session.flush()



def accept_proposal(proposal: Proposal, staff) -> Introduction:
    """Log a proposed introduction and queue the mail to both sides (flush only).

    The reason is kept in the organiser's language; each side's mail is in its own.
    """
    tags = {tag.code: tag.label(current_language()) for tag in db.session.scalars(select(Tag))}
    introduction = Introduction(
        held_on=local_day(utc_now()), organisation_id=proposal.a.id,
        to_organisation_id=proposal.b.id, reason=reason_summary(proposal, tags),
        staff_id=staff.id, mailed_at=utc_now())
    db.session.add(introduction)
    db.session.flush()
    reply_to = (staff.name or staff.email, staff.email)
    for organisation, other in ((proposal.a, proposal.b), (proposal.b, proposal.a)):
        person = contact_of(organisation)
        if person is not None:
            if organisation is proposal.a:
                introduction.person_id = person.id
            else:
                introduction.to_person_id = person.id
            mails.queue_introduction_mail(person, proposal, other.name, introduction.id,
                                          reply_to)
    return introduction


def set_report_texts(year: int, bodies: dict[str, str]) -> None:
    """Store the organiser's paragraph of each section of a year's report (blank: none)."""
    db.session.execute(delete(ReportText).where(ReportText.year == year))
    db.session.add_all(ReportText(year=year, section=section, body=body.strip())
                       for section, body in bodies.items() if body and body.strip())
    db.session.flush()
