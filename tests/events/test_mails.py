"""Mail content: parse the queued bytes, check subject, language, invite and CANCEL."""

from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar

from app.events import changes, mails, services
from app.events.models import ProgrammeItem, RegistrationStatus
from app.events.queries import load_manage_token
from tests.factories import make_event, registration_data
from tests.mails import calendar_part, outbox, parse, text_body


def _vevent(message):
    part = calendar_part(message)
    calendar = Calendar.from_ical(part.get_payload(decode=True))
    return part, calendar, calendar.walk("VEVENT")[0]


def test_confirmation_carries_request_invite(db):
    # 10:00 UTC in June is 12:00 in Brussels (summer time).
    event = make_event(starts_at=datetime(2032, 6, 12, 10, 0, tzinfo=UTC),
                       registration_closes_at=None)
    registration, _ = services.register(event, **registration_data())

    message = parse(outbox()[0].raw)
    part, calendar, vevent = _vevent(message)

    assert message["Subject"] == "Registration confirmed: Wood circlemeet"
    assert message["To"] == "Marie Dubois <marie.dubois@example.org>"
    assert part.get_param("method") == "REQUEST"
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(vevent["UID"]) == f"registration-{registration.id}@clustermeet.invalid"
    assert int(vevent["SEQUENCE"]) == 0
    assert vevent["DTSTART"].params["TZID"] == "Europe/Brussels"
    assert vevent.decoded("DTSTART").replace(tzinfo=None) == datetime(2032, 6, 12, 12, 0)
    assert str(vevent["SUMMARY"]) == "Wood circlemeet"
    assert str(vevent["LOCATION"]) == "Atelier Chêne, Rue de l'Exemple 1, 1070 Anderlecht"
    assert str(vevent["URL"]) == f"http://localhost/events/{event.id}"
    assert str(vevent["ORGANIZER"]) == "mailto:events@clustermeet.invalid"
    attendee = vevent["ATTENDEE"]
    assert str(attendee) == "mailto:marie.dubois@example.org"
    assert attendee.params["RSVP"] == "FALSE"
    # The manage link is in the mail, not in the entry: a signed link changes at every send,
    # and the feed shows the very same entry for this UID and SEQUENCE.
    assert "/events/manage/" not in str(vevent.get("DESCRIPTION", ""))
    token = text_body(message).split("/events/manage/")[1].split()[0]
    assert load_manage_token(token) is registration


def test_manage_link_in_mail_opens_the_registration(db):
    event = make_event()
    registration, _ = services.register(event, **registration_data())

    body = text_body(parse(outbox()[0].raw))
    token = body.split("/events/manage/")[1].split()[0]

    assert load_manage_token(token) is registration


def test_mail_in_registration_language(db):
    event = make_event()
    services.register(event, **registration_data(language="nl"))

    message = parse(outbox()[0].raw)
    html = message.get_body(("html",)).get_content()
    _, _, vevent = _vevent(message)

    assert '<html lang="nl">' in html
    assert str(vevent["SUMMARY"]) == "Circlemeet hout"


def test_cancellation_sends_cancel_with_same_uid_and_raised_sequence(db):
    event = make_event()
    registration, _ = services.register(event, **registration_data())

    services.cancel_registration(registration)

    first, second = (parse(m.raw) for m in outbox())
    _, _, request = _vevent(first)
    part, calendar, cancel = _vevent(second)
    assert part.get_param("method") == "CANCEL"
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(cancel["UID"]) == str(request["UID"])
    assert int(cancel["SEQUENCE"]) == 1
    assert str(cancel["STATUS"]) == "CANCELLED"


def test_waitlisted_mail_has_no_calendar_and_cancel_of_it_neither(db):
    event = make_event(capacity=1, confirm_by_link=False)
    services.register(event, **registration_data(email="a@example.org"))
    waiting, _ = services.register(event, **registration_data())

    services.cancel_registration(waiting)

    assert [calendar_part(parse(m.raw)) is None for m in outbox()] == [False, True, True]


def test_promotion_mail_carries_invite(db):
    event = make_event(capacity=1, confirm_by_link=False)
    first, _ = services.register(event, **registration_data(email="a@example.org"))
    waiting, _ = services.register(event, **registration_data())

    services.cancel_registration(first)

    message = parse(outbox()[-1].raw)
    part, _, vevent = _vevent(message)
    assert message["Subject"] == "A place is yours: Wood circlemeet"
    assert part.get_param("method") == "REQUEST"
    assert str(vevent["UID"]) == f"registration-{waiting.id}@clustermeet.invalid"
    assert waiting.status == RegistrationStatus.CONFIRMED


