"""Acceptance: a registration's mail through the real SMTP server, across an outage."""

from datetime import timedelta

from icalendar import Calendar
from sqlalchemy import select

from app.db import utc_now
from app.events import services
from app.mail.delivery import deliver_due
from app.mail.models import OutboxMessage, OutboxStatus
from tests.factories import make_event, registration_data
from tests.mails import calendar_part


def test_confirmation_waits_for_smtp_outage_then_arrives_once(smtp_app, smtp_server, db):
    event = make_event()
    registration, _ = services.register(event, **registration_data())
    db.session.commit()
    smtp_server.stop()

    during_outage = deliver_due(smtp_app)
    db.session.expire_all()
    queued = db.session.scalar(select(OutboxMessage))
    assert during_outage == 0
    assert queued.status == OutboxStatus.PENDING and queued.attempts == 1

    smtp_server.start()
    later = utc_now() + timedelta(hours=2)
    delivered = deliver_due(smtp_app, now=later)
    again = deliver_due(smtp_app, now=later + timedelta(hours=2))

    received = smtp_server.wait_for(1)
    assert (delivered, again) == (1, 0)
    assert len(smtp_server.messages) == 1
    mail = received[0]
    assert mail.rcpt_tos == ["marie.dubois@example.org"]
    assert mail.subject == "Registration confirmed: Wood circlemeet"
    part = calendar_part(mail.message)
    assert part.get_param("method") == "REQUEST"
    vevent = Calendar.from_ical(part.get_payload(decode=True)).walk("VEVENT")[0]
    assert str(vevent["UID"]) == f"registration-{registration.id}@clustermeet.invalid"
    db.session.expire_all()
    assert db.session.scalar(select(OutboxMessage)).status == OutboxStatus.SENT
