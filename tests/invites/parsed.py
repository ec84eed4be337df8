"""Read produced calendars back with two independent parsers, into comparable values."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import icalendar
from ical.calendar_stream import IcsCalendarStream


def _instant(value: date | datetime) -> date | datetime:
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    return value


def with_icalendar(ics: bytes) -> list[dict[str, Any]]:
    """Return the VEVENTs of ``ics`` as parsed by icalendar."""
    calendar = icalendar.Calendar.from_ical(ics)
    return [
        {
            "uid": str(event["UID"]),
            "sequence": int(event["SEQUENCE"]),
            "start": _instant(event.start),
            "end": _instant(event.end),
            "status": str(event["STATUS"]),
            "summary": str(event["SUMMARY"]),
            "description": str(event.get("DESCRIPTION", "")),
            "location": str(event.get("LOCATION", "")),
            "organizer": str(event["ORGANIZER"]) if "ORGANIZER" in event else None,
            "attendees": [str(a) for a in _as_list(event.get("ATTENDEE"))],
            "attendee_names": [a.params.get("CN") for a in _as_list(event.get("ATTENDEE"))],
            "categories": [str(c) for prop in _as_list(event.get("CATEGORIES")) for c in prop.cats],
        }
        for event in calendar.walk("VEVENT")
    ]


def with_ical(ics: bytes) -> list[dict[str, Any]]:
    """Return the VEVENTs of ``ics`` as parsed by the strict ``ical`` parser."""
    calendar = IcsCalendarStream.calendar_from_ics(ics.decode("utf-8"))
    return [
        {
            "uid": event.uid,
            "sequence": event.sequence,
            "start": _instant(event.dtstart),
            "end": _instant(event.dtend),
            "status": event.status.value if event.status else None,
            "summary": event.summary,
            "description": event.description or "",
            "location": event.location or "",
            "organizer": event.organizer.uri if event.organizer else None,
            "attendees": [a.uri for a in event.attendees],
            "attendee_names": [a.common_name for a in event.attendees],
            "categories": list(event.categories),
        }
        for event in calendar.events
    ]


def ical_method(ics: bytes) -> str | None:
    """Return METHOD as the strict parser reads it."""
    calendar = IcsCalendarStream.calendar_from_ics(ics.decode("utf-8"))
    return calendar.method


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
