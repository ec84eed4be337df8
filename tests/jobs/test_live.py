"""The live-server and browser fixtures: the app over HTTP, chromium, the worker on top."""

import urllib.request

import pytest

from app.mail.delivery import count_by_status
from app.mail.models import OutboxStatus
from tests.factories import queue_plain


def test_live_server_worker_delivers_to_smtp_server(live_server, smtp_server):
    live_server.call(queue_plain, "ana@example.org", subject="Welcome")

    result = live_server.worker_once()

    assert result.sent == 1
    assert [m.message["Subject"] for m in smtp_server.messages] == ["Welcome"]
    assert live_server.call(count_by_status)[OutboxStatus.SENT] == 1


def test_live_server_serves_pages_over_http(live_server):
    with urllib.request.urlopen(live_server.url_for("main.index")) as response:
        body = response.read().decode()

    assert response.status == 200
    assert live_server.app.config["PUBLIC_URL"] == live_server.url
    assert '<nav class="navbar' in body


@pytest.mark.browser
def test_browser_opens_home_page_with_language_and_navbar(live_server, browser_page, tmp_path):
    browser_page.goto(live_server.url + "/")

    lang = browser_page.locator("html").get_attribute("lang")
    navbar = browser_page.locator("nav.navbar")
    brand = browser_page.locator("nav.navbar .navbar-brand")
    shot = tmp_path / "home.png"
    browser_page.screenshot(path=str(shot), full_page=True)

    assert lang == "en"
    assert navbar.is_visible()
    assert brand.inner_text() == live_server.app.config["CLUSTER_NAME"]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 5_000


@pytest.mark.browser
def test_browser_page_locale_sets_accept_language(live_server, new_page):
    page = new_page(locale="nl-BE")

    page.goto(live_server.url + "/")

    assert page.locator("html").get_attribute("lang") == "nl"
