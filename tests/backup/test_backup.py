"""`flask backup create|restore` on SQLite and on a real PostgreSQL server.

The PostgreSQL round trip is the CI test of issue #15: dump the test database holding
demo-like data, restore it into a new database, and compare the row count of every table.
"""

import socket
import sqlite3
import stat
import uuid
from contextlib import closing
from datetime import UTC, datetime

import pytest
from sqlalchemy import MetaData, create_engine, func, select, text
from sqlalchemy.engine import make_url

from app import create_app
from app.auth.services import create_user
from app.backup import postgres
from app.backup.errors import BackupError
from app.backup.services import default_name
from app.events.models import RegistrationStatus
from app.extensions import db
from app.seed.vocabulary import seed_vocabulary
from config import TestingConfig
from tests.external import postgres_url, require_service
from tests.factories import (
    make_event,
    make_organisation,
    make_person,
    make_registration,
    make_run,
    make_schedule_session,
    queue_plain,
)


def _fill(app) -> None:
    """Store demo-like data: vocabulary, members, an event with registrations, B2B, mail."""
    with app.app_context():
        seed_vocabulary()
        create_user("orga@cluster.example", "correct-horse", name="Orga", is_admin=True)
        make_organisation("Atelier Chêne")
        event = make_event(capacity=30)
        for i, status in enumerate([RegistrationStatus.CONFIRMED] * 3
                                   + [RegistrationStatus.WAITLISTED]):
            person = make_person(f"person{i}@example.org", organisation="Atelier Chêne")
            make_registration(event, person, status=status)
        make_run(make_schedule_session())
        queue_plain("ana@example.org", subject="Inscription confirmée ✓")
        db.session.commit()


def _row_counts(url: str) -> dict[str, int]:
    """Return the number of rows of every table the database holds (reflected)."""
    engine = create_engine(url)
    try:
        metadata = MetaData()
        metadata.reflect(engine)
        with engine.connect() as conn:
            return {name: conn.scalar(select(func.count()).select_from(table))
                    for name, table in metadata.tables.items()}
    finally:
        engine.dispose()


def _invoke(app, *args):
    return app.test_cli_runner().invoke(args=["backup", *args])


def _one_error_line(result, expected: str) -> None:
    assert result.exit_code == 1
    assert result.output == f"Error: {expected}\n"


# SQLite ---------------------------------------------------------------------------------------


def test_sqlite_round_trip_into_a_new_database_keeps_every_row(sqlite_app, tmp_path):
    _fill(sqlite_app)
    source = sqlite_app.config["SQLALCHEMY_DATABASE_URI"]
    copy_url = f"sqlite:///{tmp_path / 'restored.sqlite'}"

    created = _invoke(sqlite_app, "create", str(tmp_path / "backups") + "/")
    [backup] = (tmp_path / "backups").iterdir()
    restored = _invoke(sqlite_app, "restore", str(backup), "--to", copy_url)

    assert created.exit_code == 0, created.output
    assert created.output == f"backup written: {backup} ({backup.stat().st_size} bytes)\n"
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600  # personal data: the owner's only
    assert restored.exit_code == 0, restored.output
    counts = _row_counts(source)
    assert _row_counts(copy_url) == counts
    assert counts["registrations"] == 4 and counts["outbox_messages"] == 1
    assert sum(counts.values()) > 50
    # The live file is in WAL mode; its backup is one plain file, read without -wal or -shm.
    assert [path.name for path in (tmp_path / "backups").iterdir()] == [backup.name]
    with closing(sqlite3.connect(backup)) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_backup_without_a_path_goes_to_backup_dir_named_by_the_utc_time(sqlite_app, tmp_path):
    sqlite_app.config["BACKUP_DIR"] = str(tmp_path / "nightly")
    before = datetime.now(UTC).replace(microsecond=0)

    result = _invoke(sqlite_app, "create")

    [backup] = (tmp_path / "nightly").iterdir()
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE((tmp_path / "nightly").stat().st_mode) == 0o700
    stamp = datetime.strptime(backup.name, "clustermeet-%Y%m%dT%H%M%SZ.sqlite")
    assert before <= stamp.replace(tzinfo=UTC) <= datetime.now(UTC)
    assert default_name("PostgreSQL", datetime(2027, 1, 2, 3, 4, 5, tzinfo=UTC)) == (
        "clustermeet-20270102T030405Z.dump")


