"""The cluster's sectors and tag vocabulary, as seeded in every database."""

from sqlalchemy import select

from app.extensions import db
from app.members.models import Sector, Tag, TagKind

#: code, FR, NL, EN, priority
SECTORS = (
    ("wood", "Bois", "Hout", "Wood", True),
    ("textile", "Textile", "Textiel", "Textile", True),
    ("bike", "Vélo", "Fiets", "Bike", True),
    (
        "weee",
        "Réemploi et réparation EEE",
        "Hergebruik en herstel EEA",
        "Electrical and electronic equipment reuse and repair",
        True,
    ),
    ("construction", "Construction", "Bouw", "Construction", False),
    ("food", "Alimentation", "Voeding", "Food", False),
    ("plastics", "Plastiques", "Kunststoffen", "Plastics", False),
)

#: code, kind, FR, NL, EN
TAGS = (
    ("wood-offcuts", TagKind.MATERIAL, "Chutes de bois", "Houtresten", "Wood offcuts"),
    ("reclaimed-wood", TagKind.MATERIAL, "Bois de réemploi", "Hergebruikt hout", "Reclaimed wood"),
    ("pallets", TagKind.MATERIAL, "Palettes", "Paletten", "Pallets"),
    ("sawdust", TagKind.MATERIAL, "Sciure", "Zaagsel", "Sawdust"),
    ("fabric-scraps", TagKind.MATERIAL, "Chutes de tissu", "Stofresten", "Fabric scraps"),
    ("used-clothing", TagKind.MATERIAL, "Vêtements usagés", "Gebruikte kleding", "Used clothing"),
    ("leather-offcuts", TagKind.MATERIAL, "Chutes de cuir", "Lederresten", "Leather offcuts"),
    ("bike-parts", TagKind.MATERIAL, "Pièces de vélo", "Fietsonderdelen", "Bike parts"),
    ("used-bikes", TagKind.MATERIAL, "Vélos usagés", "Gebruikte fietsen", "Used bikes"),
    ("inner-tubes", TagKind.MATERIAL, "Chambres à air", "Binnenbanden", "Inner tubes"),
    (
        "electronic-components",
        TagKind.MATERIAL,
        "Composants électroniques",
        "Elektronische componenten",
        "Electronic components",
    ),
    (
        "used-laptops",
        TagKind.MATERIAL,
        "Ordinateurs portables usagés",
        "Gebruikte laptops",
        "Used laptops",
    ),
    (
        "small-appliances",
        TagKind.MATERIAL,
        "Petit électroménager",
        "Klein huishoudtoestel",
        "Small appliances",
    ),
    ("batteries", TagKind.MATERIAL, "Batteries", "Batterijen", "Batteries"),
    ("plastic-waste", TagKind.MATERIAL, "Déchets plastiques", "Plastic afval", "Plastic waste"),
    ("cnc-machine", TagKind.EQUIPMENT, "Fraiseuse CNC", "CNC-freesmachine", "CNC milling machine"),
    ("laser-cutter", TagKind.EQUIPMENT, "Découpeuse laser", "Lasersnijder", "Laser cutter"),
    (
        "industrial-sewing",
        TagKind.EQUIPMENT,
        "Machines à coudre industrielles",
        "Industriële naaimachines",
        "Industrial sewing machines",
    ),
    ("workshop-space", TagKind.EQUIPMENT, "Espace d'atelier", "Werkplaatsruimte", "Workshop space"),
    (
        "cargo-bike-logistics",
        TagKind.SERVICE,
        "Logistique en vélo-cargo",
        "Logistiek met bakfietsen",
        "Cargo-bike logistics",
    ),
    ("collection", TagKind.SERVICE, "Collecte", "Inzameling", "Collection"),
    ("repair", TagKind.SERVICE, "Réparation", "Herstelling", "Repair"),
    (
        "upcycled-furniture",
        TagKind.SERVICE,
        "Mobilier upcyclé",
        "Geüpcycled meubilair",
        "Upcycled furniture",
    ),
    (
        "data-wiping",
        TagKind.SERVICE,
        "Effacement sécurisé des données",
        "Veilig wissen van data",
        "Secure data wiping",
    ),
    ("eco-design", TagKind.SKILL, "Écoconception", "Ecodesign", "Eco-design"),
    (
        "lca",
        TagKind.SKILL,
        "Analyse du cycle de vie",
        "Levenscyclusanalyse",
        "Life-cycle assessment",
    ),
    (
        "funding-advice",
        TagKind.SKILL,
        "Conseil en financement",
        "Financieringsadvies",
        "Funding advice",
    ),
    ("training", TagKind.SKILL, "Formation", "Opleiding", "Training"),
    (
        "social-employment",
        TagKind.SKILL,
        "Insertion socioprofessionnelle",
        "Sociale tewerkstelling",
        "Social employment",
    ),
)


def seed_vocabulary() -> None:
    """Create missing sectors and tags; existing ones are left as organisers edited them."""
    known_sectors = set(db.session.scalars(select(Sector.code)))
    for position, (code, fr, nl, en, priority) in enumerate(SECTORS):
        if code not in known_sectors:
            db.session.add(
                Sector(
                    code=code,
                    label_fr=fr,
                    label_nl=nl,
                    label_en=en,
                    is_priority=priority,
                    position=position,
                )
            )
    known_tags = set(db.session.scalars(select(Tag.code)))
    for code, kind, fr, nl, en in TAGS:
        if code not in known_tags:
            db.session.add(Tag(code=code, kind=kind, label_fr=fr, label_nl=nl, label_en=en))
    db.session.flush()
