"""The check-in page on a phone-sized headless chromium, with CSRF on."""

from datetime import timedelta

from app.auth.services import create_user
from app.db import utc_now
from app.events.models import EventKind, Registration
from app.events.models import RegistrationStatus as Status
from app.extensions import db
from tests.factories import make_event, make_person, make_registration

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def _arrange() -> int:
    create_user("orga@cluster.example", "correct-horse", name="Orga", is_admin=True)
    starts_at = utc_now().replace(microsecond=0) + timedelta(hours=1)
    event = make_event(kind=EventKind.SEMINAR, title_en="Wood seminar", starts_at=starts_at)
    for first, last, status in [("Ann", "Peeters", Status.CONFIRMED),
                                ("Bram", "Claes", Status.CONFIRMED),
                                ("Chloé", "Dubois", Status.WAITLISTED)]:
        person = make_person(f"{first.lower()}@example.org", first_name=first, last_name=last)
        make_registration(event, person, status)
    return event.id


def _checked_in(event_id: int) -> list[str]:
    registrations = db.session.scalars(
        db.select(Registration).where(Registration.event_id == event_id,
                                      Registration.attended_at.is_not(None)))
    return [r.person.first_name for r in registrations]


def test_check_in_on_a_phone_filters_and_checks_in(live_server, new_page):
    event_id = live_server.call(_arrange)
    page = new_page(**PHONE)
    page.goto(live_server.url + "/auth/login")
    page.fill("input[name=email]", "orga@cluster.example")
    page.fill("input[name=password]", "correct-horse")
    page.click("input[type=submit], button[type=submit]")
    page.goto(f"{live_server.url}/admin/events/{event_id}/check-in")

    assert page.inner_text("[data-testid=checkin-counts]").split() == [
        "0", "/", "2", "checked", "in"]
    page.fill("#checkin-search", "pee")
    ann = page.locator("li[data-search]", has_text="Ann Peeters")
    bram = page.locator("li[data-search]", has_text="Bram Claes")
    assert ann.is_visible() and not bram.is_visible()
    assert page.locator("li", has_text="Chloé").count() == 0
    button = ann.locator("[data-testid=check-in]")
    box = button.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44  # a comfortable touch target

    button.tap()
    page.wait_for_selector("text=Ann Peeters is checked in.")

    assert page.inner_text("[data-testid=checkin-counts]").split()[:3] == ["1", "/", "2"]
    assert page.input_value("#checkin-search") == ""
    assert live_server.call(_checked_in, event_id) == ["Ann"]
    page.locator("li[data-search]", has_text="Ann Peeters").locator(
        "[data-testid=undo]").tap()
    page.wait_for_selector("text=Check-in of Ann Peeters undone.")
    assert live_server.call(_checked_in, event_id) == []


def test_attendance_sheet_hides_its_toolbar_when_printed(live_server, new_page):
    event_id = live_server.call(_arrange)
    page = new_page()
    page.goto(live_server.url + "/auth/login")
    page.fill("input[name=email]", "orga@cluster.example")
    page.fill("input[name=password]", "correct-horse")
    page.click("input[type=submit], button[type=submit]")
    page.goto(f"{live_server.url}/admin/events/{event_id}/attendance-sheet")
    assert page.locator(".toolbar").is_visible()

    page.emulate_media(media="print")

    assert not page.locator(".toolbar").is_visible()
    rows = page.locator("[data-testid=sheet] tbody tr").all_inner_texts()
    assert [r.split("\t")[1].strip() for r in rows[:2]] == ["Bram Claes", "Ann Peeters"]
