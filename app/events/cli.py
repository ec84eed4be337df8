"""`flask events ...`: the cron jobs (reminders, expired holds)."""

import click
from flask.cli import AppGroup

from app.events.places import release_all_expired_holds
from app.events.reminders import send_reminders
from app.extensions import db
from app.jobs.beats import REMINDERS, record_beat

events_cli = AppGroup("events", help="Event registrations and reminders.")


@events_cli.command("send-reminders")
def send_reminders_command() -> None:
    """Queue the reminders due now (safe to run every few minutes, even twice at once)."""
    count = send_reminders()
    record_beat(REMINDERS)  # /healthz shows when reminders last ran
    db.session.commit()
    click.echo(f"{count} reminder(s) queued.")


@events_cli.command("release-holds")
def release_holds_command() -> None:
    """Give the places of unconfirmed registrations past their hold to the waiting list."""
    count = release_all_expired_holds()
    db.session.commit()
    click.echo(f"{count} expired hold(s) released.")
