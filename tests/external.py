"""External services some tests need (PostgreSQL, SMTP, Redis, chromium): skip them when missing
on a developer's machine, fail in CI."""

import os

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"


def require_service(available: bool, reason: str) -> None:
    """Skip when a service is missing on a developer's machine; fail loudly in CI."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"required service missing in CI: {reason}")
    pytest.skip(reason)


def postgres_url() -> str | None:
    """Return the PostgreSQL URL the tests may use, if any."""
    url = os.environ.get("TEST_POSTGRES_URL") or os.environ.get("TEST_DATABASE_URL", "")
    return url if url.startswith("postgresql") else None


def redis_url() -> str | None:
    """Return the URL of a Redis that answers (TEST_REDIS_URL, else the local default), or None."""
    url = os.environ.get("TEST_REDIS_URL") or "redis://127.0.0.1:6379/0"
    import redis  # in requirements.txt: the shared rate-limit storage

    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return None
    return url
