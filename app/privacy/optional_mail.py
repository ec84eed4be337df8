"""The one gate of optional mail: skip refused categories, add the unsubscribe headers.

A sender of optional mail (reminders, B2B digests, news) asks :func:`optional_mail` first: it
answers None when the address refused the category, else the links the mail's footer shows.
The sender renders its mail with them (``privacy/mail/footer.*``) and queues it with
:func:`queue_optional_message`, which adds ``List-Unsubscribe`` and ``List-Unsubscribe-Post``
(RFC 8058 one-click unsubscribe). Essential mail never comes here.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage

from app.mail.models import OutboxMessage
from app.mail.services import queue_message
from app.privacy.preferences import (
    MailCategory,
    get_or_create_preference,
    get_preference,
    preferences_url,
    unsubscribe_url,
)

ONE_CLICK = "List-Unsubscribe=One-Click"


@dataclass(frozen=True)
class OptionalMail:
    """The links an optional mail carries: its footer's preferences page and its unsubscribe."""

    category: MailCategory
    preferences_url: str
    unsubscribe_url: str


def optional_mail(email: str, category: MailCategory) -> OptionalMail | None:
    """Return the links of an optional mail to this address, or None when it refused them."""
    preference = get_preference(email)
    if preference is not None and not preference.accepts(category):
        return None
    preference = preference or get_or_create_preference(email)
    return OptionalMail(category=MailCategory(category),
                        preferences_url=preferences_url(preference),
                        unsubscribe_url=unsubscribe_url(preference, category))


def add_unsubscribe_headers(message: EmailMessage, optional: OptionalMail) -> None:
    """Add the one-click unsubscribe headers (RFC 2369 and RFC 8058) to a message."""
    del message["List-Unsubscribe"]
    del message["List-Unsubscribe-Post"]
    # RFC 2369 forbids whitespace inside the brackets, and the default policy would fold a
    # long URL into an encoded word: store the line as it is, on one (longer) line.
    message.set_raw("List-Unsubscribe", f"<{optional.unsubscribe_url}>")
    message.set_raw("List-Unsubscribe-Post", ONE_CLICK)
    message.policy = message.policy.clone(refold_source="none")


def queue_optional_message(message: EmailMessage, optional: OptionalMail, *, kind: str,
                           reference: str = "") -> OutboxMessage:
    """Queue an optional mail with its unsubscribe headers, in the caller's transaction."""
    add_unsubscribe_headers(message, optional)
    return queue_message(message, kind=kind, reference=reference)
