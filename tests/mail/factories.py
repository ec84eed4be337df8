"""Small factories for outbox tests: ready messages queued as the app would queue them."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from app.invites.ics import Method, build_invite
from app.invites.items import Attendee, CalendarItem, Party
from app.invites.messages import build_imip_message, build_plain_message
from app.invites.uids import registration_uid
from app.mail.models import OutboxMessage
from app.mail.services import queue_message

SENDER = ("Clustermeet", "events@clustermeet.example")
DOMAIN = "clustermeet.example"
BRUSSELS = ZoneInfo("Europe/Brussels")


def queue_plain(to: str = "ana@example.org", *, subject: str = "Registration confirmed",
                body: str = "You are registered for the circlemeet.",
                kind: str = "registration.confirmed", reference: str = "registration:1"
                ) -> OutboxMessage:
    """Queue a plain text message, like a registration confirmation."""
    message = build_plain_message(sender=SENDER, to=("Ana Peeters", to), subject=subject,
                                  text_body=body, message_id_domain=DOMAIN)
    return queue_message(message, kind=kind, reference=reference)


def imip_invite(to: str = "zoe@example.org", *, registration_id: int = 7) -> bytes:
    """Return the bytes of a REQUEST invite for one registration."""
    start = datetime(2027, 6, 15, 18, 0, tzinfo=BRUSSELS)
    item = CalendarItem(
        uid=registration_uid(registration_id, DOMAIN), sequence=0,
        summary="Circlemeet: textile & réemploi", start=start, end=start + timedelta(hours=2),
        location="Greenbizz, Bruxelles", organizer=Party(*SENDER),
        attendees=(Attendee("Zoë Müller", to),),
    )
    return build_invite(item, Method.REQUEST, datetime(2027, 3, 1, 9, 0, tzinfo=UTC))


def queue_imip(to: str = "zoe@example.org") -> tuple[OutboxMessage, bytes]:
    """Queue an iMIP REQUEST message; return it and the calendar bytes it carries."""
    ics = imip_invite(to)
    message = build_imip_message(
        sender=SENDER, to=("Zoë Müller", to), subject="Invitation: Circlemeet",
        text_body="Vous êtes inscrite. À bientôt !", html_body="<p>Vous êtes inscrite.</p>",
        ics_bytes=ics, method=Method.REQUEST, message_id_domain=DOMAIN,
    )
    return queue_message(message, kind="registration.invite", reference="registration:7"), ics
