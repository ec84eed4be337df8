"""One session per event, and the organisers' pair selector."""

import pytest

from app.b2b import services
from app.b2b.models import B2BSession
from tests.factories import make_b2b_event, make_participant, make_session
from tests.pages import get_en


def test_second_session_for_an_event_is_refused(db):
    event = make_b2b_event()
    services.create_session(event)

    with pytest.raises(services.B2BError) as error:
        services.create_session(event)

    assert error.value.code == "one_per_event"


def test_new_session_form_says_why_a_second_session_is_refused(logged_in, db):
    session = make_session()
    db.session.commit()

    response = logged_in.post("/admin/b2b/new", data={
        "event_id": session.event_id, "title": "Second", "status": "open", "min_meetings": 0},
        headers={"Accept-Language": "en"})

    assert response.status_code == 200
    assert "already has a B2B session" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(B2BSession.id))) == 1


def test_pair_selector_names_a_participant_without_organisation_alone(logged_in, db):
    session = make_session()
    loner = make_participant(session, "lou@example.org", first_name="Lou")
    loner.organisation_label = ""
    make_participant(session, "max@firm.example", organisation="Firm", first_name="Max")
    db.session.commit()

    page = get_en(logged_in, f"/admin/b2b/{session.id}").get_data(as_text=True)

    assert f"{loner.code} · {loner.person.full_name}</option>" in page
    assert "()" not in page
    assert "(Firm)</option>" in page
