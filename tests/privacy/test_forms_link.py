"""Every public form that collects personal data links the privacy notice."""

import re

import pytest

from app.b2b import publication
from app.b2b.queries import get_agenda, make_participant_token
from app.events.models import QuestionKind
from app.events.queries import make_manage_token
from app.privacy.preferences import get_or_create_preference, preferences_url
from app.web import PUBLIC_ENDPOINTS
from tests.factories import (
    make_event,
    make_person,
    make_question,
    make_registration,
    make_run,
    make_schedule_session,
    participants_of,
)
from tests.pages import get_en

#: Public POST routes that take no personal data, and why.
NO_PERSONAL_DATA = {
    "auth.login": "organisers' own login",
    "events.manage_cancel": "a button",
    "b2b.accept_request": "a button",
    "b2b.decline_request": "a button",
    "b2b.withdraw_request": "a button",
    "calendar.subscribe": "renews a feed address",
    "auth.login_code": "organisers' own second factor",
    "events.manage_confirm": "a button",
    "events.manage_take_offer": "a button",
    "events.manage_new_link": "a button",
    "privacy_data.self_erase": "a button (the person's own erasure)",
    "privacy.unsubscribe": "a button, or the mail client's one-click POST",
}


@pytest.fixture
def pages(db, vocabulary):
    """The URL of the page showing each public data-collecting form, and its form's marker."""
    event = make_event()
    make_question(event, QuestionKind.TEXT)
    registration = make_registration(event, make_person("marie@example.org"))
    session = make_schedule_session()
    run = make_run(session)
    ann, dirk = participants_of(session)[0], participants_of(session)[3]
    joiner = make_registration(session.event, make_person("new@join.example",
                                                          organisation="Joiners"))
    preference = get_or_create_preference("marie@example.org")
    db.session.commit()
    publication.publish_run(run)
    db.session.commit()
    me = f"/b2b/{session.id}/me/{make_participant_token(ann)}"
    return {
        "events.detail": (f"/events/{event.id}", "registration-form"),
        "events.manage_answers": (f"/events/manage/{make_manage_token(registration)}",
                                  "answers-form"),
        "b2b.join": (f"/b2b/{session.id}/join/{make_manage_token(joiner)}", "join-form"),
        "b2b.profile": (f"{me}/profile", "profile-form"),
        "b2b.make_request": (f"{me}/participants/{dirk.code}", "request-form"),
        "b2b.agenda_feedback": (f"/b2b/agenda/{make_participant_token(ann)}/feedback",
                                "feedback-form"),
        "b2b.agenda_outcomes": (f"/b2b/agenda/{make_participant_token(ann)}/outcomes",
                                "outcomes-form"),
        "events.new_link": (f"/events/{event.id}/new-link", "new-link-form"),
        "b2b.agenda_contact": (f"/b2b/agenda/{make_participant_token(ann)}/contact/"
                               f"{get_agenda(ann)[0]['row'].id}", "contact-form"),
        "privacy.preferences": (preferences_url(preference).replace("http://localhost", ""),
                                "preferences-form"),
    }


def _form_html(page: str, marker: str) -> str:
    match = re.search(rf'<form[^>]*data-testid="{marker}"[^>]*>(.*?)</form>', page, re.S)
    assert match, f"no form {marker}"
    return match.group(1)


def test_every_public_data_form_links_the_notice(client, pages):
    for endpoint, (url, marker) in pages.items():
        response = get_en(client, url)
        assert response.status_code == 200, (endpoint, url)
        form = _form_html(response.get_data(as_text=True), marker)
        assert 'href="/privacy"' in form, endpoint


def test_every_public_post_route_is_checked_or_takes_no_personal_data(app, pages):
    public_posts = {rule.endpoint for rule in app.url_map.iter_rules()
                    if "POST" in rule.methods and rule.endpoint in PUBLIC_ENDPOINTS}

    unchecked = public_posts - set(pages) - set(NO_PERSONAL_DATA)

    assert unchecked == set(), "a public form: link the notice and add it to this test"
