"""A year of demo events around today: past ones with attendance, upcoming ones open.

Deterministic for a given seed and date. Registrations are written directly (not
through the registration services) so loading the demo queues no mail.
"""

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from app.events.models import (
    Audience,
    Event,
    EventKind,
    EventStatus,
    ProgrammeItem,
    Question,
    QuestionKind,
    Registration,
    RegistrationStatus,
)
from app.extensions import db
from app.members.models import MemberStatus, Organisation, OrganisationKind, Person, Sector
from app.privacy.notice import DEFAULT_VERSION
from app.timezone import combine, local_day

PRIORITY_SECTORS = ("wood", "textile", "bike", "weee")
EXTERNAL_NAMES = (
    ("Camille", "Renard", "fr"), ("Lotte", "Wouters", "nl"), ("Hugo", "Martin", "fr"),
    ("Sara", "De Smet", "nl"), ("Omar", "Bennani", "fr"), ("Emma", "Jacobs", "nl"),
    ("Lucas", "Simon", "fr"), ("Noor", "Hermans", "nl"), ("Julia", "Novak", "en"),
    ("Tom", "Baker", "en"), ("Inès", "Moreau", "fr"), ("Bram", "Goossens", "nl"),
)


@dataclass
class _Plan:
    kind: EventKind
    month: int  # months from now (negative: past)
    start: time
    hours: float
    days: int = 1
    audience: Audience = Audience.PUBLIC
    capacity: int | None = None
    sector: str | None = None
    full: bool = False
    status: EventStatus = EventStatus.PUBLISHED


def seed_demo_events(seed: int = 2027, today: date | None = None) -> None:
    """Create about a year of events with registrations and attendance."""
    if db.session.scalar(select(Event.id).limit(1)) is not None:
        return
    rng = random.Random(seed)
    now = datetime.now(UTC)
    today = today or local_day(now)
    sectors = {s.code: s for s in db.session.scalars(select(Sector))}
    members = list(db.session.scalars(
        select(Organisation).where(Organisation.kind == OrganisationKind.MEMBER,
                                   Organisation.status == MemberStatus.ACTIVE)
        .order_by(Organisation.id)))
    partners = list(db.session.scalars(
        select(Organisation).where(Organisation.kind == OrganisationKind.PARTNER)
        .order_by(Organisation.id)))
    member_people = [p for org in members for p in org.people]
    partner_people = [p for org in partners for p in org.people]
    externals = _external_people()
    # Some people come to nearly everything, others once a year.
    engagement = {p.id: rng.choice((0.05, 0.1, 0.2, 0.35, 0.5))
                  for p in member_people + partner_people + externals}

    for plan in _plans():
        starts_on = _event_day(rng, today, plan.month)
        event = _make_event(rng, plan, starts_on, members, sectors)
        # Every upcoming event takes registrations already.
        event.registration_opens_at = min(event.registration_opens_at,
                                          combine(today - timedelta(days=14), time(9, 0)))
        db.session.add(event)
        db.session.flush()
        if event.status != EventStatus.PUBLISHED:
            continue
        if plan.audience == Audience.MEMBERS:
            pool = member_people
        elif plan.audience == Audience.MEMBERS_PARTNERS:
            pool = member_people + partner_people
        else:
            pool = member_people + partner_people + externals
        if plan.sector:
            pool = [p for p in pool if p.organisation and sectors[plan.sector]
                    in p.organisation.sectors]
        _register_people(rng, event, pool, engagement, plan, now)
    db.session.flush()


