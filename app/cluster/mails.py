"""The short mail that introduces two organisations to each other, in each one's language."""

from flask import current_app, render_template
from flask_babel import gettext as _
from sqlalchemy import select

from app.cluster.introductions import Proposal, reason_summary
from app.db import utc_now
from app.extensions import db
from app.i18n import in_language, language_or_default
from app.invites.messages import build_plain_message
from app.mail.identity import cluster_domain, cluster_sender
from app.mail.services import queue_message
from app.members.models import Person, Tag


def queue_introduction_mail(person: Person, proposal: Proposal, other_name: str,
                            introduction_id: int, reply_to: tuple[str, str] | None):
    """Queue the introduction mail to one side; replies go to the organiser who made it.

    No address of the other side is given: the organiser puts them in touch on a reply.
    """
    language = language_or_default(person.language)
    tags = {tag.code: tag for tag in db.session.scalars(select(Tag))}
    with in_language(language):
        labels = {code: tag.label(language) for code, tag in tags.items()}
        context = {"name": person.full_name, "other": other_name,
                   "why": reason_summary(proposal, labels),
                   "cluster_name": current_app.config["CLUSTER_NAME"]}
        subject = _("An introduction: %(other)s", other=other_name)
        message = build_plain_message(
            sender=cluster_sender(), to=(person.full_name, person.email), subject=subject,
            text_body=render_template("cluster/mail/introduction.txt", **context),
            html_body=render_template("cluster/mail/introduction.html", **context),
            reply_to=reply_to, message_id_domain=cluster_domain(), sent_at=utc_now())
    return queue_message(message, kind="cluster.introduction",
                         reference=f"introduction:{introduction_id}")
