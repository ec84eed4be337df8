"""Registration mail is stored by the request, built and sent by the worker.

With DEFERRED_MAIL_BY_WORKER (the default outside tests) the request only inserts one row:
building the mail (templates, invite, signed links) cost a third of a registration POST. The
mail still always goes out: the embedded worker builds it on its next poll, an RQ worker in
the task pushed after the commit.
"""

import time

from sqlalchemy import func, select

from app.extensions import db
from app.jobs.worker import run_once
from app.mail.models import DeferredMail, OutboxMessage, OutboxStatus
from tests.factories import make_event
from tests.jobs.test_rq import wait_for, worker_beats


def _post_registration(app) -> int:
    """Register Marie in French through the public form; return the event's id."""
    app.config["DEFERRED_MAIL_BY_WORKER"] = True
    event_id = make_event(capacity=3, confirm_by_link=False).id
    db.session.commit()
    response = app.test_client().post(f"/events/{event_id}", data={
        "first_name": "Marie", "last_name": "Dubois", "email": "marie@example.org",
        "language": "fr", "consent": "y"})
    assert response.status_code == 302
    return event_id


def _check_confirmation(mail) -> None:
    assert mail.rcpt_tos == ["marie@example.org"]
    assert mail.subject.split() == ["Inscription", "confirmée", ":", "Circlemeet", "bois"]
    types = [part.get_content_type() for part in mail.message.walk()]
    assert "text/calendar" in types  # the invite


def test_the_request_stores_the_mail_and_the_worker_builds_and_sends_it(smtp_app, db,
                                                                       smtp_server):
    _post_registration(smtp_app)

    # The request built nothing: the outbox is empty, the deferred row waits.
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0
    assert db.session.scalar(select(func.count(DeferredMail.id))) == 1
    db.session.rollback()

    run_once(smtp_app)  # its next poll, however young the row is

    [mail] = smtp_server.wait_for(1)
    _check_confirmation(mail)
    assert db.session.scalar(select(func.count(DeferredMail.id))) == 0
    assert db.session.scalar(select(OutboxMessage.status)) == OutboxStatus.SENT


def test_an_rq_worker_builds_and_sends_it_at_once(rq_app, db, smtp_server, rq_workers):
    worker = rq_workers.start(WORKER_BEAT_SECONDS="3600")
    wait_for(db, lambda: worker_beats(db) == 1, 60, "the worker's first beat", [worker])
    time.sleep(1)  # its one beat is over: only the task pushed by the commit can build it

    started = time.monotonic()
    _post_registration(rq_app)

    [mail] = smtp_server.wait_for(1, timeout=30)
    assert time.monotonic() - started < 15  # pushed, not waiting for an hourly beat
    _check_confirmation(mail)
    wait_for(db, lambda: db.session.scalar(select(func.count(DeferredMail.id))) == 0, 10,
             "the deferred row to be claimed", [worker])
