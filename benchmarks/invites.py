"""Time invites and iMIP messages for a large published B2B session, and one personal feed.

Run from the repository root: ``python -m benchmarks.invites``. Times are CPU
seconds of this process (``time.process_time``), so a busy machine skews them less.

Synthetic session: 1000 participants, 20 slots of 20 minutes, each participant
in up to 8 meetings (about 4000 meetings); every meeting gives two messages,
one per participant, each with its own .ics (REQUEST) and the MIME bytes.
"""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from app.invites.ics import build_feed, build_invite
from app.invites.items import CalendarItem, Party
from app.invites.messages import build_imip_message
from app.invites.uids import meeting_uid

BRUSSELS = ZoneInfo("Europe/Brussels")
DOMAIN = "clustermeet.example.be"
ORGANIZER = Party("Cluster Circulaire Bruxelles", "agenda@clustermeet.example.be")
PARTICIPANTS = 1000
SLOTS = 20
MEETINGS_PER_PERSON = 8


def synthetic_meetings(seed: int = 7) -> list[tuple[int, int, int]]:
    """Return (slot, a, b) triples: nobody twice in a slot, no pair twice."""
    rng = random.Random(seed)
    load = [0] * PARTICIPANTS
    pairs: set[tuple[int, int]] = set()
    meetings = []
    for slot in range(SLOTS):
        people = [p for p in range(PARTICIPANTS) if load[p] < MEETINGS_PER_PERSON]
        rng.shuffle(people)
        for a, b in zip(people[::2], people[1::2], strict=False):
            pair = (min(a, b), max(a, b))
            if pair in pairs or rng.random() < 0.5:
                continue
            pairs.add(pair)
            load[a] += 1
            load[b] += 1
            meetings.append((slot, a, b))
    return meetings


def person(index: int) -> tuple[str, str]:
    return (f"Participant·e {index} — Atelier Vélo", f"p{index}@members.example.be")


def meeting_item(slot: int, a: int, b: int) -> CalendarItem:
    start = datetime(2027, 10, 29, 9, 0, tzinfo=BRUSSELS) + timedelta(minutes=20 * slot)
    return CalendarItem(
        uid=meeting_uid(42, a, b, DOMAIN),
        sequence=0,
        summary=f"B2B : {person(a)[0]} ⇄ {person(b)[0]}",
        description="Rendez-vous B2B — bourse « vélo & réparation ».\nTable 4.",
        location="Tour & Taxis, Avenue du Port 86C, 1000 Bruxelles",
        url="https://clustermeet.example.be/b2b/42",
        start=start,
        end=start + timedelta(minutes=20),
        organizer=ORGANIZER,
        attendees=(person(a), person(b)),
        last_modified=datetime(2027, 10, 1, tzinfo=UTC),
    )


def main() -> None:
    """Print a table of the measured figures."""
    meetings = synthetic_meetings()
    dtstamp = datetime.now(UTC)
    rows = []

    started = time.process_time()
    items = [meeting_item(slot, a, b) for slot, a, b in meetings]
    invites = [build_invite(item, "REQUEST", dtstamp) for item in items]
    ics_seconds = time.process_time() - started

    started = time.process_time()
    sizes = 0
    for item, ics in zip(items, invites, strict=True):
        for name, email, _role in item.attendees:
            message = build_imip_message(
                sender=("Clustermeet", "agenda@clustermeet.example.be"),
                to=(name, email),
                subject=f"Rendez-vous B2B : {item.summary}",
                text_body="Bonjour,\nvoici votre rendez-vous.",
                html_body="<p>Bonjour,<br>voici votre rendez-vous.</p>",
                ics_bytes=ics,
                method="REQUEST",
                message_id_domain=DOMAIN,
            )
            sizes += len(message.as_bytes())
    mail_seconds = time.process_time() - started
    messages = 2 * len(items)
    rows.append(("calendar items + .ics (REQUEST)", len(items), ics_seconds))
    rows.append(("iMIP messages incl. as_bytes()", messages, mail_seconds))
    rows.append(("total (per message)", messages, ics_seconds + mail_seconds))

    feed_items = items[:50]
    repeats = 50
    started = time.process_time()
    for _ in range(repeats):
        feed = build_feed(feed_items, name="Clustermeet — Participant·e 1", dtstamp=dtstamp)
    feed_seconds = (time.process_time() - started) / repeats
    rows.append(("build_feed, 50 items (one call)", 1, feed_seconds))

    print(f"participants={PARTICIPANTS} meetings={len(items)} messages={messages}")
    print(f"{'step':<34} {'count':>6} {'seconds':>8} {'ms each':>8}")
    for label, count, seconds in rows:
        print(f"{label:<34} {count:>6} {seconds:>8.3f} {1000 * seconds / count:>8.3f}")
    print(
        f"mean message size {sizes / messages / 1024:.1f} KiB; feed size {len(feed) / 1024:.1f} KiB"
    )


if __name__ == "__main__":
    main()
