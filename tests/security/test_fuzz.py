"""Fuzz every route, query string, form and upload with hostile values: never a 500.

Targets are found, not listed: the routes come from the app's URL map and the forms from the
pages themselves (every POST form of every page an anonymous visitor or an organiser can
open), so a new page or form is fuzzed without touching this file. Runs on SQLite, and on
PostgreSQL when TEST_DATABASE_URL is set. HYPOTHESIS_PROFILE (dev, ci, thorough) sets how
many submissions each form gets.
"""

import os
import re
import time

import pytest
from hypothesis import HealthCheck, given, settings

from app.extensions import db
from tests.security.forms import parse_forms
from tests.security.hostile import (
    HOSTILE,
    WriteWatch,
    build_site,
    submissions,
    worst_submissions,
)

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "dev")
#: Submissions per form, by hypothesis profile; CI draws the same ones each run.
EXAMPLES = {"dev": 10, "ci": 5, "thorough": 150}[PROFILE]
#: Path parts beyond the database's integers: just past PostgreSQL's INTEGER, and past BIGINT.
HUGE_IDS = (2**31, 10**20)
#: Query-string parameters the pages read, and a few they do not.
QUERY_NAMES = ("sector", "kind", "status", "q", "page", "run", "meeting", "organisation",
               "show", "next", "offer", "need", "language", "search", "id")
PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>")
#: What a page shows when it refuses a submission: a field's error or an error message.
REFUSAL_MARKS = (b"invalid-feedback", b"is-invalid", b"alert-danger")
#: Endpoints whose 503 is their answer, not a failure: /healthz while no worker runs (tests).
STATUS_ENDPOINTS = {"health.healthz"}
#: Requests sent by each test, printed at the end (pytest -s shows them).
SENT: dict[str, int] = {}


def _routes(app):
    """Return the app's rules except static files."""
    return [r for r in app.url_map.iter_rules() if not r.endpoint.endswith("static")]


def _path(rule, tokens: dict[str, str], ints: dict[str, int] | None = None) -> str:
    """Fill a rule: ids 1 (or `ints`), the site's link tokens and participant code."""
    def value(match):
        converter, name = match.groups()
        if converter == "int":
            return str((ints or {}).get(name, 1))
        if name == "manage_token" or (name == "token" and (
                rule.rule.startswith("/events/manage") or "/join/" in rule.rule)):
            return tokens["manage"]
        return {"token": tokens["portal"], "code": tokens["code"], "action": "accept",
                }.get(name, "x")
    return PARAMETER.sub(value, rule.rule)


def _send(client, method: str, url: str, counter: str, **kwargs):
    """Send one request in its own application context, as a server would (own `g`, session)."""
    SENT[counter] = SENT.get(counter, 0) + 1
    with client.application.app_context():
        return client.open(url, method=method, **kwargs)


@pytest.fixture
def site(app, db, vocabulary, organiser):
    """The fuzzed site: one of everything, and an organiser account."""
    return build_site()


@pytest.fixture
def anonymous(app):
    return app.test_client()


def _report(name: str, started: float) -> None:
    print(f"\n{name}: {SENT.get(name, 0)} requests in {time.monotonic() - started:.1f} s")


def test_ids_beyond_the_database_range_are_not_found(app, site, anonymous, logged_in):
    started = time.monotonic()
    for rule in _routes(app):
        method = sorted(rule.methods - {"HEAD", "OPTIONS"})[0]
        for name in (n for c, n in PARAMETER.findall(rule.rule) if c == "int"):
            for huge in HUGE_IDS:
                url = _path(rule, site, {name: huge})
                for client in (anonymous, logged_in):
                    response = _send(client, method, url, "paths")
                    assert response.status_code == 404, (method, url, response.status_code)
    _report("paths", started)


