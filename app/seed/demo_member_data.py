"""The fixed material of the fictional cluster: communes, sector archetypes, partners, names.

`demo_members` draws from these lists with a seeded random generator, so the same seed
always gives the same cluster.
"""

from app.members.models import PartnerType

COMMUNES = (
    "Anderlecht",
    "Bruxelles",
    "Ixelles",
    "Molenbeek-Saint-Jean",
    "Schaerbeek",
    "Forest",
    "Saint-Gilles",
    "Etterbeek",
    "Jette",
    "Evere",
    "Uccle",
    "Laeken",
)

#: sector -> (name words, [(kind, title FR, title NL, title EN, tags)])
ARCHETYPES = {
    "wood": (
        ("Atelier", "Houtwerk", "Menuiserie", "Copeau", "Chêne", "Timber", "Bois Vif"),
        [
            (
                "offer",
                "Chutes de chêne, 2 m³/mois",
                "Eikenhoutresten, 2 m³/maand",
                "Oak offcuts, 2 m3/month",
                ("wood-offcuts",),
            ),
            (
                "need",
                "Bois de réemploi pour mobilier",
                "Hergebruikt hout voor meubels",
                "Reclaimed wood for furniture",
                ("reclaimed-wood",),
            ),
            (
                "offer",
                "Palettes démontées",
                "Gedemonteerde paletten",
                "Dismantled pallets",
                ("pallets", "reclaimed-wood"),
            ),
            (
                "offer",
                "Mobilier de bureau upcyclé",
                "Geüpcycled kantoormeubilair",
                "Upcycled office furniture",
                ("upcycled-furniture",),
            ),
            (
                "need",
                "Accès à une fraiseuse CNC",
                "Toegang tot een CNC-freesmachine",
                "Access to a CNC milling machine",
                ("cnc-machine",),
            ),
            (
                "offer",
                "Sciure pour litière et compost",
                "Zaagsel voor strooisel en compost",
                "Sawdust for bedding and compost",
                ("sawdust",),
            ),
        ],
    ),
    "textile": (
        ("Fil", "Stof", "Couture", "Naad", "Weave", "Retex", "Lin"),
        [
            (
                "offer",
                "Chutes de tissu triées",
                "Gesorteerde stofresten",
                "Sorted fabric scraps",
                ("fabric-scraps",),
            ),
            (
                "need",
                "Vêtements usagés à transformer",
                "Gebruikte kleding om te verwerken",
                "Used clothing to upcycle",
                ("used-clothing",),
            ),
            (
                "need",
                "Heures de machines à coudre industrielles",
                "Uren op industriële naaimachines",
                "Time on industrial sewing machines",
                ("industrial-sewing",),
            ),
            (
                "offer",
                "Atelier de couture partagé",
                "Gedeeld naaiatelier",
                "Shared sewing workshop",
                ("industrial-sewing", "workshop-space"),
            ),
            (
                "need",
                "Chutes de cuir pour accessoires",
                "Lederresten voor accessoires",
                "Leather offcuts for accessories",
                ("leather-offcuts",),
            ),
            (
                "offer",
                "Collecte de textiles en entreprise",
                "Inzameling van textiel bij bedrijven",
                "Textile collection at companies",
                ("collection", "used-clothing"),
            ),
        ],
    ),
    "bike": (
        ("Velo", "Fiets", "Rayon", "Pedaal", "Cargo", "Roue", "Spoke"),
        [
            (
                "offer",
                "Vélos usagés récupérés",
                "Gerecupereerde gebruikte fietsen",
                "Recovered used bikes",
                ("used-bikes",),
            ),
            (
                "offer",
                "Chambres à air usagées",
                "Gebruikte binnenbanden",
                "Used inner tubes",
                ("inner-tubes",),
            ),
            (
                "need",
                "Pièces de vélo de seconde main",
                "Tweedehands fietsonderdelen",
                "Second-hand bike parts",
                ("bike-parts",),
            ),
            (
                "offer",
                "Livraisons en vélo-cargo",
                "Leveringen met de bakfiets",
                "Cargo-bike deliveries",
                ("cargo-bike-logistics",),
            ),
            (
                "need",
                "Chambres à air pour sacs",
                "Binnenbanden voor tassen",
                "Inner tubes for bags",
                ("inner-tubes",),
            ),
            (
                "offer",
                "Réparation de flottes de vélos",
                "Herstelling van fietsvloten",
                "Bike fleet repair",
                ("repair",),
            ),
        ],
    ),
    "weee": (
        ("Repair", "Circuit", "Ohm", "Reboot", "Elektro", "Pixel", "Volt"),
        [
            (
                "offer",
                "Reconditionnement d'ordinateurs portables",
                "Herstellen van laptops",
                "Laptop refurbishment",
                ("repair", "used-laptops"),
            ),
            (
                "need",
                "Ordinateurs portables usagés",
                "Gebruikte laptops",
                "Used laptops",
                ("used-laptops",),
            ),
            (
                "offer",
                "Effacement certifié des données",
                "Gecertificeerd wissen van data",
                "Certified data wiping",
                ("data-wiping",),
            ),
            (
                "need",
                "Petit électroménager en panne",
                "Defect klein huishoudtoestel",
                "Broken small appliances",
                ("small-appliances",),
            ),
            (
                "offer",
                "Composants électroniques récupérés",
                "Gerecupereerde elektronische componenten",
                "Recovered electronic components",
                ("electronic-components",),
            ),
            (
                "need",
                "Collecte de batteries usagées",
                "Inzameling van gebruikte batterijen",
                "Collection of used batteries",
                ("batteries", "collection"),
            ),
        ],
    ),
    "construction": (
        ("Bati", "Bouw", "Brique", "Steen"),
        [
            ("offer", "Bois de démolition", "Sloophout", "Demolition timber", ("reclaimed-wood",)),
            (
                "need",
                "Conseil en écoconception",
                "Advies in ecodesign",
                "Eco-design advice",
                ("eco-design",),
            ),
        ],
    ),
    "plastics": (
        ("Poly", "Plast", "Granule"),
        [
            (
                "need",
                "Déchets plastiques propres",
                "Schoon plastic afval",
                "Clean plastic waste",
                ("plastic-waste",),
            ),
            (
                "offer",
                "Analyse du cycle de vie",
                "Levenscyclusanalyse",
                "Life-cycle assessment",
                ("lca",),
            ),
        ],
    ),
}

