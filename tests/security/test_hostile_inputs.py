"""One regression test per cause of a 500 found by fuzzing (issue 13, item 5)."""

import io
import json

from sqlalchemy import func, select

from app.b2b.models import B2BSession
from app.b2b.queries import make_participant_token
from app.events.models import Registration
from app.members.models import Organisation, Person, ProfileItem, Sector
from tests.factories import (
    make_event,
    make_organisation,
    make_schedule_session,
    make_session,
    participants_of,
)

NUL = "\x00"
#: Beyond PostgreSQL's integer (and bigint) columns.
HUGE = "99999999999999999999"


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_nul_byte_in_public_registration_is_stripped(client, db):
    event_id = make_event().id
    db.session.commit()

    response = client.post(f"/events/{event_id}", data={
        "first_name": f"A{NUL}nn", "last_name": "Peeters\x1b", "email": "ann@example.org",
        "organisation": "", "language": "fr", "consent": "y"})

    assert response.status_code == 302
    registration = db.session.scalars(select(Registration)).one()
    assert (registration.person.first_name, registration.person.last_name) == ("Ann", "Peeters")


def test_nul_byte_in_search_query_is_ignored(logged_in, db):
    make_organisation("Bois Vif SRL")
    db.session.commit()

    response = logged_in.get(f"/admin/organisations?q=bois{NUL}")

    assert response.status_code == 200
    assert b"Bois Vif SRL" in response.data


def test_path_int_beyond_database_range_is_not_found(client, logged_in, db):
    for url in (f"/events/{HUGE}", "/events/2147483648", f"/admin/organisations/{HUGE}",
                f"/admin/events/{HUGE}/registrations", f"/b2b/runs/{HUGE}"):
        assert logged_in.get(url).status_code == 404, url


def test_huge_sector_in_query_is_ignored(logged_in, db):
    make_event(title_en="Textile seminar")
    make_organisation("Bois Vif SRL")
    db.session.commit()

    public = logged_in.get(f"/events/?sector={HUGE}")
    organisations = logged_in.get(f"/admin/organisations?sector={HUGE}")

    assert public.status_code == 200 and b"Textile seminar" in public.data
    assert organisations.status_code == 200 and b"Bois Vif SRL" in organisations.data


def test_kind_and_status_outside_the_list_are_ignored(logged_in, db):
    make_organisation("Bois Vif SRL")
    db.session.commit()

    response = logged_in.get("/admin/organisations?kind=pirate&status=zzz")

    assert response.status_code == 200
    assert b"Bois Vif SRL" in response.data


def test_duplicate_offer_title_is_a_form_error(logged_in, db):
    org = make_organisation("Bois Vif SRL")
    db.session.commit()
    data = {"kind": "offer", "title": "Chutes de bois", "description": ""}
    assert logged_in.post(f"/admin/organisations/{org.id}/items", data=data).status_code == 302

    response = logged_in.post(f"/admin/organisations/{org.id}/items", data=data)

    assert response.status_code == 400
    assert b"This organisation already has an offer or need with this title." in response.data
    assert _count(db, ProfileItem) == 1


def test_b2b_deadline_in_year_one_is_a_form_error(logged_in, db):
    session = make_session()
    db.session.commit()

    response = logged_in.post(f"/admin/b2b/{session.id}/settings", data={
        "event_id": session.event_id, "title": "Speed meetings", "status": "draft",
        "min_meetings": "0", "profile_deadline_at": "0001-01-01T00:30"})

    assert response.status_code == 200
    assert b"Give a date between" in response.data
    assert db.session.get(B2BSession, session.id).profile_deadline_at is None


def _upload_problem(client, session_id: int, body: bytes):
    return client.post(f"/admin/b2b/{session_id}/import",
                       data={"file": (io.BytesIO(body), "problem.json")},
                       content_type="multipart/form-data")


def test_deeply_nested_problem_json_is_refused(logged_in, db):
    session = make_session()
    db.session.commit()

    response = _upload_problem(logged_in, session.id, b"[" * 100_000 + b"]" * 100_000)

    assert response.status_code == 400
    assert b"nested" in response.data


