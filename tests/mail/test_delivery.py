"""Delivery of the outbox to a real SMTP server on loopback, and to a folder."""

import threading
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from app.db import utc_now
from app.invites.messages import build_plain_message
from app.mail.delivery import STALE_CLAIM, deliver_due, retry_delay
from app.mail.models import OutboxMessage, OutboxStatus
from app.mail.services import queue_messages
from app.mail.transports import SmtpTransport
from tests.factories import queue_imip, queue_plain


def _reload(db, message_id: int) -> OutboxMessage:
    db.session.expire_all()
    return db.session.get(OutboxMessage, message_id)


def test_deliver_due_sends_queued_message_once(smtp_app, smtp_server, db):
    message = queue_plain("ana@example.org", subject="Registration confirmed",
                          body="You are registered for the circlemeet.")
    db.session.commit()

    first = deliver_due(smtp_app)
    second = deliver_due(smtp_app)

    assert (first, second) == (1, 0)
    [received] = smtp_server.messages
    assert received.mail_from == "events@clustermeet.example"
    assert received.rcpt_tos == ["ana@example.org"]
    assert received.message["Subject"] == "Registration confirmed"
    assert received.message["To"].addresses[0].addr_spec == "ana@example.org"
    assert received.message.get_body(("plain",)).get_content() == (
        "You are registered for the circlemeet.\n")
    stored = _reload(db, message.id)
    assert (stored.status, stored.attempts, stored.last_error) == (OutboxStatus.SENT, 1, "")
    assert stored.sent_at is not None and stored.claimed_at is None


def test_deliver_due_keeps_non_ascii_body(smtp_app, smtp_server, db):
    queue_plain(subject="Inscription confirmée", body="Zoë, à bientôt au circlemeet ♻️")
    db.session.commit()

    deliver_due(smtp_app)

    [received] = smtp_server.messages
    assert received.message["Subject"] == "Inscription confirmée"
    assert received.message.get_body(("plain",)).get_content() == (
        "Zoë, à bientôt au circlemeet ♻️\n")


def test_deliver_due_while_server_down_retries_after_restart(smtp_app, smtp_server, db):
    smtp_server.stop()
    message = queue_plain("ana@example.org", kind="registration.confirmed")
    db.session.commit()
    before = utc_now()

    sent_during_outage = deliver_due(smtp_app)

    stored = _reload(db, message.id)
    assert sent_during_outage == 0
    assert (stored.status, stored.attempts) == (OutboxStatus.PENDING, 1)
    assert stored.last_error.startswith(f"cannot connect to 127.0.0.1:{smtp_server.port}")
    assert before + timedelta(seconds=30) <= stored.next_attempt_at
    assert stored.next_attempt_at <= utc_now() + timedelta(seconds=30)

    smtp_server.start()
    sent_too_early = deliver_due(smtp_app)
    sent_when_due = deliver_due(smtp_app, now=utc_now() + timedelta(seconds=31))
    sent_again = deliver_due(smtp_app, now=utc_now() + timedelta(hours=2))

    assert (sent_too_early, sent_when_due, sent_again) == (0, 1, 0)
    assert [m.rcpt_tos for m in smtp_server.messages] == [["ana@example.org"]]
    stored = _reload(db, message.id)
    assert (stored.status, stored.attempts, stored.last_error) == (OutboxStatus.SENT, 2, "")


def test_deliver_due_gives_up_after_max_attempts(smtp_app, smtp_server, db):
    smtp_app.config["MAIL_MAX_ATTEMPTS"] = 2
    smtp_server.stop()
    message = queue_plain()
    db.session.commit()

    deliver_due(smtp_app)
    deliver_due(smtp_app, now=utc_now() + timedelta(minutes=5))

    stored = _reload(db, message.id)
    assert (stored.status, stored.attempts) == (OutboxStatus.FAILED, 2)
    assert deliver_due(smtp_app, now=utc_now() + timedelta(days=1)) == 0


def test_deliver_due_fails_refused_recipient_for_good_and_sends_the_rest(
        smtp_app, smtp_server, db):
    smtp_server.refuse("nobody@example.org", "550 5.1.1 No such user")
    refused = queue_plain("nobody@example.org")
    accepted = queue_plain("ana@example.org")
    db.session.commit()

    sent = deliver_due(smtp_app)

    assert sent == 1
    assert [m.rcpt_tos for m in smtp_server.messages] == [["ana@example.org"]]
    stored = _reload(db, refused.id)
    assert (stored.status, stored.attempts) == (OutboxStatus.FAILED, 1)
    assert stored.last_error == "nobody@example.org refused: 550 5.1.1 No such user"
    assert _reload(db, accepted.id).status == OutboxStatus.SENT


