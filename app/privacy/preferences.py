"""Preferences for optional mail, per e-mail address, and the signed links that change them.

Essential mail (confirmations, the personal link, invites, changes, cancellations) is always
sent. Optional mail comes in the categories of ``MailCategory``; a person can refuse each one
from the preferences page or in one click from the mail itself (RFC 8058). Preferences are
keyed by the normalised address, so they hold for people who are not members too.
"""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, mapped_column

from app.auth.links import Linked, LinkError, Purpose, open_token, sign
from app.auth.services import normalise_email
from app.db import utc_now
from app.extensions import db
from app.urls import external_url


class MailCategory(enum.StrEnum):
    """A kind of optional mail a person can refuse."""

    REMINDERS = "reminders"
    B2B_DIGEST = "b2b_digest"
    NEWS = "news"


CATEGORY_LABELS = {
    MailCategory.REMINDERS: _l("Reminders a few days before the events I registered for"),
    MailCategory.B2B_DIGEST: _l("The daily summary of my B2B meeting requests"),
    MailCategory.NEWS: _l("News and invitations from the cluster"),
}

#: Preferences links never expire (they are in every optional mail); revoke them by version.
LINK_LIFETIME = timedelta(days=3650)
PREFERENCES_LINK = Purpose("mail-preferences", "mp")
#: One purpose per category: the unsubscribe token itself says what to stop.
UNSUBSCRIBE_LINKS = {category: Purpose(f"mail-unsubscribe-{category}", "mp")
                     for category in MailCategory}


class MailPreference(db.Model):
    """What optional mail one address accepts (every category until refused)."""

    __tablename__ = "mail_preferences"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    reminders: Mapped[bool] = mapped_column(default=True)
    b2b_digest: Mapped[bool] = mapped_column(default=True)
    news: Mapped[bool] = mapped_column(default=True)
    #: Raised to revoke every preferences and unsubscribe link of this address.
    token_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now)

    def accepts(self, category: MailCategory) -> bool:
        """Tell whether this address accepts mail of a category."""
        return bool(getattr(self, MailCategory(category).value))

    def __repr__(self) -> str:
        return f"<MailPreference {self.email}>"


def get_preference(email: str) -> MailPreference | None:
    """Return the preferences of an address, or None when it never had any."""
    return db.session.scalar(
        select(MailPreference).where(MailPreference.email == normalise_email(email or "")))


def get_or_create_preference(email: str) -> MailPreference:
    """Return the preferences of an address, creating the default ones; flush only."""
    preference = get_preference(email)
    if preference is None:
        preference = MailPreference(email=normalise_email(email))
        db.session.add(preference)
        db.session.flush()
    return preference


def accepts(email: str, category: MailCategory) -> bool:
    """Tell whether an address accepts optional mail of a category (yes until refused)."""
    preference = get_preference(email)
    return preference is None or preference.accepts(category)


def set_preferences(preference: MailPreference, choices: dict[MailCategory, bool]) -> None:
    """Store what the person chose for each category; flush only."""
    for category, wanted in choices.items():
        setattr(preference, MailCategory(category).value, bool(wanted))
    preference.updated_at = utc_now()
    db.session.flush()


def unsubscribe(preference: MailPreference, category: MailCategory) -> None:
    """Stop one category of optional mail for this address; flush only."""
    set_preferences(preference, {category: False})


# --- links --------------------------------------------------------------------------------


def _linked(preference_id: int) -> Linked | None:
    preference = db.session.get(MailPreference, preference_id)
    if preference is None:
        return None
    return Linked(preference, utc_now() + LINK_LIFETIME, preference.token_version)


def preferences_url(preference: MailPreference) -> str:
    """Return the absolute signed link to an address's preferences page."""
    token = sign(PREFERENCES_LINK, preference.id, preference.token_version)
    return external_url("privacy.preferences", token=token)


def unsubscribe_url(preference: MailPreference, category: MailCategory) -> str:
    """Return the absolute one-click unsubscribe link of one category (List-Unsubscribe)."""
    token = sign(UNSUBSCRIBE_LINKS[category], preference.id, preference.token_version)
    return external_url("privacy.unsubscribe", token=token)


def load_preferences_token(token: str) -> MailPreference:
    """Return the preferences of a valid preferences-page token; raise LinkError otherwise."""
    return open_token(token, PREFERENCES_LINK, _linked)


def load_unsubscribe_token(token: str) -> tuple[MailPreference, MailCategory]:
    """Return the preferences and category of a valid unsubscribe token; raise LinkError."""
    for category, purpose in UNSUBSCRIBE_LINKS.items():
        try:
            return open_token(token, purpose, _linked), category
        except LinkError as error:
            if error.reason != "invalid":
                raise  # signed for this category, but revoked
    raise LinkError("invalid")
