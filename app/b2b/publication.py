"""Publish a run: every B2B meeting reaches each person's calendar as its own invitation.

Mail layout (README, "Calendar invitations"). Outlook 2007-2019 imports only the first
VEVENT of an iMIP part, so each meeting travels alone: one iMIP mail per meeting UID and
person, holding one REQUEST (or one CANCEL). The first publication also sends each
participant one agenda mail without calendar data: every meeting on one page, the agenda
page and the calendar feed. Later publications send nothing but the invitation of each
meeting that changed for a person, its body saying what changed, so one change is one mail.

What a change is: :func:`calendar_entries.meeting_item` builds the person's entry (the feed
uses it too); its ``content_fingerprint`` is compared with the one recorded in
``InviteSequence`` when the person was last mailed about that UID. Any difference (time,
table, the table's name or location, the venue, a name, the person's language, an address
now shared) is a revision: SEQUENCE+1 and an update, to each person whose entry changed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from flask import current_app, render_template
from flask_babel import format_date, format_time
from flask_babel import gettext as _
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import selectinload

from app.b2b.calendar_entries import agenda_url, meeting_item, pair_uid, session_title
from app.b2b.locking import lock_session
from app.b2b.models import (
    B2BSession,
    Participant,
    ParticipantItem,
    PublishedMeeting,
    RunStatus,
    ScheduleRun,
    SessionStatus,
    Slot,
)
from app.b2b.runs import RunError
from app.b2b.schedule_diff import Diff, Pair, Placement, compare, placements
from app.db import utc_now
from app.events.queries import make_manage_token
from app.extensions import db
from app.i18n import current_language, in_language, language_or_default
from app.invites.ics import Method, build_invite
from app.invites.items import CalendarItem, content_fingerprint
from app.invites.messages import build_imip_message, build_plain_message
from app.mail.identity import cluster_domain, cluster_organizer, cluster_sender
from app.mail.models import InviteSequence
from app.mail.services import queue_message
from app.members.models import ProfileItemKind
from app.urls import external_url


@dataclass
class PublicationResult:
    """Counts of a publication, for the organiser's flash message and the tests."""

    mails: int = 0
    requests: int = 0
    cancels: int = 0
    people: int = 0
    added: int = 0
    moved: int = 0
    removed: int = 0
    changed: int = 0


@dataclass
class _Invitation:
    """One iMIP mail to write: a meeting's entry for one participant."""

    pid: int
    pair: Pair
    place: Placement
    item: CalendarItem
    method: Method
    #: "new", "moved", "changed" or "cancelled": the first line of the mail.
    change: str


def _legacy_fingerprint(place: Placement) -> str:
    """Return what publications recorded before whole entries were fingerprinted."""
    return f"{place.slot.code}|{place.table.code}"


def _session_participants(session: B2BSession) -> dict[int, Participant]:
    return {p.id: p for p in db.session.scalars(
        select(Participant).where(Participant.session_id == session.id)
        .options(selectinload(Participant.person),
                 selectinload(Participant.items).selectinload(ParticipantItem.tags))
        .order_by(Participant.id))}


def publish_run(run: ScheduleRun, *, now: datetime | None = None,
                mail: bool = True) -> PublicationResult:
    """Publish a run: mail what changed (everything the first time); flush only.

    ``mail=False`` (the demo seed) records the publication as if mailed and queues nothing.
    """
    session = db.session.get(B2BSession, run.session_id)
    if run.status != RunStatus.DONE:
        raise RunError("only a finished run can be published")
    # Read what participants were told only under the lock: a second organiser publishing
    # at the same moment then sees this publication and sends only what changed since.
    lock_session(session)
    now = now or utc_now()
    participants = _session_participants(session)
    new, old, published = placements(session, run)
    diff = compare(session, new, old)
    mailer = _Mailer(session, participants, now)
    invitations = mailer.invitations(new, old, diff)
    result = PublicationResult(added=len(diff.added), moved=len(diff.moved),
                               removed=len(diff.removed))
    result.changed = len({i.pair for i in invitations if i.change == "changed"})
    agenda: dict[int, list[Pair]] = {pid: [] for pid in participants}
    for pair in sorted(new, key=lambda pr: (new[pr].slot.starts_at, pr)):
        for pid in pair:
            agenda[pid].append(pair)
    people = set()
    if diff.first and mail:
        for pid in participants:
            mailer.queue_agenda(pid, agenda[pid], new)
            result.mails += 1
            people.add(pid)
    for invitation in invitations if mail else []:
        mailer.queue_invitation(invitation)
        result.mails += 1
        result.requests += invitation.method is Method.REQUEST
        result.cancels += invitation.method is Method.CANCEL
        people.add(invitation.pid)
    result.people = len(people)
    _record_published(session, diff, published, {i.pair for i in invitations}, mailer, now)
    session.published_run_id = run.id
    session.published_at = now
    session.status = SessionStatus.PUBLISHED
    db.session.flush()
    return result


