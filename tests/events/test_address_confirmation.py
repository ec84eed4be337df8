"""Public events with places: a place is held only until the address is confirmed by link."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.db import utc_now
from app.events import queries, services
from app.events.models import Audience, Registration, RegistrationStatus
from app.events.queries import make_manage_token
from app.extensions import db as _db
from tests.factories import make_event, registration_data
from tests.mails import outbox, parse, text_body

EN = {"Accept-Language": "en"}


def _form(email: str) -> dict:
    return {"first_name": "Robot", "last_name": "Invented", "email": email,
            "language": "en", "consent": "y"}


def _statuses() -> dict[RegistrationStatus, int]:
    return dict(_db.session.execute(select(Registration.status, func.count(Registration.id))
                                    .group_by(Registration.status)).all())


def _expire_holds(db) -> None:
    """Move every hold into the past, as if the hold time had gone by."""
    for registration in db.session.scalars(select(Registration)):
        if registration.hold_expires_at is not None:
            registration.hold_expires_at = utc_now() - timedelta(seconds=1)
    db.session.commit()


def test_fifty_invented_addresses_take_no_confirmed_place(db, client):
    event = make_event(capacity=10)
    db.session.commit()

    answers = [client.post(f"/events/{event.id}", data=_form(f"bot{i}@invented.example"),
                           headers=EN) for i in range(50)]
    held_meanwhile = queries.places_left(event)
    _expire_holds(db)

    assert {a.status_code for a in answers} == {302}
    assert _statuses() == {RegistrationStatus.UNCONFIRMED: 50}
    assert held_meanwhile == 0
    assert queries.get_confirmed_count(event) == 0
    assert queries.places_left(event) == 10
    assert len(outbox("registration.confirm_address")) == 50
    assert outbox("registration.confirmed") == []


def test_confirming_within_the_hold_confirms_with_an_invite(db, client):
    event = make_event(capacity=1)
    db.session.commit()
    client.post(f"/events/{event.id}", data=_form("ann@example.org"), headers=EN)
    [mail] = outbox("registration.confirm_address")
    registration = db.session.scalar(select(Registration))
    token = make_manage_token(registration)
    held = registration.hold_expires_at

    opened = client.get(f"/events/manage/{token}", headers=EN)
    confirmed = client.post(f"/events/manage/{token}/confirm", headers=EN)

    db.session.expire_all()
    assert held is not None and timedelta(minutes=29) < held - utc_now() <= timedelta(minutes=30)
    assert "A place is held for you until" in text_body(parse(mail.raw))
    assert 'data-testid="confirm-form"' in opened.get_data(as_text=True)
    assert confirmed.status_code == 302
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.hold_expires_at is None and registration.confirmed_at is not None
    assert [m.kind for m in outbox()] == ["registration.confirm_address",
                                          "registration.confirmed"]
    assert queries.places_left(event) == 0


def test_opening_the_link_alone_confirms_nothing(db, client):
    event = make_event(capacity=3)
    db.session.commit()
    client.post(f"/events/{event.id}", data=_form("ann@example.org"), headers=EN)
    registration = db.session.scalar(select(Registration))

    client.get(f"/events/manage/{make_manage_token(registration)}", headers=EN)

    db.session.expire_all()
    assert registration.status == RegistrationStatus.UNCONFIRMED


def test_confirming_after_the_hold_expired_and_the_place_went_waitlists(db, client):
    event = make_event(capacity=1)
    late, _ = services.register(event, **registration_data(email="late@example.org"))
    db.session.commit()
    _expire_holds(db)
    quick, _ = services.register(event, **registration_data(email="quick@example.org"))
    services.confirm_address(quick)
    db.session.commit()

    client.post(f"/events/manage/{make_manage_token(late)}/confirm", headers=EN)

    db.session.expire_all()
    assert quick.status == RegistrationStatus.CONFIRMED
    assert late.status == RegistrationStatus.WAITLISTED
    assert outbox("registration.waitlisted")[0].recipient == "late@example.org"


def test_registering_while_places_are_held_holds_nothing_and_waitlists_on_confirmation(db):
    event = make_event(capacity=1)
    first, _ = services.register(event, **registration_data(email="first@example.org"))
    second, _ = services.register(event, **registration_data(email="second@example.org"))
    db.session.commit()

    services.confirm_address(second)
    services.confirm_address(first)
    db.session.commit()

    assert second.hold_expires_at is None
    assert (first.status, second.status) == (RegistrationStatus.CONFIRMED,
                                             RegistrationStatus.WAITLISTED)
    body = text_body(parse(outbox("registration.confirm_address")[1].raw))
    assert "The event is full at the moment" in body


def test_expired_hold_gives_its_place_to_the_waiting_list(db, runner):
    event = make_event(capacity=1)
    holder, _ = services.register(event, **registration_data(email="holder@example.org"))
    waiting, _ = services.register(event, **registration_data(email="waiting@example.org"))
    services.confirm_address(waiting)
    db.session.commit()
    assert waiting.status == RegistrationStatus.WAITLISTED
    _expire_holds(db)

    result = runner.invoke(args=["events", "release-holds"])

    db.session.expire_all()
    assert result.output == "1 expired hold(s) released.\n"
    assert waiting.status == RegistrationStatus.CONFIRMED
    assert holder.status == RegistrationStatus.UNCONFIRMED and holder.hold_expires_at is None
    assert outbox("registration.promoted")[0].recipient == "waiting@example.org"


def test_cancelling_a_held_registration_frees_the_place(db):
    event = make_event(capacity=1)
    holder, _ = services.register(event, **registration_data(email="holder@example.org"))
    db.session.commit()
    assert queries.places_left(event) == 0

    services.cancel_registration(holder)
    db.session.commit()

    assert queries.places_left(event) == 1


def test_with_approval_a_confirmed_address_waits_for_the_organisers(db):
    event = make_event(capacity=5, requires_approval=True)
    registration, _ = services.register(event, **registration_data())
    db.session.commit()

    services.confirm_address(registration)
    db.session.commit()

    assert registration.status == RegistrationStatus.PENDING
    assert [m.kind for m in outbox()] == ["registration.confirm_address",
                                          "registration.pending"]


@pytest.mark.parametrize("values", [
    {"capacity": None}, {"capacity": 5, "confirm_by_link": False},
    {"capacity": 5, "audience": Audience.MEMBERS_PARTNERS, "status": "draft"},
])
def test_confirmation_is_asked_only_of_public_events_with_places_that_ask_it(db, values):
    event = make_event(**values)

    assert queries.needs_address_confirmation(event) is False


def test_organiser_registrations_need_no_confirmation(db):
    event = make_event(capacity=5)

    registration, _ = services.register(event, **registration_data(), source="organiser")

    assert registration.status == RegistrationStatus.CONFIRMED


def test_check_mailbox_page_says_to_confirm_within_the_hold(db, client):
    held = make_event(capacity=5)
    open_event = make_event()
    db.session.commit()

    held_page = client.get(f"/events/{held.id}/registered", headers=EN).get_data(as_text=True)
    open_page = client.get(f"/events/{open_event.id}/registered", headers=EN).get_data(True)

    assert re.search(r"confirm your registration with the link in that mail within 30 minutes",
                     held_page)
    assert 'data-testid="confirm-by-link"' not in open_page


def test_new_event_form_asks_confirmation_by_default(db, logged_in):
    page = logged_in.get("/admin/events/new", headers=EN).get_data(as_text=True)

    field = re.search(r'<input[^>]*name="confirm_by_link"[^>]*>', page).group(0)
    assert "checked" in field


def test_a_new_registration_first_gives_an_expired_hold_to_the_waiting_list(db):
    event = make_event(capacity=1)
    holder, _ = services.register(event, **registration_data(email="holder@example.org"))
    waiting, _ = services.register(event, **registration_data(email="waiting@example.org"))
    services.confirm_address(waiting)
    db.session.commit()
    _expire_holds(db)

    # No cleanup ran: the next registration releases the hold before it decides its seat.
    newcomer, _ = services.register(event, **registration_data(email="new@example.org"))
    services.confirm_address(newcomer)
    db.session.commit()

    assert waiting.status == RegistrationStatus.CONFIRMED
    assert holder.hold_expires_at is None
    assert newcomer.status == RegistrationStatus.WAITLISTED
