"""Write a publication's mails: each participant's agenda and one iMIP mail per meeting.

The publication (``app.b2b.publication``) decides under the session's lock who is told what
and records each entry's SEQUENCE. Writing the mails (templates, calendar data, signed links)
takes far longer: about 25 CPU-seconds for 1,000 participants and 7,854 mails. So the
organiser's request stores the decisions as one deferred mail (``app.mail.deferred``) in the
publication's transaction, and the worker writes them after the commit, in one transaction of
its own: every mail of a publication reaches the outbox, or none does and the row stays for
the next try. Without a worker building deferred mail, the request writes them right after
its commit. The demo seed and the tests write them at once (``write_publication_mails``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from flask import current_app, render_template
from flask_babel import format_date, format_time
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.b2b.calendar_entries import agenda_url, meeting_item, pair_uid, session_title
from app.b2b.models import B2BSession, B2BTable, Participant, ParticipantItem, Slot
from app.b2b.schedule_diff import Pair, Placement
from app.events.queries import make_manage_token
from app.extensions import db
from app.i18n import current_language, in_language, language_or_default
from app.invites.ics import Method, build_invite
from app.invites.items import CalendarItem
from app.invites.messages import build_imip_message, build_plain_message
from app.mail.deferred import defer_mail, renderer
from app.mail.identity import cluster_domain, cluster_organizer, cluster_sender
from app.mail.services import queue_messages
from app.members.models import ProfileItemKind
from app.urls import external_url

#: The deferred mail holding one publication's mails.
DEFERRED_PUBLICATION = "b2b.publication"
#: Mails put in the outbox per INSERT.
OUTBOX_BATCH = 200


@dataclass
class Invitation:
    """One iMIP mail to write: a meeting's entry for one participant."""

    pid: int
    pair: Pair
    place: Placement
    item: CalendarItem
    method: Method
    #: "new", "moved", "changed" or "cancelled": the first line of the mail.
    change: str


def session_participants(session: B2BSession) -> dict[int, Participant]:
    """Return a session's participants by id, with what their mails show of them."""
    return {p.id: p for p in db.session.scalars(
        select(Participant).where(Participant.session_id == session.id)
        .options(selectinload(Participant.person),
                 selectinload(Participant.items).selectinload(ParticipantItem.tags))
        .order_by(Participant.id))}


def write_publication_mails(mailer: PublicationMailer, agendas: dict[int, list[Pair]],
                            places: dict[Pair, Placement],
                            invitations: list[Invitation]) -> None:
    """Queue the agenda mails (first publication) and the invitations now."""
    for pid, agenda in agendas.items():
        mailer.queue_agenda(pid, agenda, places)
    for invitation in invitations:
        mailer.queue_invitation(invitation)
    mailer.store()


def defer_publication_mails(mailer: PublicationMailer, agendas: dict[int, list[Pair]],
                            places: dict[Pair, Placement],
                            invitations: list[Invitation]) -> int:
    """Store the publication's mails as one deferred mail (plain ids); return its id."""

    def place(pair: Pair, where: Placement) -> list[int]:
        return [pair[0], pair[1], where.slot.id, where.table.id]

    return defer_mail(
        DEFERRED_PUBLICATION, kind="b2b.publication",
        reference=f"b2b-session:{mailer.session.id}",
        session_id=mailer.session.id, sent_at=mailer.now.isoformat(),
        agendas=[[pid, [place(pr, places[pr]) for pr in agenda]]
                 for pid, agenda in agendas.items()],
        invitations=[[i.pid, *place(i.pair, i.place), i.method.value, i.change,
                      i.item.sequence] for i in invitations])


