"""`flask users ...`: manage accounts, their roles and their second factor."""

import click
from flask.cli import AppGroup

from app.auth import services, totp
from app.auth.models import Role
from app.extensions import db

users_cli = AppGroup("users", help="Manage accounts, roles and second factors.")


@users_cli.command("set-password")
@click.argument("email")
@click.password_option(help="New password (asked for when not given).")
def set_password(email: str, password: str) -> None:
    """Change an account's password and end all of its sessions."""
    user = _user(email)
    try:
        services.change_password(user, password)
    except services.AccountError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"Password changed for {user.email}; its sessions are ended.")


ROLE_CHOICE = click.Choice([role.value for role in Role])


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=ROLE_CHOICE, default=None,
              help="administrator, organiser (the default) or checkin (check-in staff).")
@click.option("--admin", is_flag=True, help="Same as --role administrator.")
@click.option("--name", default="", help="Display name.")
@click.password_option(help="Password (asked for when not given).")
def create(email: str, role: str | None, admin: bool, name: str, password: str) -> None:
    """Create an account with a role."""
    if role is None:
        role = Role.ADMINISTRATOR if admin else Role.ORGANISER
    elif admin and role != Role.ADMINISTRATOR:
        raise click.ClickException("role: --admin and --role disagree")
    try:
        user = services.create_user(email, password, name=name, role=Role(role))
    except services.AccountError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"Created {user.role.value} account {user.email}")


def _user(email: str):
    user = services.get_user_by_email(email)
    if user is None:
        raise click.ClickException(f"email: no account for '{services.normalise_email(email)}'")
    return user


@users_cli.command("set-role")
@click.argument("email")
@click.argument("role", type=ROLE_CHOICE)
def set_role(email: str, role: str) -> None:
    """Give an account another role."""
    user = _user(email)
    services.set_role(user, Role(role))
    db.session.commit()
    click.echo(f"{user.email} is now {user.role.value}")


@users_cli.command("reset-totp")
@click.argument("email")
def reset_totp(email: str) -> None:
    """Turn an account's second factor off (it lost its phone) and end its sessions."""
    user = _user(email)
    totp.reset(user)
    services.end_sessions(user)
    db.session.commit()
    click.echo(f"Second factor turned off for {user.email}; its sessions are ended.")
