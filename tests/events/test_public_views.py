"""Public pages: list, detail, registration form, check-your-mailbox, manage link."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app import create_app
from app.db import utc_now
from app.events import services
from app.events.models import (
    Audience,
    EventKind,
    ProgrammeItem,
    QuestionKind,
    Registration,
    RegistrationStatus,
)
from app.events.queries import make_manage_token
from app.extensions import db as _db
from app.extensions import limiter
from app.members.models import Sector
from config import TestingConfig
from tests.factories import make_event, make_person, make_question
from tests.mails import outbox

EN = {"Accept-Language": "en"}


def _form(**values) -> dict:
    data = {"first_name": "Marie", "last_name": "Dubois", "email": "marie@example.org",
            "organisation": "Independent", "language": "en", "consent": "y"}
    data.update(values)
    return data


def _registrations() -> int:
    return _db.session.scalar(select(func.count(Registration.id)))


def test_upcoming_lists_published_future_events_filtered_by_kind(db, client):
    visit = make_event(kind=EventKind.SITE_VISIT, title_en="Visit of the sawmill")
    circle = make_event(title_en="Textile circlemeet")
    make_event(title_en="Draft party", status="draft")
    make_event(title_en="Last year", starts_at=utc_now() - timedelta(days=300))
    db.session.commit()

    all_page = client.get("/events/", headers=EN).get_data(as_text=True)
    visits = client.get("/events/?kind=site_visit", headers=EN).get_data(as_text=True)

    assert f'data-testid="event-{visit.id}"' in all_page
    assert f'data-testid="event-{circle.id}"' in all_page
    assert "Draft party" not in all_page and "Last year" not in all_page
    assert "Visit of the sawmill" in visits and "Textile circlemeet" not in visits


def test_upcoming_filtered_by_sector(db, client, vocabulary):
    wood = db.session.scalar(select(Sector).where(Sector.code == "wood"))
    make_event(title_en="Wood group", sectors=[wood])
    make_event(title_en="Bike group")
    db.session.commit()

    page = client.get(f"/events/?sector={wood.id}", headers=EN).get_data(as_text=True)

    assert "Wood group" in page and "Bike group" not in page


def test_detail_shows_programme_and_places(db, client):
    event = make_event(capacity=12, title_en="Two-day seminar")
    event.programme.append(ProgrammeItem(starts_at=event.starts_at, ends_at=event.ends_at,
                                         title_en="Welcome coffee", location="Hall A"))
    db.session.commit()

    page = client.get(f"/events/{event.id}", headers=EN).get_data(as_text=True)

    assert "Two-day seminar" in page and "Welcome coffee" in page and "Hall A" in page
    assert re.search(r'data-testid="places-left">\s*12\s*<', page)


def test_draft_event_page_is_not_found(db, client):
    event = make_event(status="draft")
    db.session.commit()

    assert client.get(f"/events/{event.id}").status_code == 404


def test_register_redirects_to_check_your_mailbox(db, client):
    event = make_event()
    db.session.commit()

    response = client.post(f"/events/{event.id}", data=_form(), headers=EN)
    page = client.get(response.headers["Location"], headers=EN).get_data(as_text=True)

    assert response.status_code == 302
    assert response.headers["Location"] == f"/events/{event.id}/registered"
    assert 'data-testid="check-mailbox"' in page
    assert _registrations() == 1
    assert [m.kind for m in outbox()] == ["registration.confirmed"]


def test_register_form_errors_shown_and_nothing_changed(db, client):
    event = make_event()
    question = make_question(event, QuestionKind.TEXT, required=True, label="Dietary needs")
    db.session.commit()

    response = client.post(f"/events/{event.id}", headers=EN,
                           data=_form(email="not-an-address", consent=""))
    page = response.get_data(as_text=True)

    assert response.status_code == 400
    assert "Invalid email address." in page
    assert "Please accept the privacy notice." in page
    assert "This answer is required." in page
    assert f'name="q_{question.id}"' in page
    assert 'value="Marie"' in page  # what was typed is kept
    assert _registrations() == 0 and outbox() == []


def test_register_closed_event_shows_reason_and_changes_nothing(db, client):
    event = make_event(registration_closes_at=utc_now() - timedelta(hours=1))
    db.session.commit()

    response = client.post(f"/events/{event.id}", data=_form(), headers=EN)
    page = response.get_data(as_text=True)

    assert response.status_code == 400
    assert 'data-reason="closed"' in page
    assert "Registration for this event is closed." in page
    assert _registrations() == 0 and outbox() == []


def test_register_cancelled_event_page_says_so(db, client):
    event = make_event(status="cancelled")
    db.session.commit()

    page = client.get(f"/events/{event.id}", headers=EN).get_data(as_text=True)

    assert 'data-testid="event-cancelled"' in page
    assert 'data-testid="registration-form"' not in page


def test_members_only_page_answers_the_same_for_member_and_stranger(db, client):
    member = make_person("ann@boisvif.example", organisation="Bois Vif SRL")
    event = make_event(audience=Audience.MEMBERS)
    db.session.commit()

    as_member = client.post(f"/events/{event.id}", data=_form(email=member.email), headers=EN)
    as_stranger = client.post(f"/events/{event.id}", data=_form(email="x@example.org"),
                              headers=EN)

    assert as_member.status_code == as_stranger.status_code == 302
    assert as_member.headers["Location"] == as_stranger.headers["Location"]
    assert [(m.kind, m.recipient) for m in outbox()] == [
        ("registration.confirmed", "ann@boisvif.example"),
        ("registration.not_member", "x@example.org"),
    ]


def test_duplicate_registration_page_still_says_check_mailbox(db, client):
    event = make_event()
    db.session.commit()
    client.post(f"/events/{event.id}", data=_form(), headers=EN)

    again = client.post(f"/events/{event.id}", data=_form(), headers=EN)

    assert again.headers["Location"] == f"/events/{event.id}/registered"
    assert _registrations() == 1
    # The confirmation carried the personal link: no second mail within the quarter hour.
    assert [m.kind for m in outbox()] == ["registration.confirmed"]


def _registration(db, **event_values):
    event = make_event(**event_values)
    registration, _ = services.register(event, email="marie@example.org", first_name="Marie",
                                        last_name="Dubois", language="en")
    db.session.commit()
    return registration


def test_manage_page_get_changes_nothing(db, client):
    registration = _registration(db)
    before = len(outbox())

    page = client.get(f"/events/manage/{make_manage_token(registration)}", headers=EN)

    assert page.status_code == 200
    assert 'data-status="confirmed"' in page.get_data(as_text=True)
    db.session.refresh(registration)
    assert registration.status == RegistrationStatus.CONFIRMED
    assert len(outbox()) == before


def test_manage_post_cancels(db, client):
    registration = _registration(db)
    token = make_manage_token(registration)

    response = client.post(f"/events/manage/{token}/cancel", headers=EN)
    page = client.get(response.headers["Location"], headers=EN).get_data(as_text=True)

    db.session.refresh(registration)
    assert response.status_code == 302
    assert registration.status == RegistrationStatus.CANCELLED
    assert 'data-status="cancelled"' in page
    assert outbox()[-1].kind == "registration.cancelled"


def test_manage_post_updates_answers(db, client):
    registration = _registration(db)
    question = make_question(registration.event, QuestionKind.YES_NO, required=True,
                             label="Parking")
    db.session.commit()
    token = make_manage_token(registration)

    bad = client.post(f"/events/manage/{token}/answers", data={f"q_{question.id}": ""},
                      headers=EN)
    good = client.post(f"/events/manage/{token}/answers", data={f"q_{question.id}": "yes"},
                       headers=EN)

    db.session.refresh(registration)
    assert bad.status_code == 400 and "This answer is required." in bad.get_data(as_text=True)
    assert good.status_code == 302
    assert registration.answers == {str(question.id): "yes"}


@pytest.mark.parametrize(("mangle", "status", "reason"), [
    (lambda token: token + "x", 400, "invalid"),
    (lambda token: "nonsense", 400, "invalid"),
])
def test_manage_with_forged_token_shows_clear_page(db, client, mangle, status, reason):
    registration = _registration(db)
    token = mangle(make_manage_token(registration))

    get = client.get(f"/events/manage/{token}", headers=EN)
    post = client.post(f"/events/manage/{token}/cancel", headers=EN)

    assert get.status_code == post.status_code == status
    assert f'data-reason="{reason}"' in get.get_data(as_text=True)
    db.session.refresh(registration)
    assert registration.status == RegistrationStatus.CONFIRMED


def test_manage_with_revoked_token_refused(db, client):
    registration = _registration(db)
    token = make_manage_token(registration)
    registration.person.token_version += 1
    db.session.commit()

    response = client.post(f"/events/manage/{token}/cancel", headers=EN)

    assert response.status_code == 403
    assert 'data-reason="revoked"' in response.get_data(as_text=True)
    db.session.refresh(registration)
    assert registration.status == RegistrationStatus.CONFIRMED


def test_manage_cancel_needs_csrf_when_enabled(app, db, client):
    registration = _registration(db)
    token = make_manage_token(registration)
    app.config["WTF_CSRF_ENABLED"] = True

    refused = client.post(f"/events/manage/{token}/cancel", headers=EN)
    page = client.get(f"/events/manage/{token}", headers=EN).get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    accepted = client.post(f"/events/manage/{token}/cancel", data={"csrf_token": csrf},
                           headers=EN)

    assert refused.status_code == 400
    assert accepted.status_code == 302
    db.session.refresh(registration)
    assert registration.status == RegistrationStatus.CANCELLED


def test_registration_needs_csrf_when_enabled(app, db, client):
    event = make_event()
    db.session.commit()
    app.config["WTF_CSRF_ENABLED"] = True

    response = client.post(f"/events/{event.id}", data=_form(), headers=EN)

    assert response.status_code == 400
    assert _registrations() == 0


@pytest.fixture
def limited_app(tmp_path):
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'rl.sqlite'}",
                     RATELIMIT_ENABLED=True, REGISTRATION_RATE_LIMIT="2 per minute",
                     MANAGE_RATE_LIMIT="3 per minute", RATELIMIT_STRATEGY="moving-window",
                     MAIL_FOLDER=str(tmp_path / "mail"))
    with app.app_context():
        _db.create_all()
        yield app
        _db.session.remove()
        _db.engine.dispose()


def test_registration_rate_limited_with_friendly_429(limited_app):
    limiter.reset()
    event = make_event()
    _db.session.commit()
    client = limited_app.test_client()

    codes = [client.post(f"/events/{event.id}", headers=EN,
                         data=_form(email=f"p{i}@example.org")).status_code for i in range(3)]
    last = client.post(f"/events/{event.id}", headers=EN, data=_form(email="z@example.org"))

    assert codes == [302, 302, 429]
    assert "Too many registrations from your connection" in last.get_data(as_text=True)
    assert client.get(f"/events/{event.id}").status_code == 200  # reading stays free


def test_manage_links_rate_limited(limited_app):
    limiter.reset()
    client = limited_app.test_client()

    codes = [client.get("/events/manage/guess", headers=EN).status_code for _ in range(4)]

    assert codes == [400, 400, 400, 429]
