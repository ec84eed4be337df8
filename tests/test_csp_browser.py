"""In chromium, under the Content-Security-Policy: no page reports a violation, and what moved
to static files (confirm dialogs, the check-in filter, the run's progress bar, the menu) works."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.auth.services import create_user
from app.b2b.models import RunStatus
from app.db import utc_now
from app.events.models import EventKind, Registration, RegistrationStatus
from app.extensions import db
from tests.factories import make_event, make_person, make_registration, make_schedule_session
from tests.factories import make_run as make_schedule_run

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
#: Collects what the browser refused, before any script of the page runs.
WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


def _arrange() -> dict[str, int]:
    create_user("orga@cluster.example", "correct-horse", name="Orga", is_admin=True)
    starts_at = utc_now().replace(microsecond=0) + timedelta(hours=1)
    event = make_event(kind=EventKind.SEMINAR, title_en="Wood seminar", starts_at=starts_at,
                       capacity=30, description_en="Line one\nLine two")
    for first, last in [("Ann", "Peeters"), ("Bram", "Claes")]:
        person = make_person(f"{first.lower()}@wood.example", first_name=first, last_name=last)
        make_registration(event, person, RegistrationStatus.CONFIRMED)
    session = make_schedule_session()
    run = make_schedule_run(session)
    run.best_value, run.bound = 3, 4
    # The bar shows the time used of the limit: 15 s of 20 (a run that stopped there).
    run.status, run.time_limit = RunStatus.FAILED, 20
    run.started_at = utc_now().replace(microsecond=0) - timedelta(seconds=15)
    run.finished_at = run.started_at + timedelta(seconds=15)
    return {"event": event.id, "session": session.id, "run": run.id}


def _status_of(email: str) -> RegistrationStatus:
    return db.session.scalar(select(Registration.status).where(
        Registration.person.has(email=email)))


class Watched:
    """A page whose console CSP errors and violation events are recorded."""

    def __init__(self, page):
        self.page = page
        self.console: list[str] = []
        page.add_init_script(WATCH_VIOLATIONS)
        page.on("console", lambda message: self.console.append(message.text)
                if message.type == "error" else None)
        page.on("pageerror", lambda error: self.console.append(f"page error: {error}"))

    def visit(self, url: str) -> None:
        """Open a page and fail on any refused script, style or error it produced."""
        self.page.goto(url)
        self.page.wait_for_load_state("load")
        violations = self.page.evaluate("window.__cspViolations")
        problems = [text for text in self.console
                    if "Content Security Policy" in text or text.startswith("page error")]
        assert (violations, problems) == ([], []), url
        self.console.clear()


def _log_in(watched: Watched, live_server) -> None:
    watched.visit(live_server.url_for("auth.login"))
    watched.page.fill("input[name=email]", "orga@cluster.example")
    watched.page.fill("input[name=password]", "correct-horse")
    watched.page.click("[type=submit]")
    watched.page.wait_for_url(lambda url: "/auth/login" not in url)


def test_main_pages_raise_no_csp_violation(live_server, new_page):
    ids = live_server.call(_arrange)
    visitor = Watched(new_page())
    orga = Watched(new_page())
    url_for = live_server.url_for

    visitor.visit(url_for("events.upcoming"))
    visitor.visit(url_for("events.detail", event_id=ids["event"]))
    description = visitor.page.locator(".text-pre-line", has_text="Line one")
    assert description.evaluate("e => getComputedStyle(e).whiteSpace") == "pre-line"
    _log_in(orga, live_server)
    for endpoint, values in [
        ("main.dashboard", {}), ("events.admin_event", {"event_id": ids["event"]}),
        ("events.admin_registrations", {"event_id": ids["event"]}),
        ("events.admin_check_in_page", {"event_id": ids["event"]}),
        ("events.admin_attendance_sheet", {"event_id": ids["event"]}),
        ("b2b.sessions", {}), ("b2b.schedule_grid", {"run_id": ids["run"]}),
        ("b2b.schedule_event_day", {"session_id": ids["session"]}),
    ]:
        orga.visit(url_for(endpoint, **values))

    # The run page draws its progress bar from data-percent (15 s used of 20: 75 %).
    orga.visit(url_for("b2b.schedule_run", run_id=ids["run"]))
    bar = orga.page.locator("#run-bar")
    ratio = bar.evaluate("e => e.getBoundingClientRect().width / e.parentElement"
                         ".getBoundingClientRect().width")
    assert ratio == pytest.approx(0.75, abs=0.02)


def test_confirm_dialog_guards_a_cancellation(live_server, new_page):
    ids = live_server.call(_arrange)
    orga = Watched(new_page())
    _log_in(orga, live_server)
    orga.visit(live_server.url_for("events.admin_registrations", event_id=ids["event"]))
    questions: list[str] = []
    cancel = orga.page.locator("tr", has_text="Ann").locator("form[data-confirm] button",
                                                             has_text="Cancel")

    orga.page.once("dialog", lambda dialog: (questions.append(dialog.message),
                                             dialog.dismiss()))
    cancel.click()
    orga.page.wait_for_timeout(300)
    kept = live_server.call(_status_of, "ann@wood.example")
    orga.page.once("dialog", lambda dialog: dialog.accept())
    with orga.page.expect_navigation():
        cancel.click()

    assert questions == ["Cancel this registration? The person will be told."]
    assert kept == RegistrationStatus.CONFIRMED
    assert live_server.call(_status_of, "ann@wood.example") == RegistrationStatus.CANCELLED


def test_check_in_filter_print_button_and_menu_work_on_a_phone(live_server, new_page):
    ids = live_server.call(_arrange)
    orga = Watched(new_page(**PHONE))
    _log_in(orga, live_server)

    orga.visit(live_server.url_for("events.admin_check_in_page", event_id=ids["event"]))
    orga.page.fill("#checkin-search", "cla")
    rows = orga.page.locator("li[data-search]")
    visible = [rows.filter(has_text=name).is_visible() for name in ("Ann Peeters", "Bram Claes")]
    height = orga.page.locator("#checkin-search").evaluate("e => e.getBoundingClientRect().height")
    orga.page.click(".navbar-toggler")  # Bootstrap's own script, from our origin
    orga.page.wait_for_selector("#mainnav.show")

    orga.visit(live_server.url_for("events.admin_attendance_sheet", event_id=ids["event"]))
    orga.page.evaluate("window.print = function () { window.__printed = true; }")
    orga.page.click("[data-print]")

    assert visible == [False, True]  # Ann Peeters hidden, Bram Claes shown
    assert height >= 50  # the large search field of the desk (3.25rem), from app.css
    assert orga.page.evaluate("window.__printed") is True
    assert orga.page.locator("th").first.evaluate(
        "e => getComputedStyle(e).borderTopStyle") == "solid"  # sheet.css applies
