"""Waiting-list offers in approval mode: held for the organiser's hours, then the next person."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from app.events import places, queries, services
from app.events.models import RegistrationStatus
from app.events.queries import make_manage_token
from app.extensions import db
from tests.factories import make_event, registration_data
from tests.mails import outbox, parse, text_body

BRUSSELS = ZoneInfo("Europe/Brussels")
FR_MONTHS = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.",
             "nov.", "déc.")


def _offer(offer_hours=24):
    """Return (event, offered, next in line) after the only confirmed person cancels."""
    event = make_event(capacity=1, confirm_by_link=False, requires_approval=True,
                       offer_hours=offer_hours)
    confirmed, _ = services.register(event, source="organiser",
                                     **registration_data(email="a@example.org"))
    waiting, _ = services.register(event, source="organiser",
                                   **registration_data(email="b@example.org", language="fr"))
    later, _ = services.register(event, source="organiser",
                                 **registration_data(email="c@example.org"))
    services.cancel_registration(confirmed)
    db.session.commit()
    return event, waiting, later


def test_offer_holds_the_place_for_the_organisers_hours_and_the_mail_says_until_when(db):
    event, waiting, later = _offer(offer_hours=24)

    assert waiting.status == RegistrationStatus.PENDING
    assert waiting.offer_expires_at == waiting.offered_at + timedelta(hours=24)
    assert queries.places_left(event) == 0 and later.status == RegistrationStatus.WAITLISTED
    mail = outbox("registration.offered")[-1]
    body = text_body(parse(mail.raw))
    until = waiting.offer_expires_at.astimezone(BRUSSELS)
    assert mail.recipient == "b@example.org"
    assert until.strftime("%H:%M") in body  # Brussels wall clock
    assert f"{until.day} {FR_MONTHS[until.month - 1]} {until.year}" in body  # in French
    assert "heure de Bruxelles" in body


def test_an_offer_not_taken_in_time_goes_to_the_next_person(db):
    event, waiting, later = _offer(offer_hours=24)
    expires = waiting.offer_expires_at

    assert places.release_all_expired_holds(now=expires - timedelta(minutes=1)) == 0
    assert waiting.status == RegistrationStatus.PENDING

    assert places.release_all_expired_holds(now=expires + timedelta(minutes=1)) == 1
    db.session.commit()

    assert waiting.status == RegistrationStatus.WAITLISTED and waiting.offered_at is None
    assert later.status == RegistrationStatus.PENDING
    assert later.offer_expires_at == expires + timedelta(minutes=1) + timedelta(hours=24)
    assert [m.recipient for m in outbox("registration.offer_expired")] == ["b@example.org"]
    assert outbox("registration.offered")[-1].recipient == "c@example.org"


def test_an_expired_offer_frees_the_place_before_any_cleanup(db):
    event, waiting, _later = _offer(offer_hours=2)

    assert queries.places_left(event, now=waiting.offer_expires_at) == 1


def test_the_only_person_on_the_list_is_not_offered_the_place_again_at_once(db):
    event = make_event(capacity=1, confirm_by_link=False, requires_approval=True, offer_hours=1)
    confirmed, _ = services.register(event, source="organiser",
                                     **registration_data(email="a@example.org"))
    waiting, _ = services.register(event, source="organiser",
                                   **registration_data(email="b@example.org"))
    services.cancel_registration(confirmed)

    places.release_all_expired_holds(now=waiting.offer_expires_at)

    assert waiting.status == RegistrationStatus.WAITLISTED


def test_a_taken_offer_is_held_until_the_organisers_decide(db):
    event, waiting, later = _offer(offer_hours=24)
    expires = waiting.offer_expires_at

    assert places.take_offer(waiting, now=expires - timedelta(hours=1)) is True
    places.release_all_expired_holds(now=expires + timedelta(days=3))

    assert waiting.status == RegistrationStatus.PENDING and waiting.offer_expires_at is None
    assert later.status == RegistrationStatus.WAITLISTED
    services.approve_registration(waiting)
    assert waiting.status == RegistrationStatus.CONFIRMED


def test_taking_an_offer_too_late_fails_and_the_next_person_gets_it(db):
    event, waiting, later = _offer(offer_hours=24)

    assert places.take_offer(waiting, now=waiting.offer_expires_at) is False
    assert later.status == RegistrationStatus.PENDING


def test_without_hours_an_offer_waits_for_the_organisers_as_before(db):
    event, waiting, _later = _offer(offer_hours=None)

    assert waiting.offered_at is not None and waiting.offer_expires_at is None
    places.release_all_expired_holds(now=waiting.offered_at + timedelta(days=30))
    assert waiting.status == RegistrationStatus.PENDING


def test_the_personal_page_offers_the_place_and_takes_it(db, client):
    _event, waiting, _later = _offer(offer_hours=24)
    token = make_manage_token(waiting)

    page = client.get(f"/events/manage/{token}", headers={"Accept-Language": "en"})
    assert 'data-testid="take-offer-form"' in page.get_data(as_text=True)
    response = client.post(f"/events/manage/{token}/take-offer", data={"submit": "1"})

    assert response.status_code == 302
    db.session.expire_all()
    assert waiting.offer_expires_at is None and waiting.status == RegistrationStatus.PENDING
    page = client.get(f"/events/manage/{token}", headers={"Accept-Language": "en"})
    assert 'data-testid="take-offer-form"' not in page.get_data(as_text=True)
