"""A real `flask worker` process killed with SIGKILL in the middle of an SMTP send.

The guarantee (README): every mail goes out at least once; a mail is sent twice only when its
worker died mid-send, and the second copy carries the same Message-ID. The stuck claim is
released within two minutes.
"""

import json
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from app.db import utc_now
from app.mail.delivery import deliver_due, release_stale_claims
from app.mail.models import OutboxMessage, OutboxStatus
from tests.factories import queue_plain

ROOT = Path(__file__).resolve().parents[2]
PEOPLE = 20


def _start_worker(app, smtp_server) -> subprocess.Popen:
    env = {
        **os.environ, "CLUSTERMEET_ENV": "development", "FLASK_APP": "wsgi",
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "MAIL_TRANSPORT": "smtp", "MAIL_SERVER": smtp_server.host,
        "MAIL_PORT": str(smtp_server.port), "WORKER_POLL_SECONDS": "0.1",
        "OUTBOX_PURGE_INTERVAL_SECONDS": "0", "LOG_FORMAT": "json",
    }
    return subprocess.Popen([sys.executable, "-m", "flask", "worker"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _wait(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def test_worker_killed_mid_send_every_person_gets_the_mail_one_duplicate_same_message_id(
        smtp_app, smtp_server, db):
    addresses = [f"person{i:02d}@example.org" for i in range(PEOPLE)]
    ids = [queue_plain(address, subject=f"Welcome {i}").id for i, address in enumerate(addresses)]
    db.session.commit()
    smtp_server.delay = 0.3  # a slow server: each DATA takes 0.3 s

    worker = _start_worker(smtp_app, smtp_server)
    try:
        _wait(lambda: len(smtp_server.messages) >= 5 or worker.poll() is not None, 60,
              "the worker to send 5 mails")
        assert worker.poll() is None, worker.stderr.read().decode()
        smtp_server.data_started.clear()
        _wait(smtp_server.data_started.is_set, 10, "the next DATA")
        killed_at = utc_now()
        worker.send_signal(signal.SIGKILL)  # mid-send: the server gets the whole message
        worker.wait(timeout=10)
        _, stderr = worker.communicate(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    time.sleep(smtp_server.delay + 0.2)  # the server finishes the DATA it had begun
    smtp_server.delay = 0.0
    before = len(smtp_server.messages)  # the one in flight included

    db.session.expire_all()
    stuck = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.SENDING)).all()
    assert len(stuck) == 1, "one message claimed at the kill, and only one"
    [stuck] = stuck
    # Within its lease the claim holds (a live worker may still be sending it)...
    assert release_stale_claims(now=stuck.claimed_at + timedelta(seconds=30)) == 0
    db.session.rollback()

    # ...and two minutes after the kill any worker's next pass releases and sends it.
    sent = deliver_due(smtp_app, now=killed_at + timedelta(minutes=2))

    received = smtp_server.messages
    by_recipient: dict[str, list] = {}
    for mail in received:
        by_recipient.setdefault(mail.rcpt_tos[0], []).append(mail)
    assert sorted(by_recipient) == addresses  # every person got the mail
    assert len(received) == PEOPLE + 1  # one duplicate: the mail in flight at the kill
    [twice] = [mails for mails in by_recipient.values() if len(mails) == 2]
    assert twice[0].rcpt_tos == [stuck.recipient]
    assert twice[0].message["Message-ID"] == twice[1].message["Message-ID"] == stuck.message_id
    assert stuck.message_id.startswith("<") and stuck.message_id.endswith(">")
    db.session.expire_all()
    statuses = db.session.scalars(select(OutboxMessage.status).where(OutboxMessage.id.in_(ids)))
    assert set(statuses) == {OutboxStatus.SENT}
    assert sent == PEOPLE - before + 1  # the rest, and the released one again
    # The worker's log: JSON lines, and no address in them.
    lines = [line for line in stderr.decode().splitlines() if line.strip()]
    assert lines and all(json.loads(line)["level"] for line in lines)
    assert "@example.org" not in stderr.decode()
