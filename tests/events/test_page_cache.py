"""Public event pages kept for anonymous visitors: fresh after any change, personal values apart."""

import re
import time

import pytest
from sqlalchemy import text

from app import create_app
from app.auth.services import create_user
from app.extensions import db
from config import TestingConfig
from tests.external import postgres_url, redis_url, require_service
from tests.factories import make_event

EN = {"Accept-Language": "en"}


def _app(url: str, **overrides):
    return create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=url, EVENTS_PAGE_CACHE_SECONDS=60,
                      **overrides)


@pytest.fixture
def database(tmp_path):
    """The emptied PostgreSQL test database (when given), else a SQLite file, with one public
    event of three places; returns (url, event id)."""
    url = postgres_url() or f"sqlite:///{tmp_path / 'cache.sqlite'}"
    app = _app(url, MAIL_FOLDER=str(tmp_path))
    with app.app_context():
        if url.startswith("postgresql"):
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        db.create_all()
        event_id = make_event(capacity=3, confirm_by_link=False).id
        db.session.commit()
        db.engine.dispose()
    return url, event_id


def _register(client, event_id: int, email: str, **extra):
    return client.post(f"/events/{event_id}", headers=EN, data={
        "first_name": "Marie", "last_name": "Dubois", "email": email, "language": "en",
        "consent": "y", **extra})


def _places(client, path: str) -> str:
    page = client.get(path, headers=EN).get_data(as_text=True)
    if path != "/events/":  # the event page says the number alone
        return re.search(r'data-testid="places-left">(\d+)<', page).group(1) + " places left"
    return re.search(r"(\d+ places? left|Full: waiting list)", page).group(1)


def test_a_registration_shows_at_once_on_the_kept_pages(database, tmp_path):
    url, event_id = database
    app = _app(url, MAIL_FOLDER=str(tmp_path))
    visitor = app.test_client()
    assert _places(visitor, "/events/") == "3 places left"
    assert _places(visitor, f"/events/{event_id}") == "3 places left"
    assert _register(app.test_client(), event_id, "marie@example.org").status_code == 302
    assert _places(visitor, "/events/") == "2 places left"
    assert _places(visitor, f"/events/{event_id}") == "2 places left"


def test_a_registration_that_takes_no_place_keeps_the_pages(database, tmp_path):
    """Past the last place, a registration joins the waiting list: the places left do not
    change, so the kept pages stay (a rush past the last place re-renders nothing)."""
    url, event_id = database
    app = _app(url, MAIL_FOLDER=str(tmp_path))
    cache = app.extensions["events_page_cache"]
    visitor = app.test_client()
    for n in range(3):
        before = cache.local_version
        assert _register(app.test_client(), event_id, f"p{n}@example.org").status_code == 302
        assert cache.local_version > before  # a place was taken: a new version
    assert "None: you can join the waiting list." in visitor.get(
        f"/events/{event_id}", headers=EN).get_data(as_text=True)
    assert _places(visitor, "/events/") == "Full: waiting list"
    kept = cache.local_version
    assert _register(app.test_client(), event_id, "late@example.org").status_code == 302
    assert cache.local_version == kept
    assert _places(visitor, "/events/") == "Full: waiting list"
    # A cancellation frees a place: that shows at once again.
    with app.app_context():
        from app.events import services
        from app.events.models import Registration
        first = db.session.scalars(db.select(Registration).order_by(Registration.id)).first()
        services.cancel_registration(first)
        db.session.commit()
    assert cache.local_version > kept
    assert _places(visitor, "/events/") == "Full: waiting list"  # the late one was promoted


