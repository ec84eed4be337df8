"""Signals: events announces confirmed and cancelled registrations and asks for links."""

import pytest

from app.events import services
from app.events.display import extra_links
from app.events.models import RegistrationStatus
from app.signals import Link, registration_cancelled, registration_confirmed, registration_links
from tests.factories import make_event, registration_data
from tests.mails import outbox, parse, text_body


@pytest.fixture
def announced():
    """Record (signal, email) for every registration confirmed or cancelled."""
    seen: list[tuple[str, str]] = []

    def on_confirmed(registration, **_extra):
        seen.append(("confirmed", registration.person.email))

    def on_cancelled(registration, **_extra):
        seen.append(("cancelled", registration.person.email))

    with registration_confirmed.connected_to(on_confirmed), \
            registration_cancelled.connected_to(on_cancelled):
        yield seen


def _register(event, email: str):
    return services.register(event, **registration_data(email=email))[0]


def test_register_cancel_and_promotion_are_announced(db, announced):
    event = make_event(capacity=1, confirm_by_link=False)
    first = _register(event, "a@example.org")
    _register(event, "b@example.org")

    services.cancel_registration(first)

    assert announced == [("confirmed", "a@example.org"), ("cancelled", "a@example.org"),
                         ("confirmed", "b@example.org")]


def test_approval_and_moves_announce_only_confirmations(db, announced):
    pending = _register(make_event(capacity=5, confirm_by_link=False, requires_approval=True),
                        "p@example.org")
    event = make_event(capacity=1, confirm_by_link=False)
    confirmed = _register(event, "a@example.org")
    waiting = _register(event, "b@example.org")

    services.approve_registration(pending)
    services.move_registration(waiting, RegistrationStatus.CONFIRMED)
    services.move_registration(confirmed, RegistrationStatus.WAITLISTED)

    assert announced == [("confirmed", "a@example.org"), ("confirmed", "p@example.org"),
                         ("confirmed", "b@example.org")]


def test_links_are_asked_for_confirmed_registrations_only_and_sorted(db):
    event = make_event(capacity=1, confirm_by_link=False)
    confirmed = _register(event, "a@example.org")
    waiting = _register(event, "b@example.org")

    def later(registration, **_extra):
        return Link("zz", "Later", f"https://example.org/zz/{registration.id}")

    def earlier(registration, **_extra):
        return Link("aa", "Earlier", "https://example.org/aa")

    def nothing(registration, **_extra):
        return None

    with registration_links.connected_to(later), registration_links.connected_to(earlier), \
            registration_links.connected_to(nothing):
        links = extra_links(confirmed)
        none = extra_links(waiting)

    assert links == [Link("aa", "Earlier", "https://example.org/aa"),
                     Link("zz", "Later", f"https://example.org/zz/{confirmed.id}")]
    assert none == []


def test_subscriber_link_is_shown_in_the_mail_and_on_the_manage_page(client, db):
    event = make_event()

    def extra(registration, **_extra):
        return Link("extra", "Extra", "https://example.org/extra")

    with registration_links.connected_to(extra):
        _register(event, "a@example.org")
        db.session.commit()
        body = text_body(parse(outbox()[-1].raw))
        path = "/events/manage/" + body.split("/events/manage/")[1].split()[0]
        page = client.get(path, headers={"Accept-Language": "en"}).get_data(as_text=True)
    without = client.get(path, headers={"Accept-Language": "en"}).get_data(as_text=True)

    assert "Extra: https://example.org/extra\n" in body
    assert '<a href="https://example.org/extra" data-testid="extra-link">Extra</a>' in page
    assert 'data-testid="extra-link"' not in without
