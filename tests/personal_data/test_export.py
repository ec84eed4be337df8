"""A person's data export: JSON and CSV hold their registrations and B2B data, nobody else's."""

import csv
import io
import json

from sqlalchemy import select

from app.audit.models import AuditEntry
from app.events.queries import make_manage_token
from app.personal_data import export
from tests.personal_data import scenario

OTHERS = ("bob.other@example.org", "Robert", "Quinoa", "Bob Trading", "vegan Bobby",
          "Bob's spare pallets", "About Robert", "Manage: /events/manage/bob")


def _assert_only_ann(text: str) -> None:
    for value in OTHERS:
        assert value not in text, value


def test_json_export_holds_the_persons_registrations_and_b2b_data(db):
    s = scenario.build()
    data = export.collect("  Ann.Secret@Example.org ")
    assert data["person"]["last_name"] == "Zorglub"
    assert data["person"]["phone"] == "+32 470 11 22 33"
    [registration] = data["registrations"]
    assert registration["answers"] == {"Dietary needs": "no gluten, Annie"}
    assert registration["attended_at"] is not None
    [b2b] = data["b2b"]
    assert b2b["code"] == s.ann_participant.code
    assert b2b["offers_and_needs"][0]["title"] == "Ann's reclaimed oak"
    assert b2b["requests"][0]["message"] == "Dear colleague, let us talk oak"
    assert b2b["requests"][0]["other"] == s.bob_participant.code
    assert b2b["meetings"] == [{"other": s.bob_participant.code, "slot_id": b2b["meetings"][0][
        "slot_id"], "table_id": b2b["meetings"][0]["table_id"]}]
    assert b2b["feedback"][0]["comment"] == "Annabelle liked it"
    assert [m["subject"] for m in data["mails"]] == ["Your link, Annabelle"]
    _assert_only_ann(export.to_json(data))


def test_csv_export_holds_the_same_fields_and_nobody_else(db):
    scenario.build()
    text = export.to_csv(export.collect("ann.secret@example.org"))
    rows = dict(csv.reader(io.StringIO(text)))
    assert rows["person.email"] == "ann.secret@example.org"
    assert rows["registrations[1].answers.Dietary needs"] == "no gluten, Annie"
    assert rows["b2b[1].offers_and_needs[1].title"] == "Ann's reclaimed oak"
    _assert_only_ann(text)


def test_export_of_an_unknown_address_holds_nothing(db):
    scenario.build()
    data = export.collect("nobody@example.org")
    assert data["person"] is None and data["registrations"] == [] and data["mails"] == []


def test_organiser_downloads_json_and_csv_and_each_is_logged(logged_in, db):
    s = scenario.build()
    response = logged_in.get(f"/admin/privacy/people/{s.ann.id}/export.json")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["person"]["first_name"] == "Annabelle"
    _assert_only_ann(response.get_data(as_text=True))
    response = logged_in.get(f"/admin/privacy/people/{s.ann.id}/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(e.action, e.target, e.detail) for e in entries] == [
        ("person.export", f"people:{s.ann.id}", "json"),
        ("person.export", f"people:{s.ann.id}", "csv")]
    assert entries[0].actor_label == "orga@cluster.example"
    assert logged_in.get(f"/admin/privacy/people/{s.ann.id}/export.xml").status_code == 404


def test_person_downloads_their_data_from_their_link(client, db):
    s = scenario.build()
    token = make_manage_token(s.registration)
    page = client.get(f"/events/manage/{token}").get_data(as_text=True)
    assert f"/privacy/data/{token}/export.json" in page
    response = client.get(f"/privacy/data/{token}/export.json")
    assert response.status_code == 200
    assert json.loads(response.get_data(as_text=True))["email"] == "ann.secret@example.org"
    _assert_only_ann(response.get_data(as_text=True))
    entry = db.session.scalar(select(AuditEntry))
    assert (entry.actor_label, entry.action) == ("person", "person.self_export")


def test_a_forged_link_exports_nothing(client, db):
    scenario.build()
    response = client.get("/privacy/data/not-a-token/export.json")
    assert response.status_code == 400  # the one refused-link page
    assert "ann.secret" not in response.get_data(as_text=True)
