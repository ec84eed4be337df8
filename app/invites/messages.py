"""Wrap calendars as iMIP mail (RFC 6047) and build plain mails, with clean headers.

Pure: uses only the standard ``email`` package and returns
:class:`email.message.EmailMessage` objects ready for ``smtplib.send_message``
or ``as_bytes()`` (the outbox stores those bytes).

Header hygiene: display names and subjects are put on one line (control
characters, CR/LF included, become spaces) so no header can be injected, and
non-ASCII display names are RFC 2047-encoded by :class:`email.headerregistry.Address`.
An address with control characters or without ``@`` raises ``ValueError``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import format_datetime, make_msgid
from typing import NamedTuple

from app.invites.ics import Method, clean_line, clean_multiline

#: Name of the .ics file attached to every invite.
INVITE_FILENAME = "invite.ics"
_IMIP_METHODS = frozenset(Method)


class Attachment(NamedTuple):
    """A file attached to a plain message; ``content_type`` is ``maintype/subtype``."""

    filename: str
    content: bytes
    content_type: str = "application/octet-stream"


def build_imip_message(
    *,
    sender: tuple[str, str],
    to: tuple[str, str],
    subject: str,
    text_body: str,
    html_body: str,
    ics_bytes: bytes,
    method: Method | str,
    reply_to: tuple[str, str] | None = None,
    message_id_domain: str,
    sent_at: datetime | None = None,
) -> EmailMessage:
    """Return an iMIP message carrying ``ics_bytes`` inline and as ``invite.ics``.

    Structure: multipart/mixed [multipart/alternative [text/plain, text/html,
    text/calendar; method=...; charset=utf-8], application/ics attachment].
    ``method`` must equal the METHOD inside ``ics_bytes``, else ``ValueError``.
    """
    method = Method(method)
    found = ics_method(ics_bytes)
    if found != method.value:
        raise ValueError(f"method={method.value} but the calendar says METHOD:{found}")

    message = _new_message(
        sender=sender,
        to=to,
        subject=subject,
        reply_to=reply_to,
        message_id_domain=message_id_domain,
        sent_at=sent_at,
    )
    message.set_content(clean_multiline(text_body) + "\n")
    message.add_alternative(clean_multiline(html_body) + "\n", subtype="html")
    # Bytes with base64 keep the CRLF line ends and 75-octet folding exactly.
    message.add_alternative(
        ics_bytes,
        maintype="text",
        subtype="calendar",
        cte="base64",
        params={"method": method.value, "charset": "utf-8"},
    )
    message.add_attachment(
        ics_bytes,
        maintype="application",
        subtype="ics",
        filename=INVITE_FILENAME,
        params={"name": INVITE_FILENAME},
    )
    _drop_inner_mime_version(message)
    return message


def build_plain_message(
    *,
    sender: tuple[str, str],
    to: tuple[str, str],
    subject: str,
    text_body: str,
    html_body: str | None = None,
    attachments: Iterable[Attachment | tuple[str, bytes, str]] = (),
    reply_to: tuple[str, str] | None = None,
    message_id_domain: str,
    sent_at: datetime | None = None,
) -> EmailMessage:
    """Return a text (optionally text+html) message with optional attachments."""
    message = _new_message(
        sender=sender,
        to=to,
        subject=subject,
        reply_to=reply_to,
        message_id_domain=message_id_domain,
        sent_at=sent_at,
    )
    message.set_content(clean_multiline(text_body) + "\n")
    if html_body is not None:
        message.add_alternative(clean_multiline(html_body) + "\n", subtype="html")
    for attachment in attachments:
        filename, content, content_type = Attachment(*attachment)
        maintype, _, subtype = content_type.partition("/")
        if not maintype or not subtype:
            raise ValueError(f"invalid content type {content_type!r}")
        message.add_attachment(
            content, maintype=maintype, subtype=subtype, filename=clean_line(filename)
        )
    _drop_inner_mime_version(message)
    return message


def ics_method(ics_bytes: bytes) -> str | None:
    """Return the calendar-level METHOD of ``ics_bytes``, or None when it has none."""
    depth = 0
    for raw in ics_bytes.splitlines():
        line = raw.decode("utf-8").strip()
        upper = line.upper()
        if upper.startswith("BEGIN:"):
            depth += 1
        elif upper.startswith("END:"):
            depth -= 1
        elif depth == 1 and (upper.startswith("METHOD:") or upper.startswith("METHOD;")):
            return line.partition(":")[2].strip().upper()
    return None


def address(name_and_email: tuple[str, str]) -> Address:
    """Return an ``Address`` with a one-line display name; raise on a bad email."""
    name, email = name_and_email
    if not isinstance(email, str) or any(not c.isprintable() or c.isspace() for c in email):
        raise ValueError(f"invalid email address {email!r}")
    username, at, domain = email.rpartition("@")
    if not at or not username or not domain:
        raise ValueError(f"invalid email address {email!r}")
    return Address(display_name=clean_line(name or ""), username=username, domain=domain)


def _drop_inner_mime_version(message: EmailMessage) -> None:
    # The email package stamps MIME-Version on parts it creates; only the top needs it.
    for part in message.walk():
        if part is not message:
            del part["MIME-Version"]


def _new_message(
    *,
    sender: tuple[str, str],
    to: tuple[str, str],
    subject: str,
    reply_to: tuple[str, str] | None,
    message_id_domain: str,
    sent_at: datetime | None,
) -> EmailMessage:
    if sent_at is not None and sent_at.utcoffset() is None:
        raise ValueError(f"sent_at must be timezone-aware, got {sent_at!r}")
    message = EmailMessage(policy=default_policy)
    message["From"] = address(sender)
    message["To"] = address(to)
    if reply_to is not None:
        message["Reply-To"] = address(reply_to)
    message["Subject"] = clean_line(subject)
    message["Date"] = format_datetime((sent_at or datetime.now(UTC)).astimezone(UTC))
    message["Message-ID"] = make_msgid(domain=clean_line(message_id_domain))
    # RFC 3834: tells vacation responders not to answer automated mail.
    message["Auto-Submitted"] = "auto-generated"
    return message