def test_deliver_due_retries_temporarily_refused_recipient(smtp_app, smtp_server, db):
    smtp_server.refuse("busy@example.org", "450 4.2.1 Mailbox busy, try later")
    message = queue_plain("busy@example.org")
    db.session.commit()

    deliver_due(smtp_app)

    stored = _reload(db, message.id)
    assert (stored.status, stored.attempts) == (OutboxStatus.PENDING, 1)
    assert stored.last_error == "busy@example.org refused: 450 4.2.1 Mailbox busy, try later"


def test_deliver_due_in_two_threads_sends_each_message_once(smtp_app, smtp_server, db):
    recipients = [f"person{i}@example.org" for i in range(8)]
    for recipient in recipients:
        queue_plain(recipient)
    db.session.commit()
    start = threading.Barrier(2)
    counts: list[int] = []

    def worker():
        start.wait()
        counts.append(deliver_due(smtp_app))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    assert sum(counts) == 8
    assert sorted(m.rcpt_tos[0] for m in smtp_server.messages) == sorted(recipients)


class _OtherWorkerMidBatch(SmtpTransport):
    """Lets a second worker run a whole pass while the first is sending its first message."""

    def __init__(self, app, **kwargs):
        super().__init__(**kwargs)
        self.app = app
        self.other_sent: int | None = None

    def send(self, envelope):
        if self.other_sent is None:
            self.other_sent = deliver_due(self.app)
        super().send(envelope)


def test_deliver_due_skips_message_claimed_by_another_worker(smtp_app, smtp_server, db):
    for recipient in ("a@example.org", "b@example.org", "c@example.org"):
        queue_plain(recipient)
    db.session.commit()
    transport = _OtherWorkerMidBatch(smtp_app, host=smtp_server.host, port=smtp_server.port)

    first_sent = deliver_due(smtp_app, transport=transport)

    # The other worker found message 1 claimed and sent 2 and 3; the first sent only 1.
    assert (first_sent, transport.other_sent) == (1, 2)
    assert sorted(m.rcpt_tos[0] for m in smtp_server.messages) == [
        "a@example.org", "b@example.org", "c@example.org"]
    statuses = db.session.scalars(select(OutboxMessage.status)).all()
    assert statuses == [OutboxStatus.SENT] * 3


def test_deliver_due_releases_message_stuck_in_sending(smtp_app, smtp_server, db):
    stuck = queue_plain("stuck@example.org")
    recent = queue_plain("recent@example.org")
    stuck.status = recent.status = OutboxStatus.SENDING
    stuck.claimed_at = utc_now() - STALE_CLAIM - timedelta(seconds=1)
    recent.claimed_at = utc_now() - timedelta(minutes=1)
    db.session.commit()

    sent = deliver_due(smtp_app)

    assert sent == 1
    assert [m.rcpt_tos for m in smtp_server.messages] == [["stuck@example.org"]]
    assert _reload(db, stuck.id).status == OutboxStatus.SENT
    assert _reload(db, recent.id).status == OutboxStatus.SENDING


def test_deliver_due_keeps_imip_calendar_part_intact(smtp_app, smtp_server, db):
    message, ics = queue_imip("zoe@example.org")
    db.session.commit()

    deliver_due(smtp_app)

    [received] = smtp_server.messages
    assert received.raw.replace(b"\r\n", b"\n") == _reload(db, message.id).raw
    calendar_parts = [p for p in received.message.walk()
                      if p.get_content_type() == "text/calendar"]
    assert len(calendar_parts) == 1
    assert calendar_parts[0].get_param("method") == "REQUEST"
    assert calendar_parts[0].get_payload(decode=True) == ics
    [attachment] = [p for p in received.message.walk()
                    if p.get_content_type() == "application/ics"]
    assert attachment.get_filename() == "invite.ics"
    assert attachment.get_payload(decode=True) == ics


def test_deliver_due_folder_transport_writes_eml_file(app, db):
    message = queue_plain("ana@example.org", kind="registration.confirmed")
    db.session.commit()

    sent = deliver_due(app)

    path = Path(app.config["MAIL_FOLDER"]) / f"{message.id}-registration.confirmed.eml"
    assert sent == 1
    assert path.read_bytes() == _reload(db, message.id).raw
    assert _reload(db, message.id).status == OutboxStatus.SENT


