"""Calendar items as plain values: what one entry of a person's calendar holds.

Pure: no Flask, no database. A :class:`CalendarItem` checks its values when it is
made (aware datetimes, valid addresses, a non-empty summary), so the builders in
:mod:`.ics` never see a bad one. The text helpers here keep summaries and
descriptions free of control characters.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import NamedTuple

from .timezone import BRUSSELS

_EMAIL_RE = re.compile(r"^[^@\s\"<>()\[\]\\,;:]+@[^@\s\"<>()\[\]\\,;:]+$")
# Runs of white space, but not the non-breaking spaces French puts before : ; ? !
_SPACES_RE = re.compile("[^\\S\u00a0\u202f]+")
# Unicode categories Cc (C0 and C1 controls, CR/LF/NEL included), Zl and Zp.
_CONTROL_RE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


class ItemStatus(StrEnum):
    """STATUS of a VEVENT."""

    CONFIRMED = "CONFIRMED"
    TENTATIVE = "TENTATIVE"
    CANCELLED = "CANCELLED"


class AttendeeRole(StrEnum):
    """ROLE parameter of an ATTENDEE."""

    CHAIR = "CHAIR"
    REQ_PARTICIPANT = "REQ-PARTICIPANT"
    OPT_PARTICIPANT = "OPT-PARTICIPANT"
    NON_PARTICIPANT = "NON-PARTICIPANT"


class Party(NamedTuple):
    """A person with a display name and an email address (organizer, sender)."""

    name: str
    email: str


class Attendee(NamedTuple):
    """An ATTENDEE of an item; RSVP is always FALSE (we do not collect replies)."""

    name: str
    email: str
    role: str = AttendeeRole.REQ_PARTICIPANT


@dataclass(frozen=True, slots=True)
class CalendarItem:
    """One entry of a person's calendar, as plain values.

    ``start`` and ``end`` are timezone-aware datetimes in any zone; they are
    written as Europe/Brussels wall-clock times (or in UTC for the second
    occurrence of a repeated autumn hour, which a local time cannot express).
    For ``all_day`` items ``start`` and ``end`` may also be dates: the item
    covers the Brussels calendar days from ``start`` to ``end`` *inclusive*;
    DTEND is written as the (exclusive) day after ``end``.

    Naive datetimes raise ``ValueError`` here, so no builder ever sees one.
    Plain tuples are accepted for ``organizer`` and ``attendees``.
    """

    uid: str
    sequence: int
    summary: str
    start: datetime | date
    end: datetime | date
    description: str = ""
    location: str = ""
    url: str = ""
    all_day: bool = False
    status: ItemStatus | str = ItemStatus.CONFIRMED
    organizer: Party | tuple[str, str] | None = None
    attendees: tuple[Attendee | tuple[str, str] | tuple[str, str, str], ...] = ()
    last_modified: datetime | None = None
    categories: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if not self.uid or any(_is_control(c) or c.isspace() for c in self.uid):
            raise ValueError(f"invalid UID {self.uid!r}")
        if isinstance(self.sequence, bool) or not isinstance(self.sequence, int):
            raise ValueError(f"SEQUENCE must be an int, got {self.sequence!r}")
        if self.sequence < 0:
            raise ValueError(f"SEQUENCE must not be negative, got {self.sequence}")
        if not clean_line(self.summary):
            raise ValueError("summary must not be empty")
        if self.all_day:
            first, last = local_date(self.start), local_date(self.end)
            if last < first:
                raise ValueError(f"all-day item ends ({last}) before it starts ({first})")
        else:
            require_aware(self.start, "start")
            require_aware(self.end, "end")
            if self.end <= self.start:
                raise ValueError(f"item ends ({self.end}) at or before its start ({self.start})")
        if self.last_modified is not None:
            require_aware(self.last_modified, "last_modified")
        if self.url and any(_is_control(c) or c.isspace() for c in self.url):
            raise ValueError(f"invalid URL {self.url!r}")
        object.__setattr__(self, "status", ItemStatus(self.status))
        if self.organizer is not None:
            organizer = Party(*self.organizer)
            _require_email(organizer.email)
            object.__setattr__(self, "organizer", organizer)
        attendees = tuple(Attendee(*attendee) for attendee in self.attendees)
        for attendee in attendees:
            _require_email(attendee.email)
        attendees = tuple(a._replace(role=AttendeeRole(a.role)) for a in attendees)
        object.__setattr__(self, "attendees", attendees)
        object.__setattr__(self, "categories", tuple(self.categories))


def content_fingerprint(item: CalendarItem) -> str:
    """Return a digest of everything the item shows (all but SEQUENCE and LAST-MODIFIED).

    Invites and feeds build their items with one function per kind of entry and compare
    this digest with the one recorded when the person was last mailed: any difference in
    time, place, text, people or status is a revision (a new SEQUENCE and an update).
    """
    def moment(value: datetime | date) -> str:
        return local_date(value).isoformat() if item.all_day else value.isoformat()

    shown = (
        item.uid,
        clean_line(item.summary),
        moment(item.start.astimezone(BRUSSELS) if isinstance(item.start, datetime) else item.start),
        moment(item.end.astimezone(BRUSSELS) if isinstance(item.end, datetime) else item.end),
        clean_multiline(item.description),
        clean_line(item.location),
        item.url,
        item.all_day,
        str(item.status),
        tuple(item.organizer) if item.organizer else None,
        tuple((clean_line(a.name), a.email.lower(), str(a.role)) for a in item.attendees),
        tuple(clean_line(c) for c in item.categories),
    )
    return hashlib.sha256(repr(shown).encode("utf-8")).hexdigest()


# --- text hygiene -------------------------------------------------------------------------


def clean_line(text: str) -> str:
    """Return ``text`` on one line: control characters and runs of spaces become one space."""
    return _SPACES_RE.sub(" ", _CONTROL_RE.sub(" ", text)).strip()


def clean_multiline(text: str) -> str:
    """Return ``text`` with ``\\n`` line ends and no other control characters (tabs kept)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL_RE.sub(lambda match: match[0] if match[0] in "\n\t" else "", text).strip()


def _is_control(char: str) -> bool:
    return _CONTROL_RE.match(char) is not None


# --- checks ---------------------------------------------------------------------------


def local_date(value: datetime | date) -> date:
    """Return the Brussels calendar day of a date or of a timezone-aware datetime."""
    if isinstance(value, datetime):
        require_aware(value, "date-time")
        return value.astimezone(BRUSSELS).date()
    return value


def require_aware(value: object, what: str) -> None:
    """Raise ``ValueError`` unless ``value`` is a timezone-aware datetime (``what`` names it)."""
    if not isinstance(value, datetime):
        raise ValueError(f"{what} must be a timezone-aware datetime, got {value!r}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got naive {value!r}")


def _require_email(email: str) -> None:
    if not isinstance(email, str) or not _EMAIL_RE.match(email):
        raise ValueError(f"invalid email address {email!r}")
