"""Configurations that must not start refuse to; production starts with a real key."""

import os
import secrets
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app import create_app
from app.extensions import db
from config import (
    DEV_SECRET_KEY,
    ConfigError,
    DevelopmentConfig,
    ProductionConfig,
    TestingConfig,
    config_from_env,
)

REPO = Path(__file__).resolve().parent.parent
#: Variables the commands below set themselves.
OWN = ("CLUSTERMEET_ENV", "SECRET_KEY", "DATABASE_URL", "FLASK_APP", "WEB_WORKERS",
       "RATELIMIT_STORAGE_URI", "TRUSTED_PROXIES")


def _flask(tmp_path, *args: str, **env_values: str) -> subprocess.CompletedProcess:
    """Run `flask ARGS` as an operator would, on a SQLite file in tmp_path."""
    env = {name: value for name, value in os.environ.items() if name not in OWN}
    env.update(FLASK_APP="wsgi", DATABASE_URL=f"sqlite:///{tmp_path / 'cm.sqlite'}",
               MAIL_TRANSPORT="folder", MAIL_FOLDER=str(tmp_path / "mail"), **env_values)
    return subprocess.run([sys.executable, "-m", "flask", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=300)


def _tables(tmp_path) -> set[str]:
    database = tmp_path / "cm.sqlite"
    if not database.exists():
        return set()
    with sqlite3.connect(database) as connection:
        return {row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_production_migrates_with_a_random_key_and_refuses_the_demo(tmp_path):
    key = secrets.token_hex(32)

    upgrade = _flask(tmp_path, "db", "upgrade", CLUSTERMEET_ENV="production", SECRET_KEY=key,
                     WEB_WORKERS="1")
    demo = _flask(tmp_path, "seed", "demo", CLUSTERMEET_ENV="production", SECRET_KEY=key,
                  WEB_WORKERS="1")

    assert upgrade.returncode == 0, upgrade.stderr
    assert {"alembic_version", "users", "events"} <= _tables(tmp_path)
    assert demo.returncode == 2
    assert "for development and testing only, not production" in demo.stderr
    assert "demo-organiser" not in demo.stdout + demo.stderr


@pytest.mark.parametrize(("environment", "key", "message"), [
    ("prodution", None, "CLUSTERMEET_ENV='prodution' is not a known environment"),
    ("", None, "CLUSTERMEET_ENV is not set"),
    ("production", "", "SECRET_KEY must be set in production"),
    ("production", DEV_SECRET_KEY, "SECRET_KEY must be set in production"),
    ("production", "short-but-not-empty", "SECRET_KEY must be set in production"),
])
def test_unsafe_environment_refuses_to_start(tmp_path, environment, key, message):
    values = {"CLUSTERMEET_ENV": environment}
    if key is not None:
        values["SECRET_KEY"] = key

    result = _flask(tmp_path, "db", "upgrade", **values)

    assert result.returncode == 1
    assert f"clustermeet: refusing to start: {message}" in result.stderr
    assert "Traceback" not in result.stderr
    assert _tables(tmp_path) == set()


@pytest.mark.parametrize(("name", "value", "message"), [
    ("MAIL_PORT", "25x", "MAIL_PORT must be a whole number (0 or more), not '25x'"),
    ("WORKER_POLL_SECONDS", "-1", "WORKER_POLL_SECONDS must be a number (0 or more), not '-1'"),
    ("SOLVER_WORKERS", "two", "SOLVER_WORKERS must be a whole number (0 or more), not 'two'"),
    ("SQLITE_SYNCHRONOUS", "off", "SQLITE_SYNCHRONOUS must be NORMAL or FULL, not 'OFF'"),
])
def test_a_mistyped_number_refuses_to_start_naming_the_setting(tmp_path, name, value, message):
    result = _flask(tmp_path, "db", "upgrade", CLUSTERMEET_ENV="development", **{name: value})

    assert result.returncode == 1
    assert f"clustermeet: refusing to start: {message}" in result.stderr
    assert "Traceback" not in result.stderr
    assert _tables(tmp_path) == set()


def test_config_from_env_names_the_choices(monkeypatch):
    monkeypatch.setenv("CLUSTERMEET_ENV", "staging")

    with pytest.raises(ConfigError) as error:
        config_from_env()

    assert str(error.value) == ("CLUSTERMEET_ENV='staging' is not a known environment: "
                                "choose one of development, testing, production")


def test_production_checks_the_key_in_force_not_the_environment(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", secrets.token_hex(32))

    with pytest.raises(ConfigError):
        create_app(ProductionConfig, SECRET_KEY=DEV_SECRET_KEY, SQLALCHEMY_DATABASE_URI="sqlite://",
                   WEB_WORKERS="1")


@pytest.mark.parametrize(("key", "address", "status"), [
    (DEV_SECRET_KEY, "127.0.0.1", 200),
    (DEV_SECRET_KEY, "::1", 200),
    (DEV_SECRET_KEY, "192.0.2.10", 403),
    (secrets.token_hex(32), "192.0.2.10", 200),
])
def test_development_key_serves_loopback_clients_only(tmp_path, key, address, status):
    app = create_app(DevelopmentConfig, SECRET_KEY=key,
                     SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'dev.sqlite'}")

    response = app.test_client().get("/auth/login", environ_base={"REMOTE_ADDR": address},
                                     headers={"Accept-Language": "en"})

    assert response.status_code == status
    if status == 403:
        assert "only answers on this computer" in response.get_data(as_text=True)


@pytest.mark.parametrize(("setting", "level"), [("NORMAL", 1), ("FULL", 2)])
def test_a_sqlite_file_runs_in_wal_mode_at_the_chosen_sync_level(tmp_path, setting, level):
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'w.sqlite'}",
                     SQLITE_SYNCHRONOUS=setting)
    with app.app_context(), db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == level
    with app.app_context():
        db.engine.dispose()
    # Set on the file itself: any other program opening it reads the log too.
    with sqlite3.connect(tmp_path / "w.sqlite") as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_an_in_memory_sqlite_database_keeps_its_own_journal():
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI="sqlite://")
    with app.app_context(), db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "memory"
