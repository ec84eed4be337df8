"""External services some tests need (PostgreSQL, SMTP, chromium): skip them when missing on a
developer's machine, fail in CI."""

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
