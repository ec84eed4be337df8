"""Personal, public and organiser feeds served by the app, read by two parsers and CalDAV."""

import uuid
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import caldav
import icalendar
from sqlalchemy import case, update

from app.b2b.models import B2BSession, B2BTable, Participant, PublishedMeeting, Slot
from app.calendar import services, sources
from app.events import admin_services
from app.events import services as event_services
from app.events.models import Event, EventKind, EventStatus, Registration, RegistrationStatus
from app.invites.ics import split_by_uid, strip_method
from app.mail.services import next_invite_sequence
from app.members.models import Person
from tests.invites.parsed import with_ical, with_icalendar
from tests.mails import calendar_part, outbox
from tests.mails import parse as parse_mail

T0 = datetime(2032, 3, 27, 23, 0, tzinfo=UTC)  # Sunday 28 March 2032, 00:00 in Brussels


def _event(db, title: str, start: datetime, hours: int = 2, **extra) -> Event:
    fields = {"status": EventStatus.PUBLISHED, **extra}
    event = Event(
        kind=EventKind.SEMINAR,
        title_en=title,
        title_fr=f"{title} (fr)",
        starts_at=start,
        ends_at=start + timedelta(hours=hours),
        venue="Hall",
        **fields,
    )
    db.session.add(event)
    db.session.flush()
    return event


def _person(db, email: str, language: str = "en") -> Person:
    person = Person(
        email=email, first_name=email.split("@")[0].title(), last_name="Test", language=language
    )
    db.session.add(person)
    db.session.flush()
    return person


def _register(db, event, person, status=RegistrationStatus.CONFIRMED) -> Registration:
    registration = Registration(
        event=event,
        person=person,
        status=status,
        language="en",
        confirmed_at=T0 - timedelta(days=10),
    )
    db.session.add(registration)
    db.session.flush()
    return registration


def _meeting(db, event, me: Person, other: Person, start: datetime) -> PublishedMeeting:
    session = B2BSession(event=event)
    slot = Slot(session=session, code="S01", starts_at=start, ends_at=start + timedelta(minutes=20))
    table = B2BTable(session=session, code="T01", name="Table 1")
    a = Participant(session=session, person=me, code="P001", organisation_label="Atelier A")
    b = Participant(session=session, person=other, code="P002", organisation_label="Repair B")
    db.session.add_all([session, slot, table, a, b])
    db.session.flush()
    published = PublishedMeeting(
        session_id=session.id,
        a_id=a.id,
        b_id=b.id,
        slot_id=slot.id,
        table_id=table.id,
        uid=f"b2b-{session.id}-x@clustermeet.invalid",
        published_at=T0 - timedelta(days=1),
    )
    db.session.add(published)
    db.session.flush()
    return published


def _setup(db):
    ana = _person(db, "ana@x.example")
    bob = _person(db, "bob@x.example")
    # Crosses the spring DST change: 01:30 CET to 03:30 CEST is one real hour... plus one.
    seminar = _event(db, "Night seminar", datetime(2032, 3, 28, 0, 30, tzinfo=UTC))
    other = _event(db, "Afterwork", datetime(2032, 4, 2, 16, 0, tzinfo=UTC))
    cancelled = _register(db, other, ana, RegistrationStatus.CANCELLED)
    cancelled.cancelled_at = T0
    kept = _register(db, seminar, ana)
    meeting = _meeting(db, seminar, ana, bob, datetime(2032, 3, 28, 8, 0, tzinfo=UTC))
    token = services.renew_person_feed_token(ana)
    db.session.commit()
    return ana, token, kept, meeting


