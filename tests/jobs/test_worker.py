"""The worker loop and `flask worker`."""

import os
import signal
import threading
from pathlib import Path

import pytest

from app.jobs import registry
from app.jobs.models import Job, JobStatus
from app.jobs.worker import install_stop_signals, run_forever
from app.mail.models import OutboxMessage, OutboxStatus
from tests.factories import queue_plain


@pytest.fixture
def job_calls(monkeypatch):
    received: list[dict] = []
    monkeypatch.setitem(registry.HANDLERS, "test.record",
                        lambda **payload: received.append(payload))
    return received


def test_worker_once_sends_mail_and_runs_one_job(app, db, runner, job_calls):
    message = queue_plain("ana@example.org", kind="registration.confirmed")
    first = registry.enqueue("test.record", run_id=1)
    second = registry.enqueue("test.record", run_id=2)
    db.session.commit()

    result = runner.invoke(args=["worker", "--once"])

    assert result.exit_code == 0, result.output
    assert result.output == "sent 1 message(s), failed 0 stale job(s), ran 1 job(s)\n"
    assert job_calls == [{"run_id": 1}]
    db.session.expire_all()
    assert db.session.get(Job, first.id).status == JobStatus.DONE
    assert db.session.get(Job, second.id).status == JobStatus.QUEUED
    assert db.session.get(OutboxMessage, message.id).status == OutboxStatus.SENT
    assert (Path(app.config["MAIL_FOLDER"]) / f"{message.id}-registration.confirmed.eml").exists()


def test_worker_once_with_nothing_to_do(app, db, runner):
    result = runner.invoke(args=["worker", "--once"])

    assert result.exit_code == 0
    assert result.output == "sent 0 message(s), failed 0 stale job(s), ran 0 job(s)\n"


def test_run_forever_works_until_stopped(smtp_app, smtp_server, db, job_calls):
    stop = threading.Event()
    thread = threading.Thread(target=run_forever, args=(smtp_app,),
                              kwargs={"stop": stop, "poll_seconds": 0.05})
    thread.start()
    try:
        queue_plain("ana@example.org")
        registry.enqueue("test.record", run_id=7)
        db.session.commit()

        [received] = smtp_server.wait_for(1, timeout=5)
    finally:
        stop.set()
        thread.join(timeout=5)

    assert not thread.is_alive()
    assert received.rcpt_tos == ["ana@example.org"]
    assert job_calls == [{"run_id": 7}]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_stop_signals_set_the_stop_event(signum):
    previous = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    stop = threading.Event()
    try:
        install_stop_signals(stop)
        os.kill(os.getpid(), signum)
        assert stop.wait(1)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def test_worker_with_unknown_transport_names_the_setting(app, runner):
    app.config["MAIL_TRANSPORT"] = "pigeon"

    result = runner.invoke(args=["worker", "--once"])

    assert result.exit_code == 1
    assert result.output == "Error: MAIL_TRANSPORT must be 'smtp' or 'folder', not 'pigeon'\n"
