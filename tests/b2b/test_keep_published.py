"""A new run after publication keeps every published meeting still valid where it is."""

from app.b2b.models import MeetingRequest, RequestStatus, ScheduleRun
from app.b2b.schedule_diff import diff_run
from app.extensions import db
from app.jobs.worker import run_next_job
from tests.factories import make_participant, make_schedule_session, participants_of
from tests.mails import outbox

EN = {"Accept-Language": "en"}
#: Pairs (positions among the 8 participants) that asked to meet, with priorities.
REQUESTS = ((0, 1, 3), (2, 3, 2), (0, 2, 1), (4, 5, 3), (6, 7, 2), (1, 4, 2), (3, 6, 1),
            (5, 7, 2), (0, 7, 1), (2, 5, 3))


def _where(run: ScheduleRun) -> dict[frozenset, tuple[int, int]]:
    return {frozenset((m.a_id, m.b_id)): (m.slot_id, m.table_id) for m in run.meetings}


def _start(client, session, **form) -> ScheduleRun:
    response = client.post(f"/b2b/sessions/{session.id}/runs",
                           data={"time_limit": 3, "min_meetings": 0, **form}, headers=EN)
    assert response.status_code == 302
    return db.session.scalars(db.select(ScheduleRun).order_by(ScheduleRun.id.desc())).first()


def _solve(app, run: ScheduleRun) -> ScheduleRun:
    assert run_next_job(app) is True
    db.session.expire_all()
    return db.session.get(ScheduleRun, run.id)


def _published_session(app, client):
    session = make_schedule_session(people=8, slots=6, tables=3, requests=REQUESTS)
    db.session.commit()
    first = _solve(app, _start(client, session))
    response = client.post(f"/b2b/runs/{first.id}/publish", headers=EN)
    assert response.status_code == 302
    return session, first


def _five_changes(session):
    """Two late registrations, four new requests and one withdrawn: five changed requests."""
    people = participants_of(session)
    ines = make_participant(session, "ines@late.example", first_name="Ines",
                            languages=("en", "fr", "nl"))
    jan = make_participant(session, "jan@late.example", first_name="Jan",
                           languages=("en", "fr", "nl"))
    for a, b in ((ines, people[0]), (ines, people[3]), (jan, people[5]), (people[1], people[6])):
        db.session.add(MeetingRequest(session_id=session.id, requester=a, recipient=b,
                                      priority=3, status=RequestStatus.ACCEPTED))
    withdrawn = db.session.scalar(db.select(MeetingRequest).where(
        MeetingRequest.from_id == people[6].id, MeetingRequest.to_id == people[7].id))
    withdrawn.status = RequestStatus.WITHDRAWN
    db.session.commit()
    return frozenset((people[6].id, people[7].id))


def test_rerun_after_publication_moves_no_meeting_that_could_stay(app, logged_in, db):
    session, first = _published_session(app, logged_in)
    before = _where(first)
    gone = _five_changes(session)
    mails_before = len(outbox())

    second = _solve(app, _start(logged_in, session))
    after = _where(second)
    diff = diff_run(second)
    page = logged_in.get(f"/b2b/runs/{second.id}/publish", headers=EN).get_data(as_text=True)
    logged_in.post(f"/b2b/runs/{second.id}/publish", headers=EN)

    assert second.keeps_published
    assert {pair: place for pair, place in before.items() if pair != gone} == {
        pair: after[pair] for pair in before if pair != gone}
    assert gone not in after and not diff.moved
    assert len(diff.added) >= 3 and list(diff.removed) == [tuple(sorted(gone))]
    assert "0 meetings moved" in page and "1 meeting cancelled" in page
    assert "Ines Test" in page[page.index('data-testid="publish-people"'):]
    mailed = outbox()[mails_before:]
    changed_people = {p.person.email for p in participants_of(session) if p.id in diff.people}
    assert {m.recipient for m in mailed} == changed_people
    assert len(mailed) == 2 * (len(diff.added) + len(diff.removed))


def test_rerun_from_scratch_needs_a_confirmation(app, logged_in, db):
    session, _first = _published_session(app, logged_in)
    runs_before = db.session.scalar(db.select(db.func.count(ScheduleRun.id)))

    page = logged_in.get(f"/b2b/sessions/{session.id}/runs", headers=EN).get_data(as_text=True)
    refused = logged_in.post(f"/b2b/sessions/{session.id}/runs", headers=EN, data={
        "time_limit": 3, "min_meetings": 0, "mode": "scratch"})

    assert "any of the 8 participants with published meetings may get mail" in page
    assert refused.status_code == 302
    assert db.session.scalar(db.select(db.func.count(ScheduleRun.id))) == runs_before
    scratch = _start(logged_in, session, mode="scratch", confirm_scratch="1")
    assert not scratch.keeps_published


def test_publishing_a_plan_from_scratch_needs_a_confirmation(app, logged_in, db):
    session, first = _published_session(app, logged_in)
    _five_changes(session)
    scratch = _solve(app, _start(logged_in, session, mode="scratch", confirm_scratch="1"))
    mails_before = len(outbox())

    page = logged_in.get(f"/b2b/runs/{scratch.id}/publish", headers=EN).get_data(as_text=True)
    logged_in.post(f"/b2b/runs/{scratch.id}/publish", headers=EN)
    db.session.expire_all()

    assert 'name="confirm_mail"' in page and "I confirm mailing" in page
    assert len(outbox()) == mails_before
    assert session.published_run_id == first.id
    logged_in.post(f"/b2b/runs/{scratch.id}/publish", data={"confirm_mail": "1"}, headers=EN)
    db.session.expire_all()
    assert session.published_run_id == scratch.id


def test_published_meeting_of_a_no_show_is_cancelled_not_kept(app, logged_in, db):
    session, first = _published_session(app, logged_in)
    absent = participants_of(session)[0]
    absent.absent = True
    db.session.commit()

    second = _solve(app, _start(logged_in, session))

    assert not any(absent.id in pair for pair in _where(second))
    kept = {pair: place for pair, place in _where(first).items() if absent.id not in pair}
    assert all(_where(second).get(pair) == place for pair, place in kept.items())
