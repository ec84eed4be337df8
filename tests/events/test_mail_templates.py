"""Mail texts per event kind and language: saved, previewed, used in the next mail, reset,
and escaped."""

from app.events import services
from app.events.models import MailTemplate
from app.extensions import db as _db
from tests.factories import make_event, registration_data
from tests.mails import outbox, parse, text_body

EN = {"Accept-Language": "en"}
URL = "/admin/events/mail-templates?kind=circlemeet&mail=confirmed&lang=en"
TEXT = {"subject": "Welcome {name} to {title}",
        "body": "See you {when}, <b>bring</b> cards.\n\nYour link: {manage_url} {unknown}"}


def _register(db, language="en"):
    event = make_event(confirm_by_link=False)
    services.register(event, **registration_data(email="marie@example.org", language=language))
    db.session.commit()
    return parse(outbox("registration.confirmed")[-1].raw)


def test_edited_confirmation_is_used_in_the_next_mail_escaped_in_html(logged_in, db):
    response = logged_in.post(URL, data={**TEXT, "save": "1"}, headers=EN)
    assert response.status_code == 302

    mail = _register(db)

    assert mail["Subject"] == "Welcome Marie Dubois to Wood circlemeet"
    text = text_body(mail)
    assert "<b>bring</b> cards." in text and "/events/manage/" in text and "{unknown}" in text
    html = mail.get_body(("html",)).get_content()
    assert "&lt;b&gt;bring&lt;/b&gt; cards." in html and "<b>bring" not in html


def test_another_language_keeps_the_built_in_text(logged_in, db):
    logged_in.post(URL, data={**TEXT, "save": "1"}, headers=EN)

    mail = _register(db, language="fr")

    assert "Welcome" not in mail["Subject"]


def test_preview_fills_the_placeholders_and_saves_nothing(logged_in, db):
    page = logged_in.post(URL, data={**TEXT, "preview": "1"}, headers=EN).text

    assert 'data-testid="preview"' in page
    assert "Welcome Marie Dubois to Circlemeet" in page
    assert "&lt;b&gt;bring&lt;/b&gt;" in page
    assert _db.session.query(MailTemplate).count() == 0
    assert "{manage_url}" in page  # the placeholders are listed


def test_reset_goes_back_to_the_built_in_text(logged_in, db):
    logged_in.post(URL, data={**TEXT, "save": "1"}, headers=EN)

    logged_in.post("/admin/events/mail-templates/reset?kind=circlemeet&mail=confirmed&lang=en",
                   headers=EN)
    mail = _register(db)

    assert mail["Subject"] == "Registration confirmed: Wood circlemeet"
    assert _db.session.query(MailTemplate).count() == 0


def test_unknown_kind_mail_or_language_is_a_400(logged_in, db):
    for query in ("kind=party", "mail=offered", "lang=de"):
        assert logged_in.get(f"/admin/events/mail-templates?{query}").status_code == 400


def test_an_empty_text_is_a_form_error(logged_in, db):
    response = logged_in.post(URL, data={"subject": "", "body": "", "save": "1"}, headers=EN)

    assert response.status_code == 400
    assert _db.session.query(MailTemplate).count() == 0
