"""Changing a published event's time or place updates the invites already sent."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import icalendar

from app.db import utc_now
from app.events import services
from tests.factories import event_form, make_event
from tests.mails import calendar_part, outbox, parse

BRUSSELS = ZoneInfo("Europe/Brussels")


def test_moving_a_published_event_sends_updated_invites(logged_in, db):
    event = make_event(title_en="Textile seminar")
    registration, _created = services.register(
        event, email="lea@chene.example", first_name="Léa", last_name="Dubois", language="en")
    db.session.commit()
    first = outbox()[-1]
    local_start = (event.starts_at + timedelta(days=1, hours=1)).astimezone(BRUSSELS)
    form = event_form(
        kind="circlemeet", starts_at=local_start.strftime("%Y-%m-%dT10:00"),
        ends_at=local_start.strftime("%Y-%m-%dT12:00"), registration_closes_at=None,
        capacity="", audience="public")
    response = logged_in.post(f"/admin/events/{event.id}/edit", data=form)
    assert response.status_code == 302
    mails = outbox()
    assert len(mails) == 2
    update = mails[-1]
    assert update.recipient == "lea@chene.example"
    old_ics = calendar_part(parse(first.raw)).get_content()
    new_ics = calendar_part(parse(update.raw)).get_content()
    uid = [line for line in old_ics.splitlines() if line.startswith("UID:")][0]
    assert uid in new_ics.splitlines()
    assert "SEQUENCE:1" in new_ics.splitlines()
    assert "METHOD:REQUEST" in new_ics.splitlines()
    assert registration.status.value == "confirmed"


def test_editing_only_the_description_sends_an_update_with_the_new_text(logged_in, db):
    start_at = (utc_now() + timedelta(days=10)).replace(second=0, microsecond=0)
    event = make_event(starts_at=start_at, ends_at=start_at + timedelta(hours=2),
                       title_fr="Séminaire textile", title_nl="Seminarie textiel",
                       title_en="Textile seminar")
    services.register(event, email="jan@x.example", first_name="Jan", last_name="P",
                      language="en")
    db.session.commit()
    before = len(outbox())
    start = event.starts_at.astimezone(BRUSSELS).strftime("%Y-%m-%dT%H:%M")
    end = event.ends_at.astimezone(BRUSSELS).strftime("%Y-%m-%dT%H:%M")
    form = event_form(kind="circlemeet", starts_at=start, ends_at=end, venue=event.venue,
                      address=event.address, registration_closes_at=None, capacity="",
                      audience="public", description_en="New words only.")
    assert logged_in.post(f"/admin/events/{event.id}/edit", data=form).status_code == 302

    mails = outbox()
    assert len(mails) == before + 1 and mails[-1].kind == "registration.updated"
    vevent = icalendar.Calendar.from_ical(
        calendar_part(parse(mails[-1].raw)).get_content()).walk("VEVENT")[0]
    assert (int(vevent["SEQUENCE"]), str(vevent["DESCRIPTION"])) == (1, "New words only.")

    # Saving again without a change sends nothing more.
    assert logged_in.post(f"/admin/events/{event.id}/edit", data=form).status_code == 302
    assert len(outbox()) == before + 1
