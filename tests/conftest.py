"""Fixtures: app, db, client, runner, the seeded vocabulary and a logged-in organiser.

Each test gets a new database: a SQLite file in its tmp_path, or the PostgreSQL database of
TEST_DATABASE_URL with its schema dropped and created again. Factories live in factories.py.
"""

import os

import pytest
from sqlalchemy import text

from app import create_app
from app.auth.services import create_user
from app.extensions import db as _db
from app.seed.vocabulary import seed_vocabulary
from config import TestingConfig


def _database_url(tmp_path) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    return url or f"sqlite:///{tmp_path / 'test.sqlite'}"


def _reset_postgres(app) -> None:
    with app.app_context():
        with _db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))


@pytest.fixture
def app(tmp_path):
    """A fresh application and database for one test."""
    url = _database_url(tmp_path)
    app = create_app(
        TestingConfig,
        SQLALCHEMY_DATABASE_URI=url,
        MAIL_FOLDER=str(tmp_path / "mail"),
    )
    if url.startswith("postgresql"):
        _reset_postgres(app)
    with app.app_context():
        _db.create_all()
    yield app
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def db(app):
    """The database session inside an application context."""
    with app.app_context():
        yield _db
        _db.session.rollback()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def vocabulary(db):
    """The seeded sectors and tags."""
    seed_vocabulary()
    db.session.commit()


@pytest.fixture
def organiser(db):
    """An organiser account (password: correct-horse)."""
    user = create_user("orga@cluster.example", "correct-horse", name="Orga", is_admin=True)
    db.session.commit()
    return user


@pytest.fixture
def logged_in(client, organiser):
    """A test client logged in as the organiser."""
    response = client.post(
        "/auth/login", data={"email": organiser.email, "password": "correct-horse"}
    )
    assert response.status_code == 302
    return client
