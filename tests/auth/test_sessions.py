"""Logout and password change end every session; cookies carry the safe flags."""

import re
import secrets

import pytest

from app import create_app
from app.auth import services
from app.extensions import db as _db
from config import ProductionConfig

ADMIN = "/admin/"


@pytest.fixture
def account(app):
    """An organiser account, made in its own app context.

    The usual ``organiser`` fixture keeps an app context open, which the test client's
    requests then share, with Flask-Login's user cached in it: these tests need each request
    to load its user afresh, as a server does.
    """
    with app.app_context():
        services.create_user("orga@cluster.example", "correct-horse")
        _db.session.commit()


def _login(client, email="orga@cluster.example", password="correct-horse", remember=False):
    data = {"email": email, "password": password}
    if remember:
        data["remember"] = "y"
    response = client.post("/auth/login", data=data)
    assert response.status_code == 302
    return response


def test_old_session_cookie_no_longer_opens_the_back_office_after_logout(app, account):
    client = app.test_client()
    _login(client)
    stolen = client.get_cookie("session").value
    assert client.get(ADMIN).status_code == 200

    client.post("/auth/logout")
    client.set_cookie("session", stolen)

    response = client.get(ADMIN)
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_remember_token_dies_with_logout(app, account):
    browser = app.test_client()
    _login(browser, remember=True)
    token = browser.get_cookie("remember_token").value
    thief = app.test_client()
    thief.set_cookie("remember_token", token)
    assert thief.get(ADMIN).status_code == 200

    browser.post("/auth/logout")
    replay = app.test_client()
    replay.set_cookie("remember_token", token)

    assert replay.get(ADMIN).status_code == 302


def test_password_change_ends_sessions_on_every_device(app, account):
    client, other_device = app.test_client(), app.test_client()
    _login(client)
    _login(other_device)

    with app.app_context():
        user = services.get_user_by_email("orga@cluster.example")
        services.change_password(user, "a-new-long-password")
        _db.session.commit()

    assert client.get(ADMIN).status_code == 302
    assert other_device.get(ADMIN).status_code == 302
    _login(client, password="a-new-long-password")
    assert client.get(ADMIN).status_code == 200


def test_cli_set_password_ends_sessions(app, account):
    client = app.test_client()
    _login(client)

    result = app.test_cli_runner().invoke(args=["users", "set-password", "Orga@Cluster.example",
                                                "--password", "another-long-pw"])

    assert result.exit_code == 0, result.output
    assert "its sessions are ended" in result.output
    assert client.get(ADMIN).status_code == 302


def test_cli_set_password_of_unknown_account_names_the_field(runner, db):
    result = runner.invoke(args=["users", "set-password", "nobody@x.example",
                                 "--password", "another-long-pw"])

    assert result.exit_code == 1
    assert "email: no account for 'nobody@x.example'" in result.output


def test_production_cookies_are_host_only_secure_httponly_and_lax(tmp_path):
    app = create_app(ProductionConfig, SECRET_KEY=secrets.token_hex(32),
                     SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'prod.sqlite'}",
                     RATELIMIT_ENABLED=False)
    with app.app_context():
        _db.create_all()
        services.create_user("orga@cluster.example", "correct-horse")
        _db.session.commit()
    client = app.test_client()
    page = client.get("/auth/login", base_url="https://cluster.example").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)

    response = client.post("/auth/login", base_url="https://cluster.example",
                           headers={"Referer": "https://cluster.example/auth/login"}, data={
        "csrf_token": csrf, "email": "orga@cluster.example", "password": "correct-horse",
        "remember": "y"})

    assert response.status_code == 302
    cookies = {header.split("=", 1)[0]: header
               for header in response.headers.getlist("Set-Cookie")}
    assert set(cookies) == {"__Host-session", "__Host-remember_token"}
    for header in cookies.values():
        assert "; Secure" in header and "; HttpOnly" in header
        assert "; Path=/" in header and "SameSite=Lax" in header
        assert "Domain=" not in header


def test_logout_clears_the_browsers_copies_and_login_starts_a_fresh_session(app, account):
    client = app.test_client()
    with client.session_transaction() as planted:
        planted["lang"] = "nl"
        planted["planted"] = "by someone else"
    _login(client)
    with client.session_transaction() as fresh:
        assert "planted" not in fresh
        assert fresh["lang"] == "nl"

    response = client.post("/auth/logout")

    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'


def test_the_remember_me_cookie_alone_still_brings_the_account_onto_public_pages(app, account):
    # Pages skip loading an account when a request carries neither a session nor a
    # remember-me cookie; with the cookie alone, the account must still be found.
    with app.app_context():
        services.get_user_by_email("orga@cluster.example").language = "nl"
        _db.session.commit()
    browser = app.test_client()
    _login(browser, remember=True)
    returning = app.test_client()
    returning.set_cookie("remember_token", browser.get_cookie("remember_token").value)

    page = returning.get("/events/", headers={"Accept-Language": "fr"})
    first_visit = app.test_client().get("/events/", headers={"Accept-Language": "fr"})

    assert page.headers["Cache-Control"] == "no-store"  # someone's own view of the site
    assert '<html lang="nl">' in page.text
    assert "no-store" not in first_visit.headers.get("Cache-Control", "")
    assert '<html lang="fr">' in first_visit.text


def test_nobody_is_logged_in_only_without_a_session_user_and_a_remember_me_cookie(app):
    from flask import session

    from app.visitor import nobody_logged_in

    with app.test_request_context("/events/"):
        assert nobody_logged_in()
    with app.test_request_context("/events/", headers={"Cookie": "remember_token=x"}):
        assert not nobody_logged_in()
    with app.test_request_context("/events/"):
        session["_user_id"] = "1:1"
        assert not nobody_logged_in()
