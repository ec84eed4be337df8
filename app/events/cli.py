"""`flask events ...`: the reminders cron job."""

import click
from flask.cli import AppGroup

from app.events.services import send_reminders
from app.extensions import db

events_cli = AppGroup("events", help="Event registrations and reminders.")


@events_cli.command("send-reminders")
def send_reminders_command() -> None:
    """Queue the reminders due now (safe to run every few minutes, even twice at once)."""
    count = send_reminders()
    db.session.commit()
    click.echo(f"{count} reminder(s) queued.")