def test_deliver_due_respects_limit(app, db):
    for i in range(3):
        queue_plain(f"p{i}@example.org")
    db.session.commit()

    assert deliver_due(app, limit=2) == 2
    assert deliver_due(app, limit=2) == 1


def test_retry_delay_doubles_from_30_seconds_up_to_one_hour():
    delays = [retry_delay(n) for n in (1, 2, 3, 8, 20)]

    assert delays == [timedelta(seconds=30), timedelta(seconds=60), timedelta(seconds=120),
                      timedelta(hours=1), timedelta(hours=1)]


def test_mail_send_pending_and_status_commands(app, db, runner):
    queue_plain("a@example.org")
    queue_plain("b@example.org")
    db.session.commit()

    send = runner.invoke(args=["mail", "send-pending", "--limit", "1"])
    status = runner.invoke(args=["mail", "status"])

    assert send.exit_code == 0 and send.output == "sent 1 message(s)\n"
    assert status.exit_code == 0
    assert status.output == "pending: 1\nsending: 0\nsent: 1\nfailed: 0\n"


def test_deliver_due_fails_message_stuck_in_sending_on_its_last_attempt(app, db):
    app.config["MAIL_MAX_ATTEMPTS"] = 3
    stuck = queue_plain("stuck@example.org")
    stuck.status, stuck.attempts = OutboxStatus.SENDING, 2
    stuck.claimed_at = utc_now() - STALE_CLAIM - timedelta(seconds=1)
    db.session.commit()

    sent = deliver_due(app)

    stored = _reload(db, stuck.id)
    assert sent == 0
    assert (stored.status, stored.attempts) == (OutboxStatus.FAILED, 3)
    assert stored.last_error == "the worker stopped while sending"


class _BrokenTransport:
    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return None

    def send(self, envelope):
        raise RuntimeError("unexpected\nfailure")


def test_deliver_due_counts_unexpected_transport_error_as_attempt(app, db):
    message = queue_plain()
    db.session.commit()

    sent = deliver_due(app, transport=_BrokenTransport())

    stored = _reload(db, message.id)
    assert sent == 0
    assert (stored.status, stored.attempts) == (OutboxStatus.PENDING, 1)
    assert stored.last_error == "RuntimeError: unexpected failure"


def test_deliver_due_logs_one_line_per_sent_message_and_batch_without_address(app, db, caplog):
    message = queue_plain("ana@example.org", kind="registration.confirmed")
    db.session.commit()

    with caplog.at_level("INFO", logger="app.mail.delivery"):
        deliver_due(app)

    assert caplog.messages == [
        f"sent outbox message {message.id} (registration.confirmed)",
        "mail batch: 1 sent, 0 failed of 1 due"]
    assert "ana@example.org" not in caplog.text


def test_mail_send_pending_with_unknown_transport_names_the_setting(app, runner):
    app.config["MAIL_TRANSPORT"] = "pigeon"

    result = runner.invoke(args=["mail", "send-pending"])

    assert result.exit_code == 1
    assert result.output == "Error: MAIL_TRANSPORT must be 'smtp' or 'folder', not 'pigeon'\n"


def test_messages_queued_in_one_insert_are_stored_and_sent_like_one_by_one(
        smtp_app, smtp_server, db):
    def message(to: str):
        return build_plain_message(sender=("Cluster", "hello@cluster.example"), to=("", to),
                                   subject=f"Agenda {to}", text_body="Your meetings.",
                                   message_id_domain="cluster.example")

    one = queue_plain("one@example.org")
    stored = queue_messages([(message("two@example.org"), "b2b.agenda", "b2b-participant:2"),
                             (message("three@example.org"), "b2b.agenda", "b2b-participant:3")])
    db.session.commit()

    rows = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert stored == 2 and [r.recipient for r in rows] == [
        "one@example.org", "two@example.org", "three@example.org"]
    for row in rows[1:]:
        assert (row.status, row.attempts, row.sender, row.kind) == (
            OutboxStatus.PENDING, 0, "hello@cluster.example", "b2b.agenda")
        assert row.message_id and row.next_attempt_at <= utc_now() and row.created_at
        assert row.subject == f"Agenda {row.recipient}"
    assert rows[0].status == OutboxStatus.PENDING and one.id == rows[0].id
    assert deliver_due() == 3
    assert {m.rcpt_tos[0] for m in smtp_server.wait_for(3)} == {
        "one@example.org", "two@example.org", "three@example.org"}
    assert queue_messages([]) == 0
