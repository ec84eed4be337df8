"""End to end in chromium: find an event, register, get the invite, cancel, promote."""

import re

import pytest
from icalendar import Calendar

from app.events import services
from app.events.models import Event, Registration, RegistrationStatus
from app.extensions import db
from tests.factories import make_event
from tests.mails import calendar_part, text_body

TITLES = {"fr": "Circlemeet bois", "nl": "Circlemeet hout", "en": "Wood circlemeet"}


def _setup_event() -> int:
    return make_event(capacity=1, confirm_by_link=False, title_en=TITLES["en"]).id


def _waitlist_someone(event_id: int) -> int:
    event = db.session.get(Event, event_id)
    registration, _ = services.register(event, email="waiting@example.org", first_name="Wim",
                                        last_name="Claes", language="nl")
    assert registration.status == RegistrationStatus.WAITLISTED
    return registration.id


def _status(registration_id: int) -> RegistrationStatus:
    return db.session.get(Registration, registration_id).status


def _calendar(mail):
    part = calendar_part(mail.message)
    calendar = Calendar.from_ical(part.get_payload(decode=True))
    return part.get_param("method"), calendar.walk("VEVENT")[0]


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_attendee_registers_cancels_and_waitlisted_is_promoted(
        live_server, smtp_server, new_page, lang):
    event_id = live_server.call(_setup_event)
    page = new_page(locale=lang)

    # Find the event in the list and open it.
    page.goto(f"{live_server.url}/events/")
    assert page.get_attribute("html", "lang") == lang
    page.click(f"[data-testid=event-{event_id}]")
    assert page.text_content("[data-testid=event-title]").strip() == TITLES[lang]

    # Register (the language of the mails follows the page's language).
    assert page.input_value("#language") == lang
    page.fill("#first_name", "Marie")
    page.fill("#last_name", "Dubois")
    page.fill("#email", "marie@example.org")
    page.fill("#organisation", "Atelier Chêne")
    page.check("#consent")
    page.click("[data-testid=registration-form] [name=submit]")
    page.wait_for_selector("[data-testid=check-mailbox]")

    # The confirmation arrives over SMTP with a correct invite.
    live_server.worker_once()
    confirmation = smtp_server.wait_for(1)[0]
    method, vevent = _calendar(confirmation)
    assert confirmation.rcpt_tos == ["marie@example.org"]
    assert method == "REQUEST"
    assert str(vevent["SUMMARY"]) == TITLES[lang]
    assert vevent["DTSTART"].params["TZID"] == "Europe/Brussels"
    assert re.match(r"registration-\d+@clustermeet\.invalid$", str(vevent["UID"]))
    html = confirmation.message.get_body(("html",)).get_content()
    assert f'<html lang="{lang}">' in html

    # Someone else joins the waiting list meanwhile.
    waiting_id = live_server.call(_waitlist_someone, event_id)
    live_server.worker_once()
    smtp_server.wait_for(2)

    # The attendee opens the link from the mail (nothing changes) and cancels.
    link = re.search(r"http://\S+/events/manage/\S+", text_body(confirmation.message)).group(0)
    page.goto(link)
    assert page.get_attribute("[data-testid=registration-status]", "data-status") == "confirmed"
    page.click("[data-testid=cancel-form] button[type=submit]")
    page.wait_for_selector("[data-testid=registration-status][data-status=cancelled]")

    # The CANCEL reaches the attendee and the waitlisted person gets the place and the invite.
    live_server.worker_once()
    later = smtp_server.wait_for(4)[2:]
    by_recipient = {mail.rcpt_tos[0]: mail for mail in later}
    cancel_method, cancel = _calendar(by_recipient["marie@example.org"])
    assert cancel_method == "CANCEL" and str(cancel["UID"]) == str(vevent["UID"])
    assert int(cancel["SEQUENCE"]) == int(vevent["SEQUENCE"]) + 1
    promoted_method, promoted = _calendar(by_recipient["waiting@example.org"])
    assert promoted_method == "REQUEST"
    assert str(promoted["SUMMARY"]) == TITLES["nl"]
    assert live_server.call(_status, waiting_id) == RegistrationStatus.CONFIRMED
    assert len(smtp_server.messages) == 4