def _plans() -> list[_Plan]:
    plans = [
        _Plan(EventKind.CIRCLEMEET, m, time(8, 30), 2, capacity=25) for m in (-8, -6, -4, -2, 1, 3)
    ]
    plans += [_Plan(EventKind.SITE_VISIT, m, time(14, 0), 2.5, capacity=20) for m in (-7, -3, 2)]
    plans += [
        _Plan(EventKind.SEMINAR, -5, time(9, 0), 8, days=2, capacity=60),
        _Plan(EventKind.STUDY_TRIP, -4, time(7, 30), 11.5, days=3, capacity=20,
              audience=Audience.MEMBERS_PARTNERS),
        _Plan(EventKind.ANNUAL_EVENT, 3, time(13, 0), 8, capacity=200),
        _Plan(EventKind.BROKERAGE, -3, time(9, 0), 4, capacity=80),
        _Plan(EventKind.BROKERAGE, 2, time(9, 0), 4, capacity=80),
    ]
    plans += [_Plan(EventKind.AFTERWORK, m, time(18, 0), 3, capacity=60) for m in (-7, -5, -1)]
    plans += [
        _Plan(EventKind.AFTERWORK, 1, time(18, 0), 3, capacity=12, full=True),
        _Plan(EventKind.AFTERWORK, -2, time(18, 0), 3, capacity=60, status=EventStatus.CANCELLED),
    ]
    plans += [_Plan(EventKind.KNOWLEDGE_SESSION, m, time(12, 0), 1.5, capacity=40,
                    audience=Audience.MEMBERS_PARTNERS) for m in (-6, -2, 2)]
    plans.append(_Plan(EventKind.KNOWLEDGE_SESSION, 4, time(12, 0), 1.5, capacity=40,
                       status=EventStatus.DRAFT))
    for sector in PRIORITY_SECTORS:
        plans += [_Plan(EventKind.WORKING_GROUP, m, time(9, 30), 2, capacity=15,
                        audience=Audience.MEMBERS, sector=sector) for m in range(-8, 4)]
    return plans


def _event_day(rng: random.Random, today: date, month: int) -> date:
    """Pick a Tuesday or Thursday in the month ``month`` months from today."""
    year, index = divmod(today.month - 1 + month, 12)
    first = date(today.year + year, index + 1, 1)
    day = first + timedelta(days=rng.randint(2, 20))
    while day.weekday() not in (1, 3):
        day += timedelta(days=1)
    if month > 0 and day <= today + timedelta(days=7):
        day = today + timedelta(days=8 + rng.randint(0, 6))
    if month < 0 and day >= today:
        day = today - timedelta(days=3)
    return day


def _make_event(rng: random.Random, plan: _Plan, day: date, members: list[Organisation],
                sectors: dict[str, Sector]) -> Event:
    starts_at = combine(day, plan.start)
    last_day = day + timedelta(days=plan.days - 1)
    end_moment = (datetime.combine(date.min, plan.start) + timedelta(hours=plan.hours)).time()
    event = Event(kind=plan.kind, status=plan.status, starts_at=starts_at,
                  ends_at=combine(last_day, end_moment), audience=plan.audience,
                  capacity=plan.capacity,
                  registration_opens_at=starts_at - timedelta(days=45),
                  registration_closes_at=starts_at - timedelta(days=1))
    if plan.status == EventStatus.CANCELLED:
        event.cancelled_at = starts_at - timedelta(days=10)
    host = None
    if plan.kind in (EventKind.CIRCLEMEET, EventKind.SITE_VISIT):
        host = rng.choice(members)
        event.host_organisation = host
        event.venue = host.name
        event.address = f"{host.address}, {host.commune}".strip(", ")
        event.sectors = list(host.sectors)
    elif plan.sector:
        event.sectors = [sectors[plan.sector]]
        event.venue, event.address = "Greenbizz", "Rue Dieudonné Lefèvre 17, 1020 Bruxelles"
    _describe(rng, event, plan, host, sectors)
    return event


