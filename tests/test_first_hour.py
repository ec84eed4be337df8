"""A newcomer's first hour: `make run PORT=...` gives links on that port, `make user` exists."""

import os
import re
import shutil
import subprocess
import sys
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
