"""Places of an event: its lock, whether one is free, and the places that free themselves.

Seats are handed out under a lock on the event: a row lock (SELECT ... FOR UPDATE) on
PostgreSQL; on SQLite, which has no row locks, a no-op UPDATE of the event row takes the
database write lock first (pysqlite only opens a transaction at the first write, so this is
the same as BEGIN IMMEDIATE and no earlier read can go stale). Concurrent writers then wait for
each other (the SQLite busy timeout must cover that wait). A place frees itself when an
unconfirmed address's hold or a waiting-list offer runs out; freed places go to the waiting
list in order (``promote_waitlisted``). Like ``app.events.services``, these flush and never
commit; a registration that becomes confirmed is announced with ``registration_confirmed``.
"""

from datetime import datetime, timedelta

from app.db import lock_row, utc_now
from app.events import mails, queries
from app.events.models import Event, EventStatus, Registration, RegistrationStatus
from app.extensions import db
from app.signals import registration_confirmed


def lock_event(event: Event, *, columns_only: bool = False) -> Event:
    """Take the event's lock for the rest of the transaction and reload its row.

    ``columns_only`` keeps the relationships already loaded (see ``app.db.lock_row``).
    """
    return lock_row(db.session, event, columns_only=columns_only)


def has_free_place(event: Event) -> bool:
    """Tell whether a place of the event is free (under its lock)."""
    left = queries.places_left(event)
    return left is None or left > 0


def mail_registration(registration: Registration, kind: str, *, defer: bool) -> None:
    """Queue a registration mail now, or store it to build after the commit."""
    if defer:
        mails.defer_registration_mail(registration, kind)
    else:
        mails.queue_registration_mail(registration, kind)


def release_expired_holds(event: Event, now: datetime | None = None, *,
                          defer_mail: bool = False) -> int:
    """Release the places held by unconfirmed registrations past their hold; return how many.

    Call under the event's lock. The freed places go to the waiting list as a cancellation
    would give them. Expired holds never count as taken (see ``queries.get_held_count``), so
    this cleanup may run late: at the next registration or confirmation, or from the cron.
    """
    now = now or utc_now()
    expired, offers = queries.get_expired_claims(event, now)
    for registration in expired:
        registration.hold_expires_at = None
    for registration in offers:
        # Back to the end of the waiting list: the place goes to the next person.
        registration.status = RegistrationStatus.WAITLISTED
        registration.offered_at = registration.offer_expires_at = None
        registration.created_at = now
    if expired or offers:
        db.session.flush()
        for registration in offers:
            mail_registration(registration, "offer_expired", defer=defer_mail)
        # Those whose offer just ran out wait for the next freed place.
        promote_waitlisted(event, defer_mail=defer_mail, now=now,
                           skip={registration.id for registration in offers})
    return len(expired) + len(offers)


def release_all_expired_holds(now: datetime | None = None) -> int:
    """Release the expired holds and untaken offers of every event (the cron's and the
    worker's cleanup); return how many."""
    now = now or utc_now()
    events = {event.id: event for event in queries.get_events_with_expired_holds(now)
              + queries.get_events_with_expired_offers(now)}
    return sum(release_expired_holds(lock_event(events[key]), now) for key in sorted(events))


def take_offer(registration: Registration, now: datetime | None = None) -> bool:
    """Take the place offered from the waiting list; return False if the offer is over.

    The place is then held until the organisers decide.
    """
    event = lock_event(registration.event)
    db.session.refresh(registration)
    now = now or utc_now()
    if not queries.offer_open(registration, now):
        release_expired_holds(event, now)
        return False
    registration.offer_expires_at = None
    db.session.flush()
    return True


def promote_waitlisted(event: Event, *, defer_mail: bool = False, now: datetime | None = None,
                       skip: set[int] = frozenset()) -> list[Registration]:
    """Give free places to waitlisted people in order, and mail them.

    With approval, the place is offered: the person becomes pending and holds the place
    until the organiser decides; with the event's ``offer_hours``, only if they take it
    within that time (else it goes to the next person, see ``release_expired_holds``).
    """
    lock_event(event)
    now = now or utc_now()
    if event.status != EventStatus.PUBLISHED or event.ends_at <= now:
        return []
    promoted: list[Registration] = []
    for registration in queries.get_waitlist(event):
        if registration.id in skip:
            continue
        if not has_free_place(event):
            break
        if event.requires_approval:
            registration.status = RegistrationStatus.PENDING
            registration.offered_at = now
            registration.offer_expires_at = (now + timedelta(hours=event.offer_hours)
                                             if event.offer_hours else None)
            kind = "offered"
        else:
            registration.status = RegistrationStatus.CONFIRMED
            registration.confirmed_at = now
            kind = "promoted"
        db.session.flush()
        if registration.status == RegistrationStatus.CONFIRMED:
            registration_confirmed.send(registration)
        mail_registration(registration, kind, defer=defer_mail)
        promoted.append(registration)
    return promoted