def test_huge_min_meetings_in_problem_json_is_refused(logged_in, db):
    session = make_session()
    db.session.commit()
    exported = json.loads(logged_in.get(f"/admin/b2b/{session.id}/problem.json").data)
    exported.setdefault("options", {})["min_meetings"] = 10**20

    response = _upload_problem(logged_in, session.id, json.dumps(exported).encode())

    assert response.status_code == 400
    assert db.session.get(B2BSession, session.id).min_meetings == 0


def test_huge_sector_position_is_a_form_error(logged_in, db):
    response = logged_in.post("/admin/sectors/new", data={
        "code": "wood", "label_fr": "Bois", "label_nl": "Hout", "label_en": "Wood",
        "position": HUGE})

    assert response.status_code == 200
    assert _count(db, Sector) == 0


def test_a_number_of_a_thousand_digits_is_a_form_error(logged_in, db):
    # WTForms' NumberRange makes a float of it: beyond a float's range that overflowed (a 500).
    response = logged_in.post("/admin/sectors/new", data={
        "code": "wood", "label_fr": "Bois", "label_nl": "Hout", "label_en": "Wood",
        "position": "9" * 1000})

    assert response.status_code == 200
    assert _count(db, Sector) == 0


def test_audit_filter_on_the_last_day_of_year_9999_is_a_form_error(logged_in, db):
    # The filter's end is the next day at midnight: 9999-12-31 + 1 day overflowed (a 500).
    response = logged_in.get("/admin/privacy/audit?until=9999-12-31")

    assert response.status_code == 400


CSV_HEADER = "organisation,email,first_name,last_name,job_title,commune\n"


def _preview(client, text: str):
    return client.post("/admin/import", data={"file": (io.BytesIO(text.encode()), "people.csv")},
                       content_type="multipart/form-data")


def test_csv_with_over_long_field_is_refused_at_preview(logged_in, db):
    text = CSV_HEADER + f"Bois Vif,ann@example.org,Ann,Peeters,{'x' * 500},{'y' * 500}\n"

    preview = _preview(logged_in, text)
    confirm = logged_in.post("/admin/import/confirm", data={"content": text})

    assert preview.status_code == 200 and b"longer than 120 characters" in preview.data
    assert confirm.status_code in (200, 302, 400)
    assert _count(db, Person) == 0 and _count(db, Organisation) == 0


def test_csv_nul_bytes_are_stripped(logged_in, db):
    text = CSV_HEADER + f"Bois{NUL} Vif,ann@example.org,A{NUL}nn,Peeters,Boss,Ixelles\n"

    assert _preview(logged_in, text).status_code == 200
    confirm = logged_in.post("/admin/import/confirm", data={"content": text})

    assert confirm.status_code == 302
    person = db.session.scalars(select(Person)).one()
    assert (person.first_name, person.organisation.name) == ("Ann", "Bois Vif")


def test_slot_on_year_one_is_a_form_error(logged_in, db):
    session = make_session(slots=0)
    db.session.commit()

    response = logged_in.post(f"/admin/b2b/{session.id}/slots/add", data={
        "slot-day": "0001-01-01", "slot-start": "00:00", "slot-end": "00:20"})

    assert response.status_code == 302
    assert db.session.get(B2BSession, session.id).slots == []


def test_a_value_ticked_twice_counts_once(client, db):
    session = make_schedule_session()
    ann = participants_of(session)[0]
    slot = session.slots[0]
    db.session.commit()
    url = f"/b2b/{session.id}/me/{make_participant_token(ann)}/profile"

    response = client.post(url, data={"unavailable": [str(slot.id), str(slot.id)],
                                      "languages": ["fr", "fr"], "description": "Wood"})

    assert response.status_code in (200, 302)
    db.session.expire_all()
    assert [s.id for s in participants_of(session)[0].unavailable] == [slot.id]


def test_a_break_with_its_start_only_is_a_form_error(logged_in, db):
    # A blank end stopped its field's own check (Optional): the plan met a None (a 500).
    session = make_session(slots=0)
    db.session.commit()

    response = logged_in.post(f"/admin/b2b/{session.id}/slots", data={
        "plan-first_day": "2027-05-20", "plan-start": "10:00", "plan-end": "13:00",
        "plan-slot_minutes": "20", "plan-break_start": "11:00", "plan-break_end": " "})

    assert response.status_code in (200, 400)
    assert "Give both ends of the break, or neither." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(B2BSession, session.id).slots == []
