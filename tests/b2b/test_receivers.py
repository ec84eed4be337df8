"""The B2B link events show with a confirmed registration: in its mails and on its page."""

import re

from app.events import services
from app.signals import ask_registration_links
from tests.factories import make_b2b_event, make_session, registration_data
from tests.mails import outbox, parse, text_body
from tests.pages import get_en

LABEL = "B2B meetings: your profile and meeting requests"


def _register(event, **values):
    registration, _ = services.register(event, **registration_data(**values))
    return registration, parse(outbox()[-1].raw)


def _manage_path(message) -> str:
    return "/events/manage/" + text_body(message).split("/events/manage/")[1].split()[0]


def test_confirmation_mail_links_to_the_session_join_page(client, db, vocabulary):
    session = make_session()
    _, message = _register(session.event)
    db.session.commit()

    text = text_body(message)
    html = message.get_body(("html",)).get_content()
    [url] = re.findall(rf"{LABEL}: (\S+)", text)
    page = get_en(client, url.removeprefix("http://localhost"))

    assert url.startswith(f"http://localhost/b2b/{session.id}/join/")
    assert f'<p><a href="{url}">{LABEL}</a></p>' in html
    assert 'data-testid="join"' in page.get_data(as_text=True)


def test_mail_without_session_or_confirmation_has_no_b2b_link(db, vocabulary):
    _, plain = _register(make_b2b_event())
    full = make_b2b_event(capacity=1, confirm_by_link=False)
    make_session(full)
    _register(full, email="first@example.org")
    _, waitlisted = _register(full, email="second@example.org")

    assert "/b2b/" not in text_body(plain) and LABEL not in text_body(plain)
    assert "Waiting list" in waitlisted["Subject"]
    assert "/b2b/" not in text_body(waitlisted) and LABEL not in text_body(waitlisted)


def test_manage_page_links_a_confirmed_registration_to_its_session(client, db, vocabulary):
    session = make_session()
    _, message = _register(session.event)
    db.session.commit()

    page = get_en(client, _manage_path(message)).get_data(as_text=True)

    [link] = re.findall(r'<a href="([^"]+)" data-testid="b2b-link">([^<]+)</a>', page)
    assert link[0].startswith(f"http://localhost/b2b/{session.id}/join/")
    assert link[1] == LABEL
    assert 'data-testid="feed-link"' in page


def test_manage_page_without_session_has_no_b2b_link(client, db, vocabulary):
    _, message = _register(make_b2b_event())
    db.session.commit()

    page = get_en(client, _manage_path(message)).get_data(as_text=True)

    assert 'data-testid="b2b-link"' not in page
    assert 'data-testid="feed-link"' in page


def test_b2b_receiver_answers_the_links_signal(db, vocabulary):
    session = make_session()
    registration, _ = _register(session.event)

    [link] = ask_registration_links(registration)

    assert link.name == "b2b" and link.label == LABEL
    assert link.url.startswith(f"http://localhost/b2b/{session.id}/join/")
    assert ask_registration_links(_register(make_b2b_event(), email="x@example.org")[0]) == []
