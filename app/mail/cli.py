"""`flask mail ...`: deliver the outbox now, show its state, retry failed mail."""

import click
from flask import current_app
from flask.cli import AppGroup

from app.db import DB_INT_MAX
from app.extensions import db
from app.mail.delivery import count_by_status, deliver_due
from app.mail.services import retry_failed
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


@mail_cli.command("retry")
@click.option("--all-failed", is_flag=True, help="Retry every failed message.")
@click.argument("ids", nargs=-1, type=click.IntRange(min=1, max=DB_INT_MAX))
def retry_command(all_failed: bool, ids: tuple[int, ...]) -> None:
    """Put failed messages (by ID, or --all-failed) back in the queue with fresh attempts."""
    if all_failed == bool(ids):
        raise click.UsageError("give message IDs or --all-failed (not both)")
    result = retry_failed(None if all_failed else ids)
    db.session.commit()
    line = f"re-queued {len(result.requeued)} failed message(s)"
    if result.requeued:
        line += ": " + ", ".join(map(str, result.requeued))
    if result.skipped:
        line += "; skipped (not failed, or body cleared): " + ", ".join(map(str, result.skipped))
    click.echo(line)