def _describe(rng: random.Random, event: Event, plan: _Plan, host: Organisation | None,
              sectors: dict[str, Sector]) -> None:
    kind = plan.kind
    texts = {"fr": "", "nl": "", "en": ""}
    if kind == EventKind.CIRCLEMEET:
        titles = (f"Circlemeet chez {host.name}", f"Circlemeet bij {host.name}",
                  f"Circlemeet at {host.name}")
        texts = {"fr": "Petit-déjeuner entre membres et visite de l'atelier.",
                 "nl": "Ontbijt tussen leden en bezoek aan het atelier.",
                 "en": "Breakfast between members and a tour of the workshop."}
    elif kind == EventKind.SITE_VISIT:
        titles = (f"Visite de site : {host.name}", f"Bedrijfsbezoek: {host.name}",
                  f"Site visit: {host.name}")
        texts = {"fr": "Découvrez comment ce membre ferme ses boucles de matières.",
                 "nl": "Ontdek hoe dit lid zijn materiaalkringlopen sluit.",
                 "en": "See how this member closes its material loops."}
    elif kind == EventKind.SEMINAR:
        titles = ("Séminaire : concevoir pour le réemploi", "Seminarie: ontwerpen voor hergebruik",
                  "Seminar: designing for reuse")
        event.venue, event.address = "BeCentral", "Cantersteen 12, 1000 Bruxelles"
        _programme(event, [
            (0, time(9, 0), time(9, 30), ("Accueil", "Onthaal", "Welcome")),
            (0, time(9, 30), time(12, 30), ("Atelier éco-conception", "Workshop ecodesign",
                                            "Eco-design workshop")),
            (0, time(14, 0), time(17, 0), ("Études de cas des membres", "Casestudies van leden",
                                           "Members' case studies")),
            (1, time(9, 0), time(12, 0), ("Matériaux de réemploi : filières", "Hergebruikte "
                                          "materialen: ketens", "Reclaimed materials: chains")),
            (1, time(13, 30), time(17, 0), ("Plans d'action", "Actieplannen", "Action plans")),
        ])
        _questions(event)
    elif kind == EventKind.STUDY_TRIP:
        titles = ("Voyage d'étude : Eindhoven et la Dutch Design Week",
                  "Studiereis: Eindhoven en de Dutch Design Week",
                  "Study trip: Eindhoven and Dutch Design Week")
        event.venue, event.address = "Eindhoven", "Strijp-S, Eindhoven, Nederland"
        _programme(event, [
            (0, time(7, 30), time(10, 0), ("Départ en train de Bruxelles-Midi",
                                           "Vertrek met de trein uit Brussel-Zuid",
                                           "Train from Brussels-Midi")),
            (0, time(11, 0), time(17, 0), ("Visites d'ateliers circulaires",
                                           "Bezoeken aan circulaire ateliers",
                                           "Visits of circular workshops")),
            (1, time(9, 0), time(12, 30), ("Session B2B avec des entreprises néerlandaises",
                                           "B2B-sessie met Nederlandse bedrijven",
                                           "B2B session with Dutch companies")),
            (1, time(14, 0), time(18, 0), ("Dutch Design Week", "Dutch Design Week",
                                           "Dutch Design Week")),
            (2, time(9, 0), time(13, 0), ("Visite d'un centre de recyclage textile",
                                          "Bezoek aan een textielrecyclagecentrum",
                                          "Visit of a textile recycling centre")),
            (2, time(16, 0), time(19, 0), ("Retour à Bruxelles", "Terugreis naar Brussel",
                                           "Return to Brussels")),
        ])
        _questions(event)
    elif kind == EventKind.ANNUAL_EVENT:
        titles = ("Rencontre annuelle du cluster", "Jaarlijkse clusterbijeenkomst",
                  "Annual cluster meeting")
        event.venue, event.address = "Tour & Taxis", "Avenue du Port 86C, 1000 Bruxelles"
        _programme(event, [
            (0, time(13, 0), time(13, 30), ("Accueil", "Onthaal", "Welcome")),
            (0, time(13, 30), time(15, 0), ("Bilan de l'année et prix des membres",
                                            "Jaaroverzicht en ledenprijzen",
                                            "The year in review and members' awards")),
            (0, time(15, 30), time(18, 0), ("Rendez-vous B2B", "B2B-afspraken",
                                            "B2B meetings")),
            (0, time(18, 0), time(21, 0), ("Drink de réseautage", "Netwerkdrink",
                                           "Networking drinks")),
        ])
        _questions(event)
    elif kind == EventKind.BROKERAGE:
        titles = ("Bourse B2B des ressources circulaires", "B2B-beurs circulaire grondstoffen",
                  "Circular resources B2B brokerage")
        event.venue, event.address = "Greenbizz", "Rue Dieudonné Lefèvre 17, 1020 Bruxelles"
        texts = {"fr": "Rendez-vous de 20 minutes planifiés selon vos offres et besoins.",
                 "nl": "Afspraken van 20 minuten op basis van uw aanbod en behoeften.",
                 "en": "20-minute meetings planned from your offers and needs."}
    elif kind == EventKind.AFTERWORK:
        titles = ("Afterwork circulaire", "Circulaire afterwork", "Circular afterwork")
        event.venue, event.address = "Brasserie de la Senne", "Drève Anna Boch 19, 1000 Bruxelles"
    elif kind == EventKind.KNOWLEDGE_SESSION:
        topic = rng.choice((("le passeport numérique des produits", "het digitaal productpaspoort",
                             "the digital product passport"),
                            ("les marchés publics circulaires", "circulaire overheidsopdrachten",
                             "circular public procurement"),
                            ("financer la transition", "de transitie financieren",
                             "financing the transition")))
        titles = (f"Midi du savoir : {topic[0]}", f"Kennismiddag: {topic[1]}",
                  f"Lunch talk: {topic[2]}")
        event.venue, event.address = "BeCentral", "Cantersteen 12, 1000 Bruxelles"
    else:
        sector = sectors[plan.sector]
        titles = (f"Groupe de travail {sector.label_fr.lower()}",
                  f"Werkgroep {sector.label_nl.lower()}", f"{sector.label_en} working group")
        texts = {"fr": "Réunion mensuelle de la filière, réservée aux membres.",
                 "nl": "Maandelijkse sectorvergadering, enkel voor leden.",
                 "en": "Monthly sector meeting, for members only."}
    event.title_fr, event.title_nl, event.title_en = titles
    event.description_fr, event.description_nl, event.description_en = (
        texts["fr"], texts["nl"], texts["en"])
    if plan.full:
        event.title_fr += " (places limitées)"
        event.title_nl += " (beperkte plaatsen)"
        event.title_en += " (limited places)"


