import io
import json
from datetime import UTC, datetime

import pytest

from app.b2b import meeting_requests, problem, services
from app.b2b.models import RequestStatus
from app.b2b.queries import get_requests
from matchmaking import Problem, ProblemError
from tests.factories import make_participant, make_session


@pytest.fixture
def session(db, vocabulary):
    session = make_session(slots=4, tables=2, max_meetings_default=3, min_meetings=1)
    ann = make_participant(session, "ann@a.example", needs=[("Wood", "reclaimed-wood")],
                           sectors=["wood"], languages=["fr", "en"])
    bob = make_participant(session, "bob@b.example", offers=[("Offcuts", "reclaimed-wood")],
                           sectors=["wood"], languages=["nl", "en"])
    cat = make_participant(session, "cat@b.example", organisation="Org bob@b.example",
                           offers=[("Pallets", "pallets")], needs=[("Oak", "reclaimed-wood")])
    dan = make_participant(session, "dan@d.example", offers=[("Planks", "reclaimed-wood")])
    meeting_requests.request_meeting(ann, dan, 3)
    meeting_requests.forbid_pair(ann, cat)
    services.update_participant_settings(bob, max_meetings=2, table=session.tables[0])
    services.set_unavailable(dan, [session.slots[0]])
    db.session.commit()
    return session


def test_build_problem_dict_exports_session(session):
    data = problem.build_problem_dict(session)

    assert data["format"] == "b2b-problem/1" and data["timezone"] == "Europe/Brussels"
    assert data["slots"][0] == {"id": "S01", "start": "2032-05-20T14:00",
                                "end": "2032-05-20T14:20"}
    assert data["tables"] == [{"id": "T01", "name": "Table 1"}, {"id": "T02", "name": "Table 2"}]
    assert [(p["id"], p.get("max_meetings"), p.get("table"), p["unavailable"])
            for p in data["participants"]] == [
        ("P001", 3, None, []), ("P002", 2, "T01", []), ("P003", 3, None, []),
        ("P004", 3, None, ["S01"])]
    assert data["participants"][0]["languages"] == ["en", "fr"]
    assert data["requests"] == [{"from": "P001", "to": "P004", "priority": 3}]
    # Forbidden by hand (P001-P003) and by organisation (P002 and P003 work together).
    assert data["forbidden"] == [{"a": "P001", "b": "P003"}, {"a": "P002", "b": "P003"}]
    pairs = {frozenset((s["a"], s["b"])) for s in data["suggestions"]}
    assert frozenset(("P001", "P002")) in pairs
    assert not pairs & {frozenset(("P001", "P004")), frozenset(("P001", "P003")),
                        frozenset(("P002", "P003"))}
    assert data["options"] == {"min_meetings": 1} and data["locked"] == []


def test_build_problem_is_valid_for_matchmaking(session):
    result = problem.build_problem(session)

    assert isinstance(result, Problem)
    assert len(result.participants) == 4 and result.options.min_meetings == 1


def test_absent_and_late_participants_unavailable(db, session):
    ann, bob = session.participants[0], session.participants[1]
    ann.absent = True
    bob.arrives_at = datetime(2032, 5, 20, 12, 30, tzinfo=UTC)  # 14:30 in Brussels
    db.session.commit()

    rows = {p["id"]: p["unavailable"] for p in problem.build_problem_dict(session)["participants"]}

    assert rows["P001"] == ["S01", "S02", "S03", "S04"]
    assert rows["P002"] == ["S01", "S02"]


def test_from_slot_marks_past_slots_unavailable(session):
    rows = problem.build_problem_dict(session, from_slot="S03")["participants"]

    assert [p["unavailable"] for p in rows] == [["S01", "S02"]] * 4


def test_acceptance_required_sends_only_accepted(db, session):
    services.update_session(session, requires_acceptance=True)
    assert problem.build_problem_dict(session)["requests"] == []

    meeting_requests.add_pair(session.participants[1], session.participants[3])

    assert problem.build_problem_dict(session)["requests"] == [
        {"from": "P002", "to": "P004", "priority": 3}]


def test_export_import_export_is_equal(db, session):
    first = problem.build_problem_dict(session)

    report = problem.import_problem_dict(session, json.loads(json.dumps(first)))
    db.session.commit()

    assert problem.build_problem_dict(session) == first
    assert (report.participants, report.requests_created, report.requests_withdrawn,
            report.forbidden_added, report.forbidden_removed) == (4, 0, 0, 0, 0)


