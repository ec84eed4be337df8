"""Changes to organisations, people, offers and needs, sectors and tags."""

from collections.abc import Iterable

from sqlalchemy import bindparam, insert, select

from app.extensions import db
from app.members import queries
from app.members.models import (
    Organisation,
    OrganisationKind,
    Person,
    ProfileItem,
    Sector,
    Tag,
)


class DuplicateError(ValueError):
    """A unique value (an email, a name, a code) is taken already."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


ORGANISATION_FIELDS = (
    "name",
    "kind",
    "status",
    "partner_type",
    "is_company",
    "joined_on",
    "left_on",
    "address",
    "commune",
    "website",
    "description_fr",
    "description_nl",
    "description_en",
)
PERSON_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "language",
    "consent_contact",
    "job_title",
    "organisation_id",
    "organisation_name",
)


def _sectors(ids: Iterable[int]) -> list[Sector]:
    ids = list(ids or [])
    if not ids:
        return []
    return list(db.session.scalars(select(Sector).where(Sector.id.in_(ids))))


def _tags(ids: Iterable[int]) -> list[Tag]:
    ids = list(ids or [])
    if not ids:
        return []
    return list(db.session.scalars(select(Tag).where(Tag.id.in_(ids))))


def save_organisation(organisation: Organisation | None, data: dict) -> Organisation:
    """Create or update an organisation from plain values."""
    name = data["name"].strip()
    existing = queries.get_organisation_by_name(name)
    if existing is not None and existing is not organisation:
        raise DuplicateError("name", name)
    if organisation is None:
        organisation = Organisation()
        db.session.add(organisation)
    for field in ORGANISATION_FIELDS:
        if field in data:
            setattr(organisation, field, data[field])
    organisation.name = name
    if organisation.kind == OrganisationKind.PARTNER:
        organisation.status = None
    else:
        organisation.partner_type = None
    if "sector_ids" in data:
        organisation.sectors = _sectors(data["sector_ids"])
    if "business_models" in data:
        organisation.business_models = data["business_models"]
    db.session.flush()
    return organisation


def save_person(person: Person | None, data: dict) -> Person:
    """Create or update a person; the email must be unique."""
    email = queries.normalise_email(data["email"])
    existing = queries.get_person_by_email(email)
    if existing is not None and existing is not person:
        raise DuplicateError("email", email)
    if person is None:
        person = Person()
        db.session.add(person)
    for field in PERSON_FIELDS:
        if field in data:
            setattr(person, field, data[field])
    person.email = email
    if person.organisation_id:
        person.organisation_name = ""
    db.session.flush()
    return person


def save_profile_item(
    item: ProfileItem | None, organisation: Organisation, data: dict
) -> ProfileItem:
    """Create or update an offer or need of an organisation; its kind and title are unique."""
    title = data["title"].strip()
    existing = db.session.scalar(select(ProfileItem).where(
        ProfileItem.organisation_id == organisation.id, ProfileItem.kind == data["kind"],
        ProfileItem.title == title))
    if existing is not None and existing is not item:
        raise DuplicateError("title", title)
    if item is None:
        item = ProfileItem(organisation=organisation)
        db.session.add(item)
    item.kind = data["kind"]
    item.title = title
    item.description = data.get("description", "")
    item.tags = _tags(data.get("tag_ids", []))
    db.session.flush()
    return item


def delete_profile_item(item: ProfileItem) -> None:
    """Remove an offer or need."""
    db.session.delete(item)
    db.session.flush()


def save_tag(tag: Tag | None, data: dict) -> Tag:
    """Create or update a vocabulary entry; codes are unique."""
    code = data["code"].strip().lower()
    existing = db.session.scalar(select(Tag).where(Tag.code == code))
    if existing is not None and existing is not tag:
        raise DuplicateError("code", code)
    if tag is None:
        tag = Tag()
        db.session.add(tag)
    tag.code = code
    tag.kind = data["kind"]
    tag.label_fr, tag.label_nl, tag.label_en = data["label_fr"], data["label_nl"], data["label_en"]
    db.session.flush()
    return tag


def save_sector(sector: Sector | None, data: dict) -> Sector:
    """Create or update a sector; codes are unique."""
    code = data["code"].strip().lower()
    existing = db.session.scalar(select(Sector).where(Sector.code == code))
    if existing is not None and existing is not sector:
        raise DuplicateError("code", code)
    if sector is None:
        sector = Sector()
        db.session.add(sector)
    sector.code = code
    sector.label_fr, sector.label_nl, sector.label_en = (
        data["label_fr"],
        data["label_nl"],
        data["label_en"],
    )
    sector.is_priority = bool(data.get("is_priority"))
    sector.position = int(data.get("position") or 0)
    db.session.flush()
    return sector


def find_or_create_person(
    email: str,
    *,
    first_name: str = "",
    last_name: str = "",
    language: str = "fr",
    organisation_name: str = "",
) -> Person:
    """Return the person with this email, creating them (and linking a known organisation)."""
    return get_or_create_person(email, first_name=first_name, last_name=last_name,
                                language=language, organisation_name=organisation_name)[0]


#: Built once: SQLAlchemy keeps their compiled form (a dialect's INSERT ... ON CONFLICT is
#: compiled anew at every use, which costs more than the read it would save).
_PERSON_ID_BY_EMAIL = select(Person.id).where(Person.email == bindparam("email"))
_INSERT_PERSON = insert(Person.__table__).returning(Person.__table__.c.id)


def claim_person(email: str, *, first_name: str = "", last_name: str = "",
                 language: str = "fr", organisation_name: str = "",
                 known: tuple[str, int | None] | None = None) -> tuple[int, bool]:
    """Return (the id of the person with this address, whether they were created now).

    For the registration form of a public event: two light statements (find the id, else
    insert the row), no object loaded or flushed. ``known`` is an address and the id of its
    person (None: nobody) read earlier in the transaction, with the event
    (``events.queries.get_event_for_registration``): for that address the id is not read
    again. Two requests with the same new address at once: the second INSERT fails on the
    address's unique index (IntegrityError, which the form answers with "please try again").
    """
    email = queries.normalise_email(email)
    if known is not None and known[0] == email:
        person_id = known[1]
    else:
        person_id = db.session.scalar(_PERSON_ID_BY_EMAIL, {"email": email})
    if person_id is not None:
        return person_id, False
    person_id = db.session.execute(_INSERT_PERSON, _new_person_columns(
        email, first_name, last_name, language, organisation_name)).scalar_one()
    return person_id, True


def _new_person_columns(email: str, first_name: str, last_name: str, language: str,
                        organisation_name: str) -> dict:
    """Return the columns of a new person, linked to a known organisation of that name."""
    organisation = (
        queries.get_organisation_by_name(organisation_name) if organisation_name else None
    )
    return {"email": queries.normalise_email(email), "first_name": first_name.strip(),
            "last_name": last_name.strip(), "language": language,
            "organisation_id": organisation.id if organisation else None,
            "organisation_name": "" if organisation else organisation_name.strip()}


def get_or_create_person(
    email: str,
    *,
    first_name: str = "",
    last_name: str = "",
    language: str = "fr",
    organisation_name: str = "",
) -> tuple[Person, bool]:
    """Return (the person with this email, whether they were created now)."""
    person = queries.get_person_by_email(email)
    if person is not None:
        return person, False
    person = Person(**_new_person_columns(email, first_name, last_name, language,
                                          organisation_name))
    db.session.add(person)
    db.session.flush()
    return person, True


def revoke_links(person: Person) -> None:
    """Make every personal link of a person stop working, calendar feed included.

    Links carry the person's token version: raising it refuses the links signed before
    (manage links, B2B portals, calendar subscription pages); the feed's token is dropped.
    """
    person.token_version = (person.token_version or 0) + 1
    person.feed_token_hash = None
    person.feed_token_created_at = None
    db.session.flush()
