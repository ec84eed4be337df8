"""The one place that converts between UTC and the cluster's wall clock (Europe/Brussels).

Times are stored as aware UTC datetimes; people type and read Brussels wall-clock times.
Converting a wall-clock time is strict: a time skipped by the spring clock change raises
LocalTimeError instead of being silently moved by an hour, and an autumn time that happens
twice means its first (summer-time) occurrence.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from flask_babel import gettext as _

#: The zone used outside an application (scripts, the shell): the cluster is in Brussels.
DEFAULT_ZONE = "Europe/Brussels"


class LocalTimeError(ValueError):
    """A wall-clock time that does not exist (skipped by the spring clock change)."""

    @property
    def message(self) -> str:
        """Say what is wrong, in the reader's language (for a form error or a flash)."""
        return _("This time does not exist in Brussels (the clocks move forward).")


def display_zone() -> ZoneInfo:
    """Return the zone times are typed and shown in (config DISPLAY_TIMEZONE)."""
    name = current_app.config["DISPLAY_TIMEZONE"] if has_app_context() else DEFAULT_ZONE
    return ZoneInfo(name)


def to_utc(naive_local: datetime) -> datetime:
    """Turn a naive wall-clock time into an aware UTC datetime; raise LocalTimeError if skipped."""
    if naive_local.tzinfo is not None:
        raise TypeError("to_utc takes a naive wall-clock time")
    zone = display_zone()
    utc = naive_local.replace(tzinfo=zone, fold=0).astimezone(UTC)
    # A skipped time does not come back unchanged from the round trip.
    if utc.astimezone(zone).replace(tzinfo=None) != naive_local:
        raise LocalTimeError(naive_local.isoformat())
    return utc


def combine(day: date, moment: time) -> datetime:
    """Return the UTC instant of a wall-clock time on a day; raise LocalTimeError if skipped."""
    return to_utc(datetime.combine(day, moment))


def to_local(aware: datetime) -> datetime:
    """Return an aware datetime on the wall clock (aware, in the display zone)."""
    return aware.astimezone(display_zone())


def to_form(aware: datetime | None) -> datetime | None:
    """Return the naive wall-clock time of an aware datetime, for a form field (None stays)."""
    return to_local(aware).replace(tzinfo=None) if aware is not None else None


def local_day(aware: datetime) -> date:
    """Return the wall-clock date of an aware datetime."""
    return to_local(aware).date()


def shift_days(aware: datetime | None, days: int) -> datetime | None:
    """Move an aware datetime by whole days keeping its wall-clock time (None stays)."""
    if aware is None:
        return None
    try:
        return to_utc(to_form(aware) + timedelta(days=days))
    except LocalTimeError:
        # The same wall-clock time is skipped on the new day: keep the absolute offset.
        return aware + timedelta(days=days)
