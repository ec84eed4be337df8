"""Publish a run: mail each participant their meetings with calendar invitations.

One email per participant and calendar method. The first publication sends everybody one
agenda email whose text/calendar part (METHOD:REQUEST) holds one VEVENT per meeting, each
with its own stable UID (`meeting_uid` on the pair, so a moved meeting keeps it). We chose
this over one iMIP email per meeting: RFC 5546 allows several components with distinct UIDs
in one REQUEST, the participant gets one readable agenda instead of a pile of mails, and the
publication of 1000 participants stays within seconds. Later publications diff the run
against `PublishedMeeting` (what people were told) and send only to the people concerned:
one REQUEST email with the added or moved meetings (same UID, SEQUENCE raised) and a short
summary of the changes, and one CANCEL email (STATUS:CANCELLED, SEQUENCE raised) when some of
their meetings were removed: a METHOD covers a whole calendar object, so the two cannot share one.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from flask import current_app, render_template
from flask_babel import format_date, format_time
from flask_babel import gettext as _
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import selectinload

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
from app.b2b.queries import make_participant_token
from app.b2b.runs import RunError
from app.b2b.schedule_diff import Diff, Pair, Placement, compare, placements, start_of
from app.db import utc_now
from app.extensions import db
from app.i18n import current_language, in_language, language_or_default
from app.invites.ics import Method, build_invite
from app.invites.items import Attendee, CalendarItem
from app.invites.messages import build_imip_message, build_plain_message
from app.invites.uids import meeting_uid
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


def _session_participants(session: B2BSession) -> dict[int, Participant]:
    return {p.id: p for p in db.session.scalars(
        select(Participant).where(Participant.session_id == session.id)
        .options(selectinload(Participant.person),
                 selectinload(Participant.items).selectinload(ParticipantItem.tags))
        .order_by(Participant.id))}


def publish_run(run: ScheduleRun, *, now: datetime | None = None) -> PublicationResult:
    """Publish a run: mail what changed (everything the first time); flush only."""
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
    result = PublicationResult(added=len(diff.added), moved=len(diff.moved),
                               removed=len(diff.removed))
    agenda: dict[int, list[Pair]] = defaultdict(list)
    for pair in new:
        for p in pair:
            agenda[p].append(pair)
    if diff.first:
        targets = list(participants)
    else:
        targets = sorted(diff.people)
    requests: dict[int, list[Pair]] = {}
    cancels: dict[int, list[Pair]] = {}
    for pid in targets:
        if diff.first:
            requests[pid] = agenda.get(pid, [])
        else:
            requests[pid] = [pr for pr in agenda.get(pid, [])
                             if pr in diff.added or pr in diff.moved]
            cancels[pid] = [pr for pr in diff.removed if pid in pr]
    # Sequences for every (UID, recipient) in one pass: one query, not one per invitation.
    wanted = [(pr, pid, Method.REQUEST) for pid, prs in requests.items() for pr in prs]
    wanted += [(pr, pid, Method.CANCEL) for pid, prs in cancels.items() for pr in prs]
    places = {**old, **new}
    sequences = mailer.sequences(wanted, places)
    for pid in targets:
        person_requests, person_cancels = requests.get(pid, []), cancels.get(pid, [])
        if not person_requests and not person_cancels and not diff.first:
            continue
        result.people += 1
        if person_requests or diff.first:
            mailer.queue_agenda(pid, sorted(agenda.get(pid, []), key=lambda pr: start_of(new, pr)),
                                person_requests, sequences, new, diff, cancelled=person_cancels)
            result.requests += bool(person_requests)
            result.mails += 1
        if person_cancels:
            mailer.queue_cancel(pid, person_cancels, sequences, old,
                                agenda=sorted(agenda.get(pid, []),
                                              key=lambda pr: start_of(new, pr)),
                                new=new, diff=diff, with_summary=not person_requests)
            result.cancels += 1
            result.mails += 1
    _record_published(session, new, diff, published, mailer, now)
    session.published_run_id = run.id
    session.published_at = now
    session.status = SessionStatus.PUBLISHED
    db.session.flush()
    return result


def _record_published(session, new, diff: Diff, published, mailer: _Mailer, now) -> None:
    """Replace what participants were told by the run (rows kept for unchanged pairs)."""
    gone = [published[pr].id for pr in diff.removed]
    if gone:
        db.session.execute(delete(PublishedMeeting).where(PublishedMeeting.id.in_(gone)))
    for pair, (_before, after) in diff.moved.items():
        row = published[pair]
        row.slot_id, row.table_id, row.published_at = after.slot.id, after.table.id, now
    rows = [{"session_id": session.id, "a_id": a, "b_id": b, "slot_id": place.slot.id,
             "table_id": place.table.id, "uid": mailer.uid((a, b)), "published_at": now}
            for (a, b), place in diff.added.items()]
    if rows:
        db.session.execute(insert(PublishedMeeting), rows)
    db.session.flush()


class _Mailer:
    """Builds and queues the publication mails of one session."""

    def __init__(self, session: B2BSession, participants: dict[int, Participant], now: datetime):
        self.session, self.participants, self.now = session, participants, now
        self.organizer = cluster_organizer()
        self.sender = cluster_sender()
        self.domain = cluster_domain()
        self.event = session.event
        self._events: dict[tuple[Pair, int, str], bytes] = {}
        self._header: bytes | None = None
        self._times: dict[tuple[int, str], dict] = {}

    def uid(self, pair: Pair) -> str:
        """Return the calendar UID of a pair's meeting (the same for both people)."""
        a, b = self.participants[pair[0]], self.participants[pair[1]]
        return meeting_uid(self.session.id, a.person_id, b.person_id, self.domain)

    def sequences(self, wanted, places) -> dict[tuple[Pair, int], int]:
        """Return the SEQUENCE per (pair, participant), recorded like next_invite_sequence."""
        keys = {}
        for pair, pid, method in wanted:
            keys[(self.uid(pair), self.participants[pid].person.email.lower())] = (
                pair, pid, method)
        uids = sorted({uid for uid, _ in keys})
        records = {}
        for start in range(0, len(uids), 500):
            for record in db.session.scalars(select(InviteSequence).where(
                    InviteSequence.uid.in_(uids[start:start + 500]))):
                records[(record.uid, record.recipient)] = record
        out: dict[tuple[Pair, int], int] = {}
        fresh = []
        for (uid, email), (pair, pid, method) in keys.items():
            place = places[pair]
            fingerprint = f"{place.slot.code}|{place.table.code}"
            record = records.get((uid, email))
            if record is None:
                fresh.append({"uid": uid, "recipient": email, "sequence": 0,
                              "method": method.value, "fingerprint": fingerprint})
                out[(pair, pid)] = 0
            else:
                record.sequence += 1
                record.method, record.fingerprint = method.value, fingerprint
                out[(pair, pid)] = record.sequence
        if fresh:
            db.session.execute(insert(InviteSequence), fresh)
        db.session.flush()
        return out

    # --- calendar ---------------------------------------------------------------------------

    def _item(self, pair: Pair, place: Placement, sequence: int) -> CalendarItem:
        a, b = self.participants[pair[0]], self.participants[pair[1]]
        names = [f"{p.person.full_name} ({p.organisation_label})" if p.organisation_label
                 else p.person.full_name for p in (a, b)]
        location = ", ".join(x for x in (place.table.name, place.table.location) if x)
        return CalendarItem(
            uid=self.uid(pair), sequence=sequence,
            # Shared by both participants (one VEVENT per meeting), so language-neutral.
            summary=f"B2B: {names[0]} – {names[1]}",
            start=place.slot.starts_at, end=place.slot.ends_at,
            description=self.event.title(a.person.language) if self.event else "",
            location=location, organizer=self.organizer,
            attendees=(Attendee(a.person.full_name, a.person.email),
                       Attendee(b.person.full_name, b.person.email)),
            categories=("B2B",))

    def _vevent(self, pair: Pair, place: Placement, sequence: int, method: Method) -> bytes:
        key = (pair, sequence, method.value)
        block = self._events.get(key)
        if block is None:
            ics = build_invite(self._item(pair, place, sequence), method, self.now)
            start, end = ics.index(b"BEGIN:VEVENT"), ics.rindex(b"END:VCALENDAR")
            if method is Method.REQUEST and self._header is None:
                self._header = ics[:start]
            block = ics[start:end]
            self._events[key] = block
            if method is Method.CANCEL:
                self._events[("header", 0, "CANCEL")] = ics[:start]
        return block

    def _calendar(self, blocks: list[bytes], method: Method) -> bytes:
        header = self._header if method is Method.REQUEST else self._events[("header", 0,
                                                                              "CANCEL")]
        return header + b"".join(blocks) + b"END:VCALENDAR\r\n"

    # --- mails ------------------------------------------------------------------------------

    def _when(self, slot: Slot) -> dict:
        # A session has a few dozen slots and thousands of meetings: format each slot once
        # per language.
        key = (slot.id, current_language())
        when = self._times.get(key)
        if when is None:
            when = {"date": format_date(slot.starts_at, "full"),
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
            "offers": offers, "needs": needs,
        }

    def _context(self, participant: Participant, agenda, new, diff: Diff, changes=()) -> dict:
        agenda_url = external_url("b2b.agenda", token=make_participant_token(participant))
        return {
            "name": participant.person.full_name,
            "title": self._title(participant),
            "meetings": [self._line(participant.id, pr, new[pr]) for pr in agenda],
            "changes": list(changes), "first": diff.first,
            "agenda_url": agenda_url,
            # The feedback page sits under the agenda: one URL build per participant, not two.
            "feedback_url": agenda_url + "/feedback",
            "cluster_name": current_app.config["CLUSTER_NAME"],
        }

    def _title(self, participant: Participant) -> str:
        if self.event is not None:
            language = language_or_default(participant.person.language)
            return self.event.title(language) or self.session.title
        return self.session.title

    def _changes(self, pid: int, new, diff: Diff) -> list[str]:
        lines = []
        for pair in sorted(diff.added, key=lambda pr: start_of(new, pr)):
            if pid in pair:
                line = self._line(pid, pair, new[pair])
                lines.append(_("New: %(start)s, %(table)s, with %(name)s", **line))
        for pair, (_before, after) in diff.moved.items():
            if pid in pair:
                line = self._line(pid, pair, after)
                lines.append(_("Moved: with %(name)s, now %(start)s, %(table)s", **line))
        for pair, before in diff.removed.items():
            if pid in pair:
                line = self._line(pid, pair, before)
                lines.append(_("Cancelled: %(start)s, %(table)s, with %(name)s", **line))
        return lines

    def queue_agenda(self, pid: int, agenda: list[Pair], pairs: list[Pair], sequences,
                     new, diff: Diff, *, cancelled: list[Pair]) -> None:
        """Queue the agenda mail (with its REQUEST for `pairs`) of one participant."""
        participant = self.participants[pid]
        person = participant.person
        with in_language(language_or_default(participant.person.language)):
            changes = [] if diff.first else self._changes(pid, new, diff)
            context = self._context(participant, agenda, new, diff, changes)
            kind = "schedule_agenda" if diff.first else "schedule_update"
            text = render_template(f"b2b/mail/{kind}.txt", **context)
            html = render_template(f"b2b/mail/{kind}.html", **context)
            subject = (_("Your B2B meetings: %(title)s", title=context["title"]) if diff.first
                       else _("Your B2B meetings changed: %(title)s", title=context["title"]))
            to = (person.full_name, person.email)
            if pairs:
                blocks = [self._vevent(pr, new[pr], sequences[(pr, pid)], Method.REQUEST)
                          for pr in pairs]
                message = build_imip_message(
                    sender=self.sender, to=to, subject=subject, text_body=text, html_body=html,
                    ics_bytes=self._calendar(blocks, Method.REQUEST), method=Method.REQUEST,
                    reply_to=self.organizer, message_id_domain=self.domain, sent_at=self.now)
            else:
                message = build_plain_message(
                    sender=self.sender, to=to, subject=subject, text_body=text, html_body=html,
                    reply_to=self.organizer, message_id_domain=self.domain, sent_at=self.now)
        queue_message(message, kind=f"b2b.{kind}", reference=f"b2b-participant:{pid}")

    def queue_cancel(self, pid: int, pairs: list[Pair], sequences, old, *, agenda, new,
                     diff: Diff, with_summary: bool) -> None:
        """Queue the CANCEL mail for the removed meetings of one participant."""
        participant = self.participants[pid]
        person = participant.person
        with in_language(language_or_default(participant.person.language)):
            changes = self._changes(pid, new, diff) if with_summary else [
                _("Cancelled: %(start)s, %(table)s, with %(name)s",
                  **self._line(pid, pr, old[pr])) for pr in pairs]
            context = self._context(participant, agenda, new, diff, changes)
            text = render_template("b2b/mail/schedule_cancel.txt", **context)
            html = render_template("b2b/mail/schedule_cancel.html", **context)
            subject = _("B2B meeting cancelled: %(title)s", title=context["title"])
            blocks = [self._vevent(pr, old[pr], sequences[(pr, pid)], Method.CANCEL)
                      for pr in pairs]
            message = build_imip_message(
                sender=self.sender, to=(person.full_name, person.email), subject=subject,
                text_body=text, html_body=html, ics_bytes=self._calendar(blocks, Method.CANCEL),
                method=Method.CANCEL, reply_to=self.organizer, message_id_domain=self.domain,
                sent_at=self.now)
        queue_message(message, kind="b2b.schedule_cancel", reference=f"b2b-participant:{pid}")
