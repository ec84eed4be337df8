"""Mails about registrations, in each person's language, queued in the outbox.

Every mail is built with ``app.invites.messages`` and stored by
``app.mail.services.queue_message`` in the caller's transaction; the worker sends
it after the commit. Confirmations carry the event as an iMIP REQUEST; mails that
take a place away carry a CANCEL with the same UID when an invite was sent before.
"""

from dataclasses import replace

from flask import current_app, render_template
from flask_babel import gettext as _

from app.db import utc_now
from app.events import mail_templates
from app.events.display import (
    event_location,
    extra_links,
    format_slot,
    format_when,
    invite_uid,
    is_all_day,
    is_multi_day,
    registration_item,
)
from app.events.models import Event, Registration, RegistrationStatus
from app.events.queries import make_manage_token
from app.extensions import db
from app.i18n import in_language, language_or_default
from app.invites.ics import Method, build_invite
from app.invites.items import content_fingerprint
from app.invites.messages import build_imip_message, build_plain_message
from app.mail.deferred import defer_mail, renderer
from app.mail.identity import cluster_domain, cluster_organizer, cluster_sender
from app.mail.models import OutboxMessage
from app.mail.services import get_invite_sequence, next_invite_sequence, queue_message
from app.privacy.optional_mail import optional_mail, queue_optional_message
from app.privacy.preferences import MailCategory
from app.urls import external_url

#: Kinds that hand out a place: they carry the invite (REQUEST).
INVITE_KINDS = frozenset({"confirmed", "promoted", "updated"})
#: Kinds that take a place away: they carry a CANCEL when an invite was sent.
CANCEL_KINDS = frozenset({"cancelled", "event_cancelled", "waitlisted"})
MAIL_KINDS = frozenset({
    "confirmed", "waitlisted", "pending", "promoted", "offered", "cancelled", "reminder",
    "event_cancelled", "not_member", "manage_link", "updated", "confirm_address", "new_link",
    "offer_expired",
})
#: Optional kinds, sent only to addresses that accept their category (the rest is essential).
OPTIONAL_KINDS = {"reminder": MailCategory.REMINDERS}
#: Kinds that show the programme of the event.
PROGRAMME_KINDS = frozenset({"confirmed", "promoted", "reminder", "updated"})


def _subject(kind: str, title: str) -> str:
    # Built at call time inside force_locale so each person reads their language.
    subjects = {
        "confirmed": _("Registration confirmed: %(title)s", title=title),
        "waitlisted": _("Waiting list: %(title)s", title=title),
        "pending": _("Request received: %(title)s", title=title),
        "promoted": _("A place is yours: %(title)s", title=title),
        "offered": _("A place is available: %(title)s", title=title),
        "offer_expired": _("Back on the waiting list: %(title)s", title=title),
        "cancelled": _("Registration cancelled: %(title)s", title=title),
        "reminder": _("Reminder: %(title)s", title=title),
        "event_cancelled": _("Event cancelled: %(title)s", title=title),
        "not_member": _("About your registration: %(title)s", title=title),
        "manage_link": _("Your registration: %(title)s", title=title),
        "updated": _("Changed: %(title)s", title=title),
        "confirm_address": _("Please confirm your registration: %(title)s", title=title),
        "new_link": _("Your new personal link: %(title)s", title=title),
    }
    return subjects[kind]


def manage_url(registration: Registration) -> str:
    """Return the absolute personal link to view, change or cancel a registration."""
    return external_url("events.manage", token=make_manage_token(registration))


def event_url(event: Event) -> str:
    """Return the absolute address of the event's public page."""
    return external_url("events.detail", event_id=event.id)


def has_invite(registration: Registration) -> bool:
    """Tell whether the person's calendar holds this registration (last sent a REQUEST)."""
    record = get_invite_sequence(invite_uid(registration), registration.person.email)
    return record is not None and record.method == Method.REQUEST.value


def registration_fingerprint(registration: Registration) -> str:
    """Return the digest of what the registration's calendar entry shows now."""
    return content_fingerprint(registration_item(registration))


def invite_is_current(registration: Registration) -> bool:
    """Tell whether the person's calendar holds the event as it is now."""
    record = get_invite_sequence(invite_uid(registration), registration.person.email)
    return (record is not None and record.method == Method.REQUEST.value
            and record.fingerprint == registration_fingerprint(registration))


def _feed_url(registration: Registration) -> str | None:
    """Link confirmed attendees to their calendar subscription page."""
    if registration.status != RegistrationStatus.CONFIRMED:
        return None
    return external_url("calendar.subscribe", manage_token=make_manage_token(registration))


def _programme(event: Event, language: str) -> list[tuple[str, str, str]]:
    with_day = is_multi_day(event)
    return [(format_slot(item.starts_at, item.ends_at, with_day=with_day), item.title(language),
             item.location) for item in event.programme]


def _render(template: str, **context) -> tuple[str, str]:
    context["when"] = format_when(context["event"])
    context.setdefault("programme", [])
    return (render_template(f"events/mail/{template}.txt", **context),
            render_template(f"events/mail/{template}.html", **context))


