"""Revoke a participant's personal links, and mail them a new link to their B2B portal."""

from collections.abc import Callable

from flask import current_app, render_template
from flask_babel import gettext as _

from app.b2b.models import Participant
from app.b2b.queries import participant_portal_url
from app.db import utc_now
from app.i18n import in_language, language_or_default
from app.invites.messages import build_plain_message
from app.mail.identity import cluster_domain, cluster_organizer, cluster_sender
from app.mail.models import OutboxMessage
from app.mail.services import queue_message
from app.members.services import revoke_links


def renew_participant_links(participant: Participant, *, send: bool = True) -> None:
    """Make every link of the participant's person stop working; mail a new portal link."""
    revoke_links(participant.person)
    if send:
        queue_portal_link_mail(participant)


def queue_portal_link_mail(participant: Participant) -> OutboxMessage:
    """Queue the mail that gives a participant their (new) personal portal link."""
    return queue_participant_mail(
        participant, url=participant_portal_url(participant), template="b2b/mail/portal_link",
        subject=lambda title: _("Your new B2B link: %(title)s", title=title),
        kind="b2b.portal_link")


def queue_participant_mail(participant: Participant, *, url: str, template: str,
                           subject: Callable[[str], str], kind: str) -> OutboxMessage:
    """Queue a mail to a participant, in their language, naming the session and one link.

    `template` is the path without `.txt`/`.html`; `subject(title)` runs in that language.
    """
    person, session = participant.person, participant.session
    language = language_or_default(person.language)
    with in_language(language):
        title = session.title_in(language) or session.event.title(language)
        context = {"name": person.full_name, "title": title, "language": language, "url": url,
                   "cluster_name": current_app.config["CLUSTER_NAME"]}
        message = build_plain_message(
            sender=cluster_sender(), to=(person.full_name, person.email),
            subject=subject(title),
            text_body=render_template(f"{template}.txt", **context),
            html_body=render_template(f"{template}.html", **context),
            reply_to=cluster_organizer(), message_id_domain=cluster_domain(), sent_at=utc_now())
    return queue_message(message, kind=kind, reference=f"participant:{participant.id}")
