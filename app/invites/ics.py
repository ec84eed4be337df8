"""Build iCalendar (RFC 5545) objects from calendar items.

Pure: no Flask, no database. The builders turn :class:`.items.CalendarItem`
values into bytes:

* :func:`build_invite` — an iTIP (RFC 5546) object with METHOD, for iMIP mail;
* :func:`build_feed` — a calendar without METHOD, for subscription feeds and
  CalDAV storage;
* :func:`strip_method` and :func:`split_by_uid` — turn produced bytes into
  CalDAV calendar object resources (RFC 4791 forbids METHOD there and wants one
  UID per resource).

Identity is what makes updates work: the UID of an entry never changes (see
:mod:`.uids`) and its SEQUENCE is raised on every significant change, so a
calendar client replaces the entry instead of adding a second one.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from functools import cache
from typing import NamedTuple

from icalendar import Calendar, Event, vCalAddress, vDuration, vText
from icalendar.parser import Contentline

from .items import CalendarItem, ItemStatus, clean_line, clean_multiline, local_date, require_aware
from .timezone import BRUSSELS, TZID, brussels_vtimezone

#: Stable product identifier; clients use it to recognise our objects.
PRODID = "-//Clustermeet//Clustermeet//EN"
#: Default feed refresh hint (REFRESH-INTERVAL / X-PUBLISHED-TTL), in minutes.
DEFAULT_REFRESH_MINUTES = 60

_END_VCALENDAR = b"END:VCALENDAR\r\n"


class Method(StrEnum):
    """iTIP METHOD of an invite."""

    REQUEST = "REQUEST"
    CANCEL = "CANCEL"
    PUBLISH = "PUBLISH"


# --- builders -----------------------------------------------------------------------------


def build_invite(item: CalendarItem, method: Method | str, dtstamp: datetime) -> bytes:
    """Return a VCALENDAR with METHOD and one VEVENT, ready for an iMIP message.

    REQUEST needs an organizer and at least one attendee; CANCEL needs an
    organizer and always writes STATUS:CANCELLED; PUBLISH omits attendees
    (RFC 5546 forbids them there). The caller raises ``item.sequence`` for an
    update or a cancellation, keeping the UID.
    """
    method = Method(method)
    require_aware(dtstamp, "dtstamp")
    if item.organizer is None:
        raise ValueError(f"{method} needs an organizer ({item.uid})")
    if method is Method.REQUEST and not item.attendees:
        raise ValueError(f"REQUEST needs at least one attendee ({item.uid})")
    if method is Method.REQUEST and item.status is ItemStatus.CANCELLED:
        raise ValueError(f"a cancelled item is sent with CANCEL, not REQUEST ({item.uid})")

    calendar = _new_calendar()
    calendar.add("method", method.value)
    event = _vevent(
        item,
        dtstamp,
        status=ItemStatus.CANCELLED if method is Method.CANCEL else item.status,
        with_attendees=method is not Method.PUBLISH,
    )
    return _assemble(calendar, [event], with_timezone=not item.all_day)


def build_feed(
    items: Iterable[CalendarItem],
    *,
    name: str,
    dtstamp: datetime,
    refresh_minutes: int = DEFAULT_REFRESH_MINUTES,
) -> bytes:
    """Return a VCALENDAR without METHOD holding one VEVENT per item.

    The caller omits cancelled items: a feed lists what a person attends, and a
    cancelled item raises ``ValueError`` here. Items are written in start order.
    For a byte-stable feed (strong ETag) pass a ``dtstamp`` derived from the
    items, e.g. ``feeds.feed_last_modified``, not the time of the request.
    """
    require_aware(dtstamp, "dtstamp")
    if refresh_minutes < 1:
        raise ValueError(f"refresh_minutes must be positive, got {refresh_minutes}")
    items = sorted(items, key=_feed_order)
    seen: set[str] = set()
    for item in items:
        if item.status is ItemStatus.CANCELLED:
            raise ValueError(f"cancelled item {item.uid} must be left out of a feed")
        if item.uid in seen:
            raise ValueError(f"duplicate UID {item.uid} in a feed")
        seen.add(item.uid)

    calendar = _new_calendar()
    calendar_name = clean_line(name)
    if calendar_name:
        # NAME is the standard (RFC 7986); X-WR-CALNAME is what older clients read.
        calendar.add("name", _Text(calendar_name))
        calendar.add("x-wr-calname", _Text(calendar_name))
    calendar.add("x-wr-timezone", TZID)
    refresh = timedelta(minutes=refresh_minutes)
    calendar.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(refresh))
    events = [_vevent(item, dtstamp, status=item.status, with_attendees=True) for item in items]
    return _assemble(calendar, events, with_timezone=any(not item.all_day for item in items))


def strip_method(ics: bytes) -> bytes:
    """Return ``ics`` without its calendar-level METHOD, as CalDAV storage requires.

    Works on content lines, so every other byte is kept as it was.
    """
    kept: list[bytes] = []
    for logical in _logical_lines(ics):
        if logical.depth == 1 and logical.name == "METHOD":
            continue
        kept.extend(logical.physical)
    return b"".join(kept)


def split_by_uid(ics: bytes) -> dict[str, bytes]:
    """Split a calendar into one calendar object resource per UID (RFC 4791 4.1).

    Each object keeps PRODID, VERSION and CALSCALE, the VTIMEZONEs and the
    VEVENTs of that UID; METHOD and feed-only properties (X-WR-*, REFRESH-INTERVAL,
    X-PUBLISHED-TTL) are dropped. Keys are UIDs, in order of first appearance.
    """
    header: list[bytes] = []
    timezones: list[bytes] = []
    events: dict[str, list[bytes]] = {}
    block: list[bytes] = []
    block_uid = ""
    keep_props = {"PRODID", "VERSION", "CALSCALE"}
    for logical in _logical_lines(ics):
        if logical.depth == 1 and logical.name not in ("BEGIN", "END"):
            if logical.name in keep_props:
                header.extend(logical.physical)
            continue
        if logical.depth == 0:
            continue
        block.extend(logical.physical)
        if logical.depth == 2 and logical.name == "UID":
            block_uid = logical.value
        if logical.depth == 1 and logical.name == "END":
            if logical.value == "VTIMEZONE":
                timezones.extend(block)
            elif logical.value == "VEVENT":
                if not block_uid:
                    raise ValueError("VEVENT without UID")
                events.setdefault(block_uid, []).extend(block)
            block, block_uid = [], ""
    return {
        uid: b"".join([b"BEGIN:VCALENDAR\r\n", *header, *timezones, *body, b"END:VCALENDAR\r\n"])
        for uid, body in events.items()
    }


def calendar_uids(ics: bytes) -> list[str]:
    """Return the distinct UIDs of the components of a calendar, in order of appearance."""
    uids: list[str] = []
    for logical in _logical_lines(ics):
        if logical.depth == 2 and logical.name == "UID" and logical.value not in uids:
            uids.append(logical.value)
    return uids


def calendar_organizer(ics: bytes) -> tuple[str, str] | None:
    """Return (CN, address) of the first ORGANIZER of a calendar, or None when it has none."""
    for logical in _logical_lines(ics):
        if logical.depth == 2 and logical.name == "ORGANIZER":
            unfolded = b"".join(
                line.rstrip(b"\r\n")[1 if i else 0 :] for i, line in enumerate(logical.physical)
            ).decode("utf-8")
            _name, params, value = Contentline(unfolded).parts()
            address = value[len("mailto:") :] if value.lower().startswith("mailto:") else value
            return str(params.get("CN", "")), address
    return None


# --- internals ----------------------------------------------------------------------------


def _new_calendar() -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    return calendar


@cache
def _vtimezone_bytes() -> bytes:
    # Serialised once: folding every VTIMEZONE line again costs ~40% of an invite.
    return brussels_vtimezone().to_ical()


def _assemble(calendar: Calendar, events: list[Event], *, with_timezone: bool) -> bytes:
    """Serialise ``calendar`` (properties only) with the VTIMEZONE and ``events`` inside."""
    head = calendar.to_ical()
    if not head.endswith(_END_VCALENDAR):
        raise AssertionError("unexpected calendar serialisation")
    parts = [head[: -len(_END_VCALENDAR)]]
    if with_timezone:
        parts.append(_vtimezone_bytes())
    parts.extend(event.to_ical() for event in events)
    parts.append(_END_VCALENDAR)
    return b"".join(parts)


def _vevent(
    item: CalendarItem, dtstamp: datetime, *, status: ItemStatus, with_attendees: bool
) -> Event:
    event = Event()
    event.add("uid", item.uid)
    event.add("sequence", item.sequence)
    event.add("dtstamp", dtstamp.astimezone(UTC))
    if item.all_day:
        event.add("dtstart", local_date(item.start))
        event.add("dtend", local_date(item.end) + timedelta(days=1))
    else:
        event.add("dtstart", _wall_clock(item.start))
        event.add("dtend", _wall_clock(item.end))
    event.add("summary", _Text(clean_line(item.summary)))
    description = clean_multiline(item.description)
    if description:
        event.add("description", _Text(description))
    location = clean_line(item.location)
    if location:
        event.add("location", _Text(location))
    if item.url:
        event.add("url", item.url)
    event.add("status", status.value)
    if item.organizer is not None:
        event.add("organizer", _cal_address(item.organizer.name, item.organizer.email))
    if with_attendees:
        for attendee in item.attendees:
            address = _cal_address(attendee.name, attendee.email)
            address.params["ROLE"] = attendee.role.value
            address.params["PARTSTAT"] = "NEEDS-ACTION"
            address.params["RSVP"] = "FALSE"
            event.add("attendee", address)
    if item.last_modified is not None:
        event.add("last-modified", item.last_modified.astimezone(UTC))
    # The strict `ical` parser splits CATEGORIES on escaped commas too, so avoid them.
    categories = [c for c in (clean_line(c).replace(",", " /") for c in item.categories) if c]
    if categories:
        event.add("categories", categories)
    return event


class _Text(vText):
    """TEXT escaped by RFC 5545 alone (section 3.3.11).

    icalendar first reads a backslash followed by N in the text as an escaped line break, so
    a title typed as "C:\\New" came out as "C:" and "ew" on two lines.
    """

    def to_ical(self) -> bytes:
        text = (str(self).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
                .replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n"))
        return text.encode(self.encoding)


def _cal_address(name: str, email: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    # Outlook does not decode RFC 6868 (^'), so keep double quotes out of CN.
    display_name = clean_line(name).replace('"', "'")
    if display_name:
        address.params["CN"] = display_name
    return address


def _wall_clock(moment: datetime) -> datetime:
    """Return ``moment`` as Brussels local time, or UTC when local time is ambiguous.

    RFC 5545 (3.3.5) reads a repeated local time as its first occurrence, so the
    second 02:00-03:00 of an October night can only be written in UTC.
    """
    local = moment.astimezone(BRUSSELS)
    if local.fold and local.replace(fold=0).utcoffset() != local.utcoffset():
        return moment.astimezone(UTC)
    return local


def _feed_order(item: CalendarItem) -> tuple[datetime, str]:
    if item.all_day:
        first = local_date(item.start)
        start = datetime(first.year, first.month, first.day, tzinfo=BRUSSELS)
    else:
        start = item.start  # type: ignore[assignment]
    return start.astimezone(UTC), item.uid


class _LogicalLine(NamedTuple):
    depth: int  # 0 outside VCALENDAR, 1 directly inside it, 2 inside a component, ...
    name: str
    value: str
    physical: list[bytes]


def _logical_lines(ics: bytes) -> list[_LogicalLine]:
    """Group physical lines into unfolded content lines, tracking component depth."""
    groups: list[list[bytes]] = []
    for physical in ics.splitlines(keepends=True):
        if physical[:1] in (b" ", b"\t") and groups:
            groups[-1].append(physical)
        elif physical.strip():
            groups.append([physical])
    result: list[_LogicalLine] = []
    depth = 0
    for group in groups:
        unfolded = b"".join(
            line.rstrip(b"\r\n")[1 if i else 0 :] for i, line in enumerate(group)
        ).decode("utf-8")
        head, _, value = unfolded.partition(":")
        name = head.split(";", 1)[0].upper()
        if name == "END":
            depth -= 1
        result.append(_LogicalLine(depth, name, value.strip(), group))
        if name == "BEGIN":
            depth += 1
    return result
