"""Reminders: one per confirmed attendee, never twice, none inside the window."""

from datetime import timedelta

from app.db import utc_now
from app.events import changes, services
from app.events.models import RegistrationStatus
from app.events.reminders import send_reminders
from tests.factories import make_event, registration_data
from tests.mails import outbox, parse


def _confirmed(db, event, email, confirmed_days_ago=20):
    registration, _ = services.register(event, **registration_data(email=email))
    registration.confirmed_at = utc_now() - timedelta(days=confirmed_days_ago)
    db.session.commit()
    return registration


def test_reminder_sent_once(db):
    event = make_event(starts_at=utc_now() + timedelta(days=1))
    registration = _confirmed(db, event, "a@example.org")

    first = send_reminders()
    db.session.commit()
    second = send_reminders()

    assert (first, second) == (1, 0)
    reminders = outbox("registration.reminder")
    assert [m.recipient for m in reminders] == ["a@example.org"]
    assert parse(reminders[0].raw)["Subject"] == "Reminder: Wood circlemeet"
    db.session.refresh(registration)
    assert registration.reminder_sent_at is not None


def test_reminder_not_sent_before_window_or_to_others(db):
    far = make_event(starts_at=utc_now() + timedelta(days=5))
    near = make_event(starts_at=utc_now() + timedelta(days=1), capacity=1, confirm_by_link=False)
    _confirmed(db, far, "far@example.org")
    _confirmed(db, near, "near@example.org")
    waiting, _ = services.register(near, **registration_data(email="wait@example.org"))
    gone = _confirmed(db, near, "gone@example.org")
    services.cancel_registration(gone)
    db.session.commit()

    sent = send_reminders()

    assert sent == 1
    assert [m.recipient for m in outbox("registration.reminder")] == ["near@example.org"]
    assert waiting.status == RegistrationStatus.WAITLISTED


def test_reminder_skipped_when_registered_inside_window(db):
    event = make_event(starts_at=utc_now() + timedelta(days=1))
    _confirmed(db, event, "late@example.org", confirmed_days_ago=0)

    assert send_reminders() == 0
    assert outbox("registration.reminder") == []


def test_reminder_skipped_for_cancelled_event(db):
    event = make_event(starts_at=utc_now() + timedelta(days=1))
    _confirmed(db, event, "a@example.org")
    changes.cancel_event(event)
    db.session.commit()

    assert send_reminders() == 0


def test_send_reminders_command(db, runner):
    event = make_event(starts_at=utc_now() + timedelta(days=1))
    _confirmed(db, event, "a@example.org")

    first = runner.invoke(args=["events", "send-reminders"])
    second = runner.invoke(args=["events", "send-reminders"])

    assert first.exit_code == 0 and first.output == "1 reminder(s) queued.\n"
    assert second.output == "0 reminder(s) queued.\n"
    assert len(outbox("registration.reminder")) == 1
