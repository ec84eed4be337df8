"""Pages run a fixed number of SQL statements whatever the number of events and registrations."""

import contextlib
from datetime import timedelta

from sqlalchemy import event as sa_event

from app.auth.services import create_user
from app.db import utc_now
from app.events import queries
from app.events.models import Event, ProgrammeItem, RegistrationStatus
from app.extensions import db
from tests.factories import (
    make_event,
    make_organisation,
    make_person,
    make_question,
    make_registration,
)

#: One registration of each kind that takes a place or not, in turn.
STATUSES = [(RegistrationStatus.CONFIRMED, {}),
            (RegistrationStatus.UNCONFIRMED, {"hold_expires_at": timedelta(minutes=20)}),
            (RegistrationStatus.UNCONFIRMED, {"hold_expires_at": timedelta(minutes=-5)}),
            (RegistrationStatus.PENDING, {"offered_at": timedelta(0)}),
            (RegistrationStatus.WAITLISTED, {}),
            (RegistrationStatus.CANCELLED, {})]


@contextlib.contextmanager
def counted_statements(app):
    """Collect the SQL statements the app's engine runs inside the block."""
    statements: list[str] = []

    def before_cursor_execute(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    sa_event.listen(engine, "before_cursor_execute", before_cursor_execute)
    try:
        yield statements
    finally:
        sa_event.remove(engine, "before_cursor_execute", before_cursor_execute)


def _add_events(app, count: int, registrations: int, tag: str) -> list[int]:
    """Add `count` events with a host, a question, a programme item and registrations."""
    now = utc_now()
    with app.app_context():
        ids = []
        for number in range(count):
            event = make_event(capacity=5 + number, title_en=f"Event {tag}{number}",
                               host_organisation=make_organisation(f"Host {tag}{number}"))
            make_question(event)
            db.session.add(ProgrammeItem(event=event, starts_at=event.starts_at,
                                         ends_at=event.ends_at, title_en="Welcome"))
            for index in range(registrations):
                status, times = STATUSES[index % len(STATUSES)]
                person = make_person(f"p{tag}{number}-{index}@example.org",
                                     organisation=make_organisation(f"Org {tag}{number}-{index}"))
                make_registration(event, person, status,
                                  **{key: now + delta for key, delta in times.items()})
            ids.append(event.id)
        db.session.commit()
        return ids


def _statements(app, client, url: str) -> int:
    with counted_statements(app) as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(statements)


def _log_in(app, client) -> None:
    with app.app_context():
        create_user("orga@cluster.example", "correct-horse", name="Orga", is_admin=True)
        db.session.commit()
    response = client.post("/auth/login", data={"email": "orga@cluster.example",
                                                "password": "correct-horse"})
    assert response.status_code == 302


def test_event_list_runs_the_same_statements_for_5_and_40_events(app, client):
    _add_events(app, 5, 2, "a")
    with_5 = _statements(app, client, "/events/")
    _add_events(app, 35, 2, "b")
    with_40 = _statements(app, client, "/events/")

    assert with_40 == with_5
    assert with_5 <= 4


def test_event_list_counts_places_like_places_left(app, client):
    ids = _add_events(app, 2, 12, "a")
    # Each event: 12 registrations in turn, 2 of each; confirmed, held and offered take places.
    with app.app_context():
        events = [db.session.get(Event, event_id) for event_id in ids]
        expected = {event.id: queries.places_left(event) for event in events}
        assert queries.get_places_left(events) == expected == {ids[0]: 0, ids[1]: 0}

    page = client.get("/events/").get_data(as_text=True)
    assert page.count("Full: waiting list") == 2


def test_event_page_runs_the_same_statements_for_3_and_40_registrations(app, client):
    few, many = _add_events(app, 1, 3, "a")[0], _add_events(app, 1, 40, "b")[0]

    assert _statements(app, client, f"/events/{few}") == _statements(
        app, client, f"/events/{many}")


def test_organiser_pages_run_the_same_statements_for_3_and_40_registrations(app, client):
    _log_in(app, client)
    few, many = _add_events(app, 1, 3, "a")[0], _add_events(app, 1, 40, "b")[0]

    for page in ("/admin/events/{}", "/admin/events/{}/registrations"):
        assert _statements(app, client, page.format(few)) == _statements(
            app, client, page.format(many)), page
    before = [_statements(app, client, page) for page in ("/admin/", "/admin/events")]
    _add_events(app, 10, 5, "c")
    assert [_statements(app, client, page) for page in ("/admin/", "/admin/events")] == before
