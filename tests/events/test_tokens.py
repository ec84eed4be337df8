"""Signed management links: valid, forged, expired, revoked, wrong salt."""

from datetime import timedelta

import pytest
from itsdangerous import URLSafeTimedSerializer

from app.db import utc_now
from app.events import services
from app.events.tokens import TokenError, load_manage_token, make_manage_token
from tests.factories import make_event, registration_data


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
    token = make_manage_token(registration)
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")

    with pytest.raises(TokenError) as error:
        load_manage_token(forged)

    assert error.value.reason == "invalid"


def test_token_signed_with_other_key_is_invalid(registration, app):
    other = URLSafeTimedSerializer("another-secret", salt="registration-manage")
    token = other.dumps({"r": registration.id, "v": 1})

    with pytest.raises(TokenError) as error:
        load_manage_token(token)

    assert error.value.reason == "invalid"


def test_token_with_wrong_salt_is_invalid(registration, app):
    other = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="b2b-feed")
    token = other.dumps({"r": registration.id, "v": 1})

    with pytest.raises(TokenError) as error:
        load_manage_token(token)

    assert error.value.reason == "invalid"


def test_token_for_missing_registration_is_invalid(registration, app):
    serializer = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="registration-manage")

    with pytest.raises(TokenError) as error:
        load_manage_token(serializer.dumps({"r": 999, "v": 1}))

    assert error.value.reason == "invalid"


def test_token_expires_after_event_end_and_margin(registration):
    token = make_manage_token(registration)
    ends_at = registration.event.ends_at

    assert load_manage_token(token, now=ends_at + timedelta(days=29)) is registration
    with pytest.raises(TokenError) as error:
        load_manage_token(token, now=ends_at + timedelta(days=31))
    assert error.value.reason == "expired"


def test_token_of_long_past_event_is_expired(db, registration):
    token = make_manage_token(registration)
    event = registration.event
    event.starts_at = utc_now() - timedelta(days=60)
    event.ends_at = event.starts_at + timedelta(hours=2)
    db.session.commit()

    with pytest.raises(TokenError) as error:
        load_manage_token(token)

    assert error.value.reason == "expired"


def test_token_revoked_by_token_version(db, registration):
    token = make_manage_token(registration)
    registration.person.token_version += 1
    db.session.commit()

    with pytest.raises(TokenError) as error:
        load_manage_token(token)

    assert error.value.reason == "revoked"
    assert load_manage_token(make_manage_token(registration)) is registration
