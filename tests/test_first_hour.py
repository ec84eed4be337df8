"""A newcomer's first hour: `make run PORT=...` gives links on that port, `make user` exists."""

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def _dry_run(*args: str) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("PUBLIC_URL", "HOST", "PORT")}
    return subprocess.run(["make", "-n", *args], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=60, check=True).stdout


def _public_urls(output: str) -> set[str]:
    return set(re.findall(r"PUBLIC_URL=(\S+) ", output))


def test_make_run_on_another_port_gives_links_on_that_port(tmp_path):
    urls = _public_urls(_dry_run("run", "PORT=5055"))
    assert urls == {"http://127.0.0.1:5055"}  # the web server and the worker alike

    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(CLUSTERMEET_ENV="development", PUBLIC_URL=urls.pop(),
               DATABASE_URL=f"sqlite:///{tmp_path / 'cm.sqlite'}")
    code = ("from app import create_app\nfrom app.urls import external_url\n"
            "app = create_app()\nwith app.app_context():\n"
            "    print(external_url('events.detail', event_id=1))")
    link = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=120, check=True).stdout.strip()
    assert link == "http://127.0.0.1:5055/events/1"


def test_make_run_on_every_interface_links_to_the_loopback():
    assert _public_urls(_dry_run("run", "HOST=0.0.0.0", "PORT=8080")) == {
        "http://127.0.0.1:8080"}


def test_an_explicit_public_url_wins():
    assert _public_urls(_dry_run("run", "PUBLIC_URL=https://events.example.org")) == {
        "https://events.example.org"}


def test_make_user_creates_an_account_with_the_virtualenv_flask():
    assert ".venv/bin/flask users create --role organiser ann@example.org" in _dry_run(
        "user", "EMAIL=ann@example.org")


def _serving_line(server: str) -> str:
    """Return `make run`'s serving line with `sleep 30` for the worker and `server` for the
    web server."""
    lines = _dry_run("run").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith('echo "Serving on')) + 1
    end = next(i for i, line in enumerate(lines) if "flask run" in line)
    recipe = "\n".join(lines[start:end + 1])
    assert "flask worker" in recipe
    return re.sub(r"\S*/flask run .*", server, re.sub(r"\S*/flask worker", "sleep 30", recipe))


def _run(script: str, *, interrupt: bool) -> int:
    """Run a shell line in its own process group, interrupted as Ctrl-C does (SIGINT to the
    group) if asked; return its exit code once nothing of the group is left running."""
    process = subprocess.Popen(["/bin/sh", "-c", script], start_new_session=True)
    if interrupt:
        # Once both servers run, the line has set its traps (they come before the web server).
        _group_once(process.pid, lambda running: running.count("sleep") >= 2, seconds=10)
        os.killpg(process.pid, signal.SIGINT)
    code = process.wait(timeout=10)
    assert _group_once(process.pid, lambda running: not running, seconds=5) == []  # the worker too
    return code


def _group_once(group: int, done, *, seconds: float) -> list[str]:
    """Return the live commands of a process group once `done` holds for them, or at the
    deadline."""
    deadline = time.monotonic() + seconds
    while not done(running := _running_in_group(group)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return running


def _running_in_group(group: int) -> list[str]:
    """Return the commands of the live processes of a process group (not the zombies)."""
    running = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # gone meanwhile
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[2]) == group and fields[0] != "Z":
            running.append(stat.split("(", 1)[1].rsplit(")", 1)[0])
    return running


def test_ctrl_c_stops_make_run_and_its_worker_without_a_crash():
    # The worker, started with "&", ignores SIGINT (a shell's background command does): the
    # line stops it. Its first version sent SIGTERM to its own process group from a trap on
    # that same signal, again and again, until the shell died of a stack overflow (exit 139,
    # "Segmentation fault" under make).
    assert _run(_serving_line("sleep 31"), interrupt=True) == 128 + signal.SIGINT


def test_the_worker_stops_when_the_web_server_cannot_start():
    # Say, its port is taken: `make run` ends, and the worker with it.
    assert _run(_serving_line("exit 3"), interrupt=False) == 3
