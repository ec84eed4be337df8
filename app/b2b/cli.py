"""`flask b2b ...`: the daily digest of B2B requests (cron-safe)."""

import click
from flask.cli import AppGroup

from app.b2b.mails import send_digests

b2b_cli = AppGroup("b2b", help="B2B sessions.")


@b2b_cli.command("send-digests")
def send_digests_command() -> None:
    """Queue today's digests of new requests, answers and deadline reminders."""
    count = send_digests()
    click.echo(f"{count} digests queued.")
