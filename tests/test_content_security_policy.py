"""Content-Security-Policy: every response carries it, and no page needs inline code."""

import re
from pathlib import Path

import pytest

from app.web import CONTENT_SECURITY_POLICY
from tests.factories import make_event, make_person, make_registration

TEMPLATES = Path(__file__).resolve().parent.parent / "app" / "templates"

#: What the policy forbids in a page: inline scripts and styles, event-handler attributes and
#: javascript: URLs (a <script src=...> is a file of ours and allowed).
INLINE_CODE = {
    "inline <script>": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
    "<style> block": re.compile(r"<style\b", re.IGNORECASE),
    "style= attribute": re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE),
    "on...= handler": re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}


def _never_in_a_browser(path: Path) -> bool:
    """Mail bodies (read by mail clients) and PDF sources (read by WeasyPrint, offline)."""
    relative = path.relative_to(TEMPLATES)
    return "mail" in relative.parts or "pdf" in relative.name


def _inline_code(text: str) -> list[str]:
    return [f"{name}: {match.group(0)[:80]!r}"
            for name, pattern in INLINE_CODE.items() for match in pattern.finditer(text)]


def _browser_templates() -> list[Path]:
    return sorted(p for p in TEMPLATES.rglob("*.html") if not _never_in_a_browser(p))


def test_the_scan_sees_every_browser_template():
    names = {str(p.relative_to(TEMPLATES)) for p in _browser_templates()}

    assert len(names) >= 40
    assert {"base.html", "events/admin/check_in.html", "events/admin/sheet.html",
            "b2b/schedule/run.html"} <= names
    assert _inline_code('<a href="#" onclick="go()">') and _inline_code('<p style="x">')
    assert _inline_code("<script>alert(1)</script>")
    assert not _inline_code('<script src="/static/js/app.js" defer></script>')


@pytest.mark.parametrize("path", _browser_templates(),
                         ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_template_has_no_inline_script_style_or_handler(path):
    assert _inline_code(path.read_text(encoding="utf-8")) == []


def test_policy_forbids_inline_code_and_framing():
    directives = dict(part.strip().split(" ", 1) for part in CONTENT_SECURITY_POLICY.split(";"))

    assert directives == {
        "default-src": "'self'", "script-src": "'self'", "style-src": "'self'",
        "img-src": "'self' data:", "object-src": "'none'", "base-uri": "'self'",
        "form-action": "'self'", "frame-ancestors": "'none'",
    }
    assert "unsafe" not in CONTENT_SECURITY_POLICY


def _pages(event_id: int) -> list[str]:
    return ["/", "/events/", f"/events/{event_id}", "/admin/",
            f"/admin/events/{event_id}", f"/admin/events/{event_id}/registrations",
            f"/admin/events/{event_id}/check-in", f"/admin/events/{event_id}/attendance-sheet",
            "/admin/b2b/", "/admin/organisations", "/no/such/page",
            "/static/css/app.css", "/static/js/app.js"]


def test_every_response_carries_the_policy_and_no_inline_code(db, logged_in):
    event = make_event(capacity=20)
    make_registration(event, make_person("ann@example.org", first_name="Ann"))
    db.session.commit()

    for path in _pages(event.id):
        response = logged_in.get(path, headers={"Accept-Language": "en"})
        assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, path
        if response.mimetype == "text/html":
            # Rendered, so the markup of Bootstrap-Flask's macros is checked too.
            assert response.status_code in (200, 404), path
            assert _inline_code(response.get_data(as_text=True)) == [], path


def test_login_json_errors_and_redirects_carry_the_policy(client, db):
    login = client.get("/auth/login")
    json_error = client.get("/no/such/page", headers={"Accept": "application/json"})
    redirect = client.get("/admin/")

    assert (login.status_code, json_error.status_code, redirect.status_code) == (200, 404, 302)
    for response in (login, json_error, redirect):
        assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert _inline_code(login.get_data(as_text=True)) == []
