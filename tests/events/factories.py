"""Small factories for events, people and registrations."""

from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage

from sqlalchemy import select

from app.db import utc_now
from app.events.models import Audience, Event, EventKind, EventStatus, Question, QuestionKind
from app.extensions import db
from app.mail.models import OutboxMessage
from app.members.models import MemberStatus, Organisation, OrganisationKind, Person


def make_event(**values) -> Event:
    """Add a published public event starting in ten days (two hours long)."""
    starts_at = values.pop("starts_at", utc_now().replace(microsecond=0) + timedelta(days=10))
    defaults = dict(
        kind=EventKind.CIRCLEMEET, status=EventStatus.PUBLISHED, title_fr="Circlemeet bois",
        title_nl="Circlemeet hout", title_en="Wood circlemeet", description_en="Meet the members.",
        starts_at=starts_at, ends_at=starts_at + timedelta(hours=2), venue="Atelier Chêne",
        address="Rue de l'Exemple 1, 1070 Anderlecht", audience=Audience.PUBLIC, capacity=None,
    )
    defaults.update(values)
    event = Event(**defaults)
    db.session.add(event)
    db.session.flush()
    return event


def add_question(event: Event, kind: QuestionKind = QuestionKind.TEXT, *, required=False,
                 choices: str = "", label: str = "Dietary needs") -> Question:
    question = Question(event=event, kind=kind, label_en=label, label_fr=label, label_nl=label,
                        choices=choices, required=required, position=len(event.questions))
    db.session.add(question)
    db.session.flush()
    return question


def make_member(name: str = "Bois Vif SRL", *, kind=OrganisationKind.MEMBER,
                status=MemberStatus.ACTIVE, email: str = "ann@boisvif.example",
                language: str = "en") -> Person:
    """Add an organisation with one person and return the person."""
    organisation = Organisation(name=name, kind=kind,
                                status=status if kind == OrganisationKind.MEMBER else None)
    person = Person(email=email, first_name="Ann", last_name="Peeters", language=language,
                    organisation=organisation)
    db.session.add_all([organisation, person])
    db.session.flush()
    return person


def outbox(kind: str | None = None) -> list[OutboxMessage]:
    stmt = select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        stmt = stmt.where(OutboxMessage.kind == kind)
    return list(db.session.scalars(stmt))


def parse(raw: bytes) -> EmailMessage:
    return message_from_bytes(raw, policy=policy.default)


def calendar_part(message: EmailMessage):
    for part in message.walk():
        if part.get_content_type() == "text/calendar":
            return part
    return None


def text_body(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()


def registration_data(**values) -> dict:
    data = dict(email="Marie.Dubois@Example.org", first_name="Marie", last_name="Dubois",
                organisation="Independent", language="en", answers={}, consent=True)
    data.update(values)
    return data
