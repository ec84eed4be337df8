"""Reminders: one mail per confirmed attendee before an event, from the cron or a button.

Each reminder is claimed with a conditional UPDATE of its registration before it is queued,
so the cron, a second cron and the organiser's button never send the same one twice.
"""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import update

from app.db import utc_now
from app.events import mails, queries
from app.events.models import Event, Registration, RegistrationStatus
from app.extensions import db


def send_reminders(now: datetime | None = None) -> int:
    """Queue one reminder per confirmed attendee of events starting soon; return how many.

    Each reminder is claimed with a conditional UPDATE, so two runs at the same
    time never send the same reminder twice. People who registered inside the
    reminder window get none (their confirmation is recent).
    """
    now = now or utc_now()
    window = reminder_window()
    sent = 0
    for registration in queries.get_reminder_candidates(now, now + window):
        confirmed_at = registration.confirmed_at or registration.created_at
        if confirmed_at > registration.event.starts_at - window:
            continue
        sent += _send_reminder(registration, now)
    return sent


def reminder_window() -> timedelta:
    """Return how long before an event its reminders go (REMINDER_DAYS_BEFORE)."""
    return timedelta(days=current_app.config["REMINDER_DAYS_BEFORE"])


def send_event_reminders(event: Event, now: datetime | None = None) -> int:
    """Queue the reminder now to each confirmed attendee of one event who has none yet.

    The organiser's button: the same claim as the cron's, so nobody gets it twice, even
    with the cron or a second click running at the same time.
    """
    now = now or utc_now()
    return sum(_send_reminder(registration, now)
               for registration in queries.get_unreminded(event))


def _send_reminder(registration: Registration, now: datetime) -> int:
    """Claim a registration's reminder with a conditional UPDATE and queue it; return 0 or 1."""
    claimed = db.session.execute(
        update(Registration)
        .where(Registration.id == registration.id, Registration.reminder_sent_at.is_(None),
               Registration.status == RegistrationStatus.CONFIRMED)
        .values(reminder_sent_at=now)
        .execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        return 0
    # None: the person refused reminders (the claim stays, so none is tried again).
    return int(mails.queue_registration_mail(registration, "reminder") is not None)
