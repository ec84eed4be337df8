"""B2B mails: the daily digest (requests, answers, deadline) and messages between participants.

Services record ``B2BNotification`` rows; ``send_digests`` (``flask b2b send-digests``, run by
cron) creates deadline reminders when they are due, then for each person with pending
notifications and no digest yet today (Brussels day), claims them atomically (an UPDATE on
rows still unsent, so two runs never send the same line) and queues one mail in the outbox,
in the person's language. ``queue_contact_mail`` forwards a message written on the agenda
page to someone the writer meets, whose address stays hidden.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, time, timedelta

from flask import current_app, render_template
from flask_babel import format_datetime
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from app.b2b.models import (
    B2BNotification,
    B2BSession,
    Participant,
    RequestStatus,
    SessionStatus,
)
from app.b2b.queries import participant_portal_url
from app.db import utc_now
from app.extensions import db
from app.i18n import in_language, language_or_default
from app.invites.messages import build_plain_message
from app.mail.identity import cluster_domain, cluster_sender
from app.mail.services import queue_message
from app.members.models import Person
from app.privacy.optional_mail import optional_mail, queue_optional_message
from app.privacy.preferences import MailCategory
from app.timezone import combine, local_day

#: Days before the request deadline when the reminder joins the digest (config can override).
DEFAULT_REMINDER_DAYS = 2




def _day_start(now: datetime) -> datetime:
    """Return the start of the Brussels day of `now`, in UTC."""
    return combine(local_day(now), time.min)


def add_deadline_reminders(now: datetime) -> int:
    """Record a deadline notification for each participant whose session's requests close soon."""
    days = int(current_app.config.get("B2B_REMINDER_DAYS", DEFAULT_REMINDER_DAYS))
    sessions = db.session.scalars(select(B2BSession).where(
        B2BSession.request_deadline_at.is_not(None),
        B2BSession.request_deadline_at > now,
        B2BSession.request_deadline_at <= now + timedelta(days=days),
        B2BSession.status.in_([SessionStatus.DRAFT, SessionStatus.OPEN])))
    added = 0
    for session in sessions:
        reminded = set(db.session.scalars(
            select(B2BNotification.participant_id).join(Participant)
            .where(Participant.session_id == session.id, B2BNotification.kind == "deadline")))
        for participant in session.participants:
            if participant.id not in reminded and not participant.is_absent:
                db.session.add(B2BNotification(participant=participant, kind="deadline",
                                               created_at=now))
                added += 1
    db.session.flush()
    return added


def _had_digest_today(person_id: int, now: datetime) -> bool:
    return bool(db.session.scalar(
        select(func.count(B2BNotification.id)).join(Participant)
        .where(Participant.person_id == person_id, B2BNotification.sent_at.is_not(None),
               B2BNotification.sent_at >= _day_start(now))))


def _claim(ids: list[int], now: datetime) -> list[int]:
    """Mark these notifications sent unless another run did; return the ones this run got."""
    result = db.session.execute(
        update(B2BNotification)
        .where(B2BNotification.id.in_(ids), B2BNotification.sent_at.is_(None))
        .values(sent_at=now).returning(B2BNotification.id))
    return [row[0] for row in result]


def _line(notification: B2BNotification, language: str) -> str | None:
    """Return the digest line of a notification, or None when it no longer matters."""
    request = notification.request
    kind = notification.kind
    if kind == "deadline":
        deadline = notification.participant.session.request_deadline_at
        if deadline is None:
            return None
        return _("Meeting requests close on %(when)s: make yours now.",
                 when=format_datetime(deadline, "full"))
    if request is None:
        return None
    if kind == "request":
        if request.status not in (RequestStatus.PENDING, RequestStatus.ACCEPTED):
            return None
        labels = {1: _("could meet"), 2: _("should meet"), 3: _("must meet")}
        return _("%(name)s (%(organisation)s) asks to meet you (%(priority)s).",
                 name=request.requester.person.full_name,
                 organisation=request.requester.organisation_label,
                 priority=labels[request.priority])
    if kind == "accepted" and request.status == RequestStatus.ACCEPTED:
        return _("%(name)s (%(organisation)s) accepted your meeting request.",
                 name=request.recipient.person.full_name,
                 organisation=request.recipient.organisation_label)
    if kind == "declined" and request.status == RequestStatus.DECLINED:
        return _("%(name)s (%(organisation)s) declined your meeting request.",
                 name=request.recipient.person.full_name,
                 organisation=request.recipient.organisation_label)
    return None


