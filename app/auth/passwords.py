"""Password rules (ASVS 6.2): a length range and a list of common passwords."""

from functools import cache
from pathlib import Path

#: Shortest password an account may have.
MIN_PASSWORD_LENGTH = 8
#: Longest password accepted: long passphrases are welcome, megabytes to hash are not.
MAX_PASSWORD_LENGTH = 128

_COMMON_FILE = Path(__file__).with_name("common_passwords.txt")


@cache
def common_passwords() -> frozenset[str]:
    """Return the shipped list of common passwords, lower-cased."""
    lines = _COMMON_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip())


def password_problem(password: str, *, email: str = "") -> str | None:
    """Return the rule a new password breaks, as "password: ...", or None when it is fine.

    Any character is allowed (spaces and emoji included); nothing is trimmed.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"password: at least {MIN_PASSWORD_LENGTH} characters are needed"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"password: at most {MAX_PASSWORD_LENGTH} characters are allowed"
    lowered = password.lower()
    local_part = email.lower().partition("@")[0]
    if lowered in common_passwords() or lowered in {email.lower(), local_part}:
        return "password: this password is too common or too easy to guess"
    return None
