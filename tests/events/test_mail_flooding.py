"""Re-registering an address, or asking for a new link, mails it at most once a quarter hour."""

from datetime import timedelta

from sqlalchemy import func, select

from app.db import utc_now
from app.events.models import Audience, Registration
from app.extensions import db as _db
from app.mail.delivery import deliver_due
from app.mail.models import OutboxMessage
from tests.factories import make_event

EN = {"Accept-Language": "en"}
FORM = {"first_name": "Marie", "last_name": "Dubois", "email": "marie@example.org",
        "organisation": "Independent", "language": "en", "consent": "y"}


def _age_outbox(minutes: int) -> None:
    for message in _db.session.scalars(select(OutboxMessage)):
        message.created_at -= timedelta(minutes=minutes)
    _db.session.commit()


def test_thirty_registrations_of_one_address_deliver_one_mail(smtp_app, smtp_server, db):
    event = make_event()
    db.session.commit()
    client = smtp_app.test_client()

    answers = [client.post(f"/events/{event.id}", data=FORM, headers=EN) for _ in range(30)]
    delivered = deliver_due(smtp_app)

    assert {a.headers["Location"] for a in answers} == {f"/events/{event.id}/registered"}
    assert delivered == 1
    [mail] = smtp_server.wait_for(1)
    assert mail.rcpt_tos == ["marie@example.org"]
    assert mail.subject == "Registration confirmed: Wood circlemeet"
    assert db.session.scalar(select(func.count(Registration.id))) == 1


def test_registering_again_after_a_quarter_hour_mails_the_link_once_more(
        smtp_app, smtp_server, db):
    event = make_event()
    db.session.commit()
    client = smtp_app.test_client()
    client.post(f"/events/{event.id}", data=FORM, headers=EN)
    deliver_due(smtp_app)
    _age_outbox(16)

    for _ in range(5):
        client.post(f"/events/{event.id}", data=FORM, headers=EN)
    delivered = deliver_due(smtp_app, now=utc_now() + timedelta(seconds=1))

    assert delivered == 1
    assert [m.subject for m in smtp_server.wait_for(2)] == [
        "Registration confirmed: Wood circlemeet", "Your registration: Wood circlemeet"]


def test_thirty_new_link_requests_deliver_one_mail(smtp_app, smtp_server, db):
    event = make_event()
    db.session.commit()
    client = smtp_app.test_client()
    client.post(f"/events/{event.id}", data=FORM, headers=EN)
    _age_outbox(16)
    deliver_due(smtp_app)

    for _ in range(30):
        client.post(f"/events/{event.id}/new-link", data={"email": "marie@example.org"},
                    headers=EN)
    delivered = deliver_due(smtp_app, now=utc_now() + timedelta(seconds=1))

    assert delivered == 1
    assert smtp_server.wait_for(2)[1].subject == "Your new personal link: Wood circlemeet"


def test_thirty_members_only_registrations_of_a_stranger_deliver_one_mail(
        smtp_app, smtp_server, db):
    event = make_event(audience=Audience.MEMBERS)
    db.session.commit()
    client = smtp_app.test_client()

    for _ in range(30):
        client.post(f"/events/{event.id}", data=FORM, headers=EN)
    delivered = deliver_due(smtp_app)

    assert delivered == 1
    assert smtp_server.wait_for(1)[0].subject == "About your registration: Wood circlemeet"
