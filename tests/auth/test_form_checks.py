"""Public forms refuse robots: a filled-in trap field, or a form sent back too fast or too late."""

import re
import time

import pytest
from sqlalchemy import func, select

from app.auth.form_checks import form_stamp, stamp_problem
from app.b2b.models import Participant
from app.events.models import Registration
from app.events.queries import make_manage_token
from app.extensions import db as _db
from app.members.models import Person
from tests.factories import make_b2b_event, make_event, make_person, make_registration, make_session
from tests.mails import outbox

EN = {"Accept-Language": "en"}


def _form(**values) -> dict:
    data = {"first_name": "Marie", "last_name": "Dubois", "email": "marie@example.org",
            "organisation": "Independent Weaver", "language": "en", "consent": "y"}
    data.update(values)
    return data


def _count(model) -> int:
    return _db.session.scalar(select(func.count(model.id)))


#: How long ago a human-paced form was shown, in these tests.
HUMAN_SECONDS = 30


@pytest.fixture
def timed(app):
    """The application with the timing check on (the tests' configuration turns it off)."""
    app.config["FORM_TIMING_CHECK"] = True
    # Far from the times the tests use, so that a slow request cannot make "fast" human.
    app.config["FORM_MIN_SECONDS"] = HUMAN_SECONDS - 10
    return app


def _stamp(app, seconds_ago: float) -> str:
    with app.app_context():
        return form_stamp(time.time() - seconds_ago)


def test_registration_with_the_trap_field_filled_is_refused_and_stores_nothing(db, client):
    event = make_event()
    db.session.commit()

    response = client.post(f"/events/{event.id}", data=_form(website="http://spam.example"),
                           headers=EN)

    assert response.status_code == 400
    assert 'data-testid="form-check"' in response.get_data(as_text=True)
    assert (_count(Registration), _count(Person), outbox()) == (0, 0, [])


def test_registration_form_hides_the_trap_field_by_class_not_inline_style(db, client):
    event = make_event()
    db.session.commit()

    page = client.get(f"/events/{event.id}", headers=EN).get_data(as_text=True)

    trap = re.search(r'<div class="cm-trap" aria-hidden="true">.*?</div>', page, re.S).group(0)
    assert 'name="website"' in trap and 'tabindex="-1"' in trap
    assert "style=" not in trap
    css = client.get("/static/css/app.css").get_data(as_text=True)
    assert ".cm-trap { display: none !important; }" in css


def test_registration_sent_too_fast_is_a_form_error_keeping_the_values(db, client, timed):
    event = make_event()
    db.session.commit()

    response = client.post(f"/events/{event.id}",
                           data=_form(shown_at=_stamp(timed, 0.5)), headers=EN)

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "That was very quick!" in page
    assert 'value="Independent Weaver"' in page and 'value="marie@example.org"' in page
    assert _count(Registration) == 0 and outbox() == []
    # The page carries a fresh stamp: sent again a little later, the form is accepted.
    fresh = re.search(r'name="shown_at" type="hidden" value="([^"]+)"', page).group(1)
    with timed.app_context():
        assert stamp_problem(fresh, time.time() + HUMAN_SECONDS) is None


def test_registration_form_open_for_more_than_a_day_is_sent_back(db, client, timed):
    event = make_event()
    db.session.commit()

    response = client.post(f"/events/{event.id}",
                           data=_form(shown_at=_stamp(timed, 2 * 24 * 3600)), headers=EN)

    assert response.status_code == 400
    assert "open for a long time" in response.get_data(as_text=True)
    assert _count(Registration) == 0


@pytest.mark.parametrize("stamp", [None, "", "1700000000.forged", "garbage"])
def test_registration_without_a_valid_stamp_is_sent_back(db, client, timed, stamp):
    event = make_event()
    db.session.commit()
    data = _form() if stamp is None else _form(shown_at=stamp)

    response = client.post(f"/events/{event.id}", data=data, headers=EN)

    assert response.status_code == 400
    assert "Please check the form and send it again." in response.get_data(as_text=True)
    assert _count(Registration) == 0


def test_registration_at_a_human_pace_is_accepted(db, client, timed):
    event = make_event()
    db.session.commit()

    response = client.post(f"/events/{event.id}",
                           data=_form(shown_at=_stamp(timed, HUMAN_SECONDS)), headers=EN)

    assert response.status_code == 302
    assert _count(Registration) == 1


def test_stamp_shown_by_the_form_page_is_signed_and_fresh(db, client, timed):
    event = make_event()
    db.session.commit()

    page = client.get(f"/events/{event.id}", headers=EN).get_data(as_text=True)

    stamp = re.search(r'name="shown_at" type="hidden" value="([^"]+)"', page).group(1)
    with timed.app_context():
        assert stamp_problem(stamp) == "fast"
        assert stamp_problem(stamp, time.time() + HUMAN_SECONDS) is None
        assert stamp_problem(stamp + "x", time.time() + HUMAN_SECONDS) == "missing"


def test_new_link_form_with_the_trap_field_filled_mails_nothing(db, client):
    event = make_event()
    person = make_person("marie@example.org")
    make_registration(event, person)
    db.session.commit()

    response = client.post(f"/events/{event.id}/new-link",
                           data={"email": "marie@example.org", "website": "x"}, headers=EN)

    assert response.status_code == 400
    assert outbox() == []
    db.session.expire_all()
    assert db.session.get(Person, person.id).token_version == 1


def test_new_link_form_sent_too_fast_keeps_the_address(db, client, timed):
    event = make_event()
    db.session.commit()

    response = client.post(f"/events/{event.id}/new-link",
                           data={"email": "marie@example.org", "shown_at": _stamp(timed, 0)},
                           headers=EN)

    assert response.status_code == 400
    assert 'value="marie@example.org"' in response.get_data(as_text=True)


def test_b2b_sign_up_with_the_trap_field_filled_is_refused(db, client):
    session = make_session(make_b2b_event())
    registration = make_registration(session.event, make_person("bob@example.org"))
    db.session.commit()
    url = f"/b2b/{session.id}/join/{make_manage_token(registration)}"

    refused = client.post(url, data={"website": "spam"}, headers=EN)

    assert refused.status_code == 400
    assert 'data-testid="form-check"' in refused.get_data(as_text=True)
    assert _count(Participant) == 0


def test_b2b_sign_up_sent_too_fast_is_sent_back_then_accepted(db, client, timed):
    session = make_session(make_b2b_event())
    registration = make_registration(session.event, make_person("bob@example.org"))
    db.session.commit()
    url = f"/b2b/{session.id}/join/{make_manage_token(registration)}"

    fast = client.post(url, data={"shown_at": _stamp(timed, 0)}, headers=EN)
    human = client.post(url, data={"shown_at": _stamp(timed, HUMAN_SECONDS)}, headers=EN)

    assert fast.status_code == 400 and "That was very quick!" in fast.get_data(as_text=True)
    assert human.status_code == 302
    assert _count(Participant) == 1
