"""The B2B outcomes survey: the cron command's mails, the page on the agenda link, the figure."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.b2b import publication
from app.b2b.models import MeetingSurveyAnswer, PublishedMeeting, SurveyResult
from app.b2b.outcome_survey import add_months, save_survey_answer, send_outcome_surveys
from app.b2b.queries import make_participant_token
from app.extensions import db
from app.mail.models import OutboxMessage
from app.personal_data import export
from app.reports.activity import b2b_survey_results
from app.reports.period import Period
from tests.factories import make_run, make_schedule_session, participants_of
from tests.mails import parse, text_body

EN = {"Accept-Language": "en"}
#: Six months and more after the session's day (20 May 2032).
DECEMBER = datetime(2032, 12, 1, 9, tzinfo=UTC)
#: Five months after: too early with the default of six.
OCTOBER = datetime(2032, 10, 21, 9, tzinfo=UTC)


def _published():
    session = make_schedule_session()
    run = make_run(session)
    db.session.commit()
    publication.publish_run(run)
    db.session.commit()
    return session


def _row(a, b) -> PublishedMeeting:
    first, second = sorted((a.id, b.id))
    return db.session.scalar(select(PublishedMeeting).where(
        PublishedMeeting.a_id == first, PublishedMeeting.b_id == second))


def _surveys():
    return list(db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == "b2b.outcome_survey").order_by(OutboxMessage.id)))


def test_add_months_clips_to_the_end_of_the_month():
    assert add_months(datetime(2027, 8, 31, tzinfo=UTC), 6) == datetime(2028, 2, 29, tzinfo=UTC)
    assert add_months(datetime(2027, 5, 20, tzinfo=UTC), 12) == datetime(2028, 5, 20, tzinfo=UTC)


def test_command_mails_each_participant_once_in_their_language(app, db):
    session = _published()
    people = participants_of(session)

    assert send_outcome_surveys(OCTOBER) == 0
    first = send_outcome_surveys(DECEMBER)
    db.session.commit()
    second = send_outcome_surveys(DECEMBER)
    db.session.commit()

    assert (first, second) == (4, 0)
    mails = {m.recipient: parse(m.raw) for m in _surveys()}
    assert sorted(mails) == sorted(p.person.email for p in people)
    bert, chloe = mails["bert@example.org"], mails["chloe@example.org"]  # fr, nl
    assert "rencontres B2B" in str(bert["Subject"])
    assert "B2B-gesprekken" in str(chloe["Subject"])
    # The link's token names Bert (its signed time stamp may differ by a second from ours).
    payload = make_participant_token(people[1]).split(".")[0]
    assert f"/b2b/agenda/{payload}." in text_body(bert) and "/outcomes" in text_body(bert)
    assert all(p.outcome_survey_sent_at is not None for p in people)


def test_cli_command_honours_the_session_delay(app, db):
    session = _published()
    session.outcome_survey_months = 120
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["b2b", "send-outcome-surveys"])

    assert result.exit_code == 0 and "0 outcome surveys queued." in result.output
    assert _surveys() == []


def test_answering_via_the_link_records_answers(client, db):
    session = _published()
    p = participants_of(session)
    ab, ac = _row(p[0], p[1]), _row(p[0], p[2])
    url = f"/b2b/agenda/{make_participant_token(p[0])}/outcomes"

    page = client.get(url, headers=EN).get_data(as_text=True)
    response = client.post(url, data={f"m{ab.id}": "agreement", f"m{ac.id}": "knowledge"},
                           headers=EN)
    client.post(url, data={f"m{ab.id}": "negotiation"}, headers=EN)

    assert "Negotiation started" in page and "Bert Test" in page and "privacy" in page.lower()
    assert response.status_code == 302
    answers = {a.published_meeting_id: a.result for a in db.session.scalars(
        select(MeetingSurveyAnswer).where(MeetingSurveyAnswer.participant_id == p[0].id))}
    assert answers == {ab.id: SurveyResult.NEGOTIATION, ac.id: SurveyResult.KNOWLEDGE}
    assert 'value="negotiation" checked' in client.get(url, headers=EN).get_data(as_text=True)


@pytest.mark.parametrize("field, value", [
    ("own", "bribe"),         # not one of the five results
    ("other", "agreement"),   # a meeting of two other participants
    ("junk", "agreement"),    # not a meeting field at all
])
def test_bad_choice_or_someone_elses_meeting_is_a_400(client, db, field, value):
    session = _published()
    p = participants_of(session)
    meeting = {"own": _row(p[0], p[1]), "other": _row(p[2], p[3])}.get(field)
    key = f"m{meeting.id}" if meeting else "mabc"

    response = client.post(f"/b2b/agenda/{make_participant_token(p[0])}/outcomes",
                           data={key: value}, headers=EN)

    assert response.status_code == 400
    assert "Choose one of the answers offered" in response.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count(MeetingSurveyAnswer.id))) == 0


def test_bad_token_is_refused(client, db):
    assert client.get("/b2b/agenda/not-a-token/outcomes", headers=EN).status_code == 403


def test_survey_figure_counts_each_meeting_by_its_best_answer(db):
    session = _published()
    p = participants_of(session)
    ab, ac, cd = _row(p[0], p[1]), _row(p[0], p[2]), _row(p[2], p[3])
    save_survey_answer(ab, p[0], SurveyResult.KNOWLEDGE)
    save_survey_answer(ab, p[1], SurveyResult.AGREEMENT)   # best either side: agreement
    save_survey_answer(ac, p[2], SurveyResult.NO_CONTACT)
    db.session.commit()                                      # cd: nobody answered

    figure = b2b_survey_results(Period.year(2032))

    assert cd is not None
    assert figure == {"answered": 2, "no_contact": 1, "knowledge": 0, "contact": 0,
                      "negotiation": 0, "agreement": 1}
    assert b2b_survey_results(Period.year(2026))["answered"] == 0


def test_answer_on_another_persons_meeting_is_refused_by_the_service(db):
    session = _published()
    p = participants_of(session)
    with pytest.raises(ValueError):
        save_survey_answer(_row(p[2], p[3]), p[0], SurveyResult.CONTACT)


def test_organiser_sets_the_survey_delay_in_the_session_settings(logged_in, db):
    session = _published()
    url = f"/admin/b2b/{session.id}/settings"
    data = {"title_en": "Matchmaking", "status": "open", "min_meetings": 0}

    assert 'value="6"' in logged_in.get(url, headers=EN).get_data(as_text=True)
    saved = logged_in.post(url, headers=EN, data={**data, "outcome_survey_months": 3})
    refused = logged_in.post(url, headers=EN, data={**data, "outcome_survey_months": 0})

    assert saved.status_code == 302 and refused.status_code == 200
    db.session.expire_all()
    assert session.outcome_survey_months == 3


def test_survey_answers_are_in_the_persons_data_export(db):
    session = _published()
    p = participants_of(session)
    save_survey_answer(_row(p[0], p[1]), p[0], SurveyResult.CONTACT)
    db.session.commit()

    [b2b] = export.collect(p[0].person.email)["b2b"]

    assert [a["result"] for a in b2b["outcome_survey"]] == ["contact"]
    assert b2b["outcome_survey_sent_at"] is None


def test_dashboard_and_annual_report_show_the_survey_figure(logged_in, db):
    session = _published()
    p = participants_of(session)
    save_survey_answer(_row(p[0], p[1]), p[0], SurveyResult.AGREEMENT)
    db.session.commit()

    dashboard = logged_in.get("/admin/reports/?start=2032-01-01&end=2032-12-31",
                              headers=EN).get_data(as_text=True)
    annual = logged_in.get("/admin/reports/annual/2032", headers=EN).get_data(as_text=True)

    assert 'data-testid="b2b-survey">1 (1)<' in dashboard
    section = annual[annual.index('data-testid="section-b2b"'):]
    assert "Meetings that led to an agreement (survey)</th><td>1<" in section
