"""Personal links can be renewed and revoked: "lost your link?", the manage page, organisers."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.b2b.queries import make_participant_token
from app.calendar.services import renew_person_feed_token
from app.events import services
from app.events.models import Registration
from app.events.queries import make_manage_token
from app.members.models import Person
from tests.factories import make_event, make_participant, make_session, registration_data
from tests.mails import outbox, parse, text_body

EN = {"Accept-Language": "en"}


@pytest.fixture
def registered(db):
    """Marie's registration for a circlemeet (its confirmation mail is in the outbox)."""
    event = make_event()
    registration, _ = services.register(event, **registration_data())
    db.session.commit()
    return registration


def _manage_path(message) -> str:
    """Return the path of the manage link in a queued mail."""
    body = text_body(parse(message.raw))
    return re.search(r"http://localhost(/events/manage/[\w.\-]+)", body).group(1)


def _age_outbox(db, minutes: int) -> None:
    for message in outbox():
        message.created_at -= timedelta(minutes=minutes)
    db.session.commit()


def _refused_reason(response) -> str | None:
    found = re.search(r'data-testid="token-error" data-reason="(\w+)"', response.get_data(True))
    return found.group(1) if found else None


def test_ask_new_link_refuses_the_old_link_and_mails_a_working_one(db, client, registered):
    old = f"/events/manage/{make_manage_token(registered)}"
    _age_outbox(db, 16)

    answer = client.post(f"/events/{registered.event_id}/new-link",
                         data={"email": "marie.dubois@example.org"}, headers=EN)
    sent_page = client.get(answer.headers["Location"], headers=EN)
    old_page = client.get(old, headers=EN)
    [mail] = outbox("registration.new_link")
    new_page = client.get(_manage_path(mail), headers=EN)

    assert answer.status_code == 302
    assert answer.headers["Location"] == f"/events/{registered.event_id}/new-link/sent"
    assert "If this address is registered" in sent_page.get_data(as_text=True)
    assert old_page.status_code == 403 and _refused_reason(old_page) == "revoked"
    assert "replaced by a newer one" in old_page.get_data(as_text=True)
    assert new_page.status_code == 200
    assert 'data-status="confirmed"' in new_page.get_data(as_text=True)
    assert mail.recipient == "marie.dubois@example.org"
    assert "no longer work" in text_body(parse(mail.raw))


def test_ask_new_link_answers_the_same_for_an_unknown_address(db, client, registered):
    _age_outbox(db, 16)
    before = len(outbox())

    known = client.post(f"/events/{registered.event_id}/new-link",
                        data={"email": "marie.dubois@example.org"}, headers=EN)
    unknown = client.post(f"/events/{registered.event_id}/new-link",
                          data={"email": "nobody@example.org"}, headers=EN)

    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"]
    assert len(outbox()) == before + 1
    db.session.expire_all()
    assert db.session.scalar(select(Person.token_version)) == 2


def test_ask_new_link_within_the_quarter_hour_of_the_last_mail_changes_nothing(
        db, client, registered):
    old = f"/events/manage/{make_manage_token(registered)}"

    for _ in range(3):
        client.post(f"/events/{registered.event_id}/new-link",
                    data={"email": "marie.dubois@example.org"}, headers=EN)

    assert [m.kind for m in outbox()] == ["registration.confirmed"]
    assert client.get(old, headers=EN).status_code == 200


def test_ask_new_link_with_a_bad_address_is_a_form_error(db, client, registered):
    response = client.post(f"/events/{registered.event_id}/new-link",
                           data={"email": "not an address"}, headers=EN)

    assert response.status_code == 400
    assert 'value="not an address"' in response.get_data(as_text=True)


def test_manage_page_new_link_button_revokes_this_link(db, client, registered):
    token = make_manage_token(registered)

    answer = client.post(f"/events/manage/{token}/new-link", headers=EN)
    again = client.get(f"/events/manage/{token}", headers=EN)
    [mail] = outbox("registration.new_link")

    assert answer.status_code == 200 and 'data-testid="new-link-sent"' in answer.get_data(True)
    assert again.status_code == 403 and _refused_reason(again) == "revoked"
    assert client.get(_manage_path(mail), headers=EN).status_code == 200


def test_revoking_refuses_the_b2b_portal_and_drops_the_calendar_feed(db, client):
    session = make_session()
    participant = make_participant(session, "bob@example.org")
    registration = Registration(event=session.event, person=participant.person,
                                status="confirmed")
    db.session.add(registration)
    feed = renew_person_feed_token(participant.person)
    db.session.commit()
    portal = f"/b2b/{session.id}/me/{make_participant_token(participant)}/"
    subscribe = f"/calendar/subscribe/{make_manage_token(registration)}"
    assert client.get(portal, headers=EN).status_code == 200
    assert client.get(f"/calendar/{feed}.ics").status_code == 200

    services.renew_links(registration, send=False)
    db.session.commit()

    assert _refused_reason(client.get(portal, headers=EN)) == "revoked"
    assert _refused_reason(client.get(subscribe, headers=EN)) == "revoked"
    assert client.get(f"/calendar/{feed}.ics").status_code == 404
    assert outbox("registration.new_link") == []


def test_organiser_revoke_refuses_the_old_link_and_mails_a_new_one(db, logged_in, registered):
    old = f"/events/manage/{make_manage_token(registered)}"

    answer = logged_in.post(
        f"/admin/events/{registered.event_id}/registrations/{registered.id}/revoke-links",
        data={"send": "1"}, headers=EN)
    [mail] = outbox("registration.new_link")

    assert answer.status_code == 302
    assert _refused_reason(logged_in.get(old, headers=EN)) == "revoked"
    assert logged_in.get(_manage_path(mail), headers=EN).status_code == 200
    assert "The organisers renewed your personal link." in text_body(parse(mail.raw))


def test_organiser_revoke_without_mail_sends_nothing(db, logged_in, registered):
    old = f"/events/manage/{make_manage_token(registered)}"

    logged_in.post(
        f"/admin/events/{registered.event_id}/registrations/{registered.id}/revoke-links",
        data={"send": "0"}, headers=EN)

    assert _refused_reason(logged_in.get(old, headers=EN)) == "revoked"
    assert [m.kind for m in outbox()] == ["registration.confirmed"]


def test_organiser_revoke_of_a_registration_of_another_event_is_404(db, logged_in, registered):
    other = make_event(title_en="Other")
    db.session.commit()

    answer = logged_in.post(
        f"/admin/events/{other.id}/registrations/{registered.id}/revoke-links",
        data={"send": "1"}, headers=EN)

    assert answer.status_code == 404
    assert outbox("registration.new_link") == []


def test_organiser_revoke_needs_login(db, client, registered):
    answer = client.post(
        f"/admin/events/{registered.event_id}/registrations/{registered.id}/revoke-links",
        data={"send": "1"}, headers=EN)

    assert answer.status_code == 302 and "/auth/login" in answer.headers["Location"]
    assert outbox("registration.new_link") == []
