"""The audit log: organiser actions on personal data are recorded; only administrators read it."""

from datetime import timedelta

from sqlalchemy import select

from app.audit.models import AuditEntry
from app.audit.services import record
from app.auth.services import create_user
from app.db import utc_now
from tests.factories import make_event, make_person, make_registration
from tests.members.test_csv_import import GOOD


def _actions(db) -> list[tuple[str, str]]:
    db.session.expire_all()
    return [(e.action, e.target) for e in db.session.scalars(
        select(AuditEntry).order_by(AuditEntry.id))]


def test_exports_imports_and_person_edits_are_logged(logged_in, db, vocabulary):
    event = make_event()
    person = make_person()
    make_registration(event, person)
    db.session.commit()
    assert logged_in.get("/admin/export.csv").status_code == 200
    assert logged_in.get(f"/admin/events/{event.id}/registrations.csv").status_code == 200
    response = logged_in.post(f"/admin/people/{person.id}/edit", data={
        "first_name": "Ann", "last_name": "Other", "email": person.email, "language": "en",
        "organisation_id": "0"})
    assert response.status_code == 302
    assert logged_in.post("/admin/import/confirm", data={"content": GOOD}).status_code == 302
    assert _actions(db) == [
        ("members.export", "contacts"),
        ("registrations.export", f"events:{event.id}"),
        ("person.edit", f"people:{person.id}"),
        ("members.import", "contacts"),
    ]
    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry.detail == "organisations=2 people=3"
    assert entry.actor_label == "orga@cluster.example" and entry.actor_id is not None


def test_audit_page_lists_filters_and_paginates_for_administrators(logged_in, db, organiser):
    for _ in range(55):
        record(organiser, "members.export", "contacts")
    old = record(organiser, "person.erase", "people:7")
    old.created_at = utc_now() - timedelta(days=40)
    db.session.commit()
    page = logged_in.get("/admin/privacy/audit", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    assert "56 entries" in page.text and "page=2" in page.text
    second = logged_in.get("/admin/privacy/audit?page=2")
    assert second.status_code == 200 and "people:7" in second.text
    erasures = logged_in.get("/admin/privacy/audit?action=person.erase",
                             headers={"Accept-Language": "en"})
    assert "1 entry" in erasures.text and "people:7" in erasures.text
    since = (utc_now() - timedelta(days=10)).date().isoformat()
    recent = logged_in.get(f"/admin/privacy/audit?since={since}",
                           headers={"Accept-Language": "en"})
    assert "55 entries" in recent.text
    until = (utc_now() - timedelta(days=30)).date().isoformat()
    older = logged_in.get(f"/admin/privacy/audit?until={until}",
                          headers={"Accept-Language": "en"})
    assert "1 entry" in older.text


def test_bad_filters_are_a_form_error_not_a_500(logged_in, db):
    for query in ("since=2026-13-45", "action=nope", "page=-3", "page=99999999999999999999",
                  "until=abc"):
        response = logged_in.get(f"/admin/privacy/audit?{query}")
        assert response.status_code == 400, query


def test_audit_page_refuses_organisers_who_are_not_administrators(client, db):
    create_user("staff@cluster.example", "correct-horse", name="Staff", is_admin=False)
    db.session.commit()
    assert client.get("/admin/privacy/audit").status_code == 302  # anonymous: to the login
    client.post("/auth/login", data={"email": "staff@cluster.example",
                                     "password": "correct-horse"})
    assert client.get("/admin/privacy/audit").status_code == 403
