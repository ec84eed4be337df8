"""Transports that hand stored outbox bytes to an SMTP server or to a folder of .eml files."""

from __future__ import annotations

import re
import smtplib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from app.text import one_line

SMTP_TIMEOUT_SECONDS = 10
_LINE_END = re.compile(rb"\r\n|\r|\n")


@dataclass(frozen=True)
class Envelope:
    """What a transport needs to send one outbox message: plain values, no ORM object."""

    id: int
    kind: str
    sender: str
    recipient: str
    raw: bytes


class TransportError(Exception):
    """A message could not be handed over.

    ``permanent`` means retrying cannot help (the server refused the recipient for good);
    ``connection`` means the server itself is unreachable, so the rest of a batch would
    fail the same way.
    """

    def __init__(self, reason: str, *, permanent: bool = False, connection: bool = False):
        super().__init__(reason)
        self.permanent = permanent
        self.connection = connection


class Transport(Protocol):
    """What the outbox sends through: a context manager around a batch of envelopes."""

    def __enter__(self) -> Transport: ...

    def __exit__(self, *exc_info) -> None: ...

    def send(self, envelope: Envelope) -> None:
        """Hand one envelope over, or raise TransportError saying whether a retry can help."""


class SmtpTransport:
    """Send raw bytes over one SMTP connection, opened on the first message of a batch."""

    def __init__(self, *, host: str, port: int, use_tls: bool = False, use_ssl: bool = False,
                 username: str | None = None, password: str | None = None,
                 timeout: float = SMTP_TIMEOUT_SECONDS):
        self.host = host
        self.port = port
        self.use_tls = use_tls
        self.use_ssl = use_ssl
        self.username = username
        self.password = password
        self.timeout = timeout
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpTransport:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def send(self, envelope: Envelope) -> None:
        """Send the stored bytes unchanged, so iMIP parts keep their exact form."""
        smtp = self._connection()
        options = []
        # Bytes outside ASCII need 8BITMIME; most servers offer it, aiosmtpd included.
        if not envelope.raw.isascii() and smtp.has_extn("8bitmime"):
            options.append("BODY=8BITMIME")
        try:
            refused = smtp.sendmail(envelope.sender, [envelope.recipient],
                                    wire_bytes(envelope.raw), mail_options=options)
        except smtplib.SMTPRecipientsRefused as exc:
            raise _refused_error(exc.recipients) from exc
        except smtplib.SMTPResponseException as exc:
            # A 4xx/5xx answer to MAIL or DATA: the session may be unusable, reconnect next time.
            self._drop()
            raise TransportError(f"SMTP {exc.smtp_code}: {_text(exc.smtp_error)}") from exc
        except (smtplib.SMTPException, OSError) as exc:
            self._drop()
            raise TransportError(one_line(exc), connection=True) from exc
        if refused:
            raise _refused_error(refused)

    def close(self) -> None:
        """Say goodbye to the server; ignore a connection that already broke."""
        if self._smtp is None:
            return
        try:
            self._smtp.quit()
        except (smtplib.SMTPException, OSError):
            self._smtp.close()
        self._smtp = None

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is not None:
            return self._smtp
        try:
            if self.use_ssl:
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout)
            else:
                smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            try:
                smtp.ehlo_or_helo_if_needed()
                if self.use_tls and not self.use_ssl:
                    smtp.starttls()
                    smtp.ehlo()
                if self.username:
                    smtp.login(self.username, self.password or "")
            except BaseException:
                smtp.close()
                raise
        except (smtplib.SMTPException, OSError) as exc:
            raise TransportError(
                f"cannot connect to {self.host}:{self.port}: {one_line(exc)}", connection=True,
            ) from exc
        self._smtp = smtp
        return smtp

    def _drop(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.close()
            finally:
                self._smtp = None


class FolderTransport:
    """Write each message as ``<id>-<kind>.eml`` in a folder (development and demos)."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)

    def __enter__(self) -> FolderTransport:
        return self

    def __exit__(self, *exc_info) -> None:
        return None

    def send(self, envelope: Envelope) -> None:
        """Write the raw bytes to the folder, creating it when missing."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self.path_for(envelope).write_bytes(envelope.raw)
        except OSError as exc:
            raise TransportError(one_line(exc)) from exc

    def path_for(self, envelope: Envelope) -> Path:
        """Return the file a message is written to."""
        kind = re.sub(r"[^A-Za-z0-9._-]+", "_", envelope.kind) or "message"
        return self.folder / f"{envelope.id}-{kind}.eml"


def wire_bytes(raw: bytes) -> bytes:
    """Return ``raw`` with CRLF line ends, as SMTP requires.

    smtplib fixes line ends of str messages only; bytes go out as they are, and a message
    stored with bare LF would reach the server as one endless line. Base64 parts (the .ics)
    are untouched, so the calendar keeps its own CRLFs.
    """
    return _LINE_END.sub(b"\r\n", raw)


def get_transport(config: Mapping) -> SmtpTransport | FolderTransport:
    """Return the transport named by MAIL_TRANSPORT ("smtp" or "folder")."""
    name = str(config.get("MAIL_TRANSPORT", "smtp")).lower()
    if name == "folder":
        return FolderTransport(config["MAIL_FOLDER"])
    if name == "smtp":
        return SmtpTransport(
            host=config.get("MAIL_SERVER", "localhost"),
            port=int(config.get("MAIL_PORT", 25)),
            use_tls=bool(config.get("MAIL_USE_TLS")),
            use_ssl=bool(config.get("MAIL_USE_SSL")),
            username=config.get("MAIL_USERNAME"),
            password=config.get("MAIL_PASSWORD"),
        )
    raise ValueError(f"MAIL_TRANSPORT must be 'smtp' or 'folder', not {name!r}")


def _refused_error(refused: Mapping[str, tuple[int, bytes]]) -> TransportError:
    codes = [code for code, _ in refused.values()]
    reason = "; ".join(f"{rcpt} refused: {code} {_text(msg)}"
                       for rcpt, (code, msg) in refused.items())
    # 5xx is final ("user unknown"); 4xx (greylisting, mailbox full) is worth retrying.
    return TransportError(reason, permanent=bool(codes) and all(c >= 500 for c in codes))


def _text(value: bytes | str) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return " ".join(value.split())
