"""Concurrent registrations never overbook; concurrent reminder runs send one reminder."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.db import utc_now
from app.events import services
from app.events.models import Event, Registration, RegistrationStatus
from app.events.reminders import send_reminders
from app.extensions import db
from app.mail.models import OutboxMessage
from app.members.models import Person
from tests.factories import make_event


def _in_threads(app, count: int, work) -> list[BaseException]:
    """Run ``work(index)`` in ``count`` threads started together; return their errors."""
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def run(index: int) -> None:
        with app.app_context():
            try:
                barrier.wait()
                work(index)
                db.session.commit()
            except BaseException as error:  # collected and asserted below
                db.session.rollback()
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=240)
    return errors


def _race_for_places(app, people: int, capacity: int) -> dict:
    with app.app_context():
        event_id = make_event(capacity=capacity, confirm_by_link=False).id
        # Known people: no INSERT of a person comes before the seat count, so only the
        # event lock keeps two registrations from counting the same free place.
        db.session.add_all(Person(email=f"person{i}@example.org", first_name="P",
                                  last_name=str(i)) for i in range(people))
        db.session.commit()

    def register(index: int) -> None:
        event = db.session.get(Event, event_id)
        services.register(event, email=f"person{index}@example.org", first_name="P",
                          last_name=str(index), language="en")

    errors = _in_threads(app, people, register)
    with app.app_context():
        rows = db.session.execute(
            select(Registration.status, func.count()).group_by(Registration.status))
        counts = {status: number for status, number in rows}
        mails = db.session.scalar(select(func.count(OutboxMessage.id)))
    return {"errors": errors, "counts": counts, "mails": mails}


@pytest.mark.postgres
@pytest.mark.slow
def test_two_hundred_concurrent_registrations_never_overbook_postgres(postgres_app):
    result = _race_for_places(postgres_app, people=200, capacity=25)

    assert result["errors"] == []
    assert result["counts"] == {RegistrationStatus.CONFIRMED: 25,
                                RegistrationStatus.WAITLISTED: 175}
    assert result["mails"] == 200


@pytest.mark.slow
def test_concurrent_registrations_never_overbook_sqlite(sqlite_app):
    result = _race_for_places(sqlite_app, people=40, capacity=7)

    assert result["errors"] == []
    assert result["counts"] == {RegistrationStatus.CONFIRMED: 7,
                                RegistrationStatus.WAITLISTED: 33}
    assert result["mails"] == 40


def _race_one_address(app, times: int) -> dict:
    """Register one known address ``times`` at once, on an event that confirms by link."""
    with app.app_context():
        event_id = make_event(capacity=5).id
        db.session.add(Person(email="marie@example.org", first_name="Marie", last_name="D"))
        db.session.commit()

    def register(index: int) -> None:
        services.register(db.session.get(Event, event_id), email="marie@example.org",
                          first_name="Marie", last_name="D", language="en")

    errors = _in_threads(app, times, register)
    with app.app_context():
        kinds = list(db.session.scalars(select(OutboxMessage.kind)))
        held = db.session.scalar(select(func.count(Registration.id)).where(
            Registration.hold_expires_at.is_not(None)))
    return {"errors": errors, "kinds": kinds, "held": held}


@pytest.mark.postgres
def test_thirty_concurrent_registrations_of_one_address_mail_once_postgres(postgres_app):
    result = _race_one_address(postgres_app, 30)

    assert result == {"errors": [], "kinds": ["registration.confirm_address"], "held": 1}


def test_thirty_concurrent_registrations_of_one_address_mail_once_sqlite(sqlite_app):
    result = _race_one_address(sqlite_app, 30)

    assert result == {"errors": [], "kinds": ["registration.confirm_address"], "held": 1}


def _race_reminders(app) -> dict:
    with app.app_context():
        event = make_event(starts_at=utc_now() + timedelta(days=1))
        for index in range(15):
            services.register(event, email=f"r{index}@example.org", first_name="R",
                              last_name=str(index), language="en")
        db.session.flush()
        long_ago = utc_now() - timedelta(days=20)
        db.session.execute(Registration.__table__.update().values(confirmed_at=long_ago))
        db.session.commit()

    sent: list[int] = []
    errors = _in_threads(app, 2, lambda _: sent.append(send_reminders()))
    with app.app_context():
        reminders = db.session.scalars(
            select(OutboxMessage.recipient).where(OutboxMessage.kind == "registration.reminder"))
        recipients = sorted(reminders)
    return {"errors": errors, "sent": sorted(sent), "recipients": recipients}


def test_concurrent_reminder_runs_send_one_each_sqlite(sqlite_app):
    result = _race_reminders(sqlite_app)

    assert result["errors"] == []
    assert sum(result["sent"]) == 15
    assert result["recipients"] == sorted(f"r{i}@example.org" for i in range(15))


@pytest.mark.postgres
def test_concurrent_reminder_runs_send_one_each_postgres(postgres_app):
    result = _race_reminders(postgres_app)

    assert result["errors"] == []
    assert sum(result["sent"]) == 15
    assert result["recipients"] == sorted(f"r{i}@example.org" for i in range(15))