PARTNERS = (
    (
        "Fonds Circulair Kapitaal (fictief)",
        PartnerType.FINANCIAL,
        True,
        (
            (
                "offer",
                "Prêts pour l'économie circulaire",
                "Leningen voor circulaire economie",
                "Loans for the circular economy",
                ("funding-advice",),
            ),
        ),
    ),
    (
        "Institut Bruxellois de Recherche Circulaire (fictif)",
        PartnerType.ACADEMIC,
        False,
        (
            (
                "offer",
                "Analyses du cycle de vie",
                "Levenscyclusanalyses",
                "Life-cycle assessments",
                ("lca",),
            ),
        ),
    ),
    (
        "Entreprise d'insertion Atelier Plus (fictive)",
        PartnerType.SUPPORT,
        True,
        (
            (
                "offer",
                "Main-d'œuvre en insertion",
                "Sociale tewerkstelling",
                "Social employment staff",
                ("social-employment",),
            ),
        ),
    ),
    (
        "Hogeschool Circulair Ontwerp (fictief)",
        PartnerType.ACADEMIC,
        False,
        (
            (
                "offer",
                "Étudiants en écoconception",
                "Studenten ecodesign",
                "Eco-design students",
                ("eco-design", "training"),
            ),
        ),
    ),
    (
        "Bureau d'études Boucle (fictif)",
        PartnerType.SUPPORT,
        True,
        (
            (
                "offer",
                "Accompagnement en écoconception",
                "Begeleiding in ecodesign",
                "Eco-design coaching",
                ("eco-design", "lca"),
            ),
        ),
    ),
    (
        "Agence régionale de l'économie circulaire (fictive)",
        PartnerType.INSTITUTIONAL,
        False,
        (("offer", "Conseil en subsides", "Subsidieadvies", "Grant advice", ("funding-advice",)),),
    ),
)
PARTNER_BRANCHES = ("Bruxelles", "Brussel Noord", "Campus Sud", "Antenne Ouest")

FIRST_NAMES = {
    "fr": (
        "Camille",
        "Julien",
        "Sophie",
        "Mehdi",
        "Claire",
        "Thomas",
        "Nadia",
        "Antoine",
        "Léa",
        "Karim",
        "Élodie",
        "François",
    ),
    "nl": ("Jan", "Lotte", "Pieter", "Sofie", "Bram", "Ine", "Wouter", "Fien", "Joris", "Eline"),
    "en": ("Sarah", "David", "Emma", "James", "Olivia", "Daniel", "Aisha", "Lucas"),
}
LAST_NAMES = (
    "Dubois",
    "Peeters",
    "Janssens",
    "Lambert",
    "Maes",
    "El Amrani",
    "Claes",
    "Dupont",
    "Willems",
    "Martin",
    "Goossens",
    "Benali",
    "Leroy",
    "De Smet",
    "Nowak",
    "Wouters",
    "Simon",
    "Mertens",
    "Rossi",
    "Vermeulen",
    "Diallo",
    "Laurent",
)
SUFFIXES = ("SRL", "BV", "ASBL", "SC", "coop", "& Co", "Lab", "Works")
