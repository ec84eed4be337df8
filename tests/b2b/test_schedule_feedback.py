"""Participants' agenda page and feedback form (token links), and the feedback summary."""

from datetime import UTC, datetime

import pytest

from app.b2b import publication
from app.b2b.feedback import FeedbackTooEarly, feedback_summary, save_feedback
from app.b2b.models import MeetingFeedback, MeetingOutcome, PublishedMeeting
from app.b2b.queries import make_participant_token
from app.extensions import db
from tests.factories import make_run, make_schedule_session, participants_of

EN = {"Accept-Language": "en"}
#: The day after the session (its slots run from 14:00 to 15:20 on 20 May 2032).
AFTER_THE_DAY = datetime(2032, 5, 21, 9, tzinfo=UTC)
#: 14:25 in Brussels: the meeting in S01 (14:00-14:20) has ended, the later ones have not.
AFTER_FIRST_SLOT = datetime(2032, 5, 20, 12, 25, tzinfo=UTC)


@pytest.fixture
def after_the_day(app):
    app.config["B2B_CLOCK"] = lambda: AFTER_THE_DAY


def _published(db):
    session = make_schedule_session()
    run = make_run(session)
    db.session.commit()
    publication.publish_run(run)
    db.session.commit()
    return session


def _row(session, a, b) -> PublishedMeeting:
    first, second = sorted((a.id, b.id))
    return db.session.scalar(db.select(PublishedMeeting).where(
        PublishedMeeting.a_id == first, PublishedMeeting.b_id == second))


def test_agenda_page_shows_the_published_meetings(client, db):
    session = _published(db)
    ann = participants_of(session)[0]

    html = client.get(f"/b2b/agenda/{make_participant_token(ann)}",
                      headers=EN).get_data(as_text=True)

    agenda = html[html.index('data-testid="agenda"'):]
    assert "Bert Test" in agenda and "Chloe Test" in agenda and "Dirk Test" not in agenda
    assert "Offer of Bert" in agenda


def test_agenda_page_refuses_a_bad_token(client, db):
    response = client.get("/b2b/agenda/not-a-token", headers=EN)
    assert response.status_code == 403
    assert "This link is not valid." in response.get_data(as_text=True)


def test_feedback_form_saves_answers_and_summary_counts_them(client, db, after_the_day):
    session = _published(db)
    p = participants_of(session)
    ab, ac = _row(session, p[0], p[1]), _row(session, p[0], p[2])

    response = client.post(f"/b2b/agenda/{make_participant_token(p[0])}/feedback", data={
        f"m{ab.id}-happened": "yes", f"m{ab.id}-usefulness": "5",
        f"m{ab.id}-outcome": "deal", f"m{ab.id}-comment": "Great",
        f"m{ac.id}-happened": "no",
    }, headers=EN)
    client.post(f"/b2b/agenda/{make_participant_token(p[1])}/feedback", data={
        f"m{ab.id}-happened": "yes", f"m{ab.id}-usefulness": "3",
        f"m{ab.id}-outcome": "follow_up"})

    assert response.status_code == 302
    saved = db.session.scalar(db.select(MeetingFeedback).where(
        MeetingFeedback.participant_id == p[0].id, MeetingFeedback.published_meeting_id == ab.id))
    assert (saved.happened, saved.usefulness, saved.outcome, saved.comment) == (
        True, 5, MeetingOutcome.DEAL, "Great")
    assert feedback_summary(session) == {
        "meetings": 3, "responses": 3, "meetings_with_response": 2, "happened": 2,
        "not_happened": 1, "usefulness": {1: 0, 2: 0, 3: 1, 4: 0, 5: 1},
        "usefulness_average": 4.0, "outcomes": {"none": 0, "follow_up": 1, "deal": 1},
    }


def test_feedback_form_refuses_an_unknown_answer(client, db, after_the_day):
    session = _published(db)
    ann = participants_of(session)[0]
    ab = _row(session, ann, participants_of(session)[1])

    response = client.post(f"/b2b/agenda/{make_participant_token(ann)}/feedback",
                           data={f"m{ab.id}-happened": "yes", f"m{ab.id}-usefulness": "9"},
                           headers=EN)

    assert response.status_code == 400
    assert "Choose one of the answers offered." in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(MeetingFeedback.id))) == 0


def test_feedback_summary_of_a_session_without_answers(db):
    session = make_schedule_session()
    assert feedback_summary(session)["usefulness_average"] is None
    assert feedback_summary(session)["responses"] == 0


def test_feedback_on_a_meeting_not_yet_ended_is_refused(db):
    session = _published(db)
    ann, bert = participants_of(session)[:2]

    with pytest.raises(FeedbackTooEarly):
        save_feedback(_row(session, ann, bert), ann, happened=True, usefulness=4,
                      outcome=MeetingOutcome.DEAL, now=datetime(2032, 5, 20, 8, tzinfo=UTC))


def test_feedback_page_opens_each_meeting_once_its_slot_has_ended(app, client, db):
    session = _published(db)
    ann = participants_of(session)[0]
    rows = sorted((_row(session, ann, other) for other in participants_of(session)[1:3]),
                  key=lambda row: row.slot_id)
    app.config["B2B_CLOCK"] = lambda: AFTER_FIRST_SLOT
    url = f"/b2b/agenda/{make_participant_token(ann)}/feedback"

    page = client.get(url, headers=EN).get_data(as_text=True)
    response = client.post(url, data={f"m{rows[1].id}-happened": "yes",
                                      f"m{rows[1].id}-usefulness": "5"}, headers=EN)

    assert f'data-testid="feedback-{rows[0].id}"' in page
    assert f'data-testid="feedback-{rows[1].id}"' not in page
    assert "feedback opens at" in page
    assert response.status_code in (200, 302)
    assert db.session.scalar(db.select(db.func.count(MeetingFeedback.id))) == 0


def test_feedback_page_before_any_meeting_ended_says_when_it_opens(app, client, db):
    session = _published(db)
    ann = participants_of(session)[0]
    app.config["B2B_CLOCK"] = lambda: datetime(2032, 5, 20, 8, tzinfo=UTC)

    response = client.get(f"/b2b/agenda/{make_participant_token(ann)}/feedback", headers=EN)

    assert response.status_code == 200
    assert "You can give feedback on a meeting once it has ended." in response.get_data(
        as_text=True)


def test_organiser_page_shows_the_feedback_summary(logged_in, db, after_the_day):
    session = _published(db)
    p = participants_of(session)
    ab = _row(session, p[0], p[1])
    save_feedback(ab, p[0], happened=True, usefulness=4, outcome=MeetingOutcome.DEAL,
                  now=AFTER_THE_DAY)
    save_feedback(ab, p[1], happened=True, usefulness=5, outcome=MeetingOutcome.FOLLOW_UP,
                  now=AFTER_THE_DAY)
    db.session.commit()

    html = logged_in.get(f"/b2b/sessions/{session.id}/printouts",
                         headers=EN).get_data(as_text=True)

    summary = html[html.index('data-testid="feedback-summary"'):]
    assert 'data-testid="usefulness-average">4.5<' in summary
    assert "Quote or deal</th><td>1<" in summary
