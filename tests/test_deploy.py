"""The deployment examples in deploy/ run commands that exist and send the headers the app reads."""

import os
import re
import runpy
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from werkzeug.middleware.proxy_fix import ProxyFix

from app import create_app
from config import BASE_DIR, ENV_VARIABLE, TestingConfig
from tests.external import require_service

DEPLOY = BASE_DIR / "deploy"
UNITS = sorted(DEPLOY.glob("*.service"))
TIMERS = sorted(DEPLOY.glob("*.timer"))
VENV_BIN = "/srv/clustermeet/.venv/bin/"
#: What each of ProxyFix's counts makes it read.
PROXY_FIX_HEADERS = {"x_for": "X-Forwarded-For", "x_proto": "X-Forwarded-Proto",
                     "x_host": "X-Forwarded-Host", "x_port": "X-Forwarded-Port",
                     "x_prefix": "X-Forwarded-Prefix"}


def _settings(path: Path) -> list[tuple[str, str]]:
    """Return the Key=value lines of a systemd unit, in order (keys may repeat)."""
    pairs = []
    for line in path.read_text().splitlines():
        if line and not line.startswith(("#", "[")) and "=" in line:
            key, value = line.split("=", 1)
            pairs.append((key.strip(), value.strip()))
    return pairs


def _commands() -> list[tuple[str, list[str]]]:
    """Return (where, argv) of every command the units and the crontab example run."""
    found = []
    for unit in UNITS:
        found += [(unit.name, shlex.split(value)) for key, value in _settings(unit)
                  if key == "ExecStart"]
    for line in (DEPLOY / "crontab.example").read_text().splitlines():
        if line and not line.startswith("#") and "=" not in line.split()[0]:
            command = line.split(" && ")[-1].split(">")[0]
            found.append(("crontab.example", shlex.split(command)))
    return found


def test_every_flask_command_of_the_units_and_cron_lines_exists(app):
    flask_commands = [(where, argv) for where, argv in _commands()
                      if Path(argv[0]).name == "flask"]
    runner = app.test_cli_runner()

    checked = set()
    for where, argv in flask_commands:
        result = runner.invoke(args=[*argv[1:], "--help"])
        assert result.exit_code == 0, f"{where}: `flask {' '.join(argv[1:])}` does not exist"
        checked.add(" ".join(argv[1:]))

    assert checked == {"worker", "events send-reminders", "events release-holds",
                       "privacy purge", "backup create", "b2b send-outcome-surveys"}


def test_the_web_unit_runs_gunicorn_with_the_repository_config_on_the_wsgi_app():
    [(_, argv)] = [(w, a) for w, a in _commands() if w == "clustermeet-web.service"]

    assert argv[0] == VENV_BIN + "gunicorn"
    config = argv[argv.index("--config") + 1]
    assert (BASE_DIR / config).is_file()
    module, name = argv[-1].split(":")
    assert (BASE_DIR / f"{module}.py").is_file()
    assert re.search(rf"^\s*{name} = create_app\(\)", (BASE_DIR / "wsgi.py").read_text(), re.M)


@pytest.mark.parametrize("unit", UNITS, ids=lambda path: path.name)
def test_units_run_as_the_app_user_in_the_checkout_with_the_environment_file(unit):
    settings = dict(_settings(unit))

    assert settings["User"] == settings["Group"] == "clustermeet"
    assert settings["WorkingDirectory"] == "/srv/clustermeet"
    assert settings["EnvironmentFile"] == "/etc/clustermeet/clustermeet.env"
    assert all(argv[0].startswith(VENV_BIN) for where, argv in _commands() if where == unit.name)


@pytest.mark.parametrize("timer", TIMERS, ids=lambda path: path.name)
def test_each_timer_starts_a_unit_of_the_repository(timer):
    settings = dict(_settings(timer))

    assert (DEPLOY / settings["Unit"]).is_file()
    assert settings["OnCalendar"]


def test_the_environment_example_sets_what_production_checks_and_no_secret(tmp_path):
    example = DEPLOY / "clustermeet.env.example"
    # Read as cron's lines do (sh), which must give what systemd gives.
    shell = subprocess.run(["sh", "-c", f"set -a && . {example} && env -0"], check=True,
                           capture_output=True, env={"PATH": "/usr/bin:/bin"})
    values = dict(item.split("=", 1) for item in shell.stdout.decode().split("\0") if item)
    config_source = (BASE_DIR / "config.py").read_text()
    read_by_config = {ENV_VARIABLE, *re.findall(r"(?:environ\.get|_bool|_number)\(\s*\"([A-Z_]+)\"",
                                                config_source)}
    names = {line.split("=", 1)[0] for line in example.read_text().splitlines()
             if line and not line.startswith("#")}

    assert names - {"FLASK_APP"} <= read_by_config  # no setting the app would ignore
    assert values["CLUSTERMEET_ENV"] == "production" and values["FLASK_APP"] == "wsgi"
    assert values["MAIL_DEFAULT_SENDER"] == "Example Cluster <events@example.org>"
    assert values["TRUSTED_PROXIES"] == "1"  # the one nginx of nginx.conf.example
    assert values["REDIS_URL"].startswith("redis://")  # shared limits, RQ workers
    for secret in ("SECRET_KEY", "MAIL_PASSWORD"):
        assert "CHANGE-ME" in values[secret]
    assert ":CHANGE-ME@" in values["DATABASE_URL"]


def _nginx_headers() -> dict[str, str]:
    text = (DEPLOY / "nginx.conf.example").read_text()
    return dict(re.findall(r"^\s*proxy_set_header\s+(\S+)\s+(\S+);", text, re.M))