def test_personal_feed_lists_exactly_current_items(client, db):
    ana, token, kept, meeting = _setup(db)
    response = client.get(f"/calendar/{token}.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    for parse in (with_icalendar, with_ical):
        events = sorted(parse(response.data), key=lambda e: e["start"])
        assert [e["uid"] for e in events] == [
            f"registration-{kept.id}@clustermeet.invalid",
            meeting.uid,
        ]
        assert events[0]["start"] == datetime(2032, 3, 28, 0, 30, tzinfo=UTC)
        assert events[0]["end"] == datetime(2032, 3, 28, 2, 30, tzinfo=UTC)
        assert events[1]["summary"] == "B2B meeting: Bob Test (Repair B)"
    assert b"METHOD" not in response.data


def test_feed_answers_304_to_its_etag_and_changes_when_items_change(client, db):
    ana, token, kept, _meeting = _setup(db)
    first = client.get(f"/calendar/{token}.ics")
    etag = first.headers["ETag"]
    assert first.headers["Last-Modified"]
    again = client.get(f"/calendar/{token}.ics", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    kept.status = RegistrationStatus.CANCELLED
    kept.cancelled_at = datetime.now(UTC)
    db.session.commit()
    changed = client.get(f"/calendar/{token}.ics", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert [e["uid"] for e in with_ical(changed.data)] == [_meeting.uid]


def test_revoked_or_unknown_feed_token_is_404(client, db):
    ana, token, *_ = _setup(db)
    services.revoke_person_feed_token(ana)
    db.session.commit()
    assert client.get(f"/calendar/{token}.ics").status_code == 404
    assert client.get("/calendar/not-a-token.ics").status_code == 404


def test_feed_token_is_stored_only_as_hash(db):
    ana, token, *_ = _setup(db)
    assert token not in (ana.feed_token_hash or "")
    assert len(ana.feed_token_hash) == 64


def test_public_feed_lists_published_events_only(client, db):
    _event(db, "Public one", T0 + timedelta(days=5))
    _event(db, "Draft one", T0 + timedelta(days=6), status=EventStatus.DRAFT)
    db.session.commit()
    response = client.get("/calendar/public.ics")
    summaries = [e["summary"] for e in with_ical(response.data)]
    assert summaries == ["Public one"]


def test_organiser_feed_needs_its_token_and_shows_drafts(logged_in, organiser, db, app):
    _event(db, "Draft one", T0 + timedelta(days=6), status=EventStatus.DRAFT)
    db.session.commit()
    page = logged_in.post("/calendar/organiser")
    url = page.text.split('id="feed-url">')[1].split("<")[0]
    path = url.split("localhost", 1)[1]
    feed = logged_in.get(path)
    assert [e["status"] for e in with_ical(feed.data)] == ["TENTATIVE"]
    assert logged_in.get("/calendar/organiser/wrong.ics").status_code == 404


def test_subscribe_page_creates_renews_and_revokes(client, db, app):
    from app.events.queries import make_manage_token

    ana, old_token, kept, _m = _setup(db)
    link = f"/calendar/subscribe/{make_manage_token(kept)}"
    assert client.get(link).status_code == 200
    assert db.session.get(Person, ana.id).feed_token_hash is not None
    renewed = client.post(link, data={"action": "renew"})
    assert "webcal://" in renewed.text
    assert client.get(f"/calendar/{old_token}.ics").status_code == 404
    client.post(link, data={"action": "revoke"})
    db.session.expire_all()
    assert db.session.get(Person, ana.id).feed_token_hash is None


def test_subscribe_with_forged_link_changes_nothing(client, db):
    ana, token, *_ = _setup(db)
    response = client.post("/calendar/subscribe/forged-token", data={"action": "revoke"})
    assert response.status_code == 400
    assert db.session.get(Person, ana.id).feed_token_hash is not None


def test_imported_personal_feed_lists_exactly_its_items_in_caldav(client, db, dav_client):
    ana, token, kept, meeting = _setup(db)
    feed = client.get(f"/calendar/{token}.ics").data
    cal_id = uuid.uuid4().hex
    calendar = dav_client.principal().make_calendar(name=f"feed {cal_id}", cal_id=cal_id)
    try:
        for number, (uid, ics) in enumerate(split_by_uid(feed).items()):
            response = dav_client.put(
                str(calendar.url.join(f"item{number}.ics")),
                strip_method(ics).decode(),
                {"Content-Type": "text/calendar; charset=utf-8"},
            )
            assert response.status in (201, 204), uid
        stored = sorted(str(o.icalendar_component["UID"]) for o in calendar.events())
        assert stored == sorted([f"registration-{kept.id}@clustermeet.invalid", meeting.uid])
        found = calendar.search(
            start=datetime(2032, 3, 28, 1, 0, tzinfo=UTC),
            end=datetime(2032, 3, 28, 1, 30, tzinfo=UTC),
            event=True,
        )
        assert [str(o.icalendar_component["UID"]) for o in found] == [
            f"registration-{kept.id}@clustermeet.invalid"
        ]
    finally:
        calendar.delete()


def test_caldav_client_is_real():
    assert caldav.DAVClient.__module__.startswith("caldav")


def _all_in_the_past(db):
    """Move every timestamp of the test data three days back, so later changes are newer."""
    past = datetime.now(UTC) - timedelta(days=3)
    db.session.execute(update(Event).values(updated_at=past))
    db.session.execute(update(Registration).values(
        confirmed_at=past, created_at=past,
        cancelled_at=case((Registration.cancelled_at.is_(None), None), else_=past)))
    db.session.execute(update(PublishedMeeting).values(published_at=past))
    db.session.execute(update(B2BTable).values(updated_at=past))
    db.session.commit()


def _last_modified(client, token, **headers):
    response = client.get(f"/calendar/{token}.ics", headers=headers)
    return response.status_code, response.headers.get("Last-Modified")


def test_weak_if_none_match_from_a_gzipping_proxy_gets_304(client, db):
    ana, token, *_ = _setup(db)
    etag = client.get(f"/calendar/{token}.ics").headers["ETag"]

    again = client.get(f"/calendar/{token}.ics", headers={"If-None-Match": f"W/{etag}"})

    assert again.status_code == 304


def test_last_modified_moves_when_a_meeting_is_cancelled(client, db):
    ana, token, kept, meeting = _setup(db)
    _all_in_the_past(db)
    status, before = _last_modified(client, token)
    # What publication does when a meeting leaves the schedule: a CANCEL, the row removed.
    next_invite_sequence(meeting.uid, ana.email, method="CANCEL")
    db.session.delete(meeting)
    db.session.commit()

    status, after = _last_modified(client, token, **{"If-Modified-Since": before})

    assert status == 200 and parsedate_to_datetime(after) > parsedate_to_datetime(before)


def test_last_modified_moves_when_a_table_is_renamed(client, db):
    ana, token, kept, meeting = _setup(db)
    _all_in_the_past(db)
    status, before = _last_modified(client, token)
    db.session.get(B2BTable, meeting.table_id).name = "Table 7"
    db.session.commit()

    status, after = _last_modified(client, token, **{"If-Modified-Since": before})

    assert status == 200 and parsedate_to_datetime(after) > parsedate_to_datetime(before)


def test_public_feed_sequence_follows_the_event_revisions_and_has_a_name(client, db):
    event = _event(db, "Public one", T0 + timedelta(days=5), status=EventStatus.DRAFT)
    admin_services.publish_event(event)
    db.session.commit()
    first = client.get("/calendar/public.ics")
    assert [e["sequence"] for e in with_ical(first.data)] == [0]
    assert str(icalendar.Calendar.from_ical(first.data)["NAME"]) == "Clustermeet"

    admin_services.save_event(event, {"venue": "Another hall"})
    db.session.commit()

    feed = client.get("/calendar/public.ics").data
    assert [(e["sequence"], e["location"]) for e in with_ical(feed)] == [(1, "Another hall")]
    organisers = sources.public_feed(include_drafts=True)[0]
    assert [item.sequence for item in organisers] == [1]


def test_registration_invite_and_feed_show_the_same_vevent(client, db):
    event = _event(db, "Night seminar", T0 + timedelta(days=5), description_fr="Texte FR",
                   description_en="Text EN")
    registration, _created = event_services.register(
        event, email="zoe@x.example", first_name="Zoé", last_name="M", language="fr")
    db.session.commit()
    [invite] = with_icalendar(calendar_part(parse_mail(outbox()[-1].raw)).get_payload(decode=True))
    token = services.renew_person_feed_token(registration.person)
    db.session.commit()

    [entry] = with_icalendar(client.get(f"/calendar/{token}.ics").data)

    assert entry == invite
    assert (entry["summary"], entry["description"]) == ("Night seminar (fr)", "Texte FR")