def test_whole_days_event_is_all_day(db):
    starts = datetime(2032, 9, 9, 22, 0, tzinfo=UTC)  # 10 September, midnight in Brussels
    event = make_event(starts_at=starts, ends_at=starts + timedelta(days=3))
    services.register(event, **registration_data())

    _, _, vevent = _vevent(parse(outbox()[0].raw))

    assert vevent.decoded("DTSTART") == date(2032, 9, 10)
    assert vevent.decoded("DTEND") == date(2032, 9, 13)


def test_multi_day_event_with_hours_keeps_its_times(db):
    starts = datetime(2032, 9, 10, 7, 0, tzinfo=UTC)  # 09:00 in Brussels
    event = make_event(starts_at=starts, ends_at=starts + timedelta(days=1, hours=8))
    services.register(event, **registration_data())

    message = parse(outbox()[0].raw)
    _, _, vevent = _vevent(message)

    assert vevent.decoded("DTSTART") == starts
    assert vevent.decoded("DTEND") == starts + timedelta(days=1, hours=8)
    body = message.get_body(("plain",)).get_content()
    assert "9:00" in body and "17:00" in body


def test_event_cancelled_mail_cancels_invites_only_where_sent(db):
    event = make_event(capacity=1, confirm_by_link=False)
    services.register(event, **registration_data(email="a@example.org"))
    services.register(event, **registration_data(email="b@example.org", language="fr"))
    before = len(outbox())

    changes.cancel_event(event)

    confirmed, waiting = (parse(m.raw) for m in outbox()[before:])
    assert calendar_part(confirmed).get_param("method") == "CANCEL"
    assert calendar_part(waiting) is None
    assert '<html lang="fr">' in waiting.get_body(("html",)).get_content()


def test_event_message_from_organisers(db):
    event = make_event()
    registration, _ = services.register(event, **registration_data())

    mails.queue_event_message(registration, "Parking tips", "Park behind the workshop.")

    message = parse(outbox()[-1].raw)
    assert message["Subject"] == "Parking tips"
    assert "Park behind the workshop." in text_body(message)
    assert outbox()[-1].kind == "event.message"


def test_names_are_escaped_in_html_and_kept_on_one_header_line(db):
    event = make_event()
    services.register(event, **registration_data(first_name="<b>Eve</b>\r\nBcc: x@evil.example"))

    message = parse(outbox()[0].raw)
    html = message.get_body(("html",)).get_content()

    assert "<b>Eve</b>" not in html and "&lt;b&gt;Eve&lt;/b&gt;" in html
    assert message["Bcc"] is None
    assert message["To"].addresses[0].addr_spec == "marie.dubois@example.org"


def test_confirmation_lists_the_programme(db):
    event = make_event()
    event.programme.append(ProgrammeItem(starts_at=event.starts_at,
                                         ends_at=event.starts_at + timedelta(minutes=30),
                                         title_en="Welcome coffee", location="Hall A"))
    services.register(event, **registration_data())

    body = text_body(parse(outbox()[0].raw))

    assert "Programme:" in body
    assert "Welcome coffee (Hall A)" in body


def test_event_change_sends_updated_invite_once(db):
    event = make_event(capacity=1, confirm_by_link=False)
    registration, _ = services.register(event, **registration_data(email="a@example.org"))
    services.register(event, **registration_data(email="b@example.org"))  # waitlisted
    assert changes.send_event_updates(event) == 0

    event.starts_at += timedelta(hours=1)
    event.ends_at += timedelta(hours=1)
    sent = changes.send_event_updates(event)
    again = changes.send_event_updates(event)

    assert (sent, again) == (1, 0)
    message = parse(outbox()[-1].raw)
    part, _, vevent = _vevent(message)
    assert outbox()[-1].recipient == "a@example.org"
    assert message["Subject"] == "Changed: Wood circlemeet"
    assert part.get_param("method") == "REQUEST"
    assert str(vevent["UID"]) == f"registration-{registration.id}@clustermeet.invalid"
    assert int(vevent["SEQUENCE"]) == 1
