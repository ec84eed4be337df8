"""Publication: an agenda mail, then one iMIP invitation per meeting, over real SMTP.

Calendars are read back with two parsers (icalendar and the strict ``ical``), and the
personal feed is fetched from the app to check it shows the invites' very VEVENTs.
"""

import re
import uuid

import pytest
from sqlalchemy import func, select

from app.b2b import editing, publication
from app.b2b.models import PublishedMeeting, SessionStatus
from app.calendar import services as calendar_services
from app.extensions import db
from app.invites.ics import strip_method
from app.invites.uids import meeting_uid
from app.jobs.worker import run_once
from app.mail.models import DeferredMail, InviteSequence, OutboxMessage
from tests.factories import (
    make_run,
    make_schedule_session,
    meeting_of,
    participants_of,
    slots_of,
    tables_of,
)
from tests.invites.conftest import dav_client, radicale_url  # noqa: F401
from tests.invites.parsed import ical_method, with_ical, with_icalendar

#: p0 meets p1, p2 and p3 (three meetings), p2 also meets p3.
MEETINGS = ((0, 1, 0, 0), (2, 3, 0, 1), (0, 2, 1, 0), (0, 3, 2, 1))


def calendar_bytes(mail) -> bytes | None:
    for part in mail.message.walk():
        if part.get_content_type() == "text/calendar":
            return part.get_payload(decode=True)
    return None


def method(ics: bytes) -> str:
    return re.search(rb"^METHOD:(\w+)", ics, re.M).group(1).decode()


def invites(mails, email: str) -> list[dict]:
    """Return the one VEVENT of each iMIP mail to ``email``, checked by both parsers."""
    out = []
    for mail in mails:
        ics = calendar_bytes(mail)
        if mail.rcpt_tos[0] != email or ics is None:
            continue
        events = with_icalendar(ics)
        assert len(events) == 1, "one calendar object per iMIP mail"
        strict = with_ical(ics)
        assert [e["uid"] for e in strict] == [events[0]["uid"]]
        assert strict[0]["sequence"] == events[0]["sequence"]
        assert strict[0]["summary"] == events[0]["summary"]
        assert ical_method(ics) == method(ics)
        out.append({**events[0], "method": method(ics), "mail": mail})
    return out


def agendas(mails, email: str) -> list:
    return [m for m in mails if m.rcpt_tos[0] == email and calendar_bytes(m) is None]


def deliver(app, server, count):
    run_once(app)
    return server.wait_for(count)


def publish(run, app):
    """Publish as the organiser's page does when the worker writes the mails, else at once.

    Deferred, the publication's commit holds no mail yet, only the decisions: one row.
    """
    by_worker = app.config["DEFERRED_MAIL_BY_WORKER"]
    queued = db.session.scalar(select(func.count(OutboxMessage.id)))
    result = publication.publish_run(run, defer_mail=by_worker)
    db.session.commit()
    if by_worker:
        assert db.session.scalar(select(func.count(OutboxMessage.id))) == queued
        assert db.session.scalar(select(func.count(DeferredMail.id))) == (result.mails > 0)
    return result


@pytest.fixture(params=["written at once", "written by the worker"])
def published(request, smtp_app, db, smtp_server):
    smtp_app.config["DEFERRED_MAIL_BY_WORKER"] = request.param.endswith("worker")
    session = make_schedule_session(requests=((0, 1, 3), (2, 3, 2), (0, 2, 1), (0, 3, 1)))
    run = make_run(session, MEETINGS)
    db.session.commit()
    result = publish(run, smtp_app)
    mails = deliver(smtp_app, smtp_server, 12)
    return session, run, result, mails


def uid(session, a, b):
    return meeting_uid(session.id, a.person_id, b.person_id, "clustermeet.invalid")


def republish(run, smtp_app, smtp_server, count):
    smtp_server.clear()
    result = publish(run, smtp_app)
    mails = deliver(smtp_app, smtp_server, count) if count else []
    run_once(smtp_app)
    assert len(smtp_server.messages) == count
    return result, mails