def test_restore_refuses_a_database_that_is_not_empty_unless_forced(sqlite_app, tmp_path):
    _fill(sqlite_app)
    backup = tmp_path / "before.sqlite"
    assert _invoke(sqlite_app, "create", str(backup)).exit_code == 0
    with sqlite_app.app_context():
        db.session.execute(text("DELETE FROM outbox_messages"))
        db.session.commit()

    refused = _invoke(sqlite_app, "restore", str(backup))
    before = _row_counts(sqlite_app.config["SQLALCHEMY_DATABASE_URI"])
    forced = _invoke(sqlite_app, "restore", str(backup), "--force")

    _one_error_line(refused, f"the target database is not empty ({len(before)} tables or "
                             "types): restore into an empty database, or add --force to replace it")
    assert before["outbox_messages"] == 0
    assert forced.exit_code == 0, forced.output
    assert _row_counts(sqlite_app.config["SQLALCHEMY_DATABASE_URI"])["outbox_messages"] == 1


@pytest.mark.parametrize("content, reason", [
    (None, "no such backup file: {path}"),
    (b"name,email\nAna,ana@example.org\n",
     "{path} is not a backup (neither a PostgreSQL custom-format dump nor a SQLite database)"),
    (b"PGDMP\x01\x0e\x00", "{path} is a PostgreSQL backup but the target database is SQLite: "
                           "restore it into a PostgreSQL database (--to URL)"),
])
def test_restore_refuses_a_missing_foreign_or_other_kind_of_file(sqlite_app, tmp_path,
                                                                 content, reason):
    path = tmp_path / "backup.bin"
    if content is not None:
        path.write_bytes(content)

    result = _invoke(sqlite_app, "restore", str(path), "--to",
                     f"sqlite:///{tmp_path / 'new.sqlite'}")

    _one_error_line(result, reason.format(path=path))
    assert not (tmp_path / "new.sqlite").exists()


