"""Configuration classes: the only place that reads environment variables."""

import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


#: Settings whose value could not be read; config_from_env() refuses to start with the first.
_PROBLEMS: list[str] = []


def _number(name: str, default: float, kind: type = int) -> float:
    """Read a number >= 0 from the environment; record a problem, not a traceback, if not."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = kind(raw.strip())
    except ValueError:
        value = -1
    if not value >= 0:  # also refuses nan
        _PROBLEMS.append(f"{name} must be a {'whole ' if kind is int else ''}number "
                         f"(0 or more), not {raw!r}")
        return default
    return value


#: The `synchronous` levels a SQLite file may run at (SQLITE_SYNCHRONOUS).
SQLITE_SYNC_LEVELS = ("NORMAL", "FULL")


def _default_sqlite_url() -> str:
    return f"sqlite:///{INSTANCE_DIR / 'clustermeet.sqlite'}"


#: The environment variable that names the configuration; it has no default.
ENV_VARIABLE = "CLUSTERMEET_ENV"
#: Public, so never a secret: accepted only in development, and only from loopback clients.
DEV_SECRET_KEY = "dev-only-not-secret"
#: Shortest SECRET_KEY production accepts (32 hex characters are 128 random bits).
MIN_SECRET_KEY_LENGTH = 32


class ConfigError(RuntimeError):
    """The environment asks for a configuration that must not start."""


def count(settings, name: str) -> int | None:
    """Return the whole number >= 0 a setting holds, None when unset; refuse anything else."""
    value = settings.get(name)
    if value is None or value == "":
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        number = -1
    if number < 0:
        raise ConfigError(f"{name} must be a whole number (0 or more), not {value!r}")
    return number


def rate_limit_storage(environ) -> str:
    """Return the rate-limit storage: RATELIMIT_STORAGE_URI, else REDIS_URL, else memory://."""
    return environ.get("RATELIMIT_STORAGE_URI") or environ.get("REDIS_URL") or "memory://"


def rate_limit_storage_problem(settings, workers: int | None) -> str | None:
    """Say why the rate-limit storage cannot serve `workers` web processes, or None if it can.

    `workers` is None when nobody declared how many processes serve the app.
    """
    storage = settings.get("RATELIMIT_STORAGE_URI") or "memory://"
    if not settings.get("RATELIMIT_ENABLED", True) or not storage.startswith("memory://"):
        return None
    if workers == 1:
        return None
    running = ("an undeclared number of web workers (WEB_WORKERS is not set)" if workers is None
               else f"{workers} web workers")
    return (f"RATELIMIT_STORAGE_URI=memory:// with {running}: each worker would count apart, "
            "multiplying every limit. Set RATELIMIT_STORAGE_URI=redis://host:6379/0 "
            "(shared by all workers) or run one worker and declare WEB_WORKERS=1")