def test_every_meeting_is_its_own_imip_object_beside_one_agenda_mail(published):
    session, run, result, mails = published
    p = participants_of(session)
    # 4 agenda mails and 2 invitations per meeting.
    assert (result.mails, result.people, result.requests) == (12, 4, 8)
    expected = {
        p[0].person.email: {uid(session, p[0], p[1]), uid(session, p[0], p[2]),
                            uid(session, p[0], p[3])},
        p[1].person.email: {uid(session, p[0], p[1])},
        p[2].person.email: {uid(session, p[2], p[3]), uid(session, p[0], p[2])},
        p[3].person.email: {uid(session, p[2], p[3]), uid(session, p[0], p[3])},
    }
    for email, uids in expected.items():
        events = invites(mails, email)
        assert sorted(e["uid"] for e in events) == sorted(uids)
        assert {(e["method"], e["sequence"], e["status"]) for e in events} == {
            ("REQUEST", 0, "CONFIRMED")}
        assert {e["organizer"] for e in events} == {"mailto:events@clustermeet.invalid"}
        [agenda] = agendas(mails, email)
        assert agenda.message.get_content_type() == "multipart/alternative"
    body = agendas(mails, p[0].person.email)[0].message.get_body(("plain",)).get_content()
    assert "Bert Test – Org Bert" in body and "Offer of Bert" in body and "Need of Dirk" in body
    assert "/b2b/agenda/" in body and "its own calendar invitation" in body
    assert session.status == SessionStatus.PUBLISHED and session.published_run_id == run.id
    assert db.session.scalar(db.select(db.func.count(PublishedMeeting.id))) == 4


def test_agenda_mail_is_in_the_participant_language(published):
    session, run, result, mails = published
    p = participants_of(session)
    body = {p[i].person.email: agendas(mails, p[i].person.email)[0].message.get_body(
        ("plain",)).get_content() for i in range(3)}
    assert "Thursday, 20 May 2032" in body[p[0].person.email]  # en, British order
    assert "jeudi 20 mai 2032" in body[p[1].person.email]  # fr
    assert "donderdag 20 mei 2032" in body[p[2].person.email]  # nl
    assert "14:00" in body[p[1].person.email]  # Brussels time (12:00 UTC)


def test_each_person_gets_the_meeting_description_in_their_own_language(published):
    session, run, result, mails = published
    p = participants_of(session)
    [for_ann] = [e for e in invites(mails, p[0].person.email)
                 if e["uid"] == uid(session, p[0], p[1])]
    [for_bert] = invites(mails, p[1].person.email)  # Bert reads French
    assert for_ann["summary"] == "B2B meeting: Bert Test (Org Bert)"
    assert for_bert["summary"] == "Rendez-vous B2B\u00a0: Ann Test (Org Ann)"
    assert for_ann["description"] == "Brokerage\nWith Bert Test (Org Bert)"
    assert for_bert["description"] == "Bourse B2B\nAvec Ann Test (Org Ann)"


def test_the_other_persons_address_is_shared_only_with_their_consent(smtp_app, db,
                                                                     smtp_server):
    session = make_schedule_session()
    p = participants_of(session)
    p[1].share_email = True
    run = make_run(session, ((0, 1, 0, 0),))
    db.session.commit()
    publication.publish_run(run)
    db.session.commit()
    mails = deliver(smtp_app, smtp_server, 6)

    [for_ann] = invites(mails, p[0].person.email)
    [for_bert] = invites(mails, p[1].person.email)
    # Bert agreed: Ann sees his address. Ann did not: Bert sees her name and organisation.
    assert for_ann["attendees"] == ["mailto:ann@example.org", "mailto:bert@example.org"]
    assert "bert@example.org" in for_ann["description"]
    assert for_bert["attendees"] == ["mailto:bert@example.org"]
    assert "ann@example.org" not in for_bert["mail"].raw.decode("ascii", "replace").replace(
        "To: ", "")
    assert "Ann Test (Org Ann)" in for_bert["summary"]
    bert_agenda = agendas(mails, p[1].person.email)[0].message.get_body(("plain",)).get_content()
    assert "ann@example.org" not in bert_agenda


def test_republish_after_a_move_mails_only_the_two_people_with_same_uid_and_sequence_1(
        published, smtp_app, smtp_server):
    session, run, result, mails = published
    p, s, t = participants_of(session), slots_of(session), tables_of(session)
    editing.move_meeting(meeting_of(run, p[0], p[1]), s[3], t[1])
    db.session.commit()

    result, mails = republish(run, smtp_app, smtp_server, 2)

    assert (result.mails, result.moved, result.added, result.removed) == (2, 1, 0, 0)
    for person in (p[0], p[1]):
        [event] = invites(mails, person.person.email)
        assert (event["method"], event["uid"], event["sequence"], event["status"]) == (
            "REQUEST", uid(session, p[0], p[1]), 1, "CONFIRMED")
        body = event["mail"].message.get_body(("plain",)).get_content()
        assert {"en": "Moved: with", "fr": "Déplacé\u00a0: avec",
                "nl": "Verplaatst: met"}[person.person.language] in body
    row = db.session.scalar(db.select(PublishedMeeting).where(
        PublishedMeeting.uid == uid(session, p[0], p[1])))
    assert (row.slot_id, row.table_id) == (s[3].id, t[1].id)


