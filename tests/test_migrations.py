"""The Alembic revisions build the schema the models describe, on SQLite and PostgreSQL."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from app import create_app
from app.extensions import db
from config import TestingConfig
from tests.external import postgres_url, require_service


def _upgrade_and_diff(url: str) -> tuple[list, set[str]]:
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        if url.startswith("postgresql"):
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "render_as_batch": True}
            )
            diff = compare_metadata(context, db.metadata)
            tables = set(inspect(conn).get_table_names())
        downgrade(revision="base")
        with db.engine.connect() as conn:
            left = set(inspect(conn).get_table_names()) - {"alembic_version"}
        db.engine.dispose()
    assert left == set()
    return diff, tables


def test_migrations_match_models_on_sqlite(tmp_path):
    diff, tables = _upgrade_and_diff(f"sqlite:///{tmp_path / 'migrated.sqlite'}")
    assert diff == []
    assert {"organisations", "people", "events", "registrations", "outbox_messages"} <= tables


@pytest.mark.postgres
def test_migrations_match_models_on_postgresql():
    url = postgres_url()
    require_service(url is not None, "no PostgreSQL server (set TEST_POSTGRES_URL)")
    diff, tables = _upgrade_and_diff(url)
    assert diff == []
    assert "organisations" in tables