class Config:
    """Settings shared by every environment, read from the environment."""

    #: Which configuration this is (the value of CLUSTERMEET_ENV that selects it).
    ENV_NAME = ""
    SECRET_KEY = os.environ.get("SECRET_KEY") or DEV_SECRET_KEY
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", _default_sqlite_url())
    #: No pool_pre_ping: a PostgreSQL connection the server closed (a restart) is replaced
    #: before use without its query per request, so the first request after the database
    #: returns works; app/dropped_connections.py says what a silent cut does.
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    #: A SQLite file runs in WAL mode (readers never wait for a writer) with this
    #: `synchronous` level: NORMAL syncs at checkpoints only, so a power cut (not a crash of
    #: the app) may lose the last commits but never damages the file; FULL syncs every commit.
    SQLITE_SYNCHRONOUS = os.environ.get("SQLITE_SYNCHRONOUS", "NORMAL").strip().upper()
    if SQLITE_SYNCHRONOUS not in SQLITE_SYNC_LEVELS:
        _PROBLEMS.append(f"SQLITE_SYNCHRONOUS must be NORMAL or FULL, not {SQLITE_SYNCHRONOUS!r}")
    SERVER_NAME = os.environ.get("SERVER_NAME") or None
    #: Base URL used in mails, invites and feeds (links must work outside a request).
    PUBLIC_URL = os.environ.get("PUBLIC_URL", "http://127.0.0.1:5000")

    # Languages: the user's preference, then Accept-Language, then this default.
    LANGUAGES = ("fr", "nl", "en")
    BABEL_DEFAULT_LOCALE = os.environ.get("DEFAULT_LANGUAGE", "fr")
    BABEL_DEFAULT_TIMEZONE = "Europe/Brussels"
    DISPLAY_TIMEZONE = "Europe/Brussels"

    BOOTSTRAP_SERVE_LOCAL = True
    #: Buttons Bootstrap-Flask renders are primary actions: the one scheme's green (see
    #: tests/test_button_scheme.py for the classes templates may use).
    BOOTSTRAP_BTN_STYLE = "success"
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # tied to the session instead of a clock
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE")
    # "Remember me" (Flask-Login): two weeks, never readable by scripts or sent cross-site.
    REMEMBER_COOKIE_DURATION = timedelta(days=14)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    MAX_CONTENT_LENGTH = 5 * 1024 * 1024
    #: A previewed CSV import travels back in a form field: allow it the whole request size.
    MAX_FORM_MEMORY_SIZE = MAX_CONTENT_LENGTH

    # Mail: messages go to the outbox table; the worker delivers them.
    # MAIL_TRANSPORT is "smtp" (MAIL_SERVER...) or "folder" (files in MAIL_FOLDER).
    MAIL_TRANSPORT = os.environ.get("MAIL_TRANSPORT", "smtp")
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = _number("MAIL_PORT", 25)
    MAIL_USE_TLS = _bool("MAIL_USE_TLS")
    MAIL_USE_SSL = _bool("MAIL_USE_SSL")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_DEFAULT_SENDER = os.environ.get(
        "MAIL_DEFAULT_SENDER", "Clustermeet <events@clustermeet.invalid>"
    )
    MAIL_FOLDER = os.environ.get("MAIL_FOLDER", str(INSTANCE_DIR / "mail"))
    MAIL_MAX_ATTEMPTS = _number("MAIL_MAX_ATTEMPTS", 12)
    #: A worker's claim on a mail lasts this long; after it another worker may send it again
    #: (same Message-ID). Keep it above a few SMTP timeouts (10 s each).
    MAIL_CLAIM_LEASE_SECONDS = _number("MAIL_CLAIM_LEASE_SECONDS", 90, float)
    #: Address that organises calendar invites (iTIP ORGANIZER).
    CLUSTER_NAME = os.environ.get("CLUSTER_NAME", "Clustermeet")
    CLUSTER_EMAIL = os.environ.get("CLUSTER_EMAIL", "events@clustermeet.invalid")

    #: Redis (redis://host:6379/0): when set, `flask worker` processes on any machine take the
    #: jobs and mail through RQ, and the rate limits count there too. Unset: the embedded worker.
    REDIS_URL = os.environ.get("REDIS_URL") or None
    #: RQ workers do their periodic duties (beat, due mail, stale jobs and claims) this often.
    WORKER_BEAT_SECONDS = _number("WORKER_BEAT_SECONDS", 10, float)
    #: A running job silent (no heartbeat) this long is failed: its worker died.
    JOB_STALE_SECONDS = _number("JOB_STALE_SECONDS", 60, float)

    # Rate limits (Flask-Limiter). memory:// counts in each process apart; with several web
    # workers, a shared storage (redis://host:6379/0) keeps one count for everybody.
    RATELIMIT_STORAGE_URI = rate_limit_storage(os.environ)
    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    #: No X-RateLimit-* headers: each would cost every limited request one more Redis round
    #: trip (re-reading the window); a refusal says "wait a minute" in its page.
    RATELIMIT_HEADERS_ENABLED = False
    #: While the shared storage is down, each worker counts alone instead of answering 500.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    #: Number of web worker processes (gunicorn.conf.py starts that many); text, see count().
    WEB_WORKERS = os.environ.get("WEB_WORKERS") or None
    #: Reverse proxies in front of the app whose X-Forwarded-For/-Proto are believed; 0 trusts
    #: none, so a client cannot choose the address its rate limits count against.
    TRUSTED_PROXIES = os.environ.get("TRUSTED_PROXIES", "0")
    REGISTRATION_RATE_LIMIT = os.environ.get("REGISTRATION_RATE_LIMIT", "20 per minute")
    MANAGE_RATE_LIMIT = os.environ.get("MANAGE_RATE_LIMIT", "60 per minute")
    #: Refused logins (and one-time codes) per account, and separately per client address.
    LOGIN_LIMIT_PER_ACCOUNT = os.environ.get("LOGIN_LIMIT_PER_ACCOUNT", "5 per minute;20 per hour")
    LOGIN_LIMIT_PER_ADDRESS = os.environ.get("LOGIN_LIMIT_PER_ADDRESS", "20 per minute")

    # Personal links and public forms.
    #: How long an unconfirmed registration holds a place (events that confirm by link).
    CONFIRMATION_HOLD_MINUTES = _number("CONFIRMATION_HOLD_MINUTES", 30)
    #: At most one personal-link mail per address and event within this many minutes.
    LINK_MAIL_INTERVAL_MINUTES = _number("LINK_MAIL_INTERVAL_MINUTES", 15)
    #: Public forms sent sooner than this after being shown, or later, are sent back.
    FORM_MIN_SECONDS = _number("FORM_MIN_SECONDS", 2, float)
    FORM_MAX_AGE_SECONDS = _number("FORM_MAX_AGE_SECONDS", 24 * 3600)
    FORM_TIMING_CHECK = True

    #: Public event pages seen by anonymous visitors are kept this many seconds at most (and
    #: dropped at once when event data change, see app/events/page_cache.py); 0 keeps none.
    EVENTS_PAGE_CACHE_SECONDS = _number("EVENTS_PAGE_CACHE_SECONDS", 5, float)
    #: How long a web worker trusts the data version it read from Redis (page_cache.py).
    EVENTS_PAGE_VERSION_SECONDS = _number("EVENTS_PAGE_VERSION_SECONDS", 1, float)

    REMINDER_DAYS_BEFORE = _number("REMINDER_DAYS_BEFORE", 2)
    WORKER_POLL_SECONDS = _number("WORKER_POLL_SECONDS", 2, float)
    #: Registration mails are built by the worker (its next poll, or a pushed RQ task), not in
    #: the request: building one (templates, invite, signed links) costs more than the seat.
    DEFERRED_MAIL_BY_WORKER = _bool("DEFERRED_MAIL_BY_WORKER", True)
    #: Threads the solver may use; leave a core to the web app on small machines.
    SOLVER_WORKERS = _number("SOLVER_WORKERS", 1)
    #: `flask privacy purge` erases non-members whose last event ended this many days ago.
    PRIVACY_RETENTION_DAYS = _number("PRIVACY_RETENTION_DAYS", 730)
    #: Bodies of sent mail (they hold personal links) are cleared this many days after delivery.
    OUTBOX_RETENTION_DAYS = _number("OUTBOX_RETENTION_DAYS", 30)
    #: The worker clears expired mail bodies this often (seconds); 0 leaves it to the command.
    OUTBOX_PURGE_INTERVAL_SECONDS = _number("OUTBOX_PURGE_INTERVAL_SECONDS", 3600)
    #: Strict-Transport-Security max-age; 0 sends none (development serves plain HTTP).
    HSTS_SECONDS = 0

    #: `flask backup create` writes here when given no path (files readable by their owner only).
    BACKUP_DIR = os.environ.get("BACKUP_DIR") or str(INSTANCE_DIR / "backups")
    #: Folder of pg_dump, pg_restore and psql; unset: Debian's newest /usr/lib/postgresql/*/bin,
    #: then PATH. They must be of the server's major version or newer.
    PG_BIN_DIR = os.environ.get("PG_BIN_DIR") or None

    #: "json": one JSON object per log line (a line per request, per mail batch, per job);
    #: "text" leaves logging as the host set it up.
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
    # /healthz answers 503 when one of these is exceeded.
    HEALTH_WORKER_MAX_AGE_SECONDS = _number("HEALTH_WORKER_MAX_AGE_SECONDS", 120)
    HEALTH_OUTBOX_MAX_AGE_SECONDS = _number("HEALTH_OUTBOX_MAX_AGE_SECONDS", 900)
    #: 0: the age of the last reminders run is shown but never fails the check.
    HEALTH_REMINDERS_MAX_AGE_SECONDS = _number(
        "HEALTH_REMINDERS_MAX_AGE_SECONDS", 7200)


