"""Structured logs: a small JSON formatter and one log line per web request.

With ``LOG_FORMAT=json`` (the production default) every log record becomes one JSON object
on its own line; the fields given in ``extra=`` (ids, counts, timings) become keys. Records
carry ids only, never addresses or typed text. Each request gets an id (kept from a valid
incoming ``X-Request-ID``, else a new one), returned in the ``X-Request-ID`` header and
written on the request's log line.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, g, request

REQUEST_LOGGER = "app.requests"
REQUEST_ID_HEADER = "X-Request-ID"
#: An incoming id is kept only when it looks like one (a proxy's), never arbitrary text.
_VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
#: Attributes every LogRecord has; anything else came from ``extra=``.
_RECORD_FIELDS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message", "asctime", "taskName"}

log = logging.getLogger(REQUEST_LOGGER)


class JsonFormatter(logging.Formatter):
    """Format a record as one JSON object: time, level, logger, message and the extras."""

    def format(self, record: logging.LogRecord) -> str:
        """Return the record as a single line of JSON."""
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _RECORD_FIELDS and not key.startswith("_"):
                entry[key] = value
        request_id = getattr(g, "request_id", None) if g else None
        if request_id and "request_id" not in entry:
            entry["request_id"] = request_id
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def configure_logging(app: Flask) -> None:
    """Send every log record to stderr as JSON lines when LOG_FORMAT is "json"."""
    if app.config.get("LOG_FORMAT", "text") != "json":
        return
    root = logging.getLogger()
    if any(isinstance(h.formatter, JsonFormatter) for h in root.handlers):
        return  # a second app in the same process (tests, the CLI) keeps the one handler
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    # One format for every logger that propagates to the root (the app's, SQLAlchemy's...).
    for other in list(root.handlers):
        root.removeHandler(other)
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    app.logger.handlers.clear()  # Flask's default handler would print the same line twice


def init_app(app: Flask) -> None:
    """Give each request an id and write one log line when it ends."""
    configure_logging(app)

    @app.before_request
    def start_request_log():
        """Note the start time and the request id."""
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = incoming if _VALID_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def write_request_log(response):
        """Return the request id in a header and log the request in one line."""
        request_id = g.get("request_id") or uuid.uuid4().hex
        response.headers[REQUEST_ID_HEADER] = request_id
        started = g.get("request_started")
        duration = round((time.perf_counter() - started) * 1000, 1) if started else None
        # The rule ("/manage/<token>"), never the path: paths hold personal tokens.
        route = request.url_rule.rule if request.url_rule is not None else None
        # The account only if this request already loaded it (no extra query for files).
        user = g.get("_login_user")
        user_id = getattr(user, "id", None) if user is not None and user.is_authenticated else None
        log.info("%s %s %s", request.method, route or "-", response.status_code, extra={
            "event": "request", "request_id": request_id, "method": request.method,
            "route": route, "endpoint": request.endpoint, "status": response.status_code,
            "duration_ms": duration, "user_id": user_id,
        })
        return response