@pytest.mark.parametrize(("version_seconds", "right_after"), [
    (30, "3 places left"),  # the first worker trusts the version it read for a while
    (0, "2 places left"),  # it reads the version on every view: the change shows at once
])
def test_a_change_made_by_another_worker_shows_through_redis(database, tmp_path,
                                                             version_seconds, right_after):
    url, event_id = database
    shared = redis_url()
    require_service(shared is not None, "no Redis (set TEST_REDIS_URL)")
    first, second = (_app(url, MAIL_FOLDER=str(tmp_path), REDIS_URL=shared,
                          EVENTS_PAGE_VERSION_SECONDS=version_seconds) for _ in range(2))
    visitor = first.test_client()
    assert _places(visitor, "/events/") == "3 places left"
    assert _register(second.test_client(), event_id, "marie@example.org").status_code == 302

    assert _places(visitor, "/events/") == right_after
    # The trusted time over (expired here rather than waited for: a slow machine must not
    # see it end before the check above), the first worker reads the version again.
    cache = first.extensions["events_page_cache"]
    cache.shared = (time.monotonic() - 1, cache.shared[1])
    assert _places(visitor, "/events/") == "2 places left"


def test_a_statement_run_through_the_session_counts_as_a_change(database, tmp_path):
    """An UPDATE written as SQL skips the flush; it still starts a new version."""
    url, event_id = database
    first = _app(url, MAIL_FOLDER=str(tmp_path))
    visitor = first.test_client()
    assert _places(visitor, "/events/") == "3 places left"
    with first.app_context():
        db.session.execute(text("UPDATE events SET capacity = 5"))
        db.session.commit()
    assert _places(visitor, "/events/") == "5 places left"


def test_each_visitor_gets_its_own_csrf_token_and_form_stamp(database, tmp_path):
    url, event_id = database
    app = _app(url, MAIL_FOLDER=str(tmp_path), WTF_CSRF_ENABLED=True)
    tokens = []
    for number in range(3):
        visitor = app.test_client()
        page = visitor.get(f"/events/{event_id}", headers=EN).get_data(as_text=True)
        fields = dict(re.findall(r'name="(csrf_token|shown_at)" type="hidden" value="([^"]+)"',
                                 page))
        assert set(fields) == {"csrf_token", "shown_at"}
        assert "\x00" not in page
        tokens.append(fields["csrf_token"])
        response = _register(visitor, event_id, f"p{number}@example.org", **fields)
        assert response.status_code == 302, "the visitor's own token is accepted"
    assert len(set(tokens)) == 3


def test_an_organiser_never_gets_the_page_kept_for_anonymous_visitors(database, tmp_path):
    url, event_id = database
    app = _app(url, MAIL_FOLDER=str(tmp_path))
    assert "Log out" not in app.test_client().get("/events/", headers=EN).get_data(as_text=True)
    with app.app_context():
        create_user("orga@cluster.example", "correct-horse", name="Orga", is_admin=True)
        db.session.commit()
    organiser = app.test_client()
    assert organiser.post("/auth/login", data={
        "email": "orga@cluster.example", "password": "correct-horse"}).status_code == 302
    page = organiser.get("/events/", headers=EN).get_data(as_text=True)
    assert "Log out" in page


def test_a_kept_page_is_not_used_when_the_version_cannot_be_read(database, tmp_path):
    """Redis down: the page is rendered each time (fresh), never an error."""
    url, event_id = database
    app = _app(url, MAIL_FOLDER=str(tmp_path), REDIS_URL="redis://127.0.0.1:1/0")
    visitor = app.test_client()
    assert _places(visitor, "/events/") == "3 places left"
    assert _register(app.test_client(), event_id, "marie@example.org").status_code == 302
    assert _places(visitor, "/events/") == "2 places left"


def test_a_page_kept_for_one_address_is_not_shown_for_another(database, tmp_path):
    """The language links carry the page's own address back (a query string stays its own)."""
    url, event_id = database
    app = _app(url, MAIL_FOLDER=str(tmp_path))
    visitor = app.test_client()
    assert "planted" in visitor.get("/events/?kind=planted", headers=EN).get_data(as_text=True)
    assert "planted" not in visitor.get("/events/", headers=EN).get_data(as_text=True)
    assert "planted" in visitor.get(f"/events/{event_id}?x=planted",
                                    headers=EN).get_data(as_text=True)
    assert "planted" not in visitor.get(f"/events/{event_id}", headers=EN).get_data(as_text=True)
