"""A fictional cluster: members, partners, people, offers and needs that fit together.

The fixed lists it draws from are in `demo_member_data`.
"""

import random
import unicodedata
from datetime import date

from sqlalchemy import func, select

from app.auth.models import Role, User
from app.extensions import db
from app.members.models import (
    BusinessModel,
    MemberStatus,
    Organisation,
    OrganisationKind,
    Person,
    ProfileItem,
    ProfileItemKind,
    Sector,
    Tag,
)
from app.seed.demo_member_data import (
    ARCHETYPES,
    COMMUNES,
    FIRST_NAMES,
    LAST_NAMES,
    PARTNER_BRANCHES,
    PARTNERS,
    SUFFIXES,
)

DEMO_ORGANISER_EMAIL = "organiser@clustermeet.example"
DEMO_ORGANISER_PASSWORD = "demo-organiser"  # demo data only, printed by `make run`


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c if c.isalnum() else "-" for c in ascii_text.lower()).strip("-")[:40]


def _language(rng: random.Random) -> str:
    roll = rng.random()
    return "fr" if roll < 0.5 else "nl" if roll < 0.8 else "en"


def seed_demo_members(seed: int = 2027) -> bool:
    """Create the fictional cluster once; return False when it exists already."""
    if db.session.scalar(select(func.count(Organisation.id))):
        return False
    rng = random.Random(seed)
    sectors = {s.code: s for s in db.session.scalars(select(Sector))}
    tags = {t.code: t for t in db.session.scalars(select(Tag))}
    plan = (
        ["wood"] * 14
        + ["textile"] * 12
        + ["bike"] * 11
        + ["weee"] * 11
        + ["construction"] * 3
        + ["plastics"] * 3
    )
    used_names: set[str] = set()
    email_count = 0
    for index, sector_code in enumerate(plan):
        words, items = ARCHETYPES[sector_code]
        while True:
            name = f"{rng.choice(words)} {rng.choice(LAST_NAMES)} {rng.choice(SUFFIXES)}"
            if name not in used_names:
                used_names.add(name)
                break
        sector = sectors[sector_code]
        status = (
            MemberStatus.CANDIDATE
            if index % 18 == 5
            else MemberStatus.FORMER
            if index % 27 == 9
            else MemberStatus.ACTIVE
        )
        joined = date(2019 + index % 6, 1 + index % 12, 1)
        org = Organisation(
            name=name,
            kind=OrganisationKind.MEMBER,
            status=status,
            is_company=True,
            joined_on=joined,
            left_on=date(2026, 6, 30) if status == MemberStatus.FORMER else None,
            commune=rng.choice(COMMUNES),
            address=f"Rue de l'Exemple {10 + index}",
            website=f"https://{_slug(name)}.example",
            description_fr=f"Entreprise fictive de la filière {sector.label_fr.lower()}.",
            description_nl=f"Fictief bedrijf uit de sector {sector.label_nl.lower()}.",
            description_en=f"Fictional company in the {sector.label_en.lower()} sector.",
        )
        org.sectors = [sectors[sector_code]]
        if rng.random() < 0.2:
            org.sectors.append(sectors[rng.choice(["wood", "textile", "bike", "weee"])])
        org.business_models = rng.sample(list(BusinessModel), k=rng.randint(1, 2))
        db.session.add(org)
        chosen = rng.sample(items, k=min(len(items), rng.randint(2, 3)))
        offers = [i for i in chosen if i[0] == "offer"]
        needs = [i for i in chosen if i[0] == "need"]
        if not needs:
            chosen.append(next(i for i in items if i[0] == "need"))
        if not offers:
            chosen.append(next(i for i in items if i[0] == "offer"))
        language = _language(rng)
        for kind, fr, nl, en, tag_codes in chosen:
            title = {"fr": fr, "nl": nl, "en": en}[language]
            org.profile_items.append(
                ProfileItem(
                    kind=ProfileItemKind(kind), title=title, tags=[tags[c] for c in tag_codes]
                )
            )
        for _ in range(rng.randint(1, 2)):
            email_count += _add_person(rng, org, language, email_count)
    for number in range(20):
        name, partner_type, is_company, items = PARTNERS[number % len(PARTNERS)]
        branch = PARTNER_BRANCHES[number // len(PARTNERS)]
        label = f"{name} – {branch}"
        org = Organisation(
            name=label,
            kind=OrganisationKind.PARTNER,
            partner_type=partner_type,
            is_company=is_company,
            commune=rng.choice(COMMUNES),
            website=f"https://{_slug(label)}.example",
            description_fr="Partenaire fictif du cluster.",
            description_nl="Fictieve partner van de cluster.",
            description_en="Fictional partner of the cluster.",
        )
        db.session.add(org)
        language = _language(rng)
        for kind, fr, nl, en, tag_codes in items:
            org.profile_items.append(
                ProfileItem(
                    kind=ProfileItemKind(kind),
                    title={"fr": fr, "nl": nl, "en": en}[language],
                    tags=[tags[c] for c in tag_codes],
                )
            )
        email_count += _add_person(rng, org, language, email_count)
    if db.session.scalar(select(User).where(User.email == DEMO_ORGANISER_EMAIL)) is None:
        user = User(email=DEMO_ORGANISER_EMAIL, name="Demo organiser", role=Role.ADMINISTRATOR)
        user.set_password(DEMO_ORGANISER_PASSWORD)
        db.session.add(user)
    db.session.flush()
    return True


def _add_person(rng: random.Random, org: Organisation, language: str, count: int) -> int:
    person_language = language if rng.random() < 0.7 else _language(rng)
    first = rng.choice(FIRST_NAMES[person_language])
    last = rng.choice(LAST_NAMES)
    org.people.append(
        Person(
            first_name=first,
            last_name=last,
            language=person_language,
            email=f"{_slug(first)}.{_slug(last)}.{count}@{_slug(org.name)[:30]}.example",
            phone=f"+32 2 555 {count:02d} {count % 97:02d}",
            consent_contact=rng.random() < 0.85,
        )
    )
    return 1
