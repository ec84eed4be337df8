"""The reminders page: when reminders go and went, "send now" never twice, the text per
language (escaped)."""

from datetime import timedelta

from app.db import utc_now
from app.events.reminders import send_reminders
from tests.factories import make_event, make_person, make_registration
from tests.mails import outbox, parse, text_body

EN = {"Accept-Language": "en"}


def _event(db):
    event = make_event(starts_at=utc_now() + timedelta(days=10))
    make_registration(event, make_person("ann@example.org", language="nl"))
    make_registration(event, make_person("bram@example.org", language="fr"))
    db.session.commit()
    return event


def test_send_now_reaches_each_person_once(logged_in, db):
    event = _event(db)
    url = f"/admin/events/{event.id}/reminders"

    page = logged_in.get(url, headers=EN).text
    assert "2 confirmed participants have no reminder yet." in page
    assert "No reminder has gone yet." in page

    logged_in.post(url + "/send", headers=EN)
    logged_in.post(url + "/send", headers=EN)  # a second click
    send_reminders(now=event.starts_at - timedelta(days=1))  # and the cron

    assert sorted(m.recipient for m in outbox("registration.reminder")) == [
        "ann@example.org", "bram@example.org"]
    page = logged_in.get(url, headers=EN).text
    assert "2 reminders" in page and 'data-testid="send-reminders"' not in page


def test_reminder_text_per_language_is_used_and_escaped(logged_in, db):
    event = _event(db)
    url = f"/admin/events/{event.id}/reminders"

    logged_in.post(url, headers=EN, data={
        "reminder_text_fr": "", "reminder_text_en": "",
        "reminder_text_nl": "Neem je <b>laptop</b> mee.\n\nTot dan!"})
    logged_in.post(url + "/send", headers=EN)

    mails = {m.recipient: parse(m.raw) for m in outbox("registration.reminder")}
    dutch, french = mails["ann@example.org"], mails["bram@example.org"]
    assert "Neem je <b>laptop</b> mee." in text_body(dutch)
    html = dutch.get_body(("html",)).get_content()
    assert "Neem je &lt;b&gt;laptop&lt;/b&gt; mee." in html and "<b>laptop" not in html
    assert "<p>Tot dan!</p>" in html
    assert "laptop" not in text_body(french)  # the French default sentence instead


def test_reminders_page_says_when_they_go(logged_in, db):
    event = _event(db)

    page = logged_in.get(f"/admin/events/{event.id}/reminders", headers=EN).text

    assert 'data-testid="reminder-schedule"' in page and "Brussels time" in page


def test_reminder_text_too_long_is_a_form_error(logged_in, db):
    event = _event(db)

    response = logged_in.post(f"/admin/events/{event.id}/reminders", headers=EN,
                              data={"reminder_text_fr": "x" * 5001})

    assert response.status_code == 400
