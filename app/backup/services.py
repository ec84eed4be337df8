"""Create and restore backups of the whole database, PostgreSQL or SQLite.

A backup file says what it is by its first bytes: pg_dump's custom format starts with
``PGDMP``, a SQLite database with ``SQLite format 3``. Restore checks the file, its kind against
the target's, and that the target is empty (unless forced) before it changes anything.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from app.backup import postgres, sqlite
from app.backup.errors import BackupError
from app.db import utc_now
from app.text import one_line

__all__ = ["BackupError", "BackupFile", "create_backup", "default_name", "restore_backup"]

POSTGRESQL, SQLITE = "PostgreSQL", "SQLite"
_MAGIC = {POSTGRESQL: b"PGDMP", SQLITE: b"SQLite format 3\x00"}
_SUFFIX = {POSTGRESQL: ".dump", SQLITE: ".sqlite"}


@dataclass(frozen=True)
class BackupFile:
    """A backup written: where, and how many bytes."""

    path: Path
    size: int


def database_kind(url: str) -> str:
    """Return POSTGRESQL or SQLITE for a database URL; refuse any other database."""
    try:
        backend = make_url(url).get_backend_name()
    except ArgumentError:
        raise BackupError("not a database URL (e.g. postgresql://user@host/name)") from None
    if backend == "postgresql":
        return POSTGRESQL
    if backend == "sqlite":
        return SQLITE
    raise BackupError(f"backups support PostgreSQL and SQLite, not {backend}")


def default_name(kind: str, now: datetime | None = None) -> str:
    """Return the file name of a backup taken now: the UTC time, sortable."""
    stamp = (now or utc_now()).strftime("%Y%m%dT%H%M%SZ")
    return f"clustermeet-{stamp}{_SUFFIX[kind]}"


def create_backup(url: str, path: Path | None, folder: Path,
                  bin_dir: str | None = None) -> BackupFile:
    """Back up the database at ``url`` to the file or folder ``path`` (default: ``folder``)."""
    kind = database_kind(url)
    target = _target_file(path, folder, kind)
    partial = target.with_name(f".{target.name}.partial")
    try:
        # Backups hold personal data: readable by their owner only, from the first byte.
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        partial.unlink(missing_ok=True)
        partial.touch(mode=0o600)
        if kind == POSTGRESQL:
            postgres.dump(url, partial, bin_dir)
        else:
            sqlite.copy(_sqlite_path(url), partial)
        # Complete or absent: a crash mid-backup never leaves a file that looks whole.
        os.replace(partial, target)
        return BackupFile(target, target.stat().st_size)
    except OSError as exc:
        raise BackupError(f"cannot write {target}: {exc.strerror}") from exc
    finally:
        partial.unlink(missing_ok=True)


def restore_backup(path: Path, url: str, *, force: bool = False,
                   bin_dir: str | None = None) -> None:
    """Restore the backup at ``path`` into the database at ``url``, replacing it all."""
    kind = database_kind(url)
    found = backup_kind(path)
    if found != kind:
        raise BackupError(f"{path} is a {found} backup but the target database is {kind}: "
                          f"restore it into a {found} database (--to URL)")
    if kind == SQLITE:
        sqlite.check(path)
    tables = _table_names(url, kind)
    if tables and not force:
        raise BackupError(f"the target database is not empty ({len(tables)} tables or types): "
                          "restore into an empty database, or add --force to replace it")
    if kind == POSTGRESQL:
        postgres.restore(path, url, clear=bool(tables), bin_dir=bin_dir)
    else:
        sqlite.restore(path, _sqlite_path(url))


def backup_kind(path: Path) -> str:
    """Return the kind of backup a file holds, by its first bytes; refuse anything else."""
    try:
        with path.open("rb") as file:
            head = file.read(16)
    except FileNotFoundError:
        raise BackupError(f"no such backup file: {path}") from None
    except OSError as exc:
        raise BackupError(f"cannot read {path}: {exc.strerror}") from exc
    for kind, magic in _MAGIC.items():
        if head.startswith(magic):
            return kind
    raise BackupError(f"{path} is not a backup (neither a PostgreSQL custom-format dump "
                      "nor a SQLite database)")


def display_url(url: str) -> str:
    """Return the URL with its password masked, for messages."""
    return make_url(url).render_as_string(hide_password=True)


def _target_file(path: Path | None, folder: Path, kind: str) -> Path:
    if path is None:
        path = folder / default_name(kind)
    elif path.is_dir():
        path = path / default_name(kind)
    if path.exists():
        raise BackupError(f"{path} exists already: choose another file")
    return path


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        raise BackupError("an in-memory SQLite database has nothing to back up or restore")
    return Path(database)


def _table_names(url: str, kind: str) -> list[str]:
    if kind == SQLITE:
        return sqlite.table_names(_sqlite_path(url))
    engine = create_engine(url, poolclass=NullPool)
    try:
        inspector = inspect(engine)
        # Enum types count too: a database with only types left would refuse the restore.
        names = inspector.get_table_names(schema="public")
        return names + [enum["name"] for enum in inspector.get_enums(schema="public")]
    except SQLAlchemyError as exc:
        raise BackupError(f"cannot reach the target database {display_url(url)}: "
                          f"{one_line(getattr(exc, 'orig', None) or exc)}") from exc
    finally:
        engine.dispose()
