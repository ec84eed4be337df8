"""The optional second factor of administrators: enrolment, login with a code, recovery."""

import logging
from datetime import UTC, datetime, timedelta

import pyotp
import pytest

from app.auth import services
from app.auth.models import Role, User
from app.extensions import db as _db

PASSWORD = "correct-horse"
EMAIL = "boss@cluster.example"


@pytest.fixture
def admin_client(app):
    """A browser logged in as an administrator (no app context kept open)."""
    with app.app_context():
        services.create_user(EMAIL, PASSWORD, role=Role.ADMINISTRATOR)
        _db.session.commit()
    client = app.test_client()
    assert client.post("/auth/login", data={"email": EMAIL, "password": PASSWORD}
                       ).status_code == 302
    return client


def _user(app) -> User:
    with app.app_context():
        user = services.get_user_by_email(EMAIL)
        _db.session.expunge(user)
        return user


def _enrol(app, client) -> str:
    client.post("/auth/two-factor/start")
    page = client.get("/auth/two-factor").text
    secret = _user(app).totp_secret
    assert secret and secret in page
    assert "otpauth://totp/" in page
    response = client.post("/auth/two-factor/confirm", data={"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    return secret


def test_enrolment_needs_a_right_code_before_it_is_on(app, admin_client):
    admin_client.post("/auth/two-factor/start")
    secret = _user(app).totp_secret

    wrong = admin_client.post("/auth/two-factor/confirm", data={"code": "000000"})

    assert wrong.status_code == 400
    assert not _user(app).has_totp
    admin_client.post("/auth/two-factor/confirm", data={"code": pyotp.TOTP(secret).now()})
    assert _user(app).has_totp
    assert 'data-testid="totp-on"' in admin_client.get("/auth/two-factor").text


def test_login_asks_for_the_code_after_the_password(app, admin_client, caplog):
    caplog.set_level(logging.DEBUG)
    secret = _enrol(app, admin_client)
    browser = app.test_client()

    after_password = browser.post("/auth/login", data={"email": EMAIL, "password": PASSWORD})

    assert after_password.headers["Location"].endswith("/auth/login/code")
    assert browser.get("/admin/").status_code == 302  # not logged in yet
    assert browser.post("/auth/login/code", data={"code": "123456"}).status_code == 200
    assert browser.get("/admin/").status_code == 302
    totp = pyotp.TOTP(secret)
    # The enrolment used the current step's code: a login waits for a fresh one.
    code = totp.at(datetime.now(UTC) + timedelta(seconds=totp.interval))
    assert browser.post("/auth/login/code", data={"code": code}).status_code == 302
    assert browser.get("/admin/").status_code == 200
    assert secret not in caplog.text


def test_a_code_is_accepted_once(app, admin_client):
    secret = _enrol(app, admin_client)
    totp = pyotp.TOTP(secret)
    code = totp.at(datetime.now(UTC) + timedelta(seconds=totp.interval))
    first, second = app.test_client(), app.test_client()
    for browser in (first, second):
        browser.post("/auth/login", data={"email": EMAIL, "password": PASSWORD})

    assert first.post("/auth/login/code", data={"code": code}).status_code == 302
    replay = second.post("/auth/login/code", data={"code": code})

    assert replay.status_code == 200
    assert "was used already" in replay.text
    assert second.get("/admin/").status_code == 302


def test_code_page_without_a_password_goes_back_to_login(client, db):
    response = client.get("/auth/login/code")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/auth/login")


def test_cli_reset_totp_turns_it_off(app, admin_client):
    _enrol(app, admin_client)

    result = app.test_cli_runner().invoke(args=["users", "reset-totp", EMAIL])

    assert result.exit_code == 0, result.output
    user = _user(app)
    assert (user.has_totp, user.totp_secret) == (False, None)
    assert user.totp_secret is None and "Second factor turned off" in result.output
    browser = app.test_client()
    assert browser.post("/auth/login", data={"email": EMAIL, "password": PASSWORD}
                        ).headers["Location"].endswith("/admin/")


def test_turning_off_needs_the_password(app, admin_client):
    _enrol(app, admin_client)
    admin_client.post("/auth/two-factor/off", data={"password": "not-my-password"})
    assert _user(app).has_totp
    admin_client.post("/auth/two-factor/off", data={"password": PASSWORD})
    assert not _user(app).has_totp