def test_republish_after_a_removal_sends_two_cancellations_only(published, smtp_app,
                                                                smtp_server):
    session, run, result, mails = published
    p = participants_of(session)
    editing.remove_meeting(meeting_of(run, p[2], p[3]))
    db.session.commit()

    result, mails = republish(run, smtp_app, smtp_server, 2)

    assert (result.mails, result.cancels, result.removed) == (2, 2, 1)
    for person in (p[2], p[3]):
        [event] = invites(mails, person.person.email)
        assert (event["method"], event["uid"], event["sequence"], event["status"]) == (
            "CANCEL", uid(session, p[2], p[3]), 1, "CANCELLED")
        assert 'method="CANCEL"' in event["mail"].raw.decode()
    assert db.session.scalar(db.select(db.func.count(PublishedMeeting.id))) == 3


def test_republish_without_changes_sends_nothing(published, smtp_app, smtp_server):
    session, run, result, mails = published
    result, mails = republish(run, smtp_app, smtp_server, 0)
    assert (result.mails, result.people) == (0, 0)


def _feed_vevents(client, person) -> dict[str, dict]:
    token = calendar_services.renew_person_feed_token(person)
    db.session.commit()
    response = client.get(f"/calendar/{token}.ics")
    assert response.status_code == 200
    return {e["uid"]: e for e in with_icalendar(response.data)}


def _shown(event: dict) -> dict:
    return {k: v for k, v in event.items() if k not in ("method", "mail")}


def test_a_table_moved_to_another_hall_updates_both_people_in_their_language(
        published, smtp_app, smtp_server, client):
    session, run, result, mails = published
    p, t = participants_of(session), tables_of(session)
    t[1].location = "Hall 2"  # hosts Chloe-Dirk and Ann-Dirk
    db.session.commit()

    result, mails = republish(run, smtp_app, smtp_server, 4)

    assert (result.changed, result.moved, result.requests) == (2, 0, 4)
    leads = {"en": "Changed:", "fr": "Modifié\u00a0:", "nl": "Gewijzigd:"}
    for person, count in ((p[0], 1), (p[2], 1), (p[3], 2)):
        events = invites(mails, person.person.email)
        assert len(events) == count
        feed = _feed_vevents(client, person.person)
        for event in events:
            assert (event["method"], event["sequence"]) == ("REQUEST", 1)
            assert event["location"].startswith(f"{t[1].name}, Hall 2")
            body = event["mail"].message.get_body(("plain",)).get_content()
            assert leads[person.person.language] in body
            # Same UID and SEQUENCE in the feed: the same VEVENT.
            assert _shown(event) == feed[event["uid"]]
    assert invites(mails, p[1].person.email) == []


def test_a_new_venue_or_name_is_a_revision_for_both_people(published, smtp_app, smtp_server):
    session, run, result, mails = published
    p = participants_of(session)
    p[1].person.last_name = "Renamed"
    db.session.commit()

    result, mails = republish(run, smtp_app, smtp_server, 2)

    [for_ann] = invites(mails, p[0].person.email)
    [for_bert] = invites(mails, p[1].person.email)
    assert "Bert Renamed" in for_ann["summary"] and for_ann["sequence"] == 1
    assert for_bert["attendee_names"] == ["Bert Renamed"] and for_bert["sequence"] == 1

    session.event.venue = "Tour & Taxis"
    db.session.commit()
    result, mails = republish(run, smtp_app, smtp_server, 8)
    assert {e["sequence"] for person in p for e in invites(mails, person.person.email)} == {
        1, 2}
    assert all("Tour & Taxis" in e["location"] for e in invites(mails, p[2].person.email))


def test_invite_and_feed_show_the_same_vevent_for_the_same_uid_and_sequence(published,
                                                                            client):
    session, run, result, mails = published
    p = participants_of(session)
    for person in p:
        feed = _feed_vevents(client, person.person)
        events = invites(mails, person.person.email)
        assert sorted(feed) == sorted(e["uid"] for e in events)
        for event in events:
            assert _shown(event) == feed[event["uid"]]


def test_publish_page_shows_the_diff_and_publishes(smtp_app, db, logged_in):
    session = make_schedule_session()
    run = make_run(session)
    db.session.commit()
    page = logged_in.get(f"/b2b/runs/{run.id}/publish", headers={"Accept-Language": "en"})
    assert "Every participant receives their agenda" in page.get_data(as_text=True)

    response = logged_in.post(f"/b2b/runs/{run.id}/publish", headers={"Accept-Language": "en"},
                              follow_redirects=True)

    assert "Schedule published: 10 mails to 4 participants." in response.get_data(
        as_text=True)


