"""Password rules (ASVS 6.2) and the password change page."""

import pytest

from app.auth import services
from app.auth.passwords import common_passwords, password_problem
from app.extensions import db as _db

EMAIL = "orga@cluster.example"
PASSWORD = "correct-horse"


@pytest.mark.parametrize("password", ["password123", "Qwertyuiop", "AZERTY123", "1234567890",
                                      "bruxelles1", "orga@cluster.example"])
def test_common_or_guessable_passwords_are_refused(password):
    assert password_problem(password, email=EMAIL) == (
        "password: this password is too common or too easy to guess")


@pytest.mark.parametrize("password", [
    "correct-horse",
    "a sentence with spaces, 64 characters long........................",
    "pâté-à-l'ardennaise 🍺 ok",
    "x" * 128,
])
def test_long_passphrases_and_any_character_are_accepted(password):
    assert password_problem(password, email=EMAIL) is None


def test_length_limits_name_the_rule():
    assert password_problem("seven77") == "password: at least 8 characters are needed"
    assert password_problem("y" * 129) == "password: at most 128 characters are allowed"


def test_shipped_list_is_ten_thousand_lowercase_entries():
    entries = common_passwords()
    assert len(entries) == 10_000
    assert all(entry == entry.lower() for entry in entries)
    assert {"123456", "password", "azerty", "wachtwoord", "motdepasse"} <= entries


def test_create_user_refuses_a_common_password(db):
    with pytest.raises(services.AccountError, match="too common"):
        services.create_user("x@cluster.example", "Password123")


@pytest.fixture
def account(app):
    with app.app_context():
        services.create_user(EMAIL, PASSWORD)
        _db.session.commit()


def _login(app, password=PASSWORD):
    client = app.test_client()
    response = client.post("/auth/login", data={"email": EMAIL, "password": password})
    assert response.status_code == 302
    return client


def _change(client, current, new, confirm=None):
    return client.post("/auth/account", data={"current": current, "new": new,
                                              "confirm": new if confirm is None else confirm})


def test_password_change_keeps_this_session_and_ends_the_others(app, account):
    here, elsewhere = _login(app), _login(app)

    response = _change(here, PASSWORD, "a brand new passphrase")

    assert response.status_code == 302
    assert "password is changed" in here.get("/auth/account").text
    assert here.get("/admin/").status_code == 200
    assert elsewhere.get("/admin/").status_code == 302
    _login(app, "a brand new passphrase")


@pytest.mark.parametrize(("current", "new", "confirm", "message"), [
    ("wrong-current", "a brand new passphrase", None, "This is not your current password."),
    (PASSWORD, "a brand new passphrase", "another passphrase", "The two new passwords differ."),
    (PASSWORD, "short", None, "Field must be between 8 and 128 characters long."),
    (PASSWORD, "password123", None, "This password is too common or too easy to guess."),
])
def test_password_change_refusals_explain_and_change_nothing(app, account, current, new,
                                                             confirm, message):
    client = _login(app)

    response = _change(client, current, new, confirm)

    assert response.status_code == 200
    assert message in response.text
    assert client.get("/admin/").status_code == 200  # the session lives on
    _login(app)  # the old password still works


def test_password_change_page_needs_a_login(client, db):
    response = client.get("/auth/account")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]
