"""PostgreSQL backups through the client tools: pg_dump -Fc, pg_restore and psql.

The password never appears on a command line (other users of the machine can read those in
`ps`): the tools get a libpq URL without it, and the password through PGPASSWORD.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from app.backup.errors import BackupError

#: Seconds the client tools wait for the server before giving up.
CONNECT_TIMEOUT = "10"
#: The Debian packages put every major version's tools here; the newest reads every older server.
DEBIAN_BIN_DIRS = "/usr/lib/postgresql/*/bin"


def libpq_connection(url: str) -> tuple[str, dict[str, str]]:
    """Return a libpq URL without driver or password, and the environment that carries it."""
    parsed = make_url(url)
    # URL.set(password=None) would keep the password: build the URL without it.
    conninfo = URL.create("postgresql", username=parsed.username, host=parsed.host,
                          port=parsed.port, database=parsed.database, query=parsed.query)
    env = {**os.environ, "PGCONNECT_TIMEOUT": CONNECT_TIMEOUT}
    env.pop("PGPASSWORD", None)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    return conninfo.render_as_string(hide_password=False), env


def find_tool(name: str, bin_dir: str | None = None) -> str:
    """Return the path of a PostgreSQL client tool: PG_BIN_DIR, Debian's newest, then PATH."""
    if bin_dir:
        candidates = [Path(bin_dir) / name]
    else:
        folders = sorted(glob.glob(DEBIAN_BIN_DIRS), key=_major_version, reverse=True)
        candidates = [Path(folder) / name for folder in folders]
        found = shutil.which(name)
        if found:
            candidates.append(Path(found))
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    where = f" in PG_BIN_DIR={bin_dir}" if bin_dir else ""
    raise BackupError(f"{name} not found{where}: install the PostgreSQL client tools of the "
                      "server's major version (Debian: postgresql-client) or set PG_BIN_DIR")


def dump(url: str, target: Path, bin_dir: str | None = None) -> None:
    """Write the whole database to ``target`` in pg_dump's custom format."""
    conninfo, env = libpq_connection(url)
    _run([find_tool("pg_dump", bin_dir), "--format=custom", "--no-password",
          f"--file={target}", f"--dbname={conninfo}"], env, "pg_dump failed")


def restore(path: Path, url: str, *, clear: bool, bin_dir: str | None = None) -> None:
    """Restore a custom-format dump into the database at ``url`` in one transaction.

    The dump is first turned into SQL (which reads it whole, so a corrupt or truncated file is
    refused before the target is touched); psql then runs it, after emptying the public schema
    when ``clear``, all in one transaction: a failed restore leaves the target as it was.
    """
    conninfo, env = libpq_connection(url)
    with tempfile.TemporaryDirectory(prefix="clustermeet-restore-") as folder:
        script = Path(folder) / "restore.sql"
        # --no-owner/--no-privileges: the target's user owns what it restores.
        _run([find_tool("pg_restore", bin_dir), "--no-owner", "--no-privileges",
              f"--file={script}", str(path)], env, f"corrupt PostgreSQL dump {path}")
        command = [find_tool("psql", bin_dir), "--no-psqlrc", "--quiet", "--no-password",
                   "--set=ON_ERROR_STOP=1", "--single-transaction", f"--dbname={conninfo}"]
        if clear:
            command.append("--command=DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
        command.append(f"--file={script}")
        _run(command, env, "restore failed (nothing was changed)")


def _run(command: list[str], env: dict[str, str], failure: str) -> None:
    try:
        result = subprocess.run(command, env=env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    except OSError as exc:
        raise BackupError(f"{failure}: cannot run {command[0]}: {exc.strerror}") from exc
    if result.returncode != 0:
        raise BackupError(f"{failure}: {_first_error(result.stderr)}")


def _first_error(stderr: bytes) -> str:
    lines = [line.strip() for line in stderr.decode("utf-8", "replace").splitlines()
             if line.strip()]
    errors = [line for line in lines if "error" in line.lower() or "fatal" in line.lower()]
    return (errors or lines or ["no message"])[0]


def _major_version(folder: str) -> int:
    name = Path(folder).parent.name
    return int(name) if name.isdigit() else 0
