"""Stable UIDs of calendar entries: one per registration, event and B2B meeting.

Identity is what makes updates work: the UID of an entry never changes, so a
calendar client replaces the entry instead of adding a second one.
"""

from __future__ import annotations

import re

_ID_RE = re.compile(r"^[A-Za-z0-9_]+$")
_DOMAIN_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$")


def registration_uid(registration_id: int | str, domain: str) -> str:
    """Return the UID of the calendar entry for one registration."""
    return f"registration-{_id_part(registration_id)}@{_domain(domain)}"


def event_uid(event_id: int | str, domain: str) -> str:
    """Return the UID of the calendar entry for a whole event (feeds, PUBLISH)."""
    return f"event-{_id_part(event_id)}@{_domain(domain)}"


def meeting_uid(
    session_id: int | str, a_person_id: int | str, b_person_id: int | str, domain: str
) -> str:
    """Return the UID of the B2B meeting between two people in one session.

    A pair meets at most once per session, so the pair (not the slot or table)
    identifies the meeting: the UID survives the meeting being moved, and both
    participants get the same UID whatever the order of the two ids.
    """
    a, b = _id_part(a_person_id), _id_part(b_person_id)
    if a == b:
        raise ValueError(f"a person cannot meet themself ({a})")
    if isinstance(a_person_id, int) and isinstance(b_person_id, int):
        low, high = sorted((a_person_id, b_person_id))
        first, second = str(low), str(high)
    else:
        first, second = sorted((a, b))
    return f"b2b-{_id_part(session_id)}-{first}-{second}@{_domain(domain)}"


def _id_part(value: int | str) -> str:
    if isinstance(value, bool):
        raise ValueError(f"invalid id {value!r}")
    text = str(value)
    if not _ID_RE.match(text):
        raise ValueError(f"invalid id {value!r}")
    return text


def _domain(domain: str) -> str:
    if not _DOMAIN_RE.match(domain) or "." not in domain and domain != "localhost":
        raise ValueError(f"invalid domain {domain!r}")
    return domain.lower()
