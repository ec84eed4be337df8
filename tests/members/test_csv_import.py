"""CSV import: preview, row errors naming line and column, all or nothing; export."""

import io

from sqlalchemy import func, select

from app.members import csv_io
from app.members.models import Organisation, Person

HEADER = (
    "organisation;organisation_kind;status;partner_type;is_company;sectors;commune;address;"
    "website;first_name;last_name;email;phone;language;consent;job_title\n"
)
GOOD = HEADER + (
    "Atelier Chêne SRL;member;active;;yes;wood;Anderlecht;Rue A 1;;Léa;Dubois;lea@chene.example;"
    ";fr;yes;CEO\n"
    "Atelier Chêne SRL;member;active;;yes;wood;Anderlecht;Rue A 1;;Jan;Peeters;jan@chene.example;"
    ";nl;no;\n"
    "Hogeschool X;partner;;academic;no;;Brussel;;;Ine;Maes;ine@hx.example;;nl;yes;\n"
)


def _count(db, model):
    return db.session.scalar(select(func.count(model.id)))


def test_good_file_imports_organisations_and_people(db, vocabulary):
    plan = csv_io.plan_import(GOOD)
    assert plan.errors == []
    assert plan.new_people == 3
    assert plan.new_organisations == {"atelier chêne srl", "hogeschool x"}
    assert csv_io.apply_import(plan) == (2, 3)
    db.session.commit()
    org = db.session.scalar(select(Organisation).where(Organisation.name == "Atelier Chêne SRL"))
    assert [p.email for p in org.people] == ["lea@chene.example", "jan@chene.example"] or sorted(
        p.email for p in org.people
    ) == ["jan@chene.example", "lea@chene.example"]
    assert [s.code for s in org.sectors] == ["wood"]


def test_bad_rows_name_line_and_column_and_import_nothing(db, vocabulary):
    text = GOOD + (
        "Broken BV;member;sleeping;;yes;metal;;;;A;B;not-an-email;;de;maybe;\n"
        "Dup BV;member;active;;yes;;;;;C;D;lea@chene.example;;fr;yes;\n"
    )
    plan = csv_io.plan_import(text)
    found = {(e.line, e.column) for e in plan.errors}
    assert {
        (5, "status"),
        (5, "sectors"),
        (5, "email"),
        (5, "language"),
        (5, "consent"),
        (6, "email"),
    } <= found
    assert not plan.ok
    assert _count(db, Organisation) == 0
    assert _count(db, Person) == 0


def test_wrong_encoding_gives_clear_message():
    raw = GOOD.encode("cp1252")
    try:
        csv_io.decode(raw)
    except ValueError as exc:
        assert "UTF-8" in str(exc)
        assert "line 2" in str(exc)
    else:
        raise AssertionError("cp1252 bytes were accepted as UTF-8")


def test_empty_file_is_an_error(db):
    plan = csv_io.plan_import("")
    assert [(e.line, e.message) for e in plan.errors] == [(1, "The file is empty.")]


def test_header_only_file_is_an_error(db):
    plan = csv_io.plan_import(HEADER)
    assert plan.errors[0].message == "The file has a header but no rows."


def test_export_round_trips_through_import(db, vocabulary):
    csv_io.apply_import(csv_io.plan_import(GOOD))
    db.session.commit()
    exported = csv_io.export_csv()
    lines = exported.splitlines()
    assert lines[0] == ",".join(csv_io.COLUMNS)
    assert len(lines) == 4
    plan = csv_io.plan_import(exported)
    assert plan.errors == []
    assert plan.new_people == 0 and plan.updated_people == 3


def test_export_neutralises_formulas_and_import_restores_them(db, vocabulary):
    hostile = HEADER + (
        "=HYPERLINK(A1);member;active;;yes;wood;Anderlecht;;;"
        "@Ann;-Peeters;ann@evil.example;+32 2 123 45 67;fr;yes;\n"
    )
    csv_io.apply_import(csv_io.plan_import(hostile))
    db.session.commit()

    exported = csv_io.export_csv()

    row = exported.splitlines()[1]
    assert row.startswith("'=HYPERLINK(A1),member,")
    assert ",'@Ann,'-Peeters,ann@evil.example,'+32 2 123 45 67," in row
    csv_io.apply_import(csv_io.plan_import(exported))
    person = db.session.scalar(select(Person).where(Person.email == "ann@evil.example"))
    assert (person.first_name, person.last_name, person.phone) == ("@Ann", "-Peeters",
                                                                   "+32 2 123 45 67")
    assert person.organisation.name == "=HYPERLINK(A1)"


def test_upload_preview_and_confirm_in_the_back_office(logged_in, db, vocabulary):
    upload = logged_in.post(
        "/admin/import",
        data={"file": (io.BytesIO(GOOD.encode()), "c.csv")},
        content_type="multipart/form-data",
        headers={"Accept-Language": "en"},
    )
    assert upload.status_code == 200
    assert "3 rows: 2 new organisations, 3 new people, 0 people updated." in upload.text
    assert _count(db, Person) == 0
    confirm = logged_in.post("/admin/import/confirm", data={"content": GOOD})
    assert confirm.status_code == 302
    assert _count(db, Person) == 3


def test_a_file_above_half_a_megabyte_imports_once_previewed(logged_in, db, vocabulary):
    """The confirm form carries the file back: Werkzeug's 500 KB form limit must not refuse it."""
    rows = "".join(f"Org {n};member;active;;yes;wood;Anderlecht;Rue de la Réparation {n};"
                   f"https://org{n}.example;Prénom{n};Nom{n};person{n}@org{n}.example;;fr;yes;"
                   f"Responsable de l'atelier de réparation\n" for n in range(3500))
    big = HEADER + rows
    assert len(big.encode()) > 600_000

    confirm = logged_in.post("/admin/import/confirm", data={"content": big},
                             content_type="multipart/form-data")

    assert confirm.status_code == 302
    assert _count(db, Person) == 3500


def test_upload_with_errors_shows_table_and_imports_nothing(logged_in, db, vocabulary):
    bad = HEADER + "X;member;active;;yes;;;;;A;B;bad-email;;fr;yes;\n"
    page = logged_in.post(
        "/admin/import",
        data={"file": (io.BytesIO(bad.encode()), "c.csv")},
        content_type="multipart/form-data",
        headers={"Accept-Language": "en"},
    )
    assert 'id="import-errors"' in page.text
    assert "&#39;bad-email&#39; is not an email address" in page.text
    assert _count(db, Organisation) == 0