def queue_registration_mail(registration: Registration, kind: str, *,
                            by_organiser: bool = False) -> OutboxMessage | None:
    """Queue the mail of this kind about a registration, with an invite or a CANCEL.

    Returns None for an optional mail the person refused in their mail preferences.
    """
    if kind not in MAIL_KINDS:
        raise ValueError(f"unknown registration mail {kind!r}")
    event, person = registration.event, registration.person
    optional = None
    if kind in OPTIONAL_KINDS:
        optional = optional_mail(person.email, OPTIONAL_KINDS[kind])
        if optional is None:
            return None
    language = language_or_default(registration.language)
    link, url = manage_url(registration), event_url(event)
    method: Method | None = None
    if kind in INVITE_KINDS:
        method = Method.REQUEST
    elif kind in CANCEL_KINDS and has_invite(registration):
        method = Method.CANCEL
    now = utc_now()
    with in_language(language):
        title = event.title(language)
        context = {
            "event": event, "registration": registration, "name": person.full_name,
            "title": title, "description": event.description(language),
            "location": event_location(event), "manage_url": link, "event_url": url,
            "all_day": is_all_day(event), "by_organiser": by_organiser,
            "with_calendar": method is not None, "language": language,
            "cluster_name": current_app.config["CLUSTER_NAME"],
            "programme": _programme(event, language) if kind in PROGRAMME_KINDS else [],
            "links": extra_links(registration),
            "feed_url": _feed_url(registration),
            "hold_until": registration.hold_expires_at,
            "offer_until": registration.offer_expires_at,
            # The organiser's own words, in this person's language only (escaped in HTML).
            "reminder_text": (getattr(event, f"reminder_text_{language}", None) or "").strip(),
            "optional": optional,
        }
        subject = _subject(kind, title)
        custom = mail_templates.get_template(event.kind, kind, language)
        if custom is not None and not context["reminder_text"]:  # the event's own text wins
            values = {"name": person.full_name, "title": title, "when": format_when(event),
                      "location": event_location(event) or "", "event_url": url,
                      "manage_url": link}
            subject = mail_templates.fill(custom.subject, values)
            context["custom_body"] = mail_templates.fill(custom.body, values)
        text_body, html_body = _render(kind, **context)
        if method is not None:
            item = registration_item(registration)
            sequence = next_invite_sequence(item.uid, person.email, method=method.value,
                                            fingerprint=content_fingerprint(item))
            item = replace(item, sequence=sequence)
            message = build_imip_message(
                sender=cluster_sender(), to=(person.full_name, person.email), subject=subject,
                text_body=text_body, html_body=html_body,
                ics_bytes=build_invite(item, method, now), method=method,
                reply_to=cluster_organizer(), message_id_domain=cluster_domain(), sent_at=now)
        else:
            message = build_plain_message(
                sender=cluster_sender(), to=(person.full_name, person.email), subject=subject,
                text_body=text_body, html_body=html_body, reply_to=cluster_organizer(),
                message_id_domain=cluster_domain(), sent_at=now)
    reference = f"registration:{registration.id}"
    if optional is not None:
        return queue_optional_message(message, optional, kind=f"registration.{kind}",
                                      reference=reference)
    return queue_message(message, kind=f"registration.{kind}", reference=reference)


#: The name of registration mails built after the seat lock is released (app.mail.deferred).
DEFERRED_REGISTRATION = "events.registration"


def defer_registration_mail(registration: Registration, kind: str, *,
                            by_organiser: bool = False) -> int:
    """Store the mail of this kind about a registration, to build after the commit; return
    the deferred row's id.

    For changes made under the event's lock: storing takes one INSERT, the building (templates,
    invite, signed link) happens once the lock is released (``app.mail.deferred``).
    """
    if kind not in MAIL_KINDS:
        raise ValueError(f"unknown registration mail {kind!r}")
    return defer_mail(DEFERRED_REGISTRATION, kind=f"registration.{kind}",
                      reference=f"registration:{registration.id}",
                      registration_id=registration.id, mail_kind=kind, by_organiser=by_organiser)


@renderer(DEFERRED_REGISTRATION)
def _build_deferred_registration_mail(registration_id: int, mail_kind: str,
                                      by_organiser: bool = False) -> None:
    registration = db.session.get(Registration, registration_id)
    if registration is None:
        return  # erased since: nobody to write to
    queue_registration_mail(registration, mail_kind, by_organiser=by_organiser)


def queue_not_member_mail(event: Event, *, email: str, name: str,
                          language: str) -> OutboxMessage:
    """Queue the mail explaining how to join, for a members-only event (no registration)."""
    language = language_or_default(language)
    url = event_url(event)
    with in_language(language):
        title = event.title(language)
        context = {
            "event": event, "title": title, "name": name,
            "event_url": url, "location": event_location(event), "all_day": is_all_day(event),
            "language": language, "cluster_name": current_app.config["CLUSTER_NAME"],
            "cluster_email": current_app.config["CLUSTER_EMAIL"],
        }
        text_body, html_body = _render("not_member", **context)
        message = build_plain_message(
            sender=cluster_sender(), to=(name, email), subject=_subject("not_member", title),
            text_body=text_body, html_body=html_body, reply_to=cluster_organizer(),
            message_id_domain=cluster_domain(), sent_at=utc_now())
    return queue_message(message, kind="registration.not_member", reference=f"event:{event.id}")


def queue_event_message(registration: Registration, subject: str, body: str) -> OutboxMessage:
    """Queue an organiser's free-text message to one registered person."""
    event, person = registration.event, registration.person
    language = language_or_default(registration.language)
    link, url = manage_url(registration), event_url(event)
    with in_language(language):
        title = event.title(language)
        context = {
            "event": event, "name": person.full_name, "title": title,
            "body": body, "manage_url": link, "event_url": url, "language": language,
            "cluster_name": current_app.config["CLUSTER_NAME"],
        }
        text_body, html_body = _render("message", **context)
        message = build_plain_message(
            sender=cluster_sender(), to=(person.full_name, person.email), subject=subject,
            text_body=text_body, html_body=html_body, reply_to=cluster_organizer(),
            message_id_domain=cluster_domain(), sent_at=utc_now())
    return queue_message(message, kind="event.message",
                         reference=f"registration:{registration.id}")

