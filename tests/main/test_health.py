"""/healthz: public, JSON, 200 when everything runs, 503 with the failing check otherwise."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app import create_app
from app.db import utc_now
from app.extensions import db as _db
from app.extensions import limiter
from app.jobs.beats import REMINDERS, record_beat
from app.jobs.models import ProcessBeat
from app.jobs.worker import run_once
from app.mail import deferred
from app.mail.models import DeferredMail
from app.web import PUBLIC_ENDPOINTS
from config import TestingConfig
from tests.factories import queue_plain


def _beats(app, *, reminders: bool = True) -> None:
    run_once(app)  # the worker's loop records its beat
    if reminders:
        with app.app_context():
            record_beat(REMINDERS)
            _db.session.commit()


def test_healthz_is_public_and_200_when_worker_and_reminders_run(app, client):
    _beats(app)

    response = client.get("/healthz")

    assert "health.healthz" in PUBLIC_ENDPOINTS
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == {"ok": True}
    assert body["checks"]["worker"]["ok"] is True
    assert 0 <= body["checks"]["worker"]["last_beat_seconds"] < 60
    assert body["checks"]["outbox"] == {"ok": True, "waiting": 0, "failed": 0,
                                        "oldest_waiting_seconds": None, "to_build": 0,
                                        "oldest_to_build_seconds": None}
    assert body["checks"]["reminders"]["ok"] is True


def test_healthz_503_without_a_worker_and_shows_backlog_without_personal_data(app, client):
    with app.app_context():
        old = queue_plain("ana.peeters@example.org", subject="Registration of Ana")
        old.created_at = utc_now() - timedelta(hours=1)
        _db.session.commit()

    response = client.get("/healthz")

    body = response.get_json()
    assert response.status_code == 503 and body["status"] == "fail"
    assert body["checks"]["worker"] == {"ok": False, "last_beat_seconds": None}
    assert body["checks"]["reminders"] == {"ok": False, "last_run_seconds": None}
    outbox = body["checks"]["outbox"]
    assert (outbox["ok"], outbox["waiting"]) == (False, 1)
    assert 3500 < outbox["oldest_waiting_seconds"] < 3700
    assert "ana" not in response.text.lower() and "@" not in response.text


def test_healthz_503_when_the_worker_beat_is_old(app, client):
    _beats(app)
    with app.app_context():
        record_beat(next(iter(_worker_names(app))), now=utc_now() - timedelta(minutes=10))
        _db.session.commit()

    body = client.get("/healthz").get_json()

    assert body["checks"]["worker"]["ok"] is False
    assert body["checks"]["worker"]["last_beat_seconds"] >= 599


def _worker_names(app):
    with app.app_context():
        return list(_db.session.scalars(
            select(ProcessBeat.name).where(ProcessBeat.name.startswith("worker:"))))


def test_healthz_503_with_reason_when_the_database_is_unreachable(tmp_path):
    app = create_app(TestingConfig, MAIL_FOLDER=str(tmp_path),
                     SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/missing/dir/db.sqlite")

    response = app.test_client().get("/healthz")

    assert response.status_code == 503
    assert response.get_json()["checks"] == {"database": {"ok": False}}


@pytest.fixture
def default_limit():
    """Every route limited to 2 requests a minute (Flask-Limiter keeps defaults: reset)."""
    yield "2 per minute"
    limiter.limit_manager.set_default_limits([])


def test_healthz_is_not_rate_limited(tmp_path, default_limit):
    app = create_app(TestingConfig, MAIL_FOLDER=str(tmp_path), RATELIMIT_ENABLED=True,
                     RATELIMIT_DEFAULT=default_limit,
                     SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/db.sqlite")
    with app.app_context():
        _db.create_all()
    client = app.test_client()

    statuses = {client.get("/healthz").status_code for _ in range(5)}
    home = [client.get("/").status_code for _ in range(3)]

    assert 429 not in statuses
    assert home[-1] == 429  # the limit is really on


def test_healthz_503_when_a_decided_mail_keeps_failing_to_be_built(app, client, monkeypatch):
    # A confirmation decided with its seat is stored to be built after the commit; if its
    # builder fails, the row stays, and no outbox message says that a mail is stuck.
    def broken(**payload):
        raise RuntimeError("template error")

    monkeypatch.setitem(deferred.RENDERERS, "tests.broken", broken)
    _beats(app)
    with app.app_context():
        deferred.defer_mail("tests.broken", kind="registration.confirmed", reference="r:1")
        _db.session.commit()
        _db.session.execute(update(DeferredMail).values(
            created_at=utc_now() - timedelta(hours=2)))
        _db.session.commit()
        assert deferred.render_deferred() == 0  # the builder raises: the row stays

    response = client.get("/healthz")

    outbox = response.get_json()["checks"]["outbox"]
    assert response.status_code == 503
    assert (outbox["ok"], outbox["waiting"], outbox["to_build"]) == (False, 0, 1)
    assert 7100 < outbox["oldest_to_build_seconds"] < 7300
