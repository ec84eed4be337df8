from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.b2b import meeting_requests, services
from app.b2b.mails import _claim, send_digests
from app.b2b.models import B2BNotification
from app.extensions import db
from app.mail.models import OutboxMessage
from tests.factories import make_participant, make_session
from tests.mails import parse, text_body

MORNING = datetime(2027, 5, 10, 7, tzinfo=UTC)  # 9:00 in Brussels


def digests():
    return list(db_scalars(select(OutboxMessage).where(OutboxMessage.kind == "b2b.digest")
                           .order_by(OutboxMessage.id)))


def db_scalars(query):
    return db.session.scalars(query)


def _people(db, language_b="nl"):
    session = make_session()
    ann = make_participant(session, "ann@a.example", first_name="Ann", language="en")
    bob = make_participant(session, "bob@b.example", first_name="Bob", language=language_b)
    cat = make_participant(session, "cat@c.example", first_name="Cat", language="fr")
    db.session.commit()
    return session, ann, bob, cat


def test_digest_lists_new_requests_in_recipients_language(db, vocabulary):
    session, ann, bob, cat = _people(db, language_b="en")
    meeting_requests.request_meeting(ann, bob, 3)
    meeting_requests.request_meeting(cat, bob, 1)
    db.session.commit()

    count = send_digests(MORNING)

    [mail] = digests()
    message = parse(mail.raw)
    assert count == 1
    assert mail.recipient == "bob@b.example"
    assert message["Subject"] == "B2B meetings: 2 updates"
    body = text_body(message)
    assert "Ann Test (Org ann@a.example) asks to meet you (must meet)." in body
    assert "Cat Test (Org cat@c.example) asks to meet you (could meet)." in body
    assert f"/b2b/{session.id}/me/" in body
    assert db.session.scalar(select(B2BNotification.sent_at).limit(1)) == MORNING


def test_digest_at_most_once_a_day(db, vocabulary):
    _, ann, bob, cat = _people(db, language_b="en")
    meeting_requests.request_meeting(ann, bob, 3)
    db.session.commit()
    send_digests(MORNING)
    meeting_requests.request_meeting(cat, bob, 1)
    db.session.commit()

    later_same_day = send_digests(MORNING + timedelta(hours=10))
    next_day = send_digests(MORNING + timedelta(days=1))

    assert (later_same_day, next_day) == (0, 1)
    assert [m.recipient for m in digests()] == ["bob@b.example", "bob@b.example"]
    assert "Cat Test" in text_body(parse(digests()[1].raw))


def test_digest_answers_go_to_requester(db, vocabulary):
    _, ann, bob, cat = _people(db)
    request = meeting_requests.request_meeting(ann, bob, 2)
    declined = meeting_requests.request_meeting(ann, cat, 2)
    meeting_requests.respond_to_request(request, bob, True)
    meeting_requests.respond_to_request(declined, cat, False)
    db.session.commit()

    send_digests(MORNING)

    by_recipient = {m.recipient: text_body(parse(m.raw)) for m in digests()}
    assert "Bob Test (Org bob@b.example) accepted your meeting request." in by_recipient[
        "ann@a.example"]
    assert "Cat Test (Org cat@c.example) declined your meeting request." in by_recipient[
        "ann@a.example"]


def test_digest_in_persons_language_header(db, vocabulary):
    _, ann, bob, _ = _people(db, language_b="nl")
    meeting_requests.request_meeting(ann, bob, 2)
    db.session.commit()

    send_digests(MORNING)

    [mail] = digests()
    html = parse(mail.raw).get_body(("html",)).get_content()
    assert '<html lang="nl">' in html


def test_withdrawn_request_leaves_no_line(db, vocabulary):
    _, ann, bob, _ = _people(db)
    request = meeting_requests.request_meeting(ann, bob, 2)
    meeting_requests.withdraw_request(request, ann)
    db.session.commit()

    assert send_digests(MORNING) == 0
    assert digests() == []
    assert db.session.scalar(select(B2BNotification.sent_at)) == MORNING


def test_deadline_reminder_joins_digest_once(db, vocabulary, app):
    session, ann, bob, cat = _people(db, language_b="en")
    services.update_session(session, request_deadline_at=MORNING + timedelta(days=1))
    db.session.commit()

    first = send_digests(MORNING)
    second = send_digests(MORNING + timedelta(days=1, hours=-1))

    assert (first, second) == (3, 0)
    body = text_body(parse(next(m for m in digests() if m.recipient == "bob@b.example").raw))
    assert "Meeting requests close on" in body


def test_deadline_too_far_sends_nothing(db, vocabulary):
    session, *_ = _people(db)
    services.update_session(session, request_deadline_at=MORNING + timedelta(days=10))
    db.session.commit()

    assert send_digests(MORNING) == 0


def test_claimed_notifications_are_not_sent_twice(db, vocabulary):
    _, ann, bob, _ = _people(db)
    meeting_requests.request_meeting(ann, bob, 2)
    db.session.commit()
    ids = list(db.session.scalars(select(B2BNotification.id)))

    assert _claim(ids, MORNING) == ids
    assert _claim(ids, MORNING) == []


def test_send_digests_command(runner, db, vocabulary):
    _, ann, bob, _ = _people(db)
    meeting_requests.request_meeting(ann, bob, 2)
    db.session.commit()

    result = runner.invoke(args=["b2b", "send-digests"])

    assert result.exit_code == 0
    assert result.output == "1 digests queued.\n"
