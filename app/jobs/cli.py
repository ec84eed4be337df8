"""`flask worker`: the long-running process that sends mail and runs background jobs."""

import logging
import threading

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from app.jobs.rq_queue import rq_enabled
from app.jobs.rq_worker import run_rq_worker
from app.jobs.worker import install_stop_signals, run_forever, run_once
from app.mail.cli import mail_cli
from app.mail.transports import get_transport


@click.command("worker")
@with_appcontext
@click.option("--once", is_flag=True, help="Do one pass (mail, stale jobs, one job) and exit.")
def worker_command(once: bool) -> None:
    """Send queued mail and run background jobs until stopped."""
    _log_to_console()
    app = current_app._get_current_object()
    try:
        get_transport(app.config)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    if once:
        result = run_once(app)
        click.echo(f"sent {result.sent} message(s), failed {result.stale} stale job(s), "
                   f"ran {int(result.ran_job)} job(s)")
        return
    if rq_enabled(app):
        run_rq_worker(app)  # REDIS_URL: tasks from Redis, periodic duties on a beat
        return
    stop = threading.Event()
    install_stop_signals(stop)
    run_forever(app, stop=stop)


def init_app(app: Flask) -> None:
    """Register `flask worker` and `flask mail ...`.

    Importing this module also imports `rq_queue`, whose commit hooks push committed jobs
    and mail to RQ when REDIS_URL is set.
    """
    app.cli.add_command(worker_command)
    app.cli.add_command(mail_cli)


def _log_to_console() -> None:
    # One line per sent message or job; leave logging alone if the host configured it.
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=logging.INFO,
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for name in ("app.mail", "app.jobs"):
        logging.getLogger(name).setLevel(logging.INFO)
