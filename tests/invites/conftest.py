"""Fixtures for the invites tests: a real Radicale CalDAV server on loopback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import caldav
import pytest

RADICALE_USER = "clustermeet"
RADICALE_PASSWORD = "unused"  # auth type none accepts any password
_START_TIMEOUT_S = 15.0


def _unavailable(reason: str) -> None:
    """Fail on CI (CalDAV coverage must not silently vanish there), skip elsewhere."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"Radicale unavailable on CI: {reason}")
    pytest.skip(f"Radicale unavailable: {reason}")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_answering(url: str, process: subprocess.Popen[bytes]) -> str | None:
    """Return None once ``url`` answers HTTP, else the reason it never did."""
    deadline = time.monotonic() + _START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return f"radicale exited with code {process.returncode}"
        try:
            with urllib.request.urlopen(url, timeout=1):
                return None
        except urllib.error.HTTPError:
            return None  # any HTTP status means the server is up
        except OSError:
            time.sleep(0.05)
    return f"no answer from {url} within {_START_TIMEOUT_S:.0f} s"


@pytest.fixture(scope="session")
def radicale_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Start Radicale (no auth, no rights restrictions) on a free loopback port."""
    folder: Path = tmp_path_factory.mktemp("radicale")
    port = _free_port()
    log_path = folder / "radicale.log"
    command = [
        sys.executable,
        "-m",
        "radicale",
        "--config",
        "",
        "--server-hosts",
        f"127.0.0.1:{port}",
        "--auth-type",
        "none",
        "--rights-type",
        "authenticated",
        "--storage-filesystem-folder",
        str(folder / "collections"),
        "--logging-level",
        "warning",
    ]
    with log_path.open("wb") as log:
        try:
            process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        except OSError as error:
            _unavailable(f"cannot run {command[0]}: {error}")
        url = f"http://127.0.0.1:{port}/"
        reason = _wait_until_answering(url, process)
        if reason is not None:
            process.kill()
            process.wait(timeout=5)
            _unavailable(f"{reason}; log: {log_path.read_text(errors='replace')[-2000:]}")
        try:
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)


@pytest.fixture(scope="session")
def dav_client(radicale_url: str) -> caldav.DAVClient:
    """Return a caldav client logged in to the test server."""
    return caldav.DAVClient(url=radicale_url, username=RADICALE_USER, password=RADICALE_PASSWORD)
