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

from sqlalchemy import delete, insert, select

from app.b2b.locking import lock_session
from app.b2b.models import (
    B2BSession,
    PublishedMeeting,
    RunStatus,
    ScheduleRun,
    SessionStatus,
)
from app.b2b.publication_mails import (
    Invitation,
    PublicationMailer,
    defer_publication_mails,
    session_participants,
    write_publication_mails,
)
from app.b2b.runs import RunError
from app.b2b.schedule_diff import Diff, Pair, Placement, compare, placements
from app.db import utc_now
from app.extensions import db
from app.invites.ics import Method
from app.invites.items import content_fingerprint
from app.mail.models import InviteSequence


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


def _legacy_fingerprint(place: Placement) -> str:
    """Return what publications recorded before whole entries were fingerprinted."""
    return f"{place.slot.code}|{place.table.code}"


def publish_run(run: ScheduleRun, *, now: datetime | None = None, mail: bool = True,
                defer_mail: bool = False) -> PublicationResult:
    """Publish a run: mail what changed (everything the first time); flush only.

    ``mail=False`` (the demo seed) records the publication as if mailed and queues nothing.
    With ``defer_mail`` the mails are stored as one deferred mail, written after the commit
    (``publication_mails``): the caller commits, then calls ``deferred.after_commit``.
    """
    session = db.session.get(B2BSession, run.session_id)
    if run.status != RunStatus.DONE:
        raise RunError("only a finished run can be published")
    # Read what participants were told only under the lock: a second organiser publishing
    # at the same moment then sees this publication and sends only what changed since.
    lock_session(session)
    now = now or utc_now()
    participants = session_participants(session)
    new, old, published = placements(session, run)
    diff = compare(session, new, old)
    mailer = PublicationMailer(session, participants, now)
    invitations = _invitations(mailer, new, old, diff)
    result = PublicationResult(added=len(diff.added), moved=len(diff.moved),
                               removed=len(diff.removed))
    result.changed = len({i.pair for i in invitations if i.change == "changed"})
    agendas: dict[int, list[Pair]] = {}
    if diff.first and mail:
        agendas = {pid: [] for pid in participants}
        for pair in sorted(new, key=lambda pr: (new[pr].slot.starts_at, pr)):
            for pid in pair:
                agendas[pid].append(pair)
    mailed = invitations if mail else []
    if not defer_mail:
        write_publication_mails(mailer, agendas, new, mailed)
    elif agendas or mailed:
        defer_publication_mails(mailer, agendas, new, mailed)
    people = set(agendas)
    for invitation in mailed:
        result.requests += invitation.method is Method.REQUEST
        result.cancels += invitation.method is Method.CANCEL
        people.add(invitation.pid)
    result.mails = len(agendas) + len(mailed)
    result.people = len(people)
    _record_published(session, diff, published, {i.pair for i in invitations}, mailer, now)
    session.published_run_id = run.id
    session.published_at = now
    session.status = SessionStatus.PUBLISHED
    db.session.flush()
    return result


def _record_published(session, diff: Diff, published, touched: set[Pair], mailer: PublicationMailer,
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


def _invitations(mailer: PublicationMailer, new, old, diff: Diff) -> list[Invitation]:
    """Return the invitations to send, with SEQUENCE recorded per UID and recipient."""
    wanted: list[Invitation] = []
    for pair, place in new.items():
        change = ("new" if pair in diff.added else "moved" if pair in diff.moved
                  else "changed")
        wanted += [Invitation(pid, pair, place, mailer.item(pid, pair, place),
                               Method.REQUEST, change) for pid in pair]
    for pair, place in diff.removed.items():
        wanted += [Invitation(pid, pair, place, mailer.item(pid, pair, place),
                               Method.CANCEL, "cancelled") for pid in pair]
    records = _records(sorted({i.item.uid for i in wanted}))
    out, fresh = [], []
    for invitation in wanted:
        email = mailer.participants[invitation.pid].person.email.lower()
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


def _records(uids: list[str]) -> dict[tuple[str, str], InviteSequence]:
    records = {}
    for start in range(0, len(uids), 500):
        for record in db.session.scalars(select(InviteSequence).where(
                InviteSequence.uid.in_(uids[start:start + 500]))):
            records[(record.uid, record.recipient)] = record
    return records