def test_import_updates_session(db, session):
    data = problem.build_problem_dict(session)
    data["participants"][0]["unavailable"] = ["S02", "S04"]
    data["participants"][0]["max_meetings"] = 5
    data["participants"][0]["languages"] = ["de"]
    data["participants"][3]["table"] = "T02"
    data["requests"] = [{"from": "P004", "to": "P002", "priority": 2}]
    data["forbidden"] = [{"a": "P001", "b": "P002"}]
    data["tables"].append({"id": "T03", "name": "Room Bruegel"})
    data["options"] = {"min_meetings": 2}

    report = problem.import_problem_dict(session, data)
    db.session.commit()

    ann, bob, cat, dan = session.participants
    assert [s.code for s in ann.unavailable] == ["S02", "S04"]
    assert (ann.max_meetings, ann.languages, dan.table.code) == (5, ["de"], "T02")
    assert [t.name for t in session.tables] == ["Table 1", "Table 2", "Room Bruegel"]
    requests = {(r.requester.code, r.recipient.code): (r.priority, r.status, r.by_organiser)
                for r in get_requests(session)}
    assert requests == {("P001", "P004"): (3, RequestStatus.WITHDRAWN, False),
                        ("P004", "P002"): (2, RequestStatus.ACCEPTED, True)}
    assert session.min_meetings == 2
    assert (report.tables_created, report.forbidden_added, report.forbidden_removed) == (1, 1, 1)
    again = problem.build_problem_dict(session)
    assert again["forbidden"] == [{"a": "P001", "b": "P002"}, {"a": "P002", "b": "P003"}]
    data.pop("suggestions")
    again.pop("suggestions")
    data["forbidden"] = again["forbidden"]
    assert again == data


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["requests"].append({"from": "P001", "to": "P999", "priority": 1}),
     "problem: requests[1].to: unknown participant 'P999'"),
    (lambda d: d["participants"].append({"id": "P999"}),
     "problem: participants[4].id: unknown participant 'P999'"),
    (lambda d: d["slots"].append({"id": "S99", "start": "2032-05-20T18:00",
                                  "end": "2032-05-20T18:20"}),
     "problem: slots[4].id: unknown slot 'S99' (add it in the session first)"),
    (lambda d: d["requests"].__setitem__(0, {"from": "P001", "to": "P004", "priority": 5}),
     "problem: requests[0].priority: must be 1, 2 or 3, got 5"),
    (lambda d: d.__setitem__("format", "b2b-problem/9"),
     "problem: format: expected 'b2b-problem/1', got 'b2b-problem/9'"),
])
def test_import_errors_name_the_field(db, session, change, message):
    data = problem.build_problem_dict(session)
    change(data)

    with pytest.raises(ProblemError) as error:
        problem.import_problem_dict(session, data)

    assert str(error.value) == message


def test_import_refuses_mixed_stand(db, session):
    data = problem.build_problem_dict(session)
    data["participants"][0]["table"] = "T01"  # bob's stand, another organisation

    with pytest.raises(ProblemError) as error:
        problem.import_problem_dict(session, data)

    assert str(error.value).startswith("problem: participants[0].table: ")
    assert "T01" not in [p.table.code for p in session.participants[:1] if p.table]


def test_import_page_reports_error_line(logged_in, db, session):
    data = problem.build_problem_dict(session)
    data["requests"][0]["to"] = "P999"

    response = logged_in.post(f"/admin/b2b/{session.id}/import", data={
        "file": (io.BytesIO(json.dumps(data).encode()), "problem.json")},
        content_type="multipart/form-data")

    assert response.status_code == 400
    assert ("problem: requests[0].to: unknown participant &#39;P999&#39;"
            in response.get_data(as_text=True))


def test_import_page_refuses_non_json(logged_in, session):
    response = logged_in.post(f"/admin/b2b/{session.id}/import", data={
        "file": (io.BytesIO(b"\xff not json"), "problem.json")},
        content_type="multipart/form-data")

    assert response.status_code == 400
    assert "problem: not valid JSON" in response.get_data(as_text=True)


def test_export_page_downloads_json(logged_in, session):
    response = logged_in.get(f"/admin/b2b/{session.id}/problem.json")

    assert response.status_code == 200
    assert response.json == problem.build_problem_dict(session)
    assert "attachment" in response.headers["Content-Disposition"]
