"""The outbox page (organisers and administrators; check-in staff refused), its retry button,
`flask mail retry`, the stored Message-ID and the claim lease."""

from datetime import timedelta
from email.message import EmailMessage

import pytest
from sqlalchemy import select

from app.auth import services as accounts
from app.auth.models import Role
from app.db import utc_now
from app.extensions import db as _db
from app.mail.delivery import deliver_due, release_stale_claims
from app.mail.models import OutboxMessage, OutboxStatus
from app.mail.services import queue_message
from tests.factories import queue_plain

PASSWORD = "outbox-page-42"


def _failed(to: str, reason: str = "421 server down") -> int:
    message = queue_plain(to, subject=f"Hello {to}")
    message.status, message.attempts, message.last_error = OutboxStatus.FAILED, 12, reason
    return message.id


@pytest.fixture
def outbox(app):
    """A failed, a pending and a sent mail, and an account of each role."""
    with app.app_context():
        for role in Role:
            accounts.create_user(f"{role.value}@cluster.example", PASSWORD, role=role)
        failed = _failed("failed@example.org", "550 mailbox unavailable")
        pending = queue_plain("pending@example.org", kind="event.message").id
        sent = queue_plain("sent@example.org")
        sent.status, sent.sent_at, sent.attempts = OutboxStatus.SENT, utc_now(), 1
        _db.session.commit()
        return {"failed": failed, "pending": pending, "sent": sent.id}


def _client(app, role: Role):
    client = app.test_client()
    response = client.post("/auth/login", data={"email": f"{role.value}@cluster.example",
                                                "password": PASSWORD})
    assert response.status_code == 302
    return client


def _status(app, message_id: int) -> OutboxStatus:
    with app.app_context():
        return _db.session.get(OutboxMessage, message_id).status


@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.ORGANISER])
def test_outbox_page_lists_every_status_with_reason_and_no_body(app, outbox, role):
    page = _client(app, role).get("/admin/outbox/", headers={"Accept-Language": "en"})

    assert page.status_code == 200
    for address in ("failed@example.org", "pending@example.org", "sent@example.org"):
        assert address in page.text
    assert "550 mailbox unavailable" in page.text
    assert "registered for the circlemeet" not in page.text  # bodies are never shown
    assert page.text.count('data-status="failed"') == 1
    assert f'action="/admin/outbox/{outbox["failed"]}/retry' in page.text
    assert f'/admin/outbox/{outbox["sent"]}/retry' not in page.text  # only failed mail


def test_outbox_page_refuses_checkin_staff_and_anonymous(app, outbox):
    staff = _client(app, Role.CHECKIN)

    assert staff.get("/admin/outbox/").status_code == 403
    assert staff.post(f"/admin/outbox/{outbox['failed']}/retry").status_code == 403
    assert app.test_client().get("/admin/outbox/").status_code == 302  # to the login
    assert _status(app, outbox["failed"]) == OutboxStatus.FAILED


def test_outbox_page_filters_by_status_and_kind_and_paginates(app, outbox):
    with app.app_context():
        for i in range(55):
            queue_plain(f"bulk{i}@example.org", kind="b2b.invite")
        _db.session.commit()
    client = _client(app, Role.ORGANISER)

    failed = client.get("/admin/outbox/?status=failed")
    kind = client.get("/admin/outbox/?kind=event.message")
    first = client.get("/admin/outbox/?kind=b2b.invite")
    second = client.get("/admin/outbox/?kind=b2b.invite&page=2")
    bad = client.get("/admin/outbox/?status=lost&page=x")

    assert "failed@example.org" in failed.text and "pending@example.org" not in failed.text
    assert "pending@example.org" in kind.text and "failed@example.org" not in kind.text
    assert first.text.count("<tr data-status") == 50
    assert second.text.count("<tr data-status") == 5
    assert 'href="/admin/outbox/?page=2&amp;kind=b2b.invite"' in first.text
    assert bad.status_code == 400  # a form error, not a 500


def test_retry_button_requeues_failed_mail_which_the_worker_then_sends(app, outbox):
    client = _client(app, Role.ORGANISER)
    app.config["WTF_CSRF_ENABLED"] = True
    page = client.get("/admin/outbox/?status=failed")
    token = page.text.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]

    refused = client.post(f"/admin/outbox/{outbox['failed']}/retry")
    response = client.post(f"/admin/outbox/{outbox['failed']}/retry?status=failed",
                           data={"csrf_token": token})

    assert refused.status_code == 400 and response.status_code == 302
    assert response.headers["Location"] == "/admin/outbox/?status=failed"
    with app.app_context():
        message = _db.session.get(OutboxMessage, outbox["failed"])
        assert (message.status, message.attempts) == (OutboxStatus.PENDING, 0)
    assert deliver_due(app) == 2  # the retried one and the pending one
    assert _status(app, outbox["failed"]) == OutboxStatus.SENT
    again = client.post(f"/admin/outbox/{outbox['sent']}/retry", data={"csrf_token": token},
                        follow_redirects=True)
    assert "Only a failed mail" in again.text
    assert client.post("/admin/outbox/99999/retry", data={"csrf_token": token}).status_code == 404


def test_mail_retry_cli_requeues_by_id_and_all_failed_in_one_line(app, runner, outbox):
    with app.app_context():
        other = _failed("other@example.org")
        _db.session.commit()

    by_id = runner.invoke(args=["mail", "retry", str(outbox["failed"]), str(outbox["sent"])])
    assert by_id.output == (f"re-queued 1 failed message(s): {outbox['failed']}; "
                            f"skipped (not failed, or body cleared): {outbox['sent']}\n")
    everything = runner.invoke(args=["mail", "retry", "--all-failed"])
    assert everything.output == f"re-queued 1 failed message(s): {other}\n"
    nothing = runner.invoke(args=["mail", "retry"])
    assert nothing.exit_code == 2 and "--all-failed" in nothing.output
    assert _status(app, other) == OutboxStatus.PENDING


def test_queue_message_stores_the_message_id_and_adds_one_when_missing(app, db):
    built = queue_plain("ana@example.org")
    bare = EmailMessage()
    bare["From"], bare["To"], bare["Subject"] = "a@cluster.example", "b@example.org", "Hi"
    bare.set_content("Hello")
    added = queue_message(bare)

    assert built.message_id and f"Message-ID: {built.message_id}".encode() in built.raw
    assert added.message_id.startswith("<") and added.message_id.encode() in added.raw


def test_claim_lease_runs_from_each_claim_and_is_released_within_two_minutes(app, db):
    assert timedelta(seconds=app.config["MAIL_CLAIM_LEASE_SECONDS"]) + timedelta(
        seconds=app.config["WORKER_POLL_SECONDS"]) <= timedelta(minutes=2)
    message = queue_plain("ana@example.org")
    message.status, message.claimed_at = OutboxStatus.SENDING, utc_now()
    db.session.commit()

    assert release_stale_claims(now=utc_now() + timedelta(seconds=30)) == 0
    assert release_stale_claims(now=utc_now() + timedelta(seconds=100)) == 1
    db.session.commit()
    assert db.session.scalar(select(OutboxMessage.status)) == OutboxStatus.PENDING
