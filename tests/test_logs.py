"""Structured logs (LOG_FORMAT=json): one JSON line per request with its id, and per mail batch;
ids only, never what was typed."""

import io
import json
import logging

import pytest

from app import create_app
from app.extensions import db as _db
from app.logs import JsonFormatter
from app.mail.delivery import deliver_due
from config import ProductionConfig, TestingConfig
from tests.factories import queue_plain


class Output:
    """What the JSON handler wrote, read line by line."""

    def __init__(self):
        self.stream = io.StringIO()

    def lines(self) -> list[dict]:
        """Return the lines written since the last call, each parsed as JSON."""
        text = self.stream.getvalue()
        self.stream.seek(0)
        self.stream.truncate()
        return [json.loads(line) for line in text.splitlines() if line.strip()]


@pytest.fixture
def output():
    return Output()


@pytest.fixture
def json_app(tmp_path, output):
    """An app logging JSON to stderr, read through ``output``; the root logger is restored."""
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    for handler in saved[0]:
        root.removeHandler(handler)
    app = create_app(TestingConfig, LOG_FORMAT="json", MAIL_FOLDER=str(tmp_path),
                     SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/db.sqlite")
    [handler] = root.handlers
    assert isinstance(handler.formatter, JsonFormatter)
    handler.setStream(output.stream)  # the stream was stderr
    with app.app_context():
        _db.create_all()
    output.lines()
    yield app
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in saved[0]:
        root.addHandler(handler)
    root.setLevel(saved[1])


def test_request_logs_one_json_line_with_its_id_and_not_the_typed_email(json_app, output):
    client = json_app.test_client()

    response = client.post("/auth/login", data={"email": "typed.secret@example.org",
                                                "password": "wrong-password-1"})

    lines = output.lines()
    requests = [line for line in lines if line.get("event") == "request"]
    assert len(requests) == 1
    [line] = requests
    assert line["request_id"] == response.headers["X-Request-ID"]
    assert len(line["request_id"]) == 32
    assert (line["method"], line["route"], line["endpoint"], line["status"]) == (
        "POST", "/auth/login", "auth.login", response.status_code)
    assert isinstance(line["duration_ms"], float) and line["user_id"] is None
    assert "typed.secret" not in json.dumps(lines)


def test_request_keeps_a_proxy_request_id_and_replaces_a_bad_one(json_app, output):
    client = json_app.test_client()

    kept = client.get("/", headers={"X-Request-ID": "proxy-abc-12345678"})
    replaced = client.get("/", headers={"X-Request-ID": "<script>alert(1)</script>"})

    assert kept.headers["X-Request-ID"] == "proxy-abc-12345678"
    assert replaced.headers["X-Request-ID"] != "<script>alert(1)</script>"
    ids = [line["request_id"] for line in output.lines() if line.get("event") == "request"]
    assert ids == ["proxy-abc-12345678", replaced.headers["X-Request-ID"]]


@pytest.mark.parametrize("refusal", ["csrf", "rate limit"])
def test_a_request_refused_before_its_view_keeps_its_id_and_duration(tmp_path, output,
                                                                     json_app, refusal):
    # The CSRF check refuses in its own before-request hook, the rate limit in the view's
    # wrapper (routes have their limits, the app none of its own).
    settings = ({"WTF_CSRF_ENABLED": True} if refusal == "csrf" else
                {"RATELIMIT_ENABLED": True, "LOGIN_LIMIT_PER_ADDRESS": "1 per minute"})
    app = create_app(TestingConfig, LOG_FORMAT="json", MAIL_FOLDER=str(tmp_path),
                     SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/db.sqlite", **settings)
    client = app.test_client()
    form = {"email": "ana@example.org", "password": "wrong-password-1"}
    if refusal == "rate limit":
        client.post("/auth/login", data=form)
    output.lines()

    response = client.post("/auth/login", data=form,
                           headers={"X-Request-ID": "proxy-refused-1234"})

    assert response.status_code == (400 if refusal == "csrf" else 429)
    [line] = [line for line in output.lines() if line.get("event") == "request"]
    assert line["request_id"] == response.headers["X-Request-ID"] == "proxy-refused-1234"
    assert line["status"] == response.status_code
    assert isinstance(line["duration_ms"], float)


def test_route_is_the_rule_not_the_path_with_its_token(json_app, output):
    json_app.test_client().get("/events/manage/secret-token-value")

    lines = output.lines()
    assert "secret-token-value" not in json.dumps(lines)


def test_worker_mail_batch_logs_one_json_line_with_counts(json_app, output):
    with json_app.app_context():
        queue_plain("ana@example.org")
        _db.session.commit()
    output.lines()

    deliver_due(json_app)

    batches = [line for line in output.lines() if line.get("event") == "mail.batch"]
    assert [(b["sent"], b["failed"], b["due"]) for b in batches] == [(1, 0, 1)]
    assert "ana@example.org" not in json.dumps(batches)


def test_json_is_the_production_default_and_formatter_keeps_extras():
    record = logging.LogRecord("app.x", logging.INFO, __file__, 1, "done %s", (3,), None)
    record.job_id = 3

    line = json.loads(JsonFormatter().format(record))

    assert ProductionConfig.LOG_FORMAT == "json" and TestingConfig.LOG_FORMAT == "text"
    assert (line["message"], line["job_id"], line["level"]) == ("done 3", 3, "INFO")