def test_restore_refuses_a_truncated_sqlite_backup(sqlite_app, tmp_path):
    _fill(sqlite_app)
    backup = tmp_path / "whole.sqlite"
    _invoke(sqlite_app, "create", str(backup))
    truncated = tmp_path / "truncated.sqlite"
    truncated.write_bytes(backup.read_bytes()[:len(backup.read_bytes()) // 2])

    result = _invoke(sqlite_app, "restore", str(truncated), "--to",
                     f"sqlite:///{tmp_path / 'new.sqlite'}")

    _one_error_line(result, f"corrupt SQLite backup {truncated}: "
                            "DatabaseError: database disk image is malformed")


def test_backup_refuses_to_overwrite_a_file_and_an_in_memory_database(sqlite_app, tmp_path):
    existing = tmp_path / "kept.sqlite"
    existing.write_bytes(b"precious")

    overwrite = _invoke(sqlite_app, "create", str(existing))
    sqlite_app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite://"
    with sqlite_app.app_context():
        db.engine.dispose()
    in_memory = _invoke(sqlite_app, "restore", str(existing), "--to", "sqlite://")
    bad_url = _invoke(sqlite_app, "restore", str(existing), "--to", "not a url")

    _one_error_line(overwrite, f"{existing} exists already: choose another file")
    assert existing.read_bytes() == b"precious"
    assert in_memory.exit_code == 1 and "Traceback" not in in_memory.output
    _one_error_line(bad_url, "not a database URL (e.g. postgresql://user@host/name)")


def test_the_password_goes_to_pgpassword_never_to_the_command_line():
    conninfo, env = postgres.libpq_connection(
        "postgresql+psycopg://clustermeet:s%40cret%20pw@db.example:5433/cm?sslmode=require")

    assert conninfo == "postgresql://clustermeet@db.example:5433/cm?sslmode=require"
    assert env["PGPASSWORD"] == "s@cret pw"
    assert "s@cret" not in conninfo and "cret" not in conninfo


def test_a_missing_client_tool_is_named_in_one_line(tmp_path):
    with pytest.raises(BackupError) as error:
        postgres.find_tool("pg_dump", str(tmp_path))

    assert str(error.value) == (
        f"pg_dump not found in PG_BIN_DIR={tmp_path}: install the PostgreSQL client tools of "
        "the server's major version (Debian: postgresql-client) or set PG_BIN_DIR")


# PostgreSQL -----------------------------------------------------------------------------------


@pytest.fixture
def new_postgres_database():
    """Yield the URL of a new, empty database on the test server; dropped afterwards."""
    url = postgres_url()
    require_service(url is not None, "no PostgreSQL (set TEST_POSTGRES_URL)")
    for tool in ("pg_dump", "pg_restore", "psql"):
        try:
            postgres.find_tool(tool)
        except BackupError as exc:
            require_service(False, str(exc))
    name = f"{make_url(url).database}_restore_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(url).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.mark.postgres
def test_postgres_dump_restored_into_a_new_database_has_the_same_rows_in_every_table(
        postgres_app, new_postgres_database, tmp_path):
    _fill(postgres_app)
    source = postgres_app.config["SQLALCHEMY_DATABASE_URI"]

    created = _invoke(postgres_app, "create", str(tmp_path / "nightly.dump"))
    restored = _invoke(postgres_app, "restore", str(tmp_path / "nightly.dump"),
                       "--to", new_postgres_database)

    assert created.exit_code == 0, created.output
    assert (tmp_path / "nightly.dump").read_bytes().startswith(b"PGDMP")
    assert restored.exit_code == 0, restored.output
    assert restored.output.startswith(f"restored {tmp_path / 'nightly.dump'} into postgresql")
    counts = _row_counts(source)
    assert len(counts) >= 30 and counts["registrations"] == 4
    assert _row_counts(new_postgres_database) == counts
    # The copy works as a database of the app: its enums and sequences came along.
    engine = create_engine(new_postgres_database)
    with engine.begin() as conn:
        statuses = conn.scalars(text("SELECT status FROM registrations ORDER BY id")).all()
        next_id = conn.scalar(text("SELECT nextval('registrations_id_seq')"))
    engine.dispose()
    assert statuses == ["confirmed"] * 3 + ["waitlisted"]
    assert next_id == 5


@pytest.mark.postgres
def test_postgres_restore_refuses_a_full_target_and_a_truncated_dump_changing_nothing(
        postgres_app, new_postgres_database, tmp_path):
    _fill(postgres_app)
    dump = tmp_path / "whole.dump"
    assert _invoke(postgres_app, "create", str(dump)).exit_code == 0
    engine = create_engine(new_postgres_database)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE leftover (id integer)"))
    engine.dispose()
    truncated = tmp_path / "truncated.dump"
    truncated.write_bytes(dump.read_bytes()[:len(dump.read_bytes()) // 2])

    refused = _invoke(postgres_app, "restore", str(dump), "--to", new_postgres_database)
    corrupt = _invoke(postgres_app, "restore", str(truncated), "--to", new_postgres_database,
                      "--force")
    unchanged = _row_counts(new_postgres_database)
    forced = _invoke(postgres_app, "restore", str(dump), "--to", new_postgres_database,
                     "--force")

    _one_error_line(refused, "the target database is not empty (1 tables or types): restore "
                             "into an empty database, or add --force to replace it")
    assert corrupt.exit_code == 1
    assert corrupt.output.startswith(f"Error: corrupt PostgreSQL dump {truncated}: pg_restore")
    assert corrupt.output.count("\n") == 1
    assert unchanged == {"leftover": 0}
    assert forced.exit_code == 0, forced.output
    # --force replaces the whole schema: what the dump does not hold is gone.
    assert _row_counts(new_postgres_database) == _row_counts(
        postgres_app.config["SQLALCHEMY_DATABASE_URI"])


@pytest.mark.postgres
def test_postgres_restore_into_a_database_that_does_not_exist_says_so(postgres_app, tmp_path):
    dump = tmp_path / "x.dump"
    assert _invoke(postgres_app, "create", str(dump)).exit_code == 0
    missing = make_url(postgres_url()).set(database="clustermeet_no_such_db")

    result = _invoke(postgres_app, "restore", str(dump), "--to",
                     missing.render_as_string(hide_password=False))

    assert result.exit_code == 1 and result.output.count("\n") == 1
    assert result.output.startswith("Error: cannot reach the target database postgresql")
    assert 'database "clustermeet_no_such_db" does not exist' in result.output



def test_a_server_that_does_not_answer_is_one_line_without_the_password(tmp_path):
    try:
        postgres.find_tool("pg_dump")
    except BackupError as exc:
        require_service(False, str(exc))
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=(
        f"postgresql+psycopg://clustermeet:s3cret-pw@127.0.0.1:{port}/clustermeet"))

    result = _invoke(app, "create", str(tmp_path / "x.dump"))

    assert result.exit_code == 1 and result.output.count("\n") == 1
    assert result.output.startswith("Error: pg_dump failed: pg_dump: error: connection to server")
    assert "s3cret" not in result.output
    assert list(tmp_path.iterdir()) == []  # no partial file left behind
