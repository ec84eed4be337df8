"""A registration post does only the work its answer needs (issue #15: the rush of posts)."""

from sqlalchemy import event as sa_event
from sqlalchemy import select

from app.events.models import Registration
from app.extensions import db, limiter
from app.members.models import Person
from tests.factories import make_event
from tests.test_rate_limits import _limited_app, _register, event_id  # noqa: F401 (fixture)

FORM = {"first_name": "Marie", "last_name": "Dubois", "email": "marie@example.org",
        "language": "en", "consent": "y"}


def _post_and_watch(app, **typed) -> tuple[list[str], list[str], object]:
    """Post the public form; return the statements before and after the first commit."""
    app.config["DEFERRED_MAIL_BY_WORKER"] = True
    page = f"/events/{make_event(capacity=3, confirm_by_link=False).id}"
    db.session.commit()
    before: list[str] = []
    after: list[str] = []
    committed = []

    def statement(conn, cursor, text, params, context, executemany):
        (after if committed else before).append(" ".join(text.split()))

    def commit(conn):
        committed.append(True)

    engine = db.engine
    sa_event.listen(engine, "before_cursor_execute", statement)
    sa_event.listen(engine, "commit", commit)
    try:
        response = app.test_client().post(page, data={**FORM, **typed})
    finally:
        sa_event.remove(engine, "before_cursor_execute", statement)
        sa_event.remove(engine, "commit", commit)
    assert response.status_code == 302 and "/registered" in response.location
    return before, after, response


def test_a_new_registration_reads_nothing_after_its_commit(app, db):
    before, after, _ = _post_and_watch(app)

    # The outcome shown next comes from the rows in hand, the mail is the worker's.
    assert after == []
    # The person is looked up in the event's statement, then created: no read of its own.
    assert not any(text.startswith("SELECT people.") for text in before)
    assert sum("FROM people" in text for text in before) == 1
    assert sum(text.startswith("INSERT INTO people") for text in before) == 1
    assert not any("outbox" in text for text in before)


def test_a_known_address_is_found_with_the_event(app, db):
    known = Person(email="marie@example.org", first_name="Marie", last_name="Dubois")
    db.session.add(known)
    db.session.commit()

    before, _, _ = _post_and_watch(app, email="Marie@Example.ORG")

    assert not any(text.startswith(("SELECT people.", "INSERT INTO people")) for text in before)
    registration = db.session.scalars(select(Registration)).one()
    assert registration.person_id == known.id


def test_limited_posts_carry_no_rate_limit_headers(tmp_path, event_id):  # noqa: F811
    # Each X-RateLimit-* header costs the request another read of its window in Redis.
    app = _limited_app(tmp_path / "shared.sqlite")
    limiter.reset()

    response = _register(app, event_id, "203.0.113.9")

    assert response.status_code == 302
    assert [name for name in response.headers.keys() if name.startswith("X-RateLimit")] == []


def test_the_seat_lock_covers_only_the_seat_decision(app, db):
    before, _, _ = _post_and_watch(app)

    taken = next(index for index, text in enumerate(before)
                 if text.startswith("UPDATE events SET id = id") or "FOR UPDATE" in text)
    # PostgreSQL: the lock is the event's SELECT ... FOR UPDATE; SQLite: an UPDATE, then it.
    locked = [text for text in before[taken:] if not text.startswith("UPDATE events SET")]
    # Person and answers are read before the lock; under it: the event's row again, one read
    # counting the places taken and the expired holds and offers (none here, so none to
    # load), and the two inserts (the registration's reads the notice version in force).
    assert not any(name in text for text in locked
                   for name in ("FROM people", "FROM questions"))
    assert [text for text in before if "FROM privacy_notices" in text] == [
        text for text in locked if text.startswith("INSERT INTO registrations")]
    assert [text.split(" (")[0].split(" FROM ")[0][:20] for text in locked] == [
        "SELECT events.id, ev", "SELECT coalesce(sum(", "INSERT INTO registra",
        "INSERT INTO deferred"]


def test_a_registration_post_compiles_each_statement_once(app, db):
    # A statement SQLAlchemy cannot cache (a dialect's INSERT ... ON CONFLICT, a query with
    # values inlined) is compiled at every post: in a rush that was the largest single cost.
    rush_event = make_event(capacity=3, confirm_by_link=False).id
    db.session.commit()
    seen: list[tuple[str, str]] = []

    def statement(conn, cursor, text, params, context, executemany):
        seen.append((context.cache_hit.name, " ".join(text.split())[:60]))

    client = app.test_client()
    client.post(f"/events/{rush_event}", data={**FORM, "email": "first@example.org"})
    sa_event.listen(db.engine, "before_cursor_execute", statement)
    try:
        for number in range(2):
            response = client.post(f"/events/{rush_event}",
                                   data={**FORM, "email": f"later{number}@example.org"})
            assert response.status_code == 302
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", statement)

    assert seen and [text for hit, text in seen if hit != "CACHE_HIT"] == []


def test_an_address_written_another_way_still_finds_its_person(app, db):
    # The form's address is looked up as typed; the service's check writes the domain in
    # Unicode: the person stored that way is found again by the service's own read.
    known = Person(email="marie@exämple.org", first_name="Marie", last_name="Dubois")
    db.session.add(known)
    db.session.commit()

    before, _, _ = _post_and_watch(app, email="marie@xn--exmple-cua.org")

    assert sum(text.startswith("SELECT people.") for text in before) == 1
    assert not any(text.startswith("INSERT INTO people") for text in before)
    registration = db.session.scalars(select(Registration)).one()
    assert registration.person_id == known.id
