"""Hand edits of a run: every hard rule refuses with its own reason (English text)."""

import pytest

from app.b2b import editing, services
from app.b2b.models import ForbiddenPair, MeetingRequest, RequestStatus
from app.extensions import db
from tests.factories import (
    make_run,
    make_schedule_session,
    meeting_of,
    participants_of,
    slots_of,
    tables_of,
)


@pytest.fixture
def setup(db):
    session = make_schedule_session()
    run = make_run(session)
    db.session.commit()
    return session, run, participants_of(session), slots_of(session), tables_of(session)


def refused(action) -> tuple[str, str]:
    with pytest.raises(editing.EditRefused) as info:
        action()
    return info.value.code, info.value.message


def test_add_refuses_a_participant_meeting_themselves(setup):
    session, run, p, s, t = setup
    assert refused(lambda: editing.add_meeting(run, p[0], p[0], s[3], t[0])) == (
        "self", "A participant cannot meet themselves.")


def test_add_refuses_a_pair_meeting_twice(setup):
    session, run, p, s, t = setup
    assert refused(lambda: editing.add_meeting(run, p[0], p[1], s[3], t[0])) == (
        "pair_twice", "Ann Test and Bert Test already meet in this schedule.")


def test_add_refuses_a_forbidden_pair(setup):
    session, run, p, s, t = setup
    db.session.add(ForbiddenPair(session_id=session.id, a_id=p[1].id, b_id=p[3].id))
    db.session.flush()
    assert refused(lambda: editing.add_meeting(run, p[1], p[3], s[3], t[0],
                                               add_request=True)) == (
        "forbidden", "The organisers excluded a meeting between Bert Test and Dirk Test.")


def test_add_refuses_a_pair_without_shared_language(setup):
    session, run, p, s, t = setup
    p[1].languages, p[3].languages = ["nl"], ["fr"]
    db.session.flush()
    assert refused(lambda: editing.add_meeting(run, p[1], p[3], s[3], t[0],
                                               add_request=True)) == (
        "language", "Bert Test and Dirk Test share no language.")


def test_add_refuses_a_pair_without_request_unless_asked_to_add_one(setup):
    session, run, p, s, t = setup
    assert refused(lambda: editing.add_meeting(run, p[1], p[3], s[3], t[0])) == (
        "not_requested", "Bert Test and Dirk Test have no request or suggestion to meet.")

    meeting = editing.add_meeting(run, p[1], p[3], s[3], t[0], add_request=True)

    request = db.session.scalar(db.select(MeetingRequest).where(
        MeetingRequest.from_id == p[1].id, MeetingRequest.to_id == p[3].id))
    assert (request.priority, request.status, request.by_organiser) == (
        3, RequestStatus.ACCEPTED, True)
    assert (meeting.slot_id, meeting.table_id) == (s[3].id, t[0].id)


def test_move_refuses_an_unavailable_participant(setup):
    session, run, p, s, t = setup
    services.set_unavailable(p[3], [s[2]])
    meeting = meeting_of(run, p[2], p[3])
    assert refused(lambda: editing.move_meeting(meeting, s[2], t[1])) == (
        "unavailable", "Dirk Test is not available in this slot.")


def test_move_refuses_an_absent_participant(setup):
    session, run, p, s, t = setup
    p[3].absent = True
    meeting = meeting_of(run, p[2], p[3])
    assert refused(lambda: editing.move_meeting(meeting, s[2], t[1]))[0] == "unavailable"


def test_move_refuses_a_participant_busy_in_the_slot(setup):
    session, run, p, s, t = setup
    meeting = meeting_of(run, p[2], p[3])
    assert refused(lambda: editing.move_meeting(meeting, s[1], t[1])) == (
        "busy", "Chloe Test already has a meeting in this slot.")


def test_move_refuses_a_table_taken_in_the_slot(db):
    session = make_schedule_session()
    run = make_run(session, meetings=((0, 1, 0, 0), (2, 3, 1, 0)))
    p, s, t = participants_of(session), slots_of(session), tables_of(session)
    meeting = meeting_of(run, p[0], p[1])
    assert refused(lambda: editing.move_meeting(meeting, s[1], t[0])) == (
        "table_busy", "Table 1 already hosts a meeting in this slot.")


