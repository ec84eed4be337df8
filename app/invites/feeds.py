"""Pure helpers for personal calendar feeds: ETag, Last-Modified and access tokens.

The feed route builds the items, answers 304 when ``If-None-Match`` matches
:func:`feed_etag`, and renders with ``ics.build_feed(items, name=...,
dtstamp=feed_last_modified(...) or <fixed instant>)`` so the same items always
give the same bytes, which is what a strong ETag promises.

A feed URL carries a secret token; the database keeps only
:func:`hash_feed_token` of it, so a leaked table does not leak working URLs.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from datetime import UTC, datetime

from .ics import DEFAULT_REFRESH_MINUTES
from .items import CalendarItem

#: Raise when the rendering of feeds changes, so cached copies are refetched.
FEED_FORMAT_VERSION = "1"


def feed_etag(
    items: Iterable[CalendarItem],
    *,
    name: str = "",
    refresh_minutes: int = DEFAULT_REFRESH_MINUTES,
) -> str:
    """Return a strong ETag (quoted) identifying the feed rendered from ``items``.

    It covers UID, SEQUENCE and LAST-MODIFIED of every item and, because an
    edit need not raise SEQUENCE, a digest of all the item's other fields; plus
    the feed name, refresh hint and format version. Item order does not matter.
    """
    digest = hashlib.sha256()
    digest.update(f"v{FEED_FORMAT_VERSION}\x1f{name}\x1f{refresh_minutes}\x1e".encode())
    for item in sorted(items, key=lambda item: item.uid):
        last_modified = _utc_iso(item.last_modified) if item.last_modified else ""
        digest.update(f"{item.uid}\x1f{item.sequence}\x1f{last_modified}\x1f".encode())
        digest.update(repr(item).encode())
        digest.update(b"\x1e")
    return f'"{digest.hexdigest()[:40]}"'


def feed_last_modified(
    items: Iterable[CalendarItem], *, removed_at: Iterable[datetime] = ()
) -> datetime | None:
    """Return the latest change of the feed, in UTC whole seconds, or None if unknown.

    ``removed_at`` holds the times items left the feed (cancellations): without
    them a shrinking feed would keep its old Last-Modified. None when there is
    nothing to go on or an item has no ``last_modified`` (send no header then).
    """
    moments: list[datetime] = []
    for item in items:
        if item.last_modified is None:
            return None
        moments.append(item.last_modified)
    for moment in removed_at:
        if moment.utcoffset() is None:
            raise ValueError(f"removed_at must be timezone-aware, got {moment!r}")
        moments.append(moment)
    if not moments:
        return None
    return max(moments).astimezone(UTC).replace(microsecond=0)


def new_feed_token() -> str:
    """Return a new random feed token (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)


def hash_feed_token(token: str) -> str:
    """Return the SHA-256 hex digest under which a feed token is stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def feed_token_matches(token: str, token_hash: str) -> bool:
    """Return whether ``token`` hashes to ``token_hash``, in constant time."""
    return hmac.compare_digest(hash_feed_token(token), token_hash)


def _utc_iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()