def _programme(event: Event, items) -> None:
    first = local_day(event.starts_at)
    for day, start, end, (fr, nl, en) in items:
        on = first + timedelta(days=day)
        event.programme.append(ProgrammeItem(starts_at=combine(on, start), ends_at=combine(on, end),
                                             title_fr=fr, title_nl=nl, title_en=en))


def _questions(event: Event) -> None:
    event.questions.append(Question(
        kind=QuestionKind.TEXT, position=0, label_fr="Régime alimentaire",
        label_nl="Dieetwensen", label_en="Dietary needs"))
    event.questions.append(Question(
        kind=QuestionKind.YES_NO, position=1, required=True,
        label_fr="Acceptez-vous d'être photographié·e ?", label_nl="Mag u gefotografeerd worden?",
        label_en="May we take your photo?"))


def _external_people() -> list[Person]:
    people = []
    for first, last, language in EXTERNAL_NAMES:
        email = f"{first.lower()}.{last.lower().replace(' ', '')}@independent.example"
        email = email.replace("è", "e")
        person = db.session.scalar(select(Person).where(Person.email == email))
        if person is None:
            person = Person(email=email, first_name=first, last_name=last, language=language,
                            organisation_name="Indépendant·e")
            db.session.add(person)
        people.append(person)
    db.session.flush()
    return people


def _register_people(rng: random.Random, event: Event, pool: list[Person],
                     engagement: dict[int, float], plan: _Plan, now: datetime) -> None:
    past = event.ends_at < now
    popularity = {EventKind.ANNUAL_EVENT: 2.5, EventKind.BROKERAGE: 1.5,
                  EventKind.WORKING_GROUP: 1.6}.get(event.kind, 1.0)
    if not past:
        popularity *= 0.5  # registrations still coming in
    chosen = [p for p in pool if rng.random() < min(0.95, engagement[p.id] * popularity)]
    if plan.full:
        chosen = rng.sample(pool, k=min(len(pool), (event.capacity or 0) + 4))
    rng.shuffle(chosen)
    confirmed = 0
    for index, person in enumerate(chosen):
        created_at = event.starts_at - timedelta(days=rng.randint(2, 40), minutes=index)
        created_at = min(created_at, now - timedelta(hours=1))
        registration = Registration(
            event=event, person=person, language=person.language, created_at=created_at,
            consent_at=created_at, consent_notice_version=DEFAULT_VERSION, source="online",
            answers=_answers(rng, event))
        if event.capacity is not None and confirmed >= event.capacity:
            registration.status = RegistrationStatus.WAITLISTED
        elif rng.random() < 0.06 and not plan.full:
            registration.status = RegistrationStatus.CANCELLED
            registration.cancelled_at = created_at + timedelta(days=1)
        else:
            registration.status = RegistrationStatus.CONFIRMED
            registration.confirmed_at = created_at
            confirmed += 1
            if past:
                if rng.random() < 0.86:
                    registration.attended_at = event.starts_at + timedelta(
                        minutes=rng.randint(-10, 25))
                else:
                    registration.no_show = True
                registration.reminder_sent_at = event.starts_at - timedelta(days=2)
        db.session.add(registration)


def _answers(rng: random.Random, event: Event) -> dict[str, str]:
    answers = {}
    for question in event.questions:
        if question.kind == QuestionKind.YES_NO:
            answers[str(question.id)] = rng.choice(("yes", "yes", "no"))
        elif rng.random() < 0.25:
            answers[str(question.id)] = rng.choice(("Végétarien", "Vegan", "Halal",
                                                    "Sans gluten"))
    return answers