def test_nginx_sets_exactly_the_forwarded_headers_proxy_fix_reads():
    app = create_app(TestingConfig, TRUSTED_PROXIES="1")
    proxy_fix = app.wsgi_app
    headers = _nginx_headers()

    assert isinstance(proxy_fix, ProxyFix)
    trusted = {header for attribute, header in PROXY_FIX_HEADERS.items()
               if getattr(proxy_fix, attribute)}
    assert trusted == {"X-Forwarded-For", "X-Forwarded-Proto"}
    # nginx replaces what a client sent with what it saw, one hop each...
    assert headers["X-Forwarded-For"] == "$remote_addr"
    assert headers["X-Forwarded-Proto"] == "$scheme"
    assert all(getattr(proxy_fix, attribute) == 1 for attribute in ("x_for", "x_proto"))
    # ...and removes the forwarded headers the app does not believe.
    assert {h for h, v in headers.items() if h.startswith("X-Forwarded-") and v != '""'} == trusted
    assert headers["Host"] == "$host"


def test_nginx_serves_tls_and_sends_plain_http_to_https():
    text = (DEPLOY / "nginx.conf.example").read_text()

    assert re.search(r"listen 443 ssl( http2)?;", text) and "ssl_certificate_key" in text
    assert "ssl_protocols TLSv1.2 TLSv1.3;" in text
    assert "return 301 https://$host$request_uri;" in text
    assert "proxy_pass http://clustermeet;" in text and "server 127.0.0.1:8000;" in text
    assert 'bind = "127.0.0.1:8000"' in (BASE_DIR / "gunicorn.conf.py").read_text()


def _gunicorn_settings(monkeypatch, **env: str) -> dict:
    """Read gunicorn.conf.py as gunicorn does, with this environment."""
    for name in ("WEB_WORKERS", "WEB_CONCURRENCY"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr("config.ProductionConfig.WEB_WORKERS", env.get("WEB_WORKERS"))
    return runpy.run_path(str(BASE_DIR / "gunicorn.conf.py"))


@pytest.mark.parametrize(("env", "workers"), [
    ({}, os.cpu_count() * 2 + 1), ({"WEB_CONCURRENCY": "3"}, 3),
    ({"WEB_WORKERS": "4", "WEB_CONCURRENCY": "3"}, 4)])
def test_gunicorn_takes_its_workers_from_the_cores_unless_told(monkeypatch, env, workers):
    assert _gunicorn_settings(monkeypatch, **env)["workers"] == workers


def test_gunicorn_has_timeouts_and_leaves_the_access_log_to_the_app(monkeypatch):
    settings = _gunicorn_settings(monkeypatch)

    assert settings["timeout"] == 60 and settings["graceful_timeout"] == 30
    # Paths carry personal links' tokens: the access log is the app's JSON line, by route.
    assert settings["accesslog"] is None and settings["errorlog"] == "-"


def test_systemd_accepts_every_unit_and_timer(tmp_path):
    """`systemd-analyze verify` reads the units as systemd would (the paths moved to a copy)."""
    analyze = shutil.which("systemd-analyze")
    require_service(analyze is not None, "no systemd-analyze (Debian package systemd)")
    venv = tmp_path / "srv" / ".venv" / "bin"
    venv.mkdir(parents=True)
    for program in ("flask", "gunicorn"):
        (venv / program).symlink_to(Path(sys.executable).parent / program)
    for unit in [*UNITS, *TIMERS]:
        text = unit.read_text().replace("/srv/clustermeet/", f"{tmp_path / 'srv'}/")
        (tmp_path / unit.name).write_text(text)

    result = subprocess.run([analyze, "verify", "--man=no",
                             *(str(tmp_path / unit.name) for unit in [*UNITS, *TIMERS])],
                            capture_output=True, text=True, timeout=60, cwd=tmp_path)

    assert result.returncode == 0 and result.stderr.strip() == "", result.stderr


NGINX_MAIN = """pid {root}/nginx.pid;
error_log {root}/error.log;
events {{}}
http {{
  client_body_temp_path {root}/body; proxy_temp_path {root}/proxy;
  fastcgi_temp_path {root}/fastcgi; uwsgi_temp_path {root}/uwsgi; scgi_temp_path {root}/scgi;
  include {root}/site.conf;
}}
"""


def test_nginx_accepts_the_example_with_its_certificates(tmp_path):
    """`nginx -t` on the example as Debian's nginx reads it (a throwaway certificate)."""
    nginx, openssl = shutil.which("nginx"), shutil.which("openssl")
    require_service(nginx is not None and openssl is not None,
                    "no nginx or openssl (Debian packages nginx-light, openssl)")
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=events.example.org", "-keyout", str(tmp_path / "key.pem"),
                    "-out", str(tmp_path / "cert.pem")], check=True, capture_output=True,
                   timeout=60)
    live = "/etc/letsencrypt/live/events.example.org/"
    site = (DEPLOY / "nginx.conf.example").read_text()
    (tmp_path / "site.conf").write_text(site.replace(f"{live}fullchain.pem", str(
        tmp_path / "cert.pem")).replace(f"{live}privkey.pem", str(tmp_path / "key.pem")))
    (tmp_path / "nginx.conf").write_text(NGINX_MAIN.format(root=tmp_path))

    result = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
                            capture_output=True, text=True, timeout=60)

    assert result.returncode == 0, result.stderr
    assert "[warn]" not in result.stderr and "[emerg]" not in result.stderr