@renderer(DEFERRED_PUBLICATION)
def _write_deferred(session_id: int, sent_at: str, agendas: list, invitations: list) -> None:
    """Write a stored publication's mails (the worker, after the publication's commit).

    Someone erased since the publication gets nothing, and nothing is said about them.
    """
    session = db.session.get(B2BSession, session_id)
    if session is None:
        return  # deleted since
    participants = session_participants(session)
    slots = {s.id: s for s in db.session.scalars(
        select(Slot).where(Slot.session_id == session_id))}
    tables = {t.id: t for t in db.session.scalars(
        select(B2BTable).where(B2BTable.session_id == session_id))}
    mailer = PublicationMailer(session, participants, datetime.fromisoformat(sent_at))

    def placed(a: int, b: int, slot_id: int, table_id: int) -> tuple[Pair, Placement] | None:
        if {a, b} <= participants.keys() and slot_id in slots and table_id in tables:
            return (a, b), Placement(slots[slot_id], tables[table_id])
        return None

    for pid, lines in agendas:
        if pid in participants:
            meetings = dict(filter(None, (placed(*line) for line in lines)))
            mailer.queue_agenda(pid, list(meetings), meetings)
    for pid, a, b, slot_id, table_id, method, change, sequence in invitations:
        found = placed(a, b, slot_id, table_id)
        if found is not None:
            pair, where = found
            item = replace(mailer.item(pid, pair, where), sequence=sequence)
            mailer.queue_invitation(Invitation(pid, pair, where, item, Method(method), change))
    mailer.store()


