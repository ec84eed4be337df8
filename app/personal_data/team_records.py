"""The team's records that name a person: follow-ups, advices, introductions, board seats.

Export: each record naming the person, with the staff's notes (they are about the person).
Erasure: the record stays for the cluster's figures (it counts for the organisation) but
loses the person: the link to them goes, and so do the notes and the introduction's reason,
which were written about them. The name of an outside contact in an introduction is someone
else's and stays.
"""

from datetime import date

from sqlalchemy import or_, select, update

from app.cluster.models import Advice, BoardSeat, FollowUp, Introduction
from app.extensions import db
from app.members.models import Person


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _organisation_name(organisation) -> str:
    return organisation.name if organisation is not None else ""


def collect(person: Person) -> dict:
    """Return the team's records naming the person, as plain JSON-ready values."""
    follow_ups = db.session.scalars(select(FollowUp).where(FollowUp.person_id == person.id)
                                    .order_by(FollowUp.held_on, FollowUp.id))
    advices = db.session.scalars(select(Advice).where(Advice.person_id == person.id)
                                 .order_by(Advice.held_on, Advice.id))
    introductions = db.session.scalars(select(Introduction).where(
        or_(Introduction.person_id == person.id, Introduction.to_person_id == person.id))
        .order_by(Introduction.held_on, Introduction.id))
    seats = db.session.scalars(select(BoardSeat).where(BoardSeat.person_id == person.id)
                               .order_by(BoardSeat.starts_on, BoardSeat.id))
    return {
        "follow_ups": [
            {"kind": f.kind.value, "held_on": _day(f.held_on),
             "organisation": _organisation_name(f.organisation), "notes": f.notes}
            for f in follow_ups],
        "advices": [
            {"subject": a.subject, "held_on": _day(a.held_on),
             "organisation": _organisation_name(a.organisation), "notes": a.notes}
            for a in advices],
        "introductions": [
            {"held_on": _day(i.held_on),
             "role": "introduced" if i.person_id == person.id else "introduced_to",
             "from_organisation": _organisation_name(i.organisation),
             "to": i.whom if i.person_id == person.id else _organisation_name(i.organisation),
             "reason": i.reason, "notes": i.notes, "outcome": i.outcome.value}
            for i in introductions],
        "board_seats": [
            {"organisation": _organisation_name(s.organisation), "starts_on": _day(s.starts_on),
             "ends_on": _day(s.ends_on), "co_opted": s.co_opted}
            for s in seats],
    }


def erase(person: Person) -> int:
    """Unlink the person from the team's records and clear their notes; return how many."""
    pid = person.id
    changed = 0
    for model in (FollowUp, Advice):
        changed += db.session.execute(update(model).where(model.person_id == pid)
                                      .values(person_id=None, notes="")).rowcount or 0
    changed += db.session.execute(update(Introduction).where(Introduction.person_id == pid)
                                  .values(person_id=None, notes="", reason="")).rowcount or 0
    changed += db.session.execute(update(Introduction).where(Introduction.to_person_id == pid)
                                  .values(to_person_id=None, notes="", reason="")).rowcount or 0
    changed += db.session.execute(update(BoardSeat).where(BoardSeat.person_id == pid)
                                  .values(person_id=None)).rowcount or 0
    db.session.flush()
    return changed


def count(person: Person) -> int:
    """Count the team's records naming the person (what `erase` would change)."""
    pid = person.id

    def n(model, column) -> int:
        return db.session.scalar(select(db.func.count(model.id)).where(column == pid)) or 0

    return (n(FollowUp, FollowUp.person_id) + n(Advice, Advice.person_id)
            + n(Introduction, Introduction.person_id) + n(Introduction, Introduction.to_person_id)
            + n(BoardSeat, BoardSeat.person_id))
