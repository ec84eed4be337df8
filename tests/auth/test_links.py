"""Signed personal links: valid, forged, expired, revoked, wrong salt; the refusal page."""

from datetime import timedelta

import pytest
from itsdangerous import URLSafeTimedSerializer

from app.auth.links import LINK_ERRORS, Linked, LinkError, Purpose, open_token, sign
from app.db import utc_now
from app.events import services
from app.events.queries import load_manage_token, make_manage_token
from tests.factories import make_event, registration_data
from tests.links import forged


@pytest.fixture
def registration(db):
    event = make_event()
    registration, _ = services.register(event, **registration_data())
    db.session.commit()
    return registration


def test_token_valid_returns_registration(registration):
    token = make_manage_token(registration)

    assert load_manage_token(token) is registration


def test_token_forged_is_invalid(registration):
    with pytest.raises(LinkError) as error:
        load_manage_token(forged(make_manage_token(registration)))

    assert error.value.reason == "invalid"


def test_token_signed_with_other_key_is_invalid(registration, app):
    other = URLSafeTimedSerializer("another-secret", salt="registration-manage")
    token = other.dumps({"r": registration.id, "v": 1})

    with pytest.raises(LinkError) as error:
        load_manage_token(token)

    assert error.value.reason == "invalid"


def test_token_with_wrong_salt_is_invalid(registration, app):
    other = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="b2b-feed")
    token = other.dumps({"r": registration.id, "v": 1})

    with pytest.raises(LinkError) as error:
        load_manage_token(token)

    assert error.value.reason == "invalid"


def test_token_for_missing_registration_is_invalid(registration, app):
    serializer = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="registration-manage")

    with pytest.raises(LinkError) as error:
        load_manage_token(serializer.dumps({"r": 999, "v": 1}))

    assert error.value.reason == "invalid"


def test_token_expires_after_event_end_and_margin(registration):
    token = make_manage_token(registration)
    ends_at = registration.event.ends_at

    assert load_manage_token(token, now=ends_at + timedelta(days=29)) is registration
    with pytest.raises(LinkError) as error:
        load_manage_token(token, now=ends_at + timedelta(days=31))
    assert error.value.reason == "expired"


def test_token_of_long_past_event_is_expired(db, registration):
    token = make_manage_token(registration)
    event = registration.event
    event.starts_at = utc_now() - timedelta(days=60)
    event.ends_at = event.starts_at + timedelta(hours=2)
    db.session.commit()

    with pytest.raises(LinkError) as error:
        load_manage_token(token)

    assert error.value.reason == "expired"


def test_token_revoked_by_token_version(db, registration):
    token = make_manage_token(registration)
    registration.person.token_version += 1
    db.session.commit()

    with pytest.raises(LinkError) as error:
        load_manage_token(token)

    assert error.value.reason == "revoked"
    assert load_manage_token(make_manage_token(registration)) is registration


# The generic signer, with a plain object instead of a model --------------------------------

THING = Purpose(salt="test-thing", key="t")


def _loader(things: dict[int, Linked]):
    return things.get


def test_open_token_returns_the_loaded_object(app):
    with app.app_context():
        ends = utc_now() + timedelta(days=1)
        token = sign(THING, 7, 3)

        assert open_token(token, THING, _loader({7: Linked("seven", ends, 3)})) == "seven"


@pytest.mark.parametrize(("linked", "reason"), [
    (None, "invalid"),
    (Linked("seven", utc_now() - timedelta(seconds=1), 3), "expired"),
    (Linked("seven", utc_now() + timedelta(days=1), 4), "revoked"),
])
def test_open_token_refuses_missing_expired_and_revoked(app, linked, reason):
    with app.app_context():
        token = sign(THING, 7, 3)
        things = {7: linked} if linked is not None else {}

        with pytest.raises(LinkError) as error:
            open_token(token, THING, _loader(things))

    assert error.value.reason == reason


def test_open_token_refuses_other_purpose(app):
    with app.app_context():
        token = sign(Purpose(salt="other", key="t"), 7, 3)
        ends = utc_now() + timedelta(days=1)

        with pytest.raises(LinkError) as error:
            open_token(token, THING, _loader({7: Linked("seven", ends, 3)}))

    assert error.value.reason == "invalid"


# The refusal page, the same for every kind of link -------------------------------------------

EN = {"Accept-Language": "en"}


@pytest.mark.parametrize("path", ["/events/manage/{}", "/calendar/subscribe/{}"])
def test_forged_link_page_says_why_with_its_status(client, registration, path):
    response = client.get(path.format("forged-token"), headers=EN)
    page = response.get_data(as_text=True)

    assert response.status_code == 400
    assert 'data-reason="invalid"' in page
    assert "This link is not valid. Please use the link from your latest mail." in page


def test_expired_link_page_has_status_403(db, client, registration):
    token = make_manage_token(registration)
    registration.event.starts_at = utc_now() - timedelta(days=60)
    registration.event.ends_at = registration.event.starts_at + timedelta(hours=2)
    db.session.commit()

    response = client.get(f"/events/manage/{token}", headers=EN)

    assert response.status_code == LINK_ERRORS["expired"][0] == 403
    assert "This link has expired: the event is over." in response.get_data(as_text=True)
