"""The Europe/Brussels VTIMEZONE, written by hand with yearly rules.

icalendar's ``add_missing_timezones`` would generate a list of RDATEs instead of
RRULEs; Outlook mishandles those, so the component is spelled out here once.
Since 1996 Brussels switches on the last Sunday of March at 02:00 (to CEST) and
the last Sunday of October at 03:00 (back to CET), which is exactly what the two
RRULEs below say.
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

#: The TZID written on every local DTSTART/DTEND.
TZID = "Europe/Brussels"
#: The zone used to convert incoming aware datetimes to Brussels wall-clock time.
BRUSSELS = ZoneInfo(TZID)

_CET = timedelta(hours=1)
_CEST = timedelta(hours=2)


def brussels_vtimezone() -> Timezone:
    """Return a new VTIMEZONE component for Europe/Brussels (CET/CEST rules)."""
    daylight = TimezoneDaylight()
    daylight.add("tzoffsetfrom", _CET)
    daylight.add("tzoffsetto", _CEST)
    daylight.add("tzname", "CEST")
    daylight.add("dtstart", datetime(1970, 3, 29, 2, 0, 0))
    daylight.add("rrule", {"freq": "YEARLY", "bymonth": 3, "byday": "-1SU"})

    standard = TimezoneStandard()
    standard.add("tzoffsetfrom", _CEST)
    standard.add("tzoffsetto", _CET)
    standard.add("tzname", "CET")
    standard.add("dtstart", datetime(1970, 10, 25, 3, 0, 0))
    standard.add("rrule", {"freq": "YEARLY", "bymonth": 10, "byday": "-1SU"})

    vtimezone = Timezone()
    vtimezone.add("tzid", TZID)
    vtimezone.add_component(daylight)
    vtimezone.add_component(standard)
    return vtimezone


def spans_whole_days(start: datetime, end: datetime) -> bool:
    """Tell whether an event covers whole Brussels days (midnight to midnight, or 23:59).

    Only such events become all-day calendar entries; a seminar from 09:00 on Monday to
    17:00 on Tuesday keeps its times.
    """
    local_start, local_end = start.astimezone(BRUSSELS), end.astimezone(BRUSSELS)
    starts_at_midnight = local_start.time() == time(0, 0)
    ends_at_midnight = local_end.time() in (time(0, 0), time(23, 59))
    return starts_at_midnight and ends_at_midnight and local_end > local_start


def last_whole_day_end(end: datetime) -> datetime:
    """Return an end on the last day attended (a midnight end belongs to the day before)."""
    local_end = end.astimezone(BRUSSELS)
    return end - timedelta(minutes=1) if local_end.time() == time(0, 0) else end
