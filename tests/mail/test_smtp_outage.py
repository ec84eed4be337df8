"""The real SMTP server (aiosmtpd) down for hours while people register, then back.

Mail is queued with each registration and retried with back-off, each attempt recorded,
none given up while attempts remain; once the server is back every mail goes out exactly once,
each with the Message-ID it was stored with.
"""

from datetime import timedelta

from sqlalchemy import select

from app.db import utc_now
from app.mail.delivery import deliver_due
from app.mail.models import OutboxMessage, OutboxStatus
from tests.factories import make_event

PEOPLE = 6
FORM = {"first_name": "Marie", "last_name": "Dubois", "organisation": "Atelier Chêne",
        "language": "fr", "consent": "y"}


def _outbox(db) -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_smtp_down_for_three_hours_then_back_delivers_every_mail_exactly_once(
        smtp_app, smtp_server, db):
    event = make_event(capacity=50, confirm_by_link=False)
    db.session.commit()
    smtp_server.stop()
    client = smtp_app.test_client()
    addresses = [f"person{i}@example.org" for i in range(PEOPLE)]

    for address in addresses:
        response = client.post(f"/events/{event.id}", data={**FORM, "email": address})
        assert response.status_code == 302, response.get_data(as_text=True)
    queued = _outbox(db)
    assert sorted(m.recipient for m in queued) == addresses
    assert {m.status for m in queued} == {OutboxStatus.PENDING}

    # Three hours of outage, a worker pass every five minutes.
    start = utc_now()
    passes = [deliver_due(smtp_app, now=start + timedelta(minutes=m)) for m in range(0, 180, 5)]

    during = _outbox(db)
    assert passes == [0] * len(passes) and smtp_server.messages == []
    assert {m.status for m in during} == {OutboxStatus.PENDING}  # none given up early
    assert all(m.attempts >= 3 for m in during), [m.attempts for m in during]
    assert all(m.attempts < smtp_app.config["MAIL_MAX_ATTEMPTS"] for m in during)
    assert all(m.last_error.startswith(f"cannot connect to 127.0.0.1:{smtp_server.port}")
               for m in during)
    assert all(m.next_attempt_at > start for m in during)
    attempts_before = {m.id: m.attempts for m in during}

    smtp_server.start()
    back = start + timedelta(hours=4)  # every retry is due by then
    sent = deliver_due(smtp_app, now=back)
    again = [deliver_due(smtp_app, now=back + timedelta(hours=h)) for h in (1, 2)]

    received = smtp_server.messages
    after = _outbox(db)
    assert (sent, again) == (PEOPLE, [0, 0])
    assert sorted(mail.rcpt_tos[0] for mail in received) == addresses  # each exactly once
    assert sorted(mail.message["Message-ID"] for mail in received) == sorted(
        m.message_id for m in after)
    assert {m.status for m in after} == {OutboxStatus.SENT}
    assert {m.id: m.attempts for m in after} == {
        id_: attempts + 1 for id_, attempts in attempts_before.items()}
    assert all(m.last_error == "" for m in after)
