"""The calendar entry of a B2B meeting as one of its two people sees it, for invites and feeds.

:func:`meeting_item` is the one place that decides what a meeting's VEVENT shows: publication
mails it and the personal feed serves it, and the change fingerprint is taken from it, so an
invite and the feed can never describe one UID and SEQUENCE differently. Each person gets
their own entry in their own language.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from app.b2b.models import B2BSession, B2BTable, Participant, Slot
from app.b2b.queries import make_participant_token
from app.events.display import event_location
from app.i18n import in_language, language_or_default
from app.invites.items import Attendee, CalendarItem
from app.invites.uids import meeting_uid
from app.mail.identity import cluster_domain, cluster_organizer
from app.urls import external_url


def session_title(session: B2BSession, language: str) -> str:
    """Return the name participants know a session by: its event's title, else its own."""
    return (session.event.title(language) if session.event else "") or session.title_in(language)


def pair_uid(session: B2BSession, a: Participant, b: Participant) -> str:
    """Return the calendar UID of the meeting of two participants (the same for both)."""
    return meeting_uid(session.id, a.person_id, b.person_id, cluster_domain())


def agenda_url(participant: Participant) -> str:
    """Return the participant's personal agenda page (it offers the contact buttons)."""
    return external_url("b2b.agenda", token=make_participant_token(participant))


def meeting_item(me: Participant, other: Participant, slot: Slot, table: B2BTable,
                 session: B2BSession, *, uid: str, sequence: int = 0,
                 last_modified: datetime | None = None,
                 event_url: str | None = None) -> CalendarItem:
    """Return the entry of the meeting of ``me`` with ``other``, in ``me``'s language.

    The other person's e-mail address is shown (and they are an ATTENDEE) only when they
    chose to share it in their profile; otherwise the entry names them and their
    organisation and the agenda page offers a contact form. Personal links are signed with
    a timestamp, so they stay out of the entry: it would change at every publication.
    ``event_url`` saves building the event page's address again for each meeting.
    """
    language = language_or_default(me.person.language)
    name, organisation = other.person.full_name, other.organisation_label
    with in_language(language):
        if organisation:
            summary = _("B2B meeting: %(name)s (%(organisation)s)", name=name,
                        organisation=organisation)
            with_line = _("With %(name)s (%(organisation)s)", name=name,
                          organisation=organisation)
        else:
            summary = _("B2B meeting: %(name)s", name=name)
            with_line = _("With %(name)s", name=name)
        lines = [session_title(session, language), with_line]
        if other.share_email:
            lines.append(_("E-mail: %(email)s", email=other.person.email))
    attendees = [Attendee(me.person.full_name, me.person.email)]
    if other.share_email:
        attendees.append(Attendee(other.person.full_name, other.person.email))
    location = ", ".join(part for part in (
        table.name, table.location, event_location(session.event) if session.event else ""
    ) if part)
    return CalendarItem(
        uid=uid, sequence=sequence, summary=summary,
        start=slot.starts_at, end=slot.ends_at,
        description="\n".join(lines), location=location,
        url=event_url or external_url("events.detail", event_id=session.event_id),
        organizer=cluster_organizer(), attendees=tuple(attendees),
        last_modified=last_modified, categories=("B2B",),
    )
