"""`flask mail ...`: deliver the outbox now, show its state."""

import click
from flask import current_app
from flask.cli import AppGroup

from app.mail.delivery import count_by_status, deliver_due
from app.mail.transports import get_transport

mail_cli = AppGroup("mail", help="Outbox delivery.")


@mail_cli.command("send-pending")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(min=1),
              help="Send at most this many messages.")
def send_pending_command(limit: int) -> None:
    """Send the due messages of the outbox once."""
    try:
        get_transport(current_app.config)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    sent = deliver_due(limit=limit)
    click.echo(f"sent {sent} message(s)")


@mail_cli.command("status")
def status_command() -> None:
    """Print the number of outbox messages per status."""
    for status, count in count_by_status().items():
        click.echo(f"{status.value}: {count}")