def queue_digest(person: Person, notifications: list[B2BNotification], now: datetime):
    """Queue one digest mail listing the notifications, grouped by session.

    Returns None when nothing is left to tell or the person refused digests.
    """
    optional = optional_mail(person.email, MailCategory.B2B_DIGEST)
    if optional is None:
        return None
    language = language_or_default(person.language)
    with in_language(language):
        by_participant: dict[int, list[str]] = defaultdict(list)
        participants: dict[int, Participant] = {}
        for notification in notifications:
            line = _line(notification, language)
            if line:
                by_participant[notification.participant_id].append(line)
                participants[notification.participant_id] = notification.participant
        if not by_participant:
            return None
        sections = [
            {"title": p.session.title_in(language) or p.session.event.title(language),
             "event": p.session.event.title(language), "lines": by_participant[pid],
             "url": participant_portal_url(p)}
            for pid, p in sorted(participants.items())]
        count = sum(len(s["lines"]) for s in sections)
        context = {"name": person.full_name, "sections": sections, "language": language,
                   "cluster_name": current_app.config["CLUSTER_NAME"], "optional": optional}
        subject = _("B2B meetings: %(count)s updates", count=count) if count > 1 else \
            _("B2B meetings: one update")
        message = build_plain_message(
            sender=cluster_sender(), to=(person.full_name, person.email), subject=subject,
            text_body=render_template("b2b/mail/digest.txt", **context),
            html_body=render_template("b2b/mail/digest.html", **context),
            message_id_domain=cluster_domain(), sent_at=now)
    return queue_optional_message(message, optional, kind="b2b.digest",
                                  reference=f"person:{person.id}")


def send_digests(now: datetime | None = None) -> int:
    """Queue today's digests; commit per person so a failure loses nothing. Return the count."""
    now = now or utc_now()
    add_deadline_reminders(now)
    db.session.commit()
    person_ids = list(db.session.scalars(
        select(Participant.person_id).join(B2BNotification)
        .where(B2BNotification.sent_at.is_(None)).distinct().order_by(Participant.person_id)))
    sent = 0
    for person_id in person_ids:
        if _had_digest_today(person_id, now):
            continue
        ids = list(db.session.scalars(
            select(B2BNotification.id).join(Participant)
            .where(Participant.person_id == person_id, B2BNotification.sent_at.is_(None))))
        claimed = _claim(ids, now)
        if not claimed:
            db.session.rollback()
            continue
        notifications = list(db.session.scalars(
            select(B2BNotification).where(B2BNotification.id.in_(claimed))
            .order_by(B2BNotification.created_at, B2BNotification.id)))
        if queue_digest(db.session.get(Person, person_id), notifications, now) is not None:
            sent += 1
        db.session.commit()
    return sent


def queue_contact_mail(sender: Participant, recipient: Participant, text: str):
    """Forward a participant's message to someone they meet, in the recipient's language.

    The recipient's address stays hidden from the writer; replies go to the writer, who
    chose to write.
    """
    person = recipient.person
    with in_language(language_or_default(person.language)):
        context = {"name": person.full_name, "writer": sender.person.full_name,
                   "organisation": sender.organisation_label, "message": text.strip(),
                   "title": sender.session.event.title(language_or_default(person.language)),
                   "cluster_name": current_app.config["CLUSTER_NAME"]}
        subject = _("%(writer)s writes to you about your B2B meeting", writer=context["writer"])
        message = build_plain_message(
            sender=cluster_sender(), to=(person.full_name, person.email), subject=subject,
            text_body=render_template("b2b/mail/contact.txt", **context),
            html_body=render_template("b2b/mail/contact.html", **context),
            reply_to=(sender.person.full_name, sender.person.email),
            message_id_domain=cluster_domain(), sent_at=utc_now())
    return queue_message(message, kind="b2b.contact", reference=f"b2b-participant:{recipient.id}")
