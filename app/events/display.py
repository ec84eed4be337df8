"""How an event is shown: its dates in words, its place, its calendar entries and their UIDs.

Pages, mails and calendar feeds share these, so an event reads the same everywhere; the
links higher packages add to a registration are asked for here too, by signal. The calendar
entry of a registration (invites and the personal feed) and of an event (public and
organiser feeds) are each built by one function here, and their fingerprint comes from it.
"""

from datetime import date, datetime, time, timedelta

from flask import current_app
from flask_babel import format_date, format_time
from flask_babel import gettext as _

from app.events.models import Event, EventStatus, Registration, RegistrationStatus
from app.i18n import in_language, language_or_default
from app.invites.items import Attendee, CalendarItem, ItemStatus
from app.invites.timezone import last_whole_day_end, spans_whole_days
from app.invites.uids import event_uid, registration_uid
from app.mail.identity import cluster_domain, cluster_organizer
from app.signals import Link, ask_registration_links
from app.timezone import local_day, to_local
from app.urls import external_url


def invite_uid(registration: Registration) -> str:
    """Return the stable calendar UID of a registration."""
    return registration_uid(registration.id, cluster_domain())


#: An end before this Brussels hour belongs to the day before: an afterwork that runs until
#: 01:00 is one evening, not two days; an end at midnight closes the day before.
NIGHT_ENDS = time(6, 0)


def last_day(event: Event) -> date:
    """Return the last Brussels day the event is attended on (its start day at the earliest)."""
    first, local_end = local_day(event.starts_at), to_local(event.ends_at)
    last = local_end.date()
    if local_end.time() < NIGHT_ENDS and last > first:
        last -= timedelta(days=1)
    return last


def is_multi_day(event: Event) -> bool:
    """Tell whether the event is attended on more than one Brussels day."""
    return last_day(event) != local_day(event.starts_at)


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
        final = last_whole_day_end(end)
        if local_day(start) == local_day(final):
            return format_date(start, "full")
        return f"{format_date(start, 'full')} – {format_date(final, 'full')}"
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


def registration_item(registration: Registration, *, sequence: int = 0,
                      last_modified: datetime | None = None) -> CalendarItem:
    """Return the calendar entry of a registration, as invites and the personal feed show it.

    Written in the registration's language; the one place that decides what the entry holds.
    The personal manage link stays in the mail: links are signed with a timestamp, so the
    entry would change at every send.
    """
    event, person = registration.event, registration.person
    language = language_or_default(registration.language)
    return CalendarItem(
        uid=invite_uid(registration),
        sequence=sequence,
        summary=event.title(language),
        start=event.starts_at,
        end=calendar_end(event),
        description=event.description(language),
        location=event_location(event),
        url=external_url("events.detail", event_id=event.id),
        all_day=is_all_day(event),
        organizer=cluster_organizer(),
        attendees=(Attendee(person.full_name, person.email),),
        last_modified=last_modified,
    )


#: The recipient under which the public feeds' SEQUENCE of an event is recorded.
PUBLIC_FEED_RECIPIENT = "public-feed"


def public_event_item(event: Event, *, sequence: int = 0) -> CalendarItem:
    """Return an event's entry in the public and organiser feeds (drafts marked tentative)."""
    language = current_app.config["BABEL_DEFAULT_LOCALE"]
    title = event.title(language)
    draft = event.status == EventStatus.DRAFT
    if draft:
        with in_language(language):
            title = f"[{_('Draft')}] {title}"
    return CalendarItem(
        uid=event_uid(event.id, cluster_domain()),
        sequence=sequence,
        summary=title,
        start=event.starts_at,
        end=calendar_end(event),
        description=event.description(language),
        location=event_location(event),
        url=external_url("events.detail", event_id=event.id),
        all_day=is_all_day(event),
        status=ItemStatus.TENTATIVE if draft else ItemStatus.CONFIRMED,
        last_modified=event.updated_at,
    )
