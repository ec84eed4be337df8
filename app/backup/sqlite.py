"""SQLite backups through Python's online backup API (consistent while the app writes)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from urllib.parse import quote

from app.backup.errors import BackupError
from app.text import one_line


def copy(source: Path, target: Path) -> None:
    """Copy the database at ``source`` into ``target`` page by page, as one snapshot."""
    if not source.is_file():
        raise BackupError(f"the database file {source} does not exist")
    try:
        with _read_only(source) as src, closing(sqlite3.connect(target)) as dst:
            src.backup(dst)
            # The copy takes the live file's WAL mode, and reading a WAL file needs its -wal
            # and -shm files beside it: a backup is one plain file, readable where it lies.
            dst.execute("PRAGMA journal_mode = DELETE")
    except sqlite3.Error as exc:
        raise BackupError(f"SQLite backup failed: {one_line(exc)}") from exc


def check(path: Path) -> None:
    """Refuse a backup file SQLite finds damaged."""
    try:
        with _read_only(path) as conn:
            verdict = conn.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.Error as exc:
        raise BackupError(f"corrupt SQLite backup {path}: {one_line(exc)}") from exc
    if verdict != "ok":
        raise BackupError(f"corrupt SQLite backup {path}: {one_line(verdict)}")


def restore(path: Path, target: Path) -> None:
    """Replace the whole database at ``target`` with the backup at ``path``."""
    try:
        with _read_only(path) as src, closing(sqlite3.connect(target)) as dst:
            src.backup(dst)
    except sqlite3.Error as exc:
        raise BackupError(f"restore failed: {one_line(exc)}") from exc


def table_names(path: Path) -> list[str]:
    """Return the tables of the database at ``path`` (none when the file does not exist)."""
    if not path.exists():
        return []
    try:
        with _read_only(path) as conn:
            rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            return [name for (name,) in rows]
    except sqlite3.Error as exc:
        raise BackupError(f"cannot read the target database {path}: {one_line(exc)}") from exc


def _read_only(path: Path):
    # mode=ro: a file that is not there is an error, never a new empty database.
    return closing(sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True))

