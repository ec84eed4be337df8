"""Login: equal time for known and unknown addresses, limits per account and per address."""

import statistics
import time

import pytest

from app import create_app
from app.auth import services
from app.extensions import db as _db
from app.extensions import limiter
from config import TestingConfig
from tests.conftest import _database_url, _reset_postgres

PASSWORD = "correct-horse"


def _make_account(app, email="orga@cluster.example"):
    with app.app_context():
        services.create_user(email, PASSWORD)
        _db.session.commit()


def _post_login(client, email, password, address="10.0.0.1"):
    return client.post("/auth/login", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def _median_seconds(action, samples=5) -> float:
    times = []
    for _ in range(samples):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def test_unknown_address_takes_as_long_as_a_known_one(app):
    _make_account(app)
    client = app.test_client()
    _post_login(client, "warm@up.example", "x" * 10)  # first requests load templates

    known = _median_seconds(lambda: _post_login(client, "orga@cluster.example", "wrong-guess"))
    unknown = _median_seconds(lambda: _post_login(client, "nobody@cluster.example",
                                                  "wrong-guess"))

    # Before: 8 ms against 110 ms. A password hash for both now; a wide margin against noise.
    assert unknown / known > 0.5, (unknown, known)


def test_inactive_account_costs_a_hash_and_is_refused(app):
    _make_account(app)
    with app.app_context():
        user = services.get_user_by_email("orga@cluster.example")
        services.set_active(user, False)
        _db.session.commit()
        assert services.authenticate("orga@cluster.example", PASSWORD) is None


@pytest.fixture
def limited_app(tmp_path):
    """The app with the login limits on: 3 refusals per account, 5 per address a minute."""
    url = _database_url(tmp_path)
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=url,
                     MAIL_FOLDER=str(tmp_path / "mail"), RATELIMIT_ENABLED=True,
                     RATELIMIT_STORAGE_URI="memory://",
                     LOGIN_LIMIT_PER_ACCOUNT="3 per minute",
                     LOGIN_LIMIT_PER_ADDRESS="5 per minute")
    if url.startswith("postgresql"):
        _reset_postgres(app)
    with app.app_context():
        _db.create_all()
        limiter.reset()
    yield app
    with app.app_context():
        limiter.reset()
        _db.session.remove()
        _db.engine.dispose()


def test_login_limit_per_account_keeps_the_typed_address(limited_app):
    _make_account(limited_app, "victim@cluster.example")
    _make_account(limited_app, "other@cluster.example")
    client = limited_app.test_client()
    for n in range(3):
        _post_login(client, "victim@cluster.example", f"guess-number-{n}", f"10.0.0.{n}")

    # Even the right password, from yet another address, waits for the minute to pass.
    refused = _post_login(client, "Victim@Cluster.example", PASSWORD, "10.0.1.1")

    assert refused.status_code == 429
    assert 'value="Victim@Cluster.example"' in refused.text
    assert PASSWORD not in refused.text
    assert "Too many attempts in a short time" in refused.text
    # Another account is not locked by the attack on this one.
    assert _post_login(client, "other@cluster.example", PASSWORD, "10.0.0.1").status_code == 302


def test_login_limit_per_address_spares_other_addresses(limited_app):
    _make_account(limited_app)
    client = limited_app.test_client()
    for n in range(5):
        assert _post_login(client, f"guess{n}@cluster.example", "wrong-guess",
                           "192.0.2.7").status_code == 200

    assert _post_login(client, "orga@cluster.example", PASSWORD, "192.0.2.7").status_code == 429
    assert _post_login(client, "orga@cluster.example", PASSWORD, "192.0.2.8").status_code == 302


def test_successful_logins_do_not_count(limited_app):
    _make_account(limited_app)
    for _ in range(6):
        client = limited_app.test_client()
        assert _post_login(client, "orga@cluster.example", PASSWORD).status_code == 302


def test_limited_login_answers_in_french(limited_app):
    _make_account(limited_app)
    client = limited_app.test_client()
    for _ in range(3):
        _post_login(client, "orga@cluster.example", "wrong-guess")
    response = client.post("/auth/login", data={"email": "orga@cluster.example",
                                                "password": "x"},
                           headers={"Accept-Language": "fr"})
    assert response.status_code == 429
    assert "Trop de tentatives" in response.text
