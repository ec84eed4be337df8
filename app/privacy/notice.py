"""The cluster's privacy notice: its versions in the database, the shipped default, its layout.

Each edit stores a new row with the next version number, so a consent record's version still
says which text the person was shown. Until the first edit the notice is the default of
``notice_texts`` (version 1).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from sqlalchemy import ForeignKey, String, Text, func, select
from sqlalchemy.orm import Mapped, mapped_column

from app.db import utc_now
from app.extensions import db
from app.privacy.notice_texts import DEFAULT_TEXTS

#: The version of the shipped default notice; the first edit is version 2.
DEFAULT_VERSION = 1
NOTICE_LANGUAGES = ("fr", "nl", "en")
#: Longest notice text accepted per language (a notice, not a book).
MAX_TEXT_LENGTH = 20000


class PrivacyNotice(db.Model):
    """One version of the privacy notice, in the three languages, as saved by an organiser."""

    __tablename__ = "privacy_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(unique=True)
    text_fr: Mapped[str] = mapped_column(Text)
    text_nl: Mapped[str] = mapped_column(Text)
    text_en: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    #: The organiser who saved it (kept empty if the account is deleted).
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    created_by_name: Mapped[str] = mapped_column(String(200), default="")

    def text(self, language: str) -> str:
        """Return the text in a language (French if the language is not one of the three)."""
        return getattr(self, f"text_{language if language in NOTICE_LANGUAGES else 'fr'}")

    def __repr__(self) -> str:
        return f"<PrivacyNotice v{self.version}>"


@dataclass(frozen=True)
class NoticeBlock:
    """One block of the notice's layout: a heading, a paragraph or a list."""

    kind: str  # "heading", "paragraph" or "list"
    text: str = ""
    items: tuple[str, ...] = field(default_factory=tuple)


#: Read at every registration: built once (SQLAlchemy keeps its cache key with it).
_LATEST_VERSION = select(func.max(PrivacyNotice.__table__.c.version))


def get_current_notice() -> PrivacyNotice | None:
    """Return the latest saved notice, or None while the default is in force."""
    return db.session.scalar(
        select(PrivacyNotice).order_by(PrivacyNotice.version.desc()).limit(1))


def version_in_force_sql():
    """The version of the notice in force as a SQL expression: for the statement that stamps a
    consent, so that reading the version costs no round trip of its own."""
    return func.coalesce(_LATEST_VERSION.scalar_subquery(), DEFAULT_VERSION)


def current_version() -> int:
    """Return the version number of the notice in force."""
    latest = db.session.scalar(_LATEST_VERSION)
    return latest if latest is not None else DEFAULT_VERSION


def default_text(language: str) -> str:
    """Return the shipped notice in a language, with the cluster's name and address."""
    template = DEFAULT_TEXTS.get(language, DEFAULT_TEXTS["fr"])
    return template.format(cluster=current_app.config["CLUSTER_NAME"],
                           email=current_app.config["CLUSTER_EMAIL"])


def notice_text(language: str) -> str:
    """Return the text in force in a language."""
    notice = get_current_notice()
    return notice.text(language) if notice is not None else default_text(language)


def save_notice(texts: dict[str, str], *, user=None) -> PrivacyNotice:
    """Store a new version of the notice with these texts; flush only."""
    notice = PrivacyNotice(
        version=current_version() + 1,
        created_at=utc_now(),
        created_by_id=getattr(user, "id", None),
        created_by_name=(getattr(user, "name", "") or getattr(user, "email", "") or "")[:200],
        **{f"text_{code}": _clean(texts.get(code, "")) for code in NOTICE_LANGUAGES},
    )
    db.session.add(notice)
    db.session.flush()
    return notice


def _clean(text: str) -> str:
    """Keep line ends, drop the other control characters, trim trailing spaces."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(c for c in text if c in "\n\t" or ord(c) >= 32)
    return "\n".join(line.rstrip() for line in text.strip().split("\n"))


def layout(text: str) -> list[NoticeBlock]:
    """Split a notice into headings ("# "), lists ("- ") and paragraphs (blank-line separated)."""
    blocks: list[NoticeBlock] = []
    lines: list[str] = []  # the paragraph or list being read
    kind = ""

    def close() -> None:
        if lines:
            blocks.append(NoticeBlock("list", items=tuple(lines)) if kind == "list"
                          else NoticeBlock("paragraph", " ".join(lines)))
        lines.clear()

    for raw in _clean(text).split("\n"):
        line = raw.strip()
        if not line:
            close()
        elif line.startswith("# "):
            close()
            blocks.append(NoticeBlock("heading", line[2:].strip()))
        elif line.startswith("- "):
            if kind != "list":
                close()
            kind = "list"
            lines.append(line[2:].strip())
        elif kind == "list" and lines:
            lines[-1] = f"{lines[-1]} {line}"  # a list item running onto the next line
        else:
            if kind != "paragraph":
                close()
            kind = "paragraph"
            lines.append(line)
    close()
    return blocks
