"""What a visitor is told around registering: the waiting-list button, where the registration
stands afterwards, the privacy notice link and the length limits of text fields."""

import pytest

from app.events.models import Audience
from tests.factories import make_event, make_person, make_registration

LANGUAGES = {"en": "Join the waiting list", "fr": "Rejoindre la liste d’attente",
             "nl": "Inschrijven op de wachtlijst"}


def _form(**values) -> dict:
    data = {"first_name": "Marie", "last_name": "Dubois", "email": "marie@example.org",
            "organisation": "Independent", "language": "en", "consent": "y"}
    data.update(values)
    return data


def _full_event(db, **values):
    event = make_event(capacity=1, confirm_by_link=False, **values)
    make_registration(event, make_person("first@example.org"))
    db.session.commit()
    return event


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_full_event_offers_the_waiting_list_and_says_why(db, client, lang):
    event = _full_event(db)

    page = client.get(f"/events/{event.id}", headers={"Accept-Language": lang})
    html = page.get_data(as_text=True)

    assert LANGUAGES[lang] in html
    assert 'data-testid="waiting-list-why"' in html


def test_event_with_places_keeps_the_register_button(db, client):
    event = make_event(capacity=5, confirm_by_link=False)
    db.session.commit()

    html = client.get(f"/events/{event.id}", headers={"Accept-Language": "en"}).get_data(
        as_text=True)

    assert "Join the waiting list" not in html and 'value="Register"' in html


def _outcome(client, event, **values):
    response = client.post(f"/events/{event.id}", data=_form(**values),
                           headers={"Accept-Language": "en"})
    assert response.status_code == 302
    return client.get(response.headers["Location"],
                      headers={"Accept-Language": "en"}).get_data(as_text=True)


def test_check_mailbox_page_says_waitlisted_and_what_next(db, client):
    event = _full_event(db)

    page = _outcome(client, event)

    assert 'data-status="waitlisted"' in page
    assert "you are on the waiting list" in page


def test_check_mailbox_page_says_confirmed(db, client):
    event = make_event(capacity=5, confirm_by_link=False)
    db.session.commit()

    assert 'data-status="confirmed"' in _outcome(client, event)


def test_check_mailbox_page_says_awaiting_approval(db, client):
    event = make_event(requires_approval=True)
    db.session.commit()

    assert 'data-status="pending"' in _outcome(client, event)


def test_check_mailbox_page_says_address_then_place(db, client):
    event = make_event(capacity=5, confirm_by_link=True)
    db.session.commit()

    page = _outcome(client, event)

    assert 'data-status="unconfirmed" data-then="confirmed"' in page


def test_a_repeated_address_sees_what_a_new_one_would(db, client):
    """The page never tells whether the address had registered before."""
    event = make_event(capacity=5, requires_approval=True, confirm_by_link=False)
    person = make_person("marie@example.org")
    make_registration(event, person)  # confirmed already
    db.session.commit()

    assert 'data-status="pending"' in _outcome(client, event)


def test_members_only_event_tells_no_status(db, client):
    """A stranger and a member must get the same page (membership stays private)."""
    event = make_event(audience=Audience.MEMBERS)
    db.session.commit()

    assert 'data-testid="outcome"' not in _outcome(client, event, email="x@example.org")


def test_consent_links_the_privacy_notice(db, client):
    event = make_event()
    db.session.commit()

    html = client.get(f"/events/{event.id}").get_data(as_text=True)

    assert 'href="/privacy"' in html or 'href="/privacy/' in html


def test_text_fields_show_their_length_limit(db, client):
    event = make_event()
    db.session.commit()

    html = client.get(f"/events/{event.id}", headers={"Accept-Language": "en"}).get_data(
        as_text=True)

    assert "100 characters at most." in html  # first and last names
    assert "200 characters at most." in html  # organisation
