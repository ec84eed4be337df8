"""Sample calendar items and the objects built from them (shared by the invites tests)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from app.invites.ics import build_feed, build_invite
from app.invites.items import Attendee, CalendarItem, Party
from app.invites.uids import event_uid, meeting_uid, registration_uid

BRUSSELS = ZoneInfo("Europe/Brussels")
DOMAIN = "clustermeet.example.be"
DTSTAMP = datetime(2027, 3, 1, 9, 15, 0, tzinfo=UTC)
ORGANIZER = Party("Cluster Circulaire Bruxelles, ASBL", "agenda@clustermeet.example.be")
ZOE = Attendee("Zoë Müller-Dupont", "zoe.muller@atelier-velo.example.be")
JAN = Attendee("Jan Van den Bossche 🚲", "jan@repaircafe.example.nl")

LONG_DESCRIPTION = (
    "Bienvenue au circlemeet « textile & réemploi » ! Présentations courtes, puis réseautage; "
    "apportez vos échantillons, vos questions et votre bonne humeur 😀.\n"
    'Welkom op de circlemeet "textiel & hergebruik": korte pitches, daarna netwerken; '
    "één idee, twee partners, drie projecten 🧵♻️.\n"
    "Welcome: short pitches, then networking, drinks afterwards.\\ Accès PMR: oui."
)

REGISTRATION = CalendarItem(
    uid=registration_uid(4711, DOMAIN),
    sequence=0,
    summary="Circlemeet : textile & réemploi — Circlemeet: textiel & hergebruik",
    description=LONG_DESCRIPTION,
    location="Greenbizz, Rue Dieudonné Lefèvre 17, 1020 Bruxelles; salle « Zénith »",
    url="https://clustermeet.example.be/events/12",
    start=datetime(2027, 6, 15, 18, 0, tzinfo=BRUSSELS),
    end=datetime(2027, 6, 15, 20, 30, tzinfo=BRUSSELS),
    organizer=ORGANIZER,
    attendees=(ZOE,),
    last_modified=datetime(2027, 2, 20, 16, 45, 12, tzinfo=UTC),
    categories=("Circlemeet", "Textile, réemploi"),
)

MEETING = CalendarItem(
    uid=meeting_uid(3, 12, 7, DOMAIN),
    sequence=0,
    summary="B2B : Zoë Müller-Dupont ⇄ Jan Van den Bossche (table 4)",
    description="Rendez-vous B2B — bourse « vélo & réparation ».\nTable 4, créneau 10:00–10:20.",
    location="Tour & Taxis, Avenue du Port 86C, 1000 Bruxelles",
    url="https://clustermeet.example.be/b2b/3/meetings",
    start=datetime(2027, 10, 29, 10, 0, tzinfo=BRUSSELS),
    end=datetime(2027, 10, 29, 10, 20, tzinfo=BRUSSELS),
    organizer=ORGANIZER,
    attendees=(ZOE, JAN),
    last_modified=datetime(2027, 2, 25, 8, 0, tzinfo=UTC),
    categories=("B2B",),
)

#: The same meeting moved across the end of summer time: same UID, SEQUENCE + 1.
MEETING_UPDATE = CalendarItem(
    uid=MEETING.uid,
    sequence=1,
    summary="B2B : Zoë Müller-Dupont ⇄ Jan Van den Bossche (table 9)",
    description="Rendez-vous B2B — bourse « vélo & réparation ».\nTable 9, créneau 14:40–15:00.",
    location=MEETING.location,
    url=MEETING.url,
    start=datetime(2027, 11, 2, 14, 40, tzinfo=BRUSSELS),
    end=datetime(2027, 11, 2, 15, 0, tzinfo=BRUSSELS),
    organizer=ORGANIZER,
    attendees=(ZOE, JAN),
    last_modified=datetime(2027, 2, 27, 11, 30, tzinfo=UTC),
    categories=("B2B",),
)

MEETING_CANCEL = CalendarItem(
    uid=MEETING.uid,
    sequence=2,
    summary=MEETING_UPDATE.summary,
    description=MEETING_UPDATE.description,
    location=MEETING_UPDATE.location,
    url=MEETING_UPDATE.url,
    start=MEETING_UPDATE.start,
    end=MEETING_UPDATE.end,
    status="CANCELLED",
    organizer=ORGANIZER,
    attendees=(ZOE, JAN),
    last_modified=datetime(2027, 2, 28, 7, 5, tzinfo=UTC),
)

#: A three-day study trip: 10, 11 and 12 May (DTEND 13 May, exclusive).
STUDY_TRIP = CalendarItem(
    uid=registration_uid(4800, DOMAIN),
    sequence=0,
    summary="Voyage d'étude : Rotterdam circulaire — Studiereis",
    description="Départ en train de Bruxelles-Midi; retour le 12 mai au soir.",
    location="Rotterdam, Nederland",
    start=date(2027, 5, 10),
    end=date(2027, 5, 12),
    all_day=True,
    organizer=ORGANIZER,
    attendees=(ZOE,),
    last_modified=datetime(2027, 2, 10, 10, 0, tzinfo=UTC),
)

ANNUAL_EVENT = CalendarItem(
    uid=event_uid(30, DOMAIN),
    sequence=3,
    summary="Event annuel du cluster — Jaarevent",
    start=datetime(2027, 12, 9, 17, 0, tzinfo=BRUSSELS),
    end=datetime(2027, 12, 9, 22, 0, tzinfo=BRUSSELS),
    location="BeCentral, Cantersteen 12, 1000 Bruxelles",
    organizer=ORGANIZER,
    last_modified=datetime(2027, 1, 5, 12, 0, tzinfo=UTC),
)

FEED_ITEMS = (ANNUAL_EVENT, MEETING_UPDATE, REGISTRATION, STUDY_TRIP)
FEED_NAME = "Clustermeet — Zoë Müller-Dupont"

#: Every kind of object the app produces, by golden file name.
PRODUCED: dict[str, Callable[[], bytes]] = {
    "registration_request": lambda: build_invite(REGISTRATION, "REQUEST", DTSTAMP),
    "meeting_request": lambda: build_invite(MEETING, "REQUEST", DTSTAMP),
    "meeting_update": lambda: build_invite(MEETING_UPDATE, "REQUEST", DTSTAMP),
    "meeting_cancel": lambda: build_invite(MEETING_CANCEL, "CANCEL", DTSTAMP),
    "all_day_multi_day": lambda: build_invite(STUDY_TRIP, "REQUEST", DTSTAMP),
    "feed": lambda: build_feed(FEED_ITEMS, name=FEED_NAME, dtstamp=DTSTAMP),
}


def line_problems(ics: bytes) -> list[str]:
    """Return every RFC 5545 line-format problem in ``ics`` (empty when all is well)."""
    problems: list[str] = []
    if not ics.endswith(b"\r\n"):
        problems.append("does not end with CRLF")
    if ics.replace(b"\r\n", b"").count(b"\n") or ics.replace(b"\r\n", b"").count(b"\r"):
        problems.append("bare LF or CR")
    for number, line in enumerate(ics.split(b"\r\n")[:-1], start=1):
        if len(line) > 75:
            problems.append(f"line {number} has {len(line)} octets")
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as error:
            problems.append(f"line {number} splits a UTF-8 character: {error}")
    return problems
