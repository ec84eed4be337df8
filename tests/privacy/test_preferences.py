"""Preferences for optional mail, the one-click unsubscribe (RFC 8058) and the refused links."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from app.b2b import meeting_requests
from app.b2b.mails import send_digests
from app.db import utc_now
from app.events import services
from app.events.reminders import send_reminders
from app.mail.delivery import deliver_due
from app.privacy.preferences import (
    MailCategory,
    get_or_create_preference,
    get_preference,
    load_unsubscribe_token,
    preferences_url,
    unsubscribe_url,
)
from tests.factories import make_event, make_participant, make_session, registration_data
from tests.links import forged
from tests.mails import outbox, parse, text_body

EN = {"Accept-Language": "en"}
ONE_CLICK = {"List-Unsubscribe": "One-Click"}
MORNING = datetime(2027, 5, 10, 7, tzinfo=UTC)


def _confirmed(db, email="marie@example.org", days=1):
    """A registration confirmed weeks ago for an event starting in `days`: due a reminder."""
    event = make_event(starts_at=utc_now() + timedelta(days=days))
    registration, _ = services.register(event, **registration_data(email=email))
    registration.confirmed_at = utc_now() - timedelta(days=20)
    db.session.commit()
    return registration


def _path(url: str) -> str:
    return url.replace("http://localhost", "")


def _unsubscribe_path(db) -> str:
    _confirmed(db)
    send_reminders()
    db.session.commit()
    [reminder] = outbox("registration.reminder")
    header = str(parse(reminder.raw)["List-Unsubscribe"])
    return _path(re.fullmatch(r"<(http://localhost/unsubscribe/[^>]+)>", header).group(1))


def test_reminder_through_smtp_carries_both_headers_and_the_preferences_link(
        smtp_app, smtp_server, db):
    _confirmed(db, "Marie@Example.org")
    send_reminders()
    db.session.commit()

    deliver_due(smtp_app)

    received = {m.message["Subject"]: m for m in smtp_server.messages}
    reminder = received["Reminder: Wood circlemeet"].message
    confirmation = received["Registration confirmed: Wood circlemeet"].message
    preference = get_preference("marie@example.org")
    # One unfolded line, no encoded word (RFC 2369: no whitespace inside the brackets).
    line = re.search(rb"^List-Unsubscribe: <http://localhost/unsubscribe/([^>\s]+)>\r$",
                     received["Reminder: Wood circlemeet"].raw, re.M)
    assert line is not None
    assert load_unsubscribe_token(line.group(1).decode()) == (preference, "reminders")
    assert reminder["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "http://localhost/privacy/preferences/" in text_body(reminder)
    assert "http://localhost/privacy/preferences/" in reminder.get_body(("html",)).get_content()
    # Essential mail: no unsubscribe, no footer.
    assert confirmation["List-Unsubscribe"] is None
    assert "/privacy/preferences/" not in text_body(confirmation)


def test_one_click_post_without_cookie_or_csrf_opts_out_of_reminders_only(app, db):
    path = _unsubscribe_path(db)
    app.config["WTF_CSRF_ENABLED"] = True
    mail_client = app.test_client(use_cookies=False)

    response = mail_client.post(path, data="List-Unsubscribe=One-Click", headers=EN,
                                content_type="application/x-www-form-urlencoded")

    assert response.status_code == 200
    assert 'data-testid="unsubscribed"' in response.get_data(as_text=True)
    assert "Set-Cookie" not in response.headers
    preference = get_preference("marie@example.org")
    db.session.refresh(preference)
    assert not preference.accepts(MailCategory.REMINDERS)
    assert preference.accepts(MailCategory.B2B_DIGEST)

    # The next reminder is not sent; a confirmation (essential) still is.
    before = len(outbox())
    later = _confirmed(db, "marie@example.org", days=2)
    assert send_reminders() == 0
    db.session.commit()
    assert [m.kind for m in outbox()[before:]] == ["registration.confirmed"]
    assert later.reminder_sent_at is not None  # claimed, so never tried again


def test_the_unsubscribe_page_asks_before_changing_anything(app, db, client):
    path = _unsubscribe_path(db)

    page = client.get(path, headers=EN)

    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'data-testid="confirm-unsubscribe"' in html
    assert "reminders a few days before the events i registered for" in html
    assert get_preference("marie@example.org").accepts(MailCategory.REMINDERS)


@pytest.mark.parametrize("mangle, status, reason", [
    (lambda token: "forged-token", 400, "invalid"),
    (forged, 400, "invalid"),
])
def test_a_bad_unsubscribe_token_is_refused_with_a_reason(app, db, mangle, status, reason):
    path = _unsubscribe_path(db)
    bad = path.rsplit("/", 1)[0] + "/" + mangle(path.rsplit("/", 1)[1])

    response = app.test_client(use_cookies=False).post(bad, data=ONE_CLICK, headers=EN)

    assert response.status_code == status
    html = response.get_data(as_text=True)
    assert f'data-reason="{reason}"' in html
    assert "This link is not valid." in html
    assert get_preference("marie@example.org").accepts(MailCategory.REMINDERS)


def test_a_preferences_token_cannot_unsubscribe_and_a_revoked_one_is_refused(app, db):
    preference = get_or_create_preference("marie@example.org")
    db.session.commit()
    page_token = _path(preferences_url(preference)).rsplit("/", 1)[1]
    old = _path(unsubscribe_url(preference, MailCategory.NEWS))
    preference.token_version += 1
    db.session.commit()
    mail_client = app.test_client(use_cookies=False)

    wrong_purpose = mail_client.post(f"/unsubscribe/{page_token}", data=ONE_CLICK, headers=EN)
    revoked = mail_client.post(old, data=ONE_CLICK, headers=EN)

    assert wrong_purpose.status_code == 400
    assert revoked.status_code == 403
    assert 'data-reason="revoked"' in revoked.get_data(as_text=True)
    db.session.refresh(preference)
    assert preference.accepts(MailCategory.NEWS)


def test_preferences_page_saves_choices_and_digests_respect_them(db, client, vocabulary):
    session = make_session()
    ann = make_participant(session, "ann@a.example", first_name="Ann", language="en")
    bob = make_participant(session, "bob@b.example", first_name="Bob", language="en")
    cat = make_participant(session, "cat@c.example", first_name="Cat", language="en")
    preference = get_or_create_preference("BOB@b.example ")
    db.session.commit()
    path = _path(preferences_url(preference))

    page = client.get(path, headers=EN).get_data(as_text=True)
    saved = client.post(path, data={"reminders": "y", "news": "y"}, headers=EN)

    assert "bob@b.example" in page and 'name="b2b_digest"' in page
    assert saved.status_code == 302
    db.session.refresh(preference)
    assert (preference.reminders, preference.b2b_digest, preference.news) == (True, False, True)
    meeting_requests.request_meeting(cat, bob, 3)
    meeting_requests.request_meeting(bob, ann, 2)
    db.session.commit()
    assert send_digests(MORNING) == 1
    [digest] = outbox("b2b.digest")
    assert digest.recipient == "ann@a.example"  # Bob refused digests
    assert parse(digest.raw)["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_preferences_form_still_needs_its_csrf_token(app, db, client):
    preference = get_or_create_preference("marie@example.org")
    db.session.commit()
    app.config["WTF_CSRF_ENABLED"] = True

    response = client.post(_path(preferences_url(preference)), data={"reminders": ""},
                           headers=EN)

    assert response.status_code == 400
    db.session.refresh(preference)
    assert preference.reminders


def test_a_forged_preferences_token_is_refused(db, client):
    response = client.get("/privacy/preferences/forged", headers=EN)

    assert response.status_code == 400
    assert 'data-reason="invalid"' in response.get_data(as_text=True)
