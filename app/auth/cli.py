"""`flask users ...`: manage organiser accounts."""

import click
from flask.cli import AppGroup

from app.auth import services
from app.extensions import db

users_cli = AppGroup("users", help="Manage organiser accounts.")


@users_cli.command("set-password")
@click.argument("email")
@click.password_option(help="New password (asked for when not given).")
def set_password(email: str, password: str) -> None:
    """Change an account's password and end all of its sessions."""
    user = services.get_user_by_email(email)
    if user is None:
        raise click.ClickException(f"email: no account for '{services.normalise_email(email)}'")
    try:
        services.change_password(user, password)
    except services.AccountError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"Password changed for {user.email}; its sessions are ended.")


@users_cli.command("create")
@click.argument("email")
@click.option("--admin", is_flag=True, help="Give the account administrator rights.")
@click.option("--name", default="", help="Display name.")
@click.password_option(help="Password (asked for when not given).")
def create(email: str, admin: bool, name: str, password: str) -> None:
    """Create an organiser account."""
    try:
        user = services.create_user(email, password, name=name, is_admin=admin)
    except services.AccountError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"Created {'admin ' if user.is_admin else ''}account {user.email}")
