"""Publication: agenda mails with invitations, then only what changed, over real SMTP."""

import re

import pytest

from app.b2b import editing, publication
from app.b2b.models import PublishedMeeting, SessionStatus
from app.extensions import db
from app.invites.uids import meeting_uid
from app.jobs.worker import run_once
from tests.factories import (
    make_run,
    make_schedule_session,
    meeting_of,
    participants_of,
    slots_of,
    tables_of,
)


def calendar(mail) -> str:
    for part in mail.message.walk():
        if part.get_content_type() == "text/calendar":
            return part.get_content()
    return ""


def vevents(text: str) -> list[dict]:
    """Return UID, SEQUENCE and STATUS of each VEVENT of a calendar."""
    unfolded = re.sub(r"\r?\n[ \t]", "", text)
    out = []
    for block in unfolded.split("BEGIN:VEVENT")[1:]:
        fields = dict(re.findall(r"^(UID|SEQUENCE|STATUS):(.*?)\r?$", block, re.M))
        out.append(fields)
    return out


def method(text: str) -> str:
    return re.search(r"^METHOD:(\w+)", text, re.M).group(1)


def deliver(app, server, count):
    run_once(app)
    return server.wait_for(count)


@pytest.fixture
def published(smtp_app, db, smtp_server):
    session = make_schedule_session()
    run = make_run(session)
    db.session.commit()
    result = publication.publish_run(run)
    db.session.commit()
    mails = deliver(smtp_app, smtp_server, 4)
    return session, run, result, mails


def uid(session, a, b):
    return meeting_uid(session.id, a.person_id, b.person_id, "clustermeet.invalid")


def test_first_publication_sends_each_participant_one_agenda_with_their_invitations(published):
    session, run, result, mails = published
    p = participants_of(session)
    assert (result.mails, result.people, result.requests) == (4, 4, 4)
    by_person = {m.rcpt_tos[0]: m for m in mails}
    assert sorted(by_person) == sorted(x.person.email for x in p)
    expected = {
        p[0].person.email: {uid(session, p[0], p[1]), uid(session, p[0], p[2])},
        p[1].person.email: {uid(session, p[0], p[1])},
        p[2].person.email: {uid(session, p[2], p[3]), uid(session, p[0], p[2])},
        p[3].person.email: {uid(session, p[2], p[3])},
    }
    for email, uids in expected.items():
        text = calendar(by_person[email])
        assert method(text) == "REQUEST"
        events = vevents(text)
        assert {e["UID"] for e in events} == uids
        assert {e["SEQUENCE"] for e in events} == {"0"}
        assert "ORGANIZER;CN=Clustermeet:mailto:events@clustermeet.invalid" in text
    body = by_person[p[1].person.email].message.get_body(("plain",)).get_content()
    assert "Ann Test – Org Ann" in body and "Offer of Ann" in body and "Need of Ann" in body
    assert "/b2b/agenda/" in body
    assert session.status == SessionStatus.PUBLISHED and session.published_run_id == run.id
    assert db.session.scalar(db.select(db.func.count(PublishedMeeting.id))) == 3


def test_agenda_mail_is_in_the_participant_language(published):
    session, run, result, mails = published
    p = participants_of(session)
    body = {m.rcpt_tos[0]: m.message.get_body(("plain",)).get_content() for m in mails}
    assert "Thursday, 20 May 2027" in body[p[0].person.email]  # en, British order
    assert "jeudi 20 mai 2027" in body[p[1].person.email]  # fr
    assert "donderdag 20 mei 2027" in body[p[2].person.email]  # nl
    assert "14:00" in body[p[1].person.email]  # Brussels time (12:00 UTC)


def test_republish_after_a_move_mails_only_the_two_people_with_same_uid_and_sequence_1(
        published, smtp_app, smtp_server):
    session, run, result, mails = published
    p, s, t = participants_of(session), slots_of(session), tables_of(session)
    smtp_server.clear()
    editing.move_meeting(meeting_of(run, p[0], p[1]), s[3], t[1])
    db.session.commit()

    result = publication.publish_run(run)
    db.session.commit()
    mails = deliver(smtp_app, smtp_server, 2)

    assert (result.mails, result.moved, result.added, result.removed) == (2, 1, 0, 0)
    assert sorted(m.rcpt_tos[0] for m in mails) == sorted([p[0].person.email,
                                                          p[1].person.email])
    for mail in mails:
        text = calendar(mail)
        assert method(text) == "REQUEST"
        assert vevents(text) == [{"UID": uid(session, p[0], p[1]), "SEQUENCE": "1",
                                  "STATUS": "CONFIRMED"}]
        body = mail.message.get_body(("plain",)).get_content()
        language = {p[0].person.email: p[0].person.language,
                    p[1].person.email: p[1].person.language}[mail.rcpt_tos[0]]
        assert {"en": "Moved: with", "fr": "Déplacé : avec",
                "nl": "Verplaatst: met"}[language] in body
    row = db.session.scalar(db.select(PublishedMeeting).where(
        PublishedMeeting.uid == uid(session, p[0], p[1])))
    assert (row.slot_id, row.table_id) == (s[3].id, t[1].id)
    run_once(smtp_app)
    assert len(smtp_server.messages) == 2


def test_republish_after_a_removal_sends_two_cancellations_only(published, smtp_app,
                                                                smtp_server):
    session, run, result, mails = published
    p = participants_of(session)
    smtp_server.clear()
    editing.remove_meeting(meeting_of(run, p[2], p[3]))
    db.session.commit()

    result = publication.publish_run(run)
    db.session.commit()
    mails = deliver(smtp_app, smtp_server, 2)

    assert (result.mails, result.cancels, result.removed) == (2, 2, 1)
    assert sorted(m.rcpt_tos[0] for m in mails) == sorted([p[2].person.email,
                                                          p[3].person.email])
    for mail in mails:
        text = calendar(mail)
        assert method(text) == "CANCEL"
        assert 'method="CANCEL"' in str(mail.raw)
        assert vevents(text) == [{"UID": uid(session, p[2], p[3]), "SEQUENCE": "1",
                                  "STATUS": "CANCELLED"}]
    assert db.session.scalar(db.select(db.func.count(PublishedMeeting.id))) == 2
    run_once(smtp_app)
    assert len(smtp_server.messages) == 2


def test_republish_without_changes_sends_nothing(published, smtp_app, smtp_server):
    session, run, result, mails = published
    smtp_server.clear()
    result = publication.publish_run(run)
    db.session.commit()
    run_once(smtp_app)
    assert (result.mails, result.people) == (0, 0)
    assert smtp_server.messages == []


def test_publish_page_shows_the_diff_and_publishes(smtp_app, db, logged_in):
    session = make_schedule_session()
    run = make_run(session)
    db.session.commit()
    page = logged_in.get(f"/b2b/runs/{run.id}/publish", headers={"Accept-Language": "en"})
    assert "Every participant receives their agenda" in page.get_data(as_text=True)

    response = logged_in.post(f"/b2b/runs/{run.id}/publish", headers={"Accept-Language": "en"},
                              follow_redirects=True)

    assert "Schedule published: 4 mail(s) to 4 participant(s)." in response.get_data(
        as_text=True)