def test_add_refuses_more_than_max_meetings(setup):
    session, run, p, s, t = setup
    p[1].max_meetings = 1
    db.session.flush()
    assert refused(lambda: editing.add_meeting(run, p[1], p[2], s[3], t[0],
                                               add_request=True)) == (
        "max_meetings", "Bert Test already has the maximum number of meetings (1).")


def test_move_refuses_a_table_other_than_the_fixed_stand(setup):
    session, run, p, s, t = setup
    services.assign_stand(p[0], t[1])
    meeting = meeting_of(run, p[0], p[1])
    assert refused(lambda: editing.move_meeting(meeting, s[2], t[0])) == (
        "fixed_stand", "Ann Test meets only at their own stand (Table 2).")


def test_move_refuses_someone_else_s_stand(setup):
    session, run, p, s, t = setup
    services.assign_stand(p[3], t[1])
    meeting = meeting_of(run, p[0], p[1])
    assert refused(lambda: editing.move_meeting(meeting, s[2], t[1])) == (
        "stand_taken", "Table 2 is the fixed stand of Dirk Test.")


def test_locked_meeting_cannot_move_or_be_removed_until_unlocked(setup):
    session, run, p, s, t = setup
    meeting = editing.set_locked(meeting_of(run, p[0], p[1]), True)
    assert refused(lambda: editing.move_meeting(meeting, s[3], t[0])) == (
        "locked", "This meeting is locked: unlock it first.")
    assert refused(lambda: editing.remove_meeting(meeting))[0] == "locked"

    editing.set_locked(meeting, False)
    editing.move_meeting(meeting, s[3], t[0])
    assert (meeting.slot_id, meeting.table_id) == (s[3].id, t[0].id)


def test_swap_exchanges_slots_and_tables(setup):
    session, run, p, s, t = setup
    first, second = meeting_of(run, p[0], p[1]), meeting_of(run, p[2], p[3])
    editing.swap_meetings(first, second)
    assert (first.slot_id, first.table_id) == (s[0].id, t[1].id)
    assert (second.slot_id, second.table_id) == (s[0].id, t[0].id)


def test_remove_takes_the_meeting_out(setup):
    session, run, p, s, t = setup
    editing.remove_meeting(meeting_of(run, p[0], p[1]))
    assert meeting_of(run, p[0], p[1]) is None


def test_grid_move_view_flashes_the_refusal(setup, logged_in):
    session, run, p, s, t = setup
    meeting = meeting_of(run, p[2], p[3])
    response = logged_in.post(
        f"/b2b/runs/{run.id}/meetings/{meeting.id}/move",
        data={"slot_id": s[1].id, "table_id": t[1].id},
        headers={"Accept-Language": "en"}, follow_redirects=True)
    assert response.status_code == 200
    assert "Chloe Test already has a meeting in this slot." in response.get_data(as_text=True)
    db.session.expire_all()
    assert meeting_of(run, p[2], p[3]).slot_id == s[0].id


def test_grid_move_view_moves_and_updates_stats(setup, logged_in):
    session, run, p, s, t = setup
    meeting = meeting_of(run, p[2], p[3])
    response = logged_in.post(
        f"/b2b/runs/{run.id}/meetings/{meeting.id}/move",
        data={"slot_id": s[3].id, "table_id": t[1].id}, headers={"Accept-Language": "en"})
    assert response.status_code == 302
    db.session.expire_all()
    moved = meeting_of(run, p[2], p[3])
    assert (moved.slot_id, moved.table_id) == (s[3].id, t[1].id)
    assert run.stats["meetings"] == 3 and run.stats["edited"] is True


def test_grid_move_view_rejects_a_non_number(setup, logged_in):
    session, run, p, s, t = setup
    meeting = meeting_of(run, p[2], p[3])
    response = logged_in.post(f"/b2b/runs/{run.id}/meetings/{meeting.id}/move",
                              data={"slot_id": "x", "table_id": t[1].id})
    assert response.status_code == 400
