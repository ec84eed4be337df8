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

import base64
import binascii
import re
import secrets
from collections.abc import Iterable
from datetime import UTC, datetime
from email.header import Header
from email.headerregistry import Address, HeaderRegistry
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import format_datetime, make_msgid
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import quote

from .ics import Method, calendar_organizer, calendar_uids
from .items import clean_line, clean_multiline

#: Name of the .ics file attached to every invite.
INVITE_FILENAME = "invite.ics"
_TOKEN_RE = re.compile(r"^[A-Za-z0-9!#$&^_.+-]+$")


class _CachingHeaderFactory:
    """The standard header registry, remembering parses of the same raw value.

    ``as_bytes()`` parses each part's Content-Type several times, and our parts
    share a handful of values; parsed headers are immutable, so reuse is safe.
    """

    def __init__(self) -> None:
        self._registry = HeaderRegistry()
        self._parse = lru_cache(maxsize=4096)(self._registry)

    def __getitem__(self, name: str) -> type:
        return self._registry[name]

    def __call__(self, name: str, value: object) -> object:
        if isinstance(value, str):
            return self._parse(name, value)
        return self._registry(name, value)


#: MIME boundaries, one per process; safe because "=_" occurs in no body we write.
_BOUNDARIES = {
    subtype: f"=_{subtype[:3]}_{secrets.token_hex(12)}" for subtype in ("mixed", "alternative")
}