def _pages(app, site, client):
    """Return the site's GET pages this client may open, with their HTML."""
    pages = {}
    for rule in _routes(app):
        if "GET" not in rule.methods or rule.rule.endswith((".ics", ".pdf", ".csv", ".json")):
            continue
        url = _path(rule, site)
        response = _send(client, "GET", url, "pages")
        if response.status_code == 200 and response.mimetype == "text/html":
            pages[url] = response.get_data(as_text=True)
    return pages


#: Query-string values: beyond the integers, negative, a NUL, outside every list of choices.
QUERY_VALUES = ("99999999999999999999", "-2147483649", "\x00", "zzz", "-5")


def test_hostile_query_strings_never_fail(app, site, anonymous, logged_in):
    started = time.monotonic()
    for shift in range(3):  # each parameter meets three of the values
        query = "&".join(f"{name}={QUERY_VALUES[(i + shift) % len(QUERY_VALUES)]}"
                         for i, name in enumerate(QUERY_NAMES))
        for rule in _routes(app):
            if "GET" not in rule.methods:
                continue
            url = f"{_path(rule, site)}?{query}"
            for client in (anonymous, logged_in):
                response = _send(client, "GET", url, "queries")
                if rule.endpoint in STATUS_ENDPOINTS:
                    assert response.status_code in (200, 503) and response.is_json, url
                    continue
                assert response.status_code < 500, (url, response.status_code)
    _report("queries", started)


def _fuzz_forms(app, site, client, counter: str, *, skip_pages=()) -> None:
    seen = set()
    for url, html in _pages(app, site, client).items():
        if url in skip_pages:
            continue
        for form in parse_forms(html, url):
            key = (form.action, tuple(form.names))
            if (key in seen or form.action.endswith("/delete") or form.action == "/auth/logout"
                    or not set(form.names) - {"csrf_token", "submit"}):
                continue
            seen.add(key)
            _fuzz_form(client, form, counter)


def _refused(response) -> bool:
    """Tell whether the app said no: a 4xx, or a page showing an error."""
    return 400 <= response.status_code < 500 or (
        response.status_code == 200 and any(m in response.data for m in REFUSAL_MARKS))


def _fuzz_form(client, form, counter: str) -> None:
    """Post the worst value to each control, then hypothesis' submissions, to one form."""
    for data in worst_submissions(form):
        _post(client, form, data, counter)

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=PROFILE == "ci",
              suppress_health_check=list(HealthCheck))
    @given(data=submissions(form))
    def post(data):
        _post(client, form, data, counter)

    post()


def _post(client, form, data: dict, counter: str) -> None:
    """Post once: never a 500, and no data changed when the app refuses."""
    with WriteWatch(db.engine) as writes:
        response = _send(client, "POST", form.action, counter, data=data,
                         content_type="multipart/form-data" if form.multipart else None)
    assert response.status_code < 500, (form.action, data)
    if _refused(response):
        assert writes.commits == 0, ("refused but changed", form.action, data)


def test_hostile_forms_as_anonymous(app, site, anonymous):
    started = time.monotonic()
    _fuzz_forms(app, site, anonymous, "anonymous forms")
    _report("anonymous forms", started)


def test_hostile_forms_as_organiser(app, site, anonymous, logged_in):
    started = time.monotonic()
    public = _pages(app, site, anonymous)
    _fuzz_forms(app, site, logged_in, "organiser forms", skip_pages=public)
    _report("organiser forms", started)


def test_write_watch_sees_a_committed_change_and_not_a_read(app, site, logged_in):
    with WriteWatch(db.engine) as reads:
        _send(logged_in, "GET", "/admin/organisations", "watch")
    with WriteWatch(db.engine) as writes:
        response = _send(logged_in, "POST", "/admin/tags/new", "watch", data={
            "code": "cork", "kind": "material", "label_fr": "Liège", "label_nl": "Kurk",
            "label_en": "Cork"})

    assert response.status_code == 302
    assert (reads.commits, writes.commits) == (0, 1)


def test_hostile_values_cover_every_kind():
    assert {"\x00", "2147483648", "0001-01-01"} <= set(HOSTILE)