class DevelopmentConfig(Config):
    """Local development: SQLite in instance/, mail kept in a folder."""

    ENV_NAME = "development"
    DEBUG = False
    MAIL_TRANSPORT = os.environ.get("MAIL_TRANSPORT", "folder")


class TestingConfig(Config):
    """Tests: a database given by TEST_DATABASE_URL or a temporary SQLite file."""

    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-secret"
    #: Tests that check French or Dutch say so (Accept-Language or the switcher).
    BABEL_DEFAULT_LOCALE = "en"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = False
    #: Like CSRF: the tests of the timing check turn it on.
    FORM_TIMING_CHECK = False
    RATELIMIT_ENABLED = False
    #: The page cache's own tests turn it on (the other tests roll back under it).
    EVENTS_PAGE_CACHE_SECONDS = 0
    #: Most tests read the outbox right after a POST; the worker's own tests turn it on.
    DEFERRED_MAIL_BY_WORKER = False
    MAIL_TRANSPORT = "folder"
    PUBLIC_URL = "http://localhost"
    SERVER_NAME = None


class ProductionConfig(Config):
    """Production: refuses to start without a real SECRET_KEY."""

    ENV_NAME = "production"
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")
    #: Strict-Transport-Security: browsers use HTTPS only for a year.
    HSTS_SECONDS = 365 * 24 * 3600
    # __Host- cookies: HTTPS only, this host only, whole site (browsers enforce all three).
    SESSION_COOKIE_NAME = "__Host-session"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_NAME = "__Host-remember_token"
    REMEMBER_COOKIE_SECURE = True

    @staticmethod
    def check(settings) -> None:
        """Refuse to start with a weak secret key or per-process limits for several workers."""
        key = settings.get("SECRET_KEY") or ""
        if key in ("", DEV_SECRET_KEY) or len(key) < MIN_SECRET_KEY_LENGTH:
            raise ConfigError(
                f"SECRET_KEY must be set in production to a random value of at least "
                f"{MIN_SECRET_KEY_LENGTH} characters, e.g. the output of "
                "`python3 -c 'import secrets; print(secrets.token_hex(32))'`")
        problem = rate_limit_storage_problem(settings, count(settings, "WEB_WORKERS"))
        if problem:
            raise ConfigError(problem)


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_env() -> type[Config]:
    """Return the configuration class named by CLUSTERMEET_ENV; refuse a missing or unknown name."""
    if _PROBLEMS:
        raise ConfigError(_PROBLEMS[0])
    name = os.environ.get(ENV_VARIABLE, "").strip()
    choices = ", ".join(CONFIGS)
    if not name:
        raise ConfigError(f"{ENV_VARIABLE} is not set: choose one of {choices} "
                          "(`make run` sets development)")
    if name not in CONFIGS:
        raise ConfigError(f"{ENV_VARIABLE}={name!r} is not a known environment: "
                          f"choose one of {choices}")
    return CONFIGS[name]