def test_the_publish_page_leaves_the_mails_to_the_worker_which_writes_them_all(
        smtp_app, db, logged_in, smtp_server):
    """The organiser's request stores the decisions; the worker writes and sends the mails."""
    smtp_app.config["DEFERRED_MAIL_BY_WORKER"] = True
    session = make_schedule_session()
    run = make_run(session)
    db.session.commit()

    response = logged_in.post(f"/b2b/runs/{run.id}/publish", headers={"Accept-Language": "en"},
                              follow_redirects=True)

    assert "Schedule published: 10 mails to 4 participants." in response.get_data(
        as_text=True)
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0
    assert db.session.get(type(session), session.id).status == SessionStatus.PUBLISHED
    mails = deliver(smtp_app, smtp_server, 10)
    assert len(mails) == 10 and db.session.scalar(select(func.count(DeferredMail.id))) == 0
    assert sum(calendar_bytes(m) is None for m in mails) == 4  # the agendas
    run_once(smtp_app)
    assert len(smtp_server.messages) == 10  # written once


@pytest.mark.parametrize("sending_mailbox", [None, "Mailer <noreply@mailer.invalid>"])
def test_organizer_is_always_from_or_sender(smtp_app, db, smtp_server, sending_mailbox):
    if sending_mailbox:
        smtp_app.config["MAIL_DEFAULT_SENDER"] = sending_mailbox
    session = make_schedule_session()
    run = make_run(session, ((0, 1, 0, 0),))
    db.session.commit()
    publication.publish_run(run)
    db.session.commit()
    mails = deliver(smtp_app, smtp_server, 6)

    for mail in mails:
        if calendar_bytes(mail) is None:
            continue
        [event] = with_icalendar(calendar_bytes(mail))
        organizer = event["organizer"].removeprefix("mailto:")
        assert mail.message["From"].addresses[0].addr_spec == organizer
        if sending_mailbox:
            assert mail.message["Sender"].addresses[0].addr_spec == "noreply@mailer.invalid"
            assert mail.mail_from == "noreply@mailer.invalid"  # SMTP envelope
        else:
            assert mail.message["Sender"] is None


def test_a_caldav_server_stores_each_invitation_and_its_update_as_one_object(
        published, smtp_app, smtp_server, dav_client):  # noqa: F811
    session, run, result, mails = published
    ann = participants_of(session)[0].person.email
    cal_id = uuid.uuid4().hex
    calendar = dav_client.principal().make_calendar(name=f"ann {cal_id}", cal_id=cal_id)

    def store(mails):
        # What a client does with each iMIP object: one resource per UID, METHOD removed.
        for mail in mails:
            ics = calendar_bytes(mail)
            if mail.rcpt_tos[0] == ann and ics is not None:
                [event] = with_icalendar(ics)
                response = dav_client.put(str(calendar.url.join(f"{event['uid']}.ics")),
                                          strip_method(ics).decode(),
                                          {"Content-Type": "text/calendar; charset=utf-8"})
                assert response.status in (201, 204)

    try:
        store(mails)
        tables_of(session)[0].location = "Hall 2"  # hosts Ann-Bert and Ann-Chloe
        db.session.commit()
        result, updates = republish(run, smtp_app, smtp_server, 4)
        store(updates)

        stored = {str(o.icalendar_component["UID"]): o.icalendar_component
                  for o in calendar.events()}
        assert len(stored) == 3
        moved = {uid for uid, event in stored.items() if "Hall 2" in str(event["LOCATION"])}
        assert {int(stored[uid]["SEQUENCE"]) for uid in moved} == {1} and len(moved) == 2
    finally:
        calendar.delete()


def test_invitations_recorded_before_fingerprints_are_not_sent_again(published, smtp_app,
                                                                     smtp_server):
    session, run, result, mails = published
    s, t = slots_of(session), tables_of(session)
    # What earlier publications recorded: the slot and table codes only.
    p = participants_of(session)
    places = {uid(session, p[a], p[b]): f"{s[si].code}|{t[ti].code}"
              for a, b, si, ti in MEETINGS}
    for record in db.session.scalars(db.select(InviteSequence)):
        record.fingerprint = places[record.uid]
    db.session.commit()

    result, mails = republish(run, smtp_app, smtp_server, 0)

    assert result.mails == 0
    assert all(len(r.fingerprint) == 64 for r in db.session.scalars(db.select(InviteSequence)))
