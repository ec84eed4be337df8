"""Organiser accounts from the command line."""

from sqlalchemy import select

from app.auth.models import User


def test_users_create_admin_hashes_password(runner, db):
    result = runner.invoke(
        args=["users", "create", "--admin", "Boss@Cluster.example", "--password", "long-enough-pw"]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User))
    assert (user.email, user.is_admin) == ("boss@cluster.example", True)
    assert user.password_hash != "long-enough-pw"
    assert user.check_password("long-enough-pw")


def test_users_create_duplicate_names_the_field(runner, organiser):
    result = runner.invoke(args=["users", "create", organiser.email, "--password", "another-pw"])
    assert result.exit_code == 1
    assert "email: an account for 'orga@cluster.example' exists already" in result.output
    assert "Traceback" not in result.output


def test_users_create_short_password_names_the_field(runner, db):
    result = runner.invoke(args=["users", "create", "x@y.example", "--password", "short"])
    assert result.exit_code == 1
    assert "password: at least 8 characters are needed" in result.output
