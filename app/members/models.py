"""Organisations, people, sectors, tags, offers and needs."""

import enum
from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import enum_type, utc_now
from app.extensions import db


class OrganisationKind(enum.StrEnum):
    """Whether an organisation is a member of the cluster or a partner."""

    MEMBER = "member"
    PARTNER = "partner"


class MemberStatus(enum.StrEnum):
    """Membership state of a member organisation."""

    CANDIDATE = "candidate"
    ACTIVE = "active"
    FORMER = "former"


class PartnerType(enum.StrEnum):
    """What kind of partner an organisation is."""

    ACADEMIC = "academic"
    INSTITUTIONAL = "institutional"
    SUPPORT = "support"
    FINANCIAL = "financial"


class BusinessModel(enum.StrEnum):
    """Circular business models an organisation follows."""

    CIRCULAR_SOURCING = "circular_sourcing"
    RESOURCE_RECOVERY = "resource_recovery"
    ECO_DESIGN = "eco_design"
    BETTER_USE = "better_use"


class TagKind(enum.StrEnum):
    """What a tag describes."""

    MATERIAL = "material"
    SERVICE = "service"
    EQUIPMENT = "equipment"
    SKILL = "skill"


class ProfileItemKind(enum.StrEnum):
    """Whether a profile item is offered or needed."""

    OFFER = "offer"
    NEED = "need"


LANGUAGES = ("fr", "nl", "en")

organisation_sectors = Table(
    "organisation_sectors",
    db.metadata,
    Column("organisation_id", ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True),
    Column("sector_id", ForeignKey("sectors.id", ondelete="CASCADE"), primary_key=True),
)

profile_item_tags = Table(
    "profile_item_tags",
    db.metadata,
    Column("profile_item_id", ForeignKey("profile_items.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
)


class MultilingualMixin:
    """Labels in FR, NL and EN, shown in the reader's language."""

    label_fr: Mapped[str] = mapped_column(String(120))
    label_nl: Mapped[str] = mapped_column(String(120))
    label_en: Mapped[str] = mapped_column(String(120))

    def label(self, language: str) -> str:
        """Return the label in the language, falling back to English then French."""
        value = getattr(self, f"label_{language}", None) if language in LANGUAGES else None
        return value or self.label_en or self.label_fr


class Sector(MultilingualMixin, db.Model):
    """A filière of the cluster (wood, textile, bike, weee...)."""

    __tablename__ = "sectors"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    #: Priority sectors are the cluster's four focus areas.
    is_priority: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<Sector {self.code}>"


class Tag(MultilingualMixin, db.Model):
    """One entry of the multilingual vocabulary shared by offers and needs."""

    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    kind: Mapped[TagKind] = mapped_column(enum_type(TagKind))

    def __repr__(self) -> str:
        return f"<Tag {self.code}>"


class Organisation(db.Model):
    """A member company, a candidate, a former member or a partner."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[OrganisationKind] = mapped_column(enum_type(OrganisationKind))
    #: Membership status; only meaningful for members.
    status: Mapped[MemberStatus | None] = mapped_column(enum_type(MemberStatus))
    partner_type: Mapped[PartnerType | None] = mapped_column(enum_type(PartnerType))
    #: The cluster reports its share of companies among members and partners.
    is_company: Mapped[bool] = mapped_column(default=True)
    joined_on: Mapped[date | None]
    left_on: Mapped[date | None]
    address: Mapped[str] = mapped_column(String(300), default="")
    commune: Mapped[str] = mapped_column(String(100), default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    description_fr: Mapped[str] = mapped_column(Text, default="")
    description_nl: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    #: Stored as a comma-separated list of BusinessModel values.
    business_models_raw: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    sectors: Mapped[list[Sector]] = relationship(
        secondary=organisation_sectors, order_by="Sector.position"
    )
    people: Mapped[list["Person"]] = relationship(
        back_populates="organisation", order_by="Person.last_name"
    )
    profile_items: Mapped[list["ProfileItem"]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan", order_by="ProfileItem.id"
    )

    @property
    def business_models(self) -> list[BusinessModel]:
        """Return the organisation's business models."""
        return [BusinessModel(v) for v in self.business_models_raw.split(",") if v]

    @business_models.setter
    def business_models(self, values) -> None:
        """Store the business models once each, sorted."""
        self.business_models_raw = ",".join(sorted({BusinessModel(v).value for v in values}))

    def description(self, language: str) -> str:
        """Return the description in the language, falling back to another one."""
        return (
            getattr(self, f"description_{language}", "")
            or self.description_en
            or self.description_fr
            or self.description_nl
        )

    @property
    def is_active_member(self) -> bool:
        """Tell whether the organisation is a member with an active membership."""
        return self.kind == OrganisationKind.MEMBER and self.status == MemberStatus.ACTIVE

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.name!r}>"


class Person(db.Model):
    """A contact of an organisation, or an independent person."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(String(100), default="")
    last_name: Mapped[str] = mapped_column(String(100), default="")
    #: Normalised (trimmed, lower-case); one person per address.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    phone: Mapped[str] = mapped_column(String(40), default="")
    language: Mapped[str] = mapped_column(String(2), default="fr")
    consent_contact: Mapped[bool] = mapped_column(default=False)
    job_title: Mapped[str] = mapped_column(String(120), default="")
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL")
    )
    #: Free-text organisation name when it is not (yet) a known organisation.
    organisation_name: Mapped[str] = mapped_column(String(200), default="")
    #: Raised to revoke every personal link sent so far.
    token_version: Mapped[int] = mapped_column(default=1)
    #: SHA-256 of the personal calendar feed token; the token itself is never stored.
    feed_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    feed_token_created_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    organisation: Mapped[Organisation | None] = relationship(back_populates="people")

    @property
    def full_name(self) -> str:
        """Return first and last name, or the email address when both are empty."""
        return f"{self.first_name} {self.last_name}".strip() or self.email

    @property
    def organisation_label(self) -> str:
        """Return the name of the person's organisation, linked or typed in."""
        return self.organisation.name if self.organisation else self.organisation_name

    def __repr__(self) -> str:
        return f"<Person {self.id} {self.email}>"


class ProfileItem(db.Model):
    """Something an organisation offers or needs, described and tagged."""

    __tablename__ = "profile_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    kind: Mapped[ProfileItemKind] = mapped_column(enum_type(ProfileItemKind))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")

    organisation: Mapped[Organisation] = relationship(back_populates="profile_items")
    tags: Mapped[list[Tag]] = relationship(secondary=profile_item_tags, order_by="Tag.code")

    __table_args__ = (UniqueConstraint("organisation_id", "kind", "title"),)

    def __repr__(self) -> str:
        return f"<ProfileItem {self.id} {self.kind} {self.title!r}>"
