"""Organisers' must-meet pairs without a common language: a warning, and an interpreter kept."""

import matchmaking
from app.b2b import meeting_requests
from app.b2b.models import MeetingRequest
from app.b2b.problem import build_problem_dict
from tests.factories import make_schedule_session, participants_of


def _problem(interpreter: bool):
    return matchmaking.load_problem({
        "format": matchmaking.PROBLEM_FORMAT, "timezone": "Europe/Brussels",
        "slots": [{"id": "S1", "start": "2027-05-20T14:00", "end": "2027-05-20T14:20"}],
        "tables": [{"id": "T1", "name": "1"}],
        "participants": [{"id": "ana", "languages": ["fr"]}, {"id": "ben", "languages": ["nl"]}],
        "requests": [{"from": "ana", "to": "ben", "priority": 3,
                      **({"interpreter": True} if interpreter else {})}],
    })


def test_the_engine_lifts_the_language_rule_only_for_a_pair_with_an_interpreter():
    without = matchmaking.solve(_problem(False), time_limit=2)
    kept = matchmaking.solve(_problem(True), time_limit=2)

    assert [u.reason for u in without.unscheduled] == ["language"] and not without.meetings
    assert [(m.a, m.b) for m in kept.meetings] == [("ana", "ben")] and not kept.unscheduled


def test_a_bad_interpreter_value_is_named():
    raw = {"format": matchmaking.PROBLEM_FORMAT,
           "slots": [{"id": "S1", "start": "2027-05-20T14:00", "end": "2027-05-20T14:20"}],
           "tables": [{"id": "T1"}], "participants": [{"id": "a"}, {"id": "b"}],
           "requests": [{"from": "a", "to": "b", "priority": 3, "interpreter": "yes"}]}
    try:
        matchmaking.load_problem(raw)
    except matchmaking.ProblemError as error:
        assert "requests[0].interpreter" in str(error)
    else:
        raise AssertionError("accepted a string")


def _french_and_dutch(db):
    session = make_schedule_session(requests=())
    a, b = participants_of(session)[:2]
    a.languages, b.languages = ["fr"], ["nl"]
    db.session.commit()
    return session, a, b


def test_adding_a_pair_with_no_common_language_warns(logged_in, db):
    session, a, b = _french_and_dutch(db)

    page = logged_in.post(f"/admin/b2b/{session.id}/pairs",
                          data={"pair-a": a.code, "pair-b": b.code}, follow_redirects=True)

    text = page.get_data(as_text=True)
    assert "share no language" in text
    assert 'data-testid="interpreter"' in text  # the button to mark an interpreter present


def test_an_interpreter_keeps_the_organisers_pair_in_the_schedule(logged_in, db):
    session, a, b = _french_and_dutch(db)
    page = logged_in.post(f"/admin/b2b/{session.id}/pairs", follow_redirects=True,
                          data={"pair-a": a.code, "pair-b": b.code, "pair-interpreter": "y"})
    assert "share no language" not in page.get_data(as_text=True)
    request = db.session.scalar(db.select(MeetingRequest))
    assert request.interpreter

    schedule = matchmaking.solve(matchmaking.load_problem(build_problem_dict(session)),
                                 time_limit=2)
    assert {frozenset((m.a, m.b)) for m in schedule.meetings} == {frozenset((a.code, b.code))}

    # Taken back from the session page: the pair is dropped again for its languages.
    logged_in.post(f"/admin/b2b/{session.id}/requests/{request.id}/interpreter",
                   data={"present": "0"})
    db.session.expire_all()
    assert not db.session.get(MeetingRequest, request.id).interpreter
    schedule = matchmaking.solve(matchmaking.load_problem(build_problem_dict(session)),
                                 time_limit=2)
    assert not schedule.meetings


def test_only_organisers_pairs_take_an_interpreter(db):
    session, a, b = _french_and_dutch(db)
    request = MeetingRequest(session_id=session.id, requester=a, recipient=b, priority=3)
    db.session.add(request)
    db.session.flush()
    try:
        meeting_requests.set_interpreter(request, True)
    except meeting_requests.B2BError:
        pass
    else:
        raise AssertionError("a participant's request took an interpreter")
