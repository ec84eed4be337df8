"""Consent records: when a person agreed, and to which version of the privacy notice."""

from datetime import datetime

from app.db import utc_now
from app.privacy.notice import current_version


def record_consent(record, now: datetime | None = None, *, version: int | None = None) -> None:
    """Stamp a registration or participant with the consent time (UTC) and notice version.

    ``version`` is the notice in force read earlier in the transaction (by default: now).
    """
    record.consent_at = now or utc_now()
    record.consent_notice_version = version if version is not None else current_version()


def consent_columns(consent: bool, now: datetime, version: int) -> dict:
    """Return the consent stamp's columns for a new row (empty values without consent)."""
    return {"consent_at": now if consent else None,
            "consent_notice_version": version if consent else None}


def clear_consent(record) -> None:
    """Remove the consent stamp of a record (a registration made without consent)."""
    record.consent_at = None
    record.consent_notice_version = None
