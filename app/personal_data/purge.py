"""Retention: erase non-members whose events are long over, clear old mail bodies.

A *non-member* is a person outside the directory: no organisation of the cluster (member or
partner) is linked to them; they came through a registration or a B2B session. Directory
contacts are the organisers' to keep or erase by hand.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select, union_all

from app.audit.services import COMMAND, record
from app.b2b.models import B2BSession, Participant
from app.db import utc_now
from app.events.models import Event, Registration
from app.extensions import db
from app.mail.retention import count_expired_bodies, purge_expired_bodies
from app.members.models import Person
from app.personal_data.erasure import ERASED_DOMAIN, erase_person


@dataclass(frozen=True)
class PurgeResult:
    """What a purge did (or, in a dry run, would do)."""

    people: int
    mails: int
    dry_run: bool

    def line(self) -> str:
        """Return the one line the command prints."""
        verb = "would erase" if self.dry_run else "erased"
        cleared = "would clear" if self.dry_run else "cleared"
        return (f"privacy purge{' (dry run)' if self.dry_run else ''}: {verb} {self.people} "
                f"non-member(s), {cleared} {self.mails} mail body(ies)")


def get_expired_people(cutoff: datetime) -> list[Person]:
    """Return the non-members with events, all of which ended before `cutoff`."""
    ends = union_all(
        select(Registration.person_id.label("person_id"), Event.ends_at.label("ends_at"))
        .join(Event, Event.id == Registration.event_id),
        select(Participant.person_id.label("person_id"), Event.ends_at.label("ends_at"))
        .join(B2BSession, B2BSession.id == Participant.session_id)
        .join(Event, Event.id == B2BSession.event_id),
    ).subquery()
    last_end = (select(ends.c.person_id, func.max(ends.c.ends_at).label("last_end"))
                .group_by(ends.c.person_id).subquery())
    return list(db.session.scalars(
        select(Person).join(last_end, last_end.c.person_id == Person.id)
        .where(Person.organisation_id.is_(None), last_end.c.last_end < cutoff,
               ~Person.email.endswith("@" + ERASED_DOMAIN))
        .order_by(Person.id)))


def purge(*, dry_run: bool, now: datetime | None = None) -> PurgeResult:
    """Erase expired non-members and clear expired mail bodies; flush only (caller commits)."""
    now = now or utc_now()
    config = current_app.config
    people = get_expired_people(now - timedelta(days=config["PRIVACY_RETENTION_DAYS"]))
    if dry_run:
        return PurgeResult(people=len(people), mails=count_expired_bodies(now=now),
                           dry_run=True)
    for person in people:
        erase_person(person, COMMAND, action="person.purge")
    mails = purge_expired_bodies(now=now)
    result = PurgeResult(people=len(people), mails=mails, dry_run=False)
    record(COMMAND, "privacy.purge", "", f"people={result.people} mails={result.mails}")
    return result
