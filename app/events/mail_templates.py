"""Organisers' texts for registration mails, per event kind and language, with placeholders.

A text is plain: placeholders in braces are filled when the mail is built, the HTML part
escapes it. Without a text, the built-in mail is sent.
"""

import re

from sqlalchemy import select

from app.events.models import EventKind, MailTemplate
from app.extensions import db

#: The mails an organiser may rewrite.
EDITABLE_KINDS = ("confirmed", "waitlisted", "promoted", "reminder", "cancelled")
#: The placeholders a text may hold, and what each becomes.
PLACEHOLDERS = ("name", "title", "when", "location", "event_url", "manage_url")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def get_template(event_kind: EventKind | str, mail_kind: str,
                 language: str) -> MailTemplate | None:
    """Return the organiser's text for a mail, or None for the built-in one."""
    return db.session.scalar(select(MailTemplate).where(
        MailTemplate.event_kind == EventKind(event_kind), MailTemplate.mail_kind == mail_kind,
        MailTemplate.language == language))


def get_templates() -> dict[tuple[str, str, str], MailTemplate]:
    """Return every organiser text by (event kind, mail kind, language)."""
    return {(t.event_kind.value, t.mail_kind, t.language): t
            for t in db.session.scalars(select(MailTemplate))}


def save_template(event_kind: EventKind | str, mail_kind: str, language: str, *,
                  subject: str, body: str) -> MailTemplate:
    """Store the organiser's text for a mail (replacing the previous one); flush."""
    if mail_kind not in EDITABLE_KINDS:
        raise ValueError(f"not an editable mail: {mail_kind!r}")
    template = get_template(event_kind, mail_kind, language)
    if template is None:
        template = MailTemplate(event_kind=EventKind(event_kind), mail_kind=mail_kind,
                                language=language)
        db.session.add(template)
    template.subject, template.body = subject, body
    db.session.flush()
    return template


def reset_template(event_kind: EventKind | str, mail_kind: str, language: str) -> bool:
    """Go back to the built-in text; return whether there was an organiser's text."""
    template = get_template(event_kind, mail_kind, language)
    if template is None:
        return False
    db.session.delete(template)
    db.session.flush()
    return True


def fill(text: str, values: dict[str, str]) -> str:
    """Replace the known placeholders of a text; anything else in braces stays as typed."""
    return _PLACEHOLDER.sub(
        lambda match: str(values[match.group(1)]) if match.group(1) in values
        else match.group(0), text)
