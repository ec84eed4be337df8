"""`flask b2b ...`: the daily digest of B2B requests and the outcomes survey (cron-safe)."""

import click
from flask.cli import AppGroup

from app.b2b.mails import send_digests
from app.b2b.outcome_survey import send_outcome_surveys
from app.extensions import db

b2b_cli = AppGroup("b2b", help="B2B sessions.")


@b2b_cli.command("send-digests")
def send_digests_command() -> None:
    """Queue today's digests of new requests, answers and deadline reminders."""
    count = send_digests()
    click.echo(f"{count} digests queued.")


@b2b_cli.command("send-outcome-surveys")
def send_outcome_surveys_command() -> None:
    """Queue the outcomes survey to participants of sessions whose event ended months ago."""
    count = send_outcome_surveys()
    db.session.commit()
    click.echo(f"{count} outcome surveys queued.")