def _record_published(session, diff: Diff, published, touched: set[Pair], mailer: _Mailer,
                      now) -> None:
    """Replace what participants were told by the run (rows kept for unchanged pairs)."""
    gone = [published[pr].id for pr in diff.removed]
    if gone:
        db.session.execute(delete(PublishedMeeting).where(PublishedMeeting.id.in_(gone)))
    for pair, (_before, after) in diff.moved.items():
        row = published[pair]
        row.slot_id, row.table_id = after.slot.id, after.table.id
    for pair in touched:
        if pair in published and pair not in diff.removed:
            # The feeds' Last-Modified moves with every revision sent.
            published[pair].published_at = now
    rows = [{"session_id": session.id, "a_id": a, "b_id": b, "slot_id": place.slot.id,
             "table_id": place.table.id, "uid": mailer.uid((a, b)), "published_at": now}
            for (a, b), place in diff.added.items()]
    if rows:
        db.session.execute(insert(PublishedMeeting), rows)
    db.session.flush()


class _Mailer:
    """Decides and queues the publication mails of one session."""

    def __init__(self, session: B2BSession, participants: dict[int, Participant], now: datetime):
        self.session, self.participants, self.now = session, participants, now
        self.organizer = cluster_organizer()
        self.sender = cluster_sender()
        self.domain = cluster_domain()
        self._times: dict[tuple[int, str], dict] = {}
        self._agendas: dict[int, str] = {}
        self._feeds: dict[int, str | None] = {}
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

    def invitations(self, new, old, diff: Diff) -> list[_Invitation]:
        """Return the invitations to send, with SEQUENCE recorded per UID and recipient."""
        wanted: list[_Invitation] = []
        for pair, place in new.items():
            change = ("new" if pair in diff.added else "moved" if pair in diff.moved
                      else "changed")
            wanted += [_Invitation(pid, pair, place, self.item(pid, pair, place),
                                   Method.REQUEST, change) for pid in pair]
        for pair, place in diff.removed.items():
            wanted += [_Invitation(pid, pair, place, self.item(pid, pair, place),
                                   Method.CANCEL, "cancelled") for pid in pair]
        records = self._records(sorted({i.item.uid for i in wanted}))
        out, fresh = [], []
        for invitation in wanted:
            email = self.participants[invitation.pid].person.email.lower()
            fingerprint = content_fingerprint(invitation.item)
            record = records.get((invitation.item.uid, email))
            if invitation.method is Method.REQUEST:
                if (record is not None and record.method == Method.REQUEST.value
                        and record.fingerprint == _legacy_fingerprint(invitation.place)):
                    # Recorded before entries had fingerprints: the slot and table match,
                    # so adopt the digest instead of mailing everyone an update.
                    record.fingerprint = fingerprint
                if (record is not None and record.method == Method.REQUEST.value
                        and record.fingerprint == fingerprint):
                    continue  # the person's calendar shows this entry as it is
                if record is None or record.method != Method.REQUEST.value:
                    invitation.change = "new"
            elif record is not None and record.method == Method.CANCEL.value:
                continue  # already cancelled
            if record is None:
                sequence = 0
                fresh.append({"uid": invitation.item.uid, "recipient": email, "sequence": 0,
                              "method": invitation.method.value, "fingerprint": fingerprint})
            else:
                record.sequence += 1
                record.method, record.fingerprint = invitation.method.value, fingerprint
                sequence = record.sequence
            invitation.item = replace(invitation.item, sequence=sequence)
            out.append(invitation)
        if fresh:
            db.session.execute(insert(InviteSequence), fresh)
        db.session.flush()
        out.sort(key=lambda i: (i.pid, i.place.slot.starts_at, i.pair))
        return out

    def _records(self, uids: list[str]) -> dict[tuple[str, str], InviteSequence]:
        records = {}
        for start in range(0, len(uids), 500):
            for record in db.session.scalars(select(InviteSequence).where(
                    InviteSequence.uid.in_(uids[start:start + 500]))):
                records[(record.uid, record.recipient)] = record
        return records

    # --- mails ------------------------------------------------------------------------------

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
        queue_message(message, kind=f"b2b.{kind}", reference=f"b2b-participant:{participant.id}")

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

    def queue_invitation(self, invitation: _Invitation) -> None:
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