#: The default policy (utf-8, RFC 5322 folding) with cached header parsing.
POLICY = default_policy.clone(header_factory=_CachingHeaderFactory())


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

    One calendar object per message: a calendar with VEVENTs of several UIDs raises
    ``ValueError``, because Outlook imports only the first VEVENT of an iMIP part.
    ``sender`` is the mailbox that sends; when the calendar's ORGANIZER is another
    address, From is the ORGANIZER and ``sender`` goes into Sender, so ORGANIZER
    always equals From or Sender as receivers of iMIP expect (RFC 6047 section 3).
    """
    method = Method(method)
    found = ics_method(ics_bytes)
    if found != method.value:
        raise ValueError(f"method={method.value} but the calendar says METHOD:{found}")
    uids = calendar_uids(ics_bytes)
    if len(uids) != 1:
        raise ValueError(f"an iMIP message carries one calendar object, got UIDs {uids}")
    author, on_behalf = sender, None
    organizer = calendar_organizer(ics_bytes)
    if organizer is not None and organizer[1].lower() != sender[1].lower():
        author, on_behalf = organizer, sender

    # Base64 keeps the CRLF line ends and 75-octet folding of the calendar exactly.
    calendar_part = _part(
        f'text/calendar; method="{method.value}"; charset="utf-8"',
        "base64",
        _base64(ics_bytes),
    )
    alternative = _multipart(
        "alternative",
        [_text_part("plain", text_body), _text_part("html", html_body), calendar_part],
    )
    attachment = _part(
        f'application/ics; name="{INVITE_FILENAME}"',
        "base64",
        _base64(ics_bytes),
        disposition=f'attachment; filename="{INVITE_FILENAME}"',
    )
    message = _multipart("mixed", [alternative, attachment])
    _add_top_headers(
        message,
        sender=author,
        on_behalf=on_behalf,
        to=to,
        subject=subject,
        reply_to=reply_to,
        message_id_domain=message_id_domain,
        sent_at=sent_at,
    )
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
    body = _text_part("plain", text_body)
    if html_body is not None:
        body = _multipart("alternative", [body, _text_part("html", html_body)])
    files = []
    for attachment in attachments:
        filename, content, content_type = Attachment(*attachment)
        maintype, _, subtype = content_type.partition("/")
        if not _TOKEN_RE.match(maintype) or not _TOKEN_RE.match(subtype):
            raise ValueError(f"invalid content type {content_type!r}")
        files.append(
            _part(
                f"{maintype.lower()}/{subtype.lower()}",
                "base64",
                _base64(content),
                disposition=_disposition(filename),
            )
        )
    message = _multipart("mixed", [body, *files]) if files else body
    _add_top_headers(
        message,
        sender=sender,
        to=to,
        subject=subject,
        reply_to=reply_to,
        message_id_domain=message_id_domain,
        sent_at=sent_at,
    )
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


def _add_top_headers(
    message: EmailMessage,
    *,
    sender: tuple[str, str],
    to: tuple[str, str],
    subject: str,
    reply_to: tuple[str, str] | None,
    message_id_domain: str,
    sent_at: datetime | None,
    on_behalf: tuple[str, str] | None = None,
) -> None:
    if sent_at is not None and sent_at.utcoffset() is None:
        raise ValueError(f"sent_at must be timezone-aware, got {sent_at!r}")
    headers = [("From", _address_header("From", *sender))]
    if on_behalf is not None:
        headers.append(("Sender", _address_header("Sender", *on_behalf)))
    headers.append(("To", _address_header("To", *to)))
    if reply_to is not None:
        headers.append(("Reply-To", _address_header("Reply-To", *reply_to)))
    headers += [
        ("Subject", _subject_header(clean_line(subject))),
        ("Date", format_datetime((sent_at or datetime.now(UTC)).astimezone(UTC))),
        ("Message-ID", make_msgid(domain=clean_line(message_id_domain))),
        # RFC 3834: tells vacation responders not to answer automated mail.
        ("Auto-Submitted", "auto-generated"),
        ("MIME-Version", "1.0"),
    ]
    # Parts come first in _raw_headers; put the envelope-ish headers on top.
    part_headers = list(message.raw_items())
    for name in {name for name, _ in part_headers}:
        del message[name]
    for name, value in [*headers, *part_headers]:
        message.set_raw(name, value)


@lru_cache(maxsize=4096)
def _address_header(header: str, name: str, email: str) -> str:
    """Return the folded, RFC 2047-encoded value of an address header (cached per person)."""
    return _folded(header, address((name, email)))


def _subject_header(subject: str) -> str:
    if subject.isascii() and len(subject) <= 68:
        return subject
    # email.header is twice as fast as the registry for the one header unique per message.
    return Header(subject, "utf-8", header_name="Subject").encode(linesep="\n")


def _folded(header: str, value: object) -> str:
    # Parse and fold once with the registry, then store the result raw: the
    # generator re-parses only headers it has to refold, which these never are.
    folded = POLICY.header_factory(header, value).fold(policy=POLICY)
    return folded[len(header) + 2 :].rstrip("\r\n")


def _part(
    content_type: str, transfer_encoding: str, payload: str, *, disposition: str | None = None
) -> EmailMessage:
    part = EmailMessage(policy=POLICY)
    part.set_raw("Content-Type", content_type)
    part.set_raw("Content-Transfer-Encoding", transfer_encoding)
    if disposition is not None:
        part.set_raw("Content-Disposition", disposition)
    part.set_payload(payload)
    return part


def _text_part(subtype: str, text: str) -> EmailMessage:
    text = clean_multiline(text) + "\n"
    data = text.encode("utf-8")
    # No "=" in 7bit bodies, and quoted-printable encodes it: boundaries ("=_...")
    # can then never occur in a body, whatever a user typed.
    if b"=" not in data and data.isascii() and max(map(len, data.split(b"\n"))) <= 76:
        return _part(f'text/{subtype}; charset="utf-8"', "7bit", text)
    encoded = binascii.b2a_qp(data, istext=True).decode("ascii")
    return _part(f'text/{subtype}; charset="utf-8"', "quoted-printable", encoded)


def _multipart(subtype: str, parts: list[EmailMessage]) -> EmailMessage:
    container = EmailMessage(policy=POLICY)
    container.set_raw("Content-Type", f'multipart/{subtype}; boundary="{_BOUNDARIES[subtype]}"')
    container.set_payload(parts)
    return container


def _disposition(filename: str) -> str:
    name = clean_line(filename).replace("\\", "_").replace('"', "_") or "attachment"
    if name.isascii():
        return f'attachment; filename="{name}"'
    return f"attachment; filename*=utf-8''{quote(name, safe='')}"


def _base64(data: bytes) -> str:
    return base64.encodebytes(data).decode("ascii")
