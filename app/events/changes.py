"""What a change to an event sends: updated invites, the public feeds' revision, cancellation.

Services flush, never commit: the caller commits once, and the mail queued here is sent by
the worker after that commit.
"""

from app.db import utc_now
from app.events import mails, queries
from app.events.display import PUBLIC_FEED_RECIPIENT, public_event_item
from app.events.models import Event, EventStatus, RegistrationStatus
from app.events.places import lock_event
from app.extensions import db
from app.invites.items import content_fingerprint
from app.mail.services import get_invite_sequence, next_invite_sequence


def record_event_revision(event: Event) -> None:
    """Raise the public feeds' SEQUENCE of a published event when what its entry shows changed."""
    if event.status != EventStatus.PUBLISHED:
        return
    item = public_event_item(event)
    fingerprint = content_fingerprint(item)
    record = get_invite_sequence(item.uid, PUBLIC_FEED_RECIPIENT)
    if record is None or record.fingerprint != fingerprint:
        next_invite_sequence(item.uid, PUBLIC_FEED_RECIPIENT, method="PUBLISH",
                             fingerprint=fingerprint)


def send_event_updates(event: Event) -> int:
    """Send an updated invite to confirmed people whose calendar shows an older version.

    Call after changing anything an event's calendar entry shows (time, place, title,
    description); returns how many were mailed. The public feeds' SEQUENCE follows.
    """
    record_event_revision(event)
    count = 0
    for registration in queries.get_active_registrations(event):
        if (registration.status == RegistrationStatus.CONFIRMED
                and mails.has_invite(registration) and not mails.invite_is_current(registration)):
            mails.queue_registration_mail(registration, "updated")
            count += 1
    return count


def cancel_event(event: Event) -> int:
    """Cancel an event and tell everyone registered; return how many were told."""
    lock_event(event)
    if event.status == EventStatus.CANCELLED:
        return 0
    event.status = EventStatus.CANCELLED
    event.cancelled_at = utc_now()
    db.session.flush()
    registrations = queries.get_active_registrations(event)
    for registration in registrations:
        mails.queue_registration_mail(registration, "event_cancelled")
    return len(registrations)