class PublicationMailer:
    """Writes the publication mails of one session and queues them in the outbox."""

    def __init__(self, session: B2BSession, participants: dict[int, Participant], now: datetime):
        self.session, self.participants, self.now = session, participants, now
        self.organizer = cluster_organizer()
        self.sender = cluster_sender()
        self.domain = cluster_domain()
        self._times: dict[tuple[int, str], dict] = {}
        self._agendas: dict[int, str] = {}
        self._feeds: dict[int, str | None] = {}
        self._written: list[tuple] = []  # (message, kind, reference), until stored
        # Building a URL costs a request context: the event page is the same for every entry.
        self.event_url = external_url("events.detail", event_id=session.event_id)

    def uid(self, pair: Pair) -> str:
        """Return the calendar UID of a pair's meeting (the same for both people)."""
        return pair_uid(self.session, self.participants[pair[0]], self.participants[pair[1]])

    def agenda_url(self, pid: int) -> str:
        """Return a participant's agenda page, signed once per publication."""
        if pid not in self._agendas:
            self._agendas[pid] = agenda_url(self.participants[pid])
        return self._agendas[pid]

    def item(self, pid: int, pair: Pair, place: Placement) -> CalendarItem:
        """Return the participant's entry for the meeting of ``pair`` at ``place``."""
        other = pair[1] if pair[0] == pid else pair[0]
        return meeting_item(self.participants[pid], self.participants[other], place.slot,
                            place.table, self.session, uid=self.uid(pair),
                            event_url=self.event_url)

    def _when(self, slot: Slot) -> dict:
        # A session has a few dozen slots and thousands of meetings: format each slot once
        # per language.
        key = (slot.id, current_language())
        when = self._times.get(key)
        if when is None:
            when = {"date": format_date(slot.starts_at, "full"),
                    "day": format_date(slot.starts_at, "medium"),
                    "start": format_time(slot.starts_at, "short"),
                    "end": format_time(slot.ends_at, "short")}
            self._times[key] = when
        return when

    def _line(self, pid: int, pair: Pair, place: Placement) -> dict:
        other = self.participants[pair[1] if pair[0] == pid else pair[0]]
        offers = [i.title for i in other.items if i.kind == ProfileItemKind.OFFER]
        needs = [i.title for i in other.items if i.kind == ProfileItemKind.NEED]
        return {
            **self._when(place.slot),
            "table": place.table.name, "location": place.table.location,
            "name": other.person.full_name, "organisation": other.organisation_label,
            "email": other.person.email if other.share_email else "",
            "offers": offers, "needs": needs,
        }

    def _context(self, participant: Participant) -> dict:
        url = self.agenda_url(participant.id)
        return {
            "name": participant.person.full_name,
            "title": session_title(self.session,
                                   language_or_default(participant.person.language)),
            "agenda_url": url,
            # The feedback page sits under the agenda: one URL build per participant, not two.
            "feedback_url": url + "/feedback",
            "feed_url": self._feed_url(participant),
            "cluster_name": current_app.config["CLUSTER_NAME"],
        }

    def _feed_url(self, participant: Participant) -> str | None:
        if participant.id not in self._feeds:
            registration = participant.registration
            self._feeds[participant.id] = None if registration is None else external_url(
                "calendar.subscribe", manage_token=make_manage_token(registration))
        return self._feeds[participant.id]

    def _send(self, participant: Participant, message, kind: str) -> None:
        self._written.append((message, f"b2b.{kind}", f"b2b-participant:{participant.id}"))
        if len(self._written) >= OUTBOX_BATCH:
            self.store()

    def store(self) -> None:
        """Put the mails written so far in the outbox (a batch per INSERT)."""
        queue_messages(self._written)
        self._written = []

    def queue_agenda(self, pid: int, agenda: list[Pair], new) -> None:
        """Queue a participant's agenda mail: all their meetings, no calendar data."""
        participant = self.participants[pid]
        person = participant.person
        with in_language(language_or_default(person.language)):
            context = self._context(participant)
            context["meetings"] = [self._line(pid, pr, new[pr]) for pr in agenda]
            text = render_template("b2b/mail/schedule_agenda.txt", **context)
            html = render_template("b2b/mail/schedule_agenda.html", **context)
            # Sent once, at the first publication: it is the agenda, not a change.
            subject = _("Your B2B agenda: %(title)s", title=context["title"])
            message = build_plain_message(
                sender=self.sender, to=(person.full_name, person.email), subject=subject,
                text_body=text, html_body=html, reply_to=self.organizer,
                message_id_domain=self.domain, sent_at=self.now)
        self._send(participant, message, "schedule_agenda")

    def queue_invitation(self, invitation: Invitation) -> None:
        """Queue one meeting's iMIP mail (one REQUEST or CANCEL) to one participant."""
        participant = self.participants[invitation.pid]
        person = participant.person
        with in_language(language_or_default(person.language)):
            line = self._line(invitation.pid, invitation.pair, invitation.place)
            context = self._context(participant)
            leads = {
                "new": _("Your B2B meeting at %(title)s (times in Brussels):",
                         title=context["title"]),
                "moved": _("Moved: with %(name)s, now %(start)s, %(table)s", **line),
                "changed": _("Changed: %(start)s, %(table)s, with %(name)s", **line),
                "cancelled": _("Cancelled: %(start)s, %(table)s, with %(name)s", **line),
            }
            subjects = {
                "new": _("B2B meeting with %(name)s, %(day)s %(start)s", **line),
                "moved": _("B2B meeting changed: %(name)s, %(day)s %(start)s", **line),
                "cancelled": _("B2B meeting cancelled: %(name)s, %(day)s %(start)s", **line),
            }
            subjects["changed"] = subjects["moved"]
            cancelled = invitation.method is Method.CANCEL
            context.update(lead=leads[invitation.change], cancelled=cancelled,
                           meetings=[] if cancelled else [line])
            text = render_template("b2b/mail/schedule_invite.txt", **context)
            html = render_template("b2b/mail/schedule_invite.html", **context)
            message = build_imip_message(
                sender=self.sender, to=(person.full_name, person.email),
                subject=subjects[invitation.change], text_body=text, html_body=html,
                ics_bytes=build_invite(invitation.item, invitation.method, self.now),
                method=invitation.method, reply_to=self.organizer,
                message_id_domain=self.domain, sent_at=self.now)
        kind = "schedule_cancel" if cancelled else "schedule_invite"
        self._send(participant, message, kind)
