"""How an event is shown: its dates in words, its place, its calendar entry's end and UID.

Pages, mails and calendar feeds share these, so an event reads the same everywhere; the
links higher packages add to a registration are asked for here too, by signal.
"""

from datetime import datetime

from flask_babel import format_date, format_time

from app.events.models import Event, Registration, RegistrationStatus
from app.invites.timezone import last_whole_day_end, spans_whole_days
from app.invites.uids import registration_uid
from app.mail.identity import cluster_domain
from app.signals import Link, ask_registration_links
from app.timezone import local_day


def invite_uid(registration: Registration) -> str:
    """Return the stable calendar UID of a registration."""
    return registration_uid(registration.id, cluster_domain())


def is_multi_day(event: Event) -> bool:
    """Tell whether the event runs over more than one Brussels day."""
    end = last_whole_day_end(event.ends_at)
    return local_day(event.starts_at) != local_day(end)


def is_all_day(event: Event) -> bool:
    """Tell whether the event covers whole Brussels days (shown as all-day entries)."""
    return spans_whole_days(event.starts_at, event.ends_at)


def event_location(event: Event) -> str:
    """Return where the event takes place: venue and address."""
    return ", ".join(part for part in (event.venue, event.address) if part)


def calendar_end(event: Event) -> datetime:
    """Return the end a calendar item gets (an all-day item ends on its last day)."""
    return last_whole_day_end(event.ends_at) if is_all_day(event) else event.ends_at


def format_when(event: Event) -> str:
    """Return when the event takes place, in Brussels time and the current locale."""
    start, end = event.starts_at, event.ends_at
    if is_all_day(event):
        last_day = last_whole_day_end(end)
        if local_day(start) == local_day(last_day):
            return format_date(start, "full")
        return f"{format_date(start, 'full')} – {format_date(last_day, 'full')}"
    day, hours = format_date(start, "full"), format_time(start, "short")
    if local_day(start) != local_day(end):
        return f"{day}, {hours} – {format_date(end, 'full')}, {format_time(end, 'short')}"
    return f"{day}, {hours} – {format_time(end, 'short')}"


def format_slot(starts_at: datetime, ends_at: datetime, *, with_day: bool = True) -> str:
    """Return a programme slot such as "Tue 10 Sep, 09:00 – 12:00" (or only the hours)."""
    hours = f"{format_time(starts_at, 'short')} – {format_time(ends_at, 'short')}"
    return f"{format_date(starts_at, 'medium')}, {hours}" if with_day else hours


def extra_links(registration: Registration) -> list[Link]:
    """Return the links other packages add to a confirmed registration (none otherwise)."""
    if registration.status != RegistrationStatus.CONFIRMED:
        return []
    return ask_registration_links(registration)
