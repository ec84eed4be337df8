"""Rate limits count per real client behind trusted proxies, shared by every worker."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from app import create_app
from app.events.models import Registration
from app.extensions import db as _db
from app.extensions import limiter
from config import ConfigError, ProductionConfig, TestingConfig
from tests.external import redis_url, require_service
from tests.factories import make_event

REPO = Path(__file__).resolve().parent.parent
EN = {"Accept-Language": "en"}
PROXY = "127.0.0.1"  # the reverse proxy on the same machine, as in the README


def _limited_app(database: Path, **overrides):
    """An app whose registrations allow two posts a minute per client, like one web worker.

    Every app of a test shares one database: TEST_DATABASE_URL, else the SQLite file given.
    """
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{database}"
    # A moving window: with the default fixed one, a minute boundary between two posts of a
    # test reset the count (a 302 where a 429 was due, seen once in CI on PostgreSQL).
    settings = dict(SQLALCHEMY_DATABASE_URI=url, RATELIMIT_ENABLED=True,
                    RATELIMIT_STRATEGY="moving-window",
                    REGISTRATION_RATE_LIMIT="2 per minute", MAIL_FOLDER=str(database.parent))
    settings.update(overrides)
    return create_app(TestingConfig, **settings)


@pytest.fixture
def event_id(tmp_path):
    """A published event in the SQLite file every app of the test shares."""
    app = _limited_app(tmp_path / "shared.sqlite")
    with app.app_context():
        if _db.engine.dialect.name == "postgresql":
            with _db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        _db.create_all()
        event = make_event()
        _db.session.commit()
        yield event.id
        _db.session.remove()
        _db.engine.dispose()


def _register(app, event_id: int, address: str, forwarded_for: str | None = None, **values):
    headers = dict(EN)
    if forwarded_for:
        headers["X-Forwarded-For"] = forwarded_for
    data = {"first_name": "Marie", "last_name": "Dubois", "organisation": "Independent",
            "language": "en", "consent": "y", "email": f"{secrets.token_hex(4)}@example.org"}
    data.update(values)
    return app.test_client().post(f"/events/{event_id}", headers=headers, data=data,
                                  environ_base={"REMOTE_ADDR": address})


def test_one_trusted_proxy_gives_each_forwarded_client_its_own_limit(tmp_path, event_id):
    app = _limited_app(tmp_path / "shared.sqlite", TRUSTED_PROXIES="1")
    limiter.reset()

    first = [_register(app, event_id, PROXY, "203.0.113.1").status_code for _ in range(3)]
    second = _register(app, event_id, PROXY, "203.0.113.2").status_code

    assert first == [302, 302, 429]
    assert second == 302


def test_without_trusted_proxies_a_forged_forwarded_for_stays_limited(tmp_path, event_id):
    app = _limited_app(tmp_path / "shared.sqlite")  # TRUSTED_PROXIES defaults to 0
    limiter.reset()

    codes = [_register(app, event_id, "198.51.100.7", f"203.0.113.{n}").status_code
             for n in range(3)]

    assert codes == [302, 302, 429]


def test_redis_storage_shares_limits_between_workers(tmp_path, event_id):
    url = redis_url()
    require_service(url is not None, "no Redis answers (set TEST_REDIS_URL)")
    client = f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.{secrets.randbelow(250)}"

    worker_one = _limited_app(tmp_path / "shared.sqlite", RATELIMIT_STORAGE_URI=url)
    used = [_register(worker_one, event_id, client).status_code for _ in range(2)]
    # A second worker process builds its own application (and storage client).
    worker_two = _limited_app(tmp_path / "shared.sqlite", RATELIMIT_STORAGE_URI=url)
    refused = _register(worker_two, event_id, client)

    assert used == [302, 302]
    assert refused.status_code == 429


def test_unreachable_redis_falls_back_to_per_worker_limits_not_500(tmp_path, event_id):
    app = _limited_app(tmp_path / "shared.sqlite", RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0")

    codes = [_register(app, event_id, "192.0.2.80").status_code for _ in range(3)]

    assert codes == [302, 302, 429]


def test_a_new_app_counts_in_its_own_storage_after_an_earlier_one_found_redis_dead(
        tmp_path, event_id):
    # Flask-Limiter keeps "storage dead" on the process-wide limiter: the next app counted in
    # the old fallback, then switched to its own storage when a periodic check passed, so a
    # limit due on the third post was missed (seen in CI).
    dead = _limited_app(tmp_path / "shared.sqlite", RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0")
    assert [_register(dead, event_id, "192.0.2.81").status_code for _ in range(2)] == [302, 302]

    app = _limited_app(tmp_path / "shared.sqlite")
    limiter.reset()

    codes = [_register(app, event_id, "192.0.2.81").status_code for _ in range(3)]

    assert codes == [302, 302, 429]
    assert limiter.limiter is not None and not limiter._storage_dead


def test_memory_storage_counts_each_worker_apart(tmp_path, event_id):
    # Why production refuses memory:// with several workers: a new worker starts from zero.
    worker_one = _limited_app(tmp_path / "shared.sqlite", RATELIMIT_STORAGE_URI="memory://")
    used = [_register(worker_one, event_id, "10.0.0.9").status_code for _ in range(2)]
    worker_two = _limited_app(tmp_path / "shared.sqlite", RATELIMIT_STORAGE_URI="memory://")

    assert used == [302, 302]
    assert _register(worker_two, event_id, "10.0.0.9").status_code == 302


def test_rate_limited_registration_keeps_the_typed_form(tmp_path, event_id):
    app = _limited_app(tmp_path / "shared.sqlite")
    limiter.reset()
    for _ in range(2):
        _register(app, event_id, "192.0.2.44")

    response = _register(app, event_id, "192.0.2.44", first_name="Zoë", last_name="Van Damme",
                         email="zoe@example.org", organisation="Atelier Zoë")
    page = response.get_data(as_text=True)

    assert response.status_code == 429
    assert 'data-reason="rate_limited"' in page
    assert "Too many registrations from your connection in a short time" in page
    assert 'value="Zoë"' in page and 'value="Van Damme"' in page
    assert 'value="zoe@example.org"' in page and 'value="Atelier Zoë"' in page
    assert 'data-testid="registration-form"' in page
    with app.app_context():
        assert _db.session.scalar(select(func.count(Registration.id))) == 2


def test_rate_limited_registration_message_is_translated(tmp_path, event_id):
    app = _limited_app(tmp_path / "shared.sqlite")
    limiter.reset()
    for _ in range(2):
        _register(app, event_id, "192.0.2.45")

    page = app.test_client().post(
        f"/events/{event_id}", headers={"Accept-Language": "fr"},
        data={"first_name": "Zoë", "email": "zoe@example.org"},
        environ_base={"REMOTE_ADDR": "192.0.2.45"}).get_data(as_text=True)

    assert "Trop d’inscriptions depuis votre connexion" in page
    assert 'value="Zoë"' in page


@pytest.mark.parametrize("overrides", [
    {},  # nobody said how many workers run
    {"WEB_WORKERS": "3"},
    {"WEB_WORKERS": "3", "RATELIMIT_STORAGE_URI": "memory://"},
])
def test_production_refuses_per_process_limits_for_several_workers(overrides):
    with pytest.raises(ConfigError) as error:
        create_app(ProductionConfig, SECRET_KEY=secrets.token_hex(32),
                   SQLALCHEMY_DATABASE_URI="sqlite://", **overrides)

    assert str(error.value).startswith("RATELIMIT_STORAGE_URI=memory:// with ")
    assert "WEB_WORKERS=1" in str(error.value)


@pytest.mark.parametrize("overrides", [
    {"WEB_WORKERS": "1"},
    {"WEB_WORKERS": "4", "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0"},
])
def test_production_starts_with_one_worker_or_shared_storage(overrides):
    app = create_app(ProductionConfig, SECRET_KEY=secrets.token_hex(32),
                     SQLALCHEMY_DATABASE_URI="sqlite://", **overrides)

    assert app.config["SESSION_COOKIE_SECURE"] is True


@pytest.mark.parametrize(("name", "value"), [("WEB_WORKERS", "two"), ("TRUSTED_PROXIES", "-1")])
def test_counts_must_be_whole_numbers(name, value):
    with pytest.raises(ConfigError, match=f"{name} must be a whole number"):
        create_app(ProductionConfig, SECRET_KEY=secrets.token_hex(32),
                   SQLALCHEMY_DATABASE_URI="sqlite://", **{"WEB_WORKERS": "1", name: value})


def _gunicorn(tmp_path, *args: str, **env_values: str) -> subprocess.CompletedProcess:
    """Start gunicorn from the repository as an operator would (its gunicorn.conf.py applies)."""
    own = ("CLUSTERMEET_ENV", "SECRET_KEY", "DATABASE_URL", "WEB_WORKERS", "WEB_CONCURRENCY",
           "RATELIMIT_STORAGE_URI", "TRUSTED_PROXIES")
    env = {name: value for name, value in os.environ.items() if name not in own}
    env.update(CLUSTERMEET_ENV="production", SECRET_KEY=secrets.token_hex(32),
               DATABASE_URL=f"sqlite:///{tmp_path / 'cm.sqlite'}", **env_values)
    return subprocess.run([sys.executable, "-m", "gunicorn", "--bind", "127.0.0.1:0", *args,
                           "wsgi:app"], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=60)


@pytest.mark.parametrize(("args", "env"), [
    (("--workers", "2"), {}),
    (("--workers", "3"), {"WEB_WORKERS": "1"}),  # the declaration does not match the start
    ((), {"WEB_CONCURRENCY": "2"}),
])
def test_gunicorn_refuses_several_workers_with_memory_storage(tmp_path, args, env):
    result = _gunicorn(tmp_path, *args, **env)

    assert result.returncode == 1
    assert "clustermeet: refusing to start: RATELIMIT_STORAGE_URI=memory:// with" in result.stderr
    assert "Traceback" not in result.stderr
    assert "Booting worker" not in result.stderr


def test_page_views_are_never_counted_and_posts_still_are(tmp_path, event_id):
    app = _limited_app(tmp_path / "shared.sqlite")
    limiter.reset()
    visitor = app.test_client()

    views = [visitor.get(page, environ_base={"REMOTE_ADDR": "203.0.113.7"}).status_code
             for page in (f"/events/{event_id}", "/events/") * 5]
    posts = [_register(app, event_id, "203.0.113.7").status_code for _ in range(3)]

    assert views == [200] * 10
    assert posts == [302, 302, 429]
