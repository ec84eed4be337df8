"""Reads of organisations, people, sectors and tags."""

from sqlalchemy import Select, func, or_, select

from app.extensions import db
from app.members.models import Organisation, Person, Sector, Tag


def get_sectors() -> list[Sector]:
    """Return every sector in display order."""
    return list(db.session.scalars(select(Sector).order_by(Sector.position, Sector.code)))


def get_tags() -> list[Tag]:
    """Return the whole vocabulary ordered by kind and code."""
    return list(db.session.scalars(select(Tag).order_by(Tag.kind, Tag.code)))


def get_organisations_query(
    *,
    kind: str | None = None,
    status: str | None = None,
    sector_id: int | None = None,
    search: str | None = None,
) -> Select:
    """Build the filtered organisation list query."""
    stmt = select(Organisation).order_by(func.lower(Organisation.name))
    if kind:
        stmt = stmt.where(Organisation.kind == kind)
    if status:
        stmt = stmt.where(Organisation.status == status)
    if sector_id:
        stmt = stmt.where(Organisation.sectors.any(Sector.id == sector_id))
    if search:
        like = f"%{search.strip().lower()}%"
        stmt = stmt.where(
            or_(
                func.lower(Organisation.name).like(like),
                func.lower(Organisation.commune).like(like),
            )
        )
    return stmt


def get_people_query(*, search: str | None = None, organisation_id: int | None = None) -> Select:
    """Build the filtered people list query."""
    stmt = select(Person).order_by(func.lower(Person.last_name), func.lower(Person.first_name))
    if organisation_id:
        stmt = stmt.where(Person.organisation_id == organisation_id)
    if search:
        like = f"%{search.strip().lower()}%"
        stmt = stmt.where(
            or_(
                func.lower(Person.email).like(like),
                func.lower(Person.last_name).like(like),
                func.lower(Person.first_name).like(like),
            )
        )
    return stmt


def get_person_by_email(email: str) -> Person | None:
    """Find the person with this (normalised) address."""
    return db.session.scalar(select(Person).where(Person.email == normalise_email(email)))


def get_organisation_by_name(name: str) -> Organisation | None:
    """Find an organisation by name, ignoring case and surrounding spaces."""
    return db.session.scalar(
        select(Organisation).where(func.lower(Organisation.name) == name.strip().lower())
    )


def normalise_email(email: str) -> str:
    """Return the address trimmed and lower-cased, as stored."""
    return (email or "").strip().lower()
