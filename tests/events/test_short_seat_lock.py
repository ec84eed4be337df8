"""The seat lock covers the seat decision only: registration mail is built after the commit."""

from datetime import timedelta

import pytest
from sqlalchemy import create_engine, func, select, text, update
from sqlalchemy.exc import OperationalError

from app.db import utc_now
from app.events import services
from app.events.mails import DEFERRED_REGISTRATION
from app.events.models import Event, Registration, RegistrationStatus
from app.extensions import db
from app.jobs.worker import run_once
from app.mail import deferred
from app.mail.models import DeferredMail, OutboxMessage
from app.members.models import Person
from tests.events.test_concurrency import _in_threads
from tests.factories import make_event, registration_data


def _seen_from_outside(url: str, event_id: int) -> tuple[int, bool]:
    """From another connection: the event's committed registrations, and whether its row lock
    is free (PostgreSQL; SQLite has one lock for the whole database and says True)."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            registrations = conn.execute(text(
                "SELECT count(*) FROM registrations WHERE event_id = :id"), {"id": event_id}
            ).scalar_one()
            free = True
            if not url.startswith("sqlite"):
                try:
                    conn.execute(text("SELECT id FROM events WHERE id = :id FOR UPDATE NOWAIT"),
                                 {"id": event_id})
                except OperationalError:  # lock_not_available
                    free = False
            conn.rollback()
        return registrations, free
    finally:
        engine.dispose()


def _register_by_form(app, monkeypatch) -> list[bool]:
    """Post the public form; return what another connection saw while each mail was built."""
    with app.app_context():
        event_id = make_event(capacity=3, confirm_by_link=False).id
        db.session.commit()
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    build = deferred.RENDERERS[DEFERRED_REGISTRATION]
    seen: list[tuple[int, bool]] = []

    def watched_build(**payload):
        seen.append(_seen_from_outside(url, event_id))
        return build(**payload)

    monkeypatch.setitem(deferred.RENDERERS, DEFERRED_REGISTRATION, watched_build)
    response = app.test_client().post(f"/events/{event_id}", data={
        "first_name": "Marie", "last_name": "Dubois", "email": "marie@example.org",
        "language": "en", "consent": "y"})
    assert response.status_code == 302
    with app.app_context():
        kinds = list(db.session.scalars(select(OutboxMessage.kind)))
        left = db.session.scalar(select(func.count(DeferredMail.id)))
    assert (kinds, left) == (["registration.confirmed"], 0)
    return seen


def test_registration_mail_is_built_after_the_seat_is_committed_sqlite(sqlite_app, monkeypatch):
    assert _register_by_form(sqlite_app, monkeypatch) == [(1, True)]


@pytest.mark.postgres
def test_registration_mail_is_built_after_the_lock_is_released_postgres(postgres_app,
                                                                        monkeypatch):
    assert _register_by_form(postgres_app, monkeypatch) == [(1, True)]


def test_a_mail_left_behind_by_its_request_is_built_by_the_worker(app, db):
    event = make_event(capacity=3, confirm_by_link=False)
    registration, _ = services.register(event, **registration_data(), defer_mail=True)
    db.session.commit()  # the request dies here: no render_own
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0
    db.session.execute(update(DeferredMail).values(created_at=utc_now() - timedelta(minutes=1)))
    db.session.commit()
    db.session.info.clear()

    run_once(app)

    assert list(db.session.scalars(select(OutboxMessage.reference))) == [
        f"registration:{registration.id}"]
    assert db.session.scalar(select(func.count(DeferredMail.id))) == 0


def test_a_young_mail_is_left_to_its_request(app, db):
    event = make_event(capacity=3, confirm_by_link=False)
    services.register(event, **registration_data(), defer_mail=True)
    db.session.commit()

    assert deferred.render_stale() == 0
    assert deferred.render_own() == 1
    assert deferred.render_own() == 0
    assert db.session.scalar(select(OutboxMessage.kind)) == "registration.confirmed"


def _deferred_race(app, people: int, capacity: int, *, same_address: bool = False) -> dict:
    with app.app_context():
        event_id = make_event(capacity=capacity, confirm_by_link=same_address).id
        db.session.add_all(Person(email=f"person{i}@example.org", first_name="P",
                                  last_name=str(i)) for i in range(people))
        db.session.commit()

    def register(index: int) -> None:
        email = "person0@example.org" if same_address else f"person{index}@example.org"
        services.register(db.session.get(Event, event_id), email=email, first_name="P",
                          last_name=str(index), language="en", defer_mail=True)
        db.session.commit()
        deferred.render_own()

    errors = _in_threads(app, people, register)
    with app.app_context():
        counts = dict(db.session.execute(
            select(Registration.status, func.count()).group_by(Registration.status)).all())
        kinds = sorted(db.session.scalars(select(OutboxMessage.kind)))
        left = db.session.scalar(select(func.count(DeferredMail.id)))
    return {"errors": errors, "counts": counts, "kinds": kinds, "left": left}


def _check_race(result: dict, confirmed: int, waitlisted: int) -> None:
    assert result["errors"] == [] and result["left"] == 0
    assert result["counts"] == {RegistrationStatus.CONFIRMED: confirmed,
                                RegistrationStatus.WAITLISTED: waitlisted}
    assert result["kinds"] == (["registration.confirmed"] * confirmed
                               + ["registration.waitlisted"] * waitlisted)


@pytest.mark.slow
def test_concurrent_deferred_registrations_never_overbook_sqlite(sqlite_app):
    _check_race(_deferred_race(sqlite_app, 30, 7), 7, 23)


@pytest.mark.postgres
@pytest.mark.slow
def test_concurrent_deferred_registrations_never_overbook_postgres(postgres_app):
    _check_race(_deferred_race(postgres_app, 60, 15), 15, 45)


@pytest.mark.postgres
def test_concurrent_deferred_registrations_of_one_address_mail_once_postgres(postgres_app):
    result = _deferred_race(postgres_app, 20, 5, same_address=True)

    assert result["errors"] == [] and result["left"] == 0
    assert result["kinds"] == ["registration.confirm_address"]
