"""Organisers' registration pages: list and filters, add by hand, approve, move, cancel,
check-in, attendance sheet, no-shows, CSV export and messages to participants."""

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy

import openpyxl
import pytest
from sqlalchemy import select

from app.db import utc_now
from app.events.models import (
    Audience,
    Event,
    Question,
    QuestionKind,
    Registration,
    RegistrationStatus,
)
from app.extensions import db as _db
from tests.factories import make_event, make_person, make_registration
from tests.mails import outbox

EN = {"Accept-Language": "en"}


def register(event: Event, first_name: str, last_name: str, *, organisation: str = "",
             language: str = "en", **values) -> Registration:
    """Register first.last@example.org, of a listed organisation when given."""
    person = make_person(f"{first_name}.{last_name}@example.org".lower(), first_name=first_name,
                         last_name=last_name, language=language,
                         organisation=organisation or None)
    return make_registration(event, person, language=language, **values)


def reload(registration: Registration) -> Registration:
    _db.session.expire_all()
    return _db.session.get(Registration, registration.id)


# List and filters -----------------------------------------------------------------------------

def test_registrations_list_filters_by_status_and_search(logged_in, db):
    event = make_event()
    register(event, "Ann", "Peeters", organisation="Bois Vif")
    register(event, "Bram", "Claes", status=RegistrationStatus.WAITLISTED)
    register(event, "Chloé", "Dubois", status=RegistrationStatus.PENDING,
             organisation="Textile Lab")
    url = f"/admin/events/{event.id}/registrations"

    everyone = logged_in.get(url, headers=EN).text
    waiting = logged_in.get(url + "?status=waitlisted", headers=EN).text
    by_org = logged_in.get(url + "?q=textile", headers=EN).text
    by_email = logged_in.get(url + "?q=ann.peeters@", headers=EN).text
    by_full_name = logged_in.get(url + "?q=Bram+Claes", headers=EN).text

    assert all(n in everyone for n in ("Ann Peeters", "Bram Claes", "Chloé Dubois"))
    assert "Bram Claes" in waiting and "Ann Peeters" not in waiting
    assert "Chloé Dubois" in by_org and "Ann Peeters" not in by_org
    assert "Ann Peeters" in by_email and "Bram Claes" not in by_email
    assert "Bram Claes" in by_full_name and "Chloé Dubois" not in by_full_name
    assert "1 confirmed, 1 waiting, 1 awaiting approval, 0 cancelled" in everyone


def test_registrations_list_ignores_unknown_status(logged_in, db):
    event = make_event()
    register(event, "Ann", "Peeters")

    page = logged_in.get(f"/admin/events/{event.id}/registrations?status=bogus", headers=EN)

    assert page.status_code == 200
    assert "Ann Peeters" in page.text


# Add by hand, approve, move, cancel -----------------------------------------------------------

def test_add_someone_by_hand_registers_and_mails_them(logged_in, db):
    event = make_event(audience=Audience.MEMBERS, capacity=10)

    response = logged_in.post(f"/admin/events/{event.id}/registrations/new", data={
        "email": "Lea.Janssens@Example.org", "first_name": "Lea", "last_name": "Janssens",
        "organisation_name": "Atelier Lea", "language": "nl"})

    registration = db.session.scalars(select(Registration)).one()
    assert response.status_code == 302
    assert response.headers["Location"] == f"/admin/events/{event.id}/registrations"
    assert registration.source == "organiser"
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.language == "nl"
    assert registration.person.email == "lea.janssens@example.org"
    assert registration.person.organisation_label == "Atelier Lea"
    assert [m.recipient for m in outbox()] == ["lea.janssens@example.org"]


def test_add_by_hand_with_bad_email_shows_error(logged_in, db):
    event = make_event()

    response = logged_in.post(f"/admin/events/{event.id}/registrations/new", headers=EN, data={
        "email": "not-an-address", "first_name": "Lea", "last_name": "Janssens",
        "language": "nl"})

    assert response.status_code == 400
    assert "Invalid email address." in response.text
    assert db.session.scalars(select(Registration)).all() == []


def test_add_by_hand_twice_keeps_one_registration(logged_in, db):
    event = make_event()
    data = {"email": "lea@example.org", "first_name": "Lea", "last_name": "Janssens",
            "language": "fr"}
    logged_in.post(f"/admin/events/{event.id}/registrations/new", data=data)

    response = logged_in.post(f"/admin/events/{event.id}/registrations/new", data=data,
                              follow_redirects=True, headers=EN)

    assert "Lea Janssens was registered already (Confirmed)." in response.text
    assert len(db.session.scalars(select(Registration)).all()) == 1


def test_approve_pending_registration(logged_in, db):
    event = make_event(requires_approval=True)
    registration = register(event, "Ann", "Peeters", status=RegistrationStatus.PENDING)

    response = logged_in.post(
        f"/admin/events/{event.id}/registrations/{registration.id}/approve", headers=EN,
        data={"next": f"/admin/events/{event.id}/registrations?status=pending"})

    assert response.status_code == 302
    assert response.headers["Location"] == f"/admin/events/{event.id}/registrations?status=pending"
    assert reload(registration).status == RegistrationStatus.CONFIRMED
    assert [m.recipient for m in outbox()] == ["ann.peeters@example.org"]


def test_approve_confirmed_registration_is_refused_with_message(logged_in, db):
    event = make_event()
    registration = register(event, "Ann", "Peeters")
    db.session.commit()  # the refusal rolls the request's session back

    response = logged_in.post(
        f"/admin/events/{event.id}/registrations/{registration.id}/approve", headers=EN,
        follow_redirects=True)

    assert response.status_code == 200
    assert "This registration is not awaiting approval any more." in response.text
    assert reload(registration).status == RegistrationStatus.CONFIRMED


def test_move_to_waiting_list_and_back(logged_in, db):
    event = make_event()
    registration = register(event, "Ann", "Peeters")
    url = f"/admin/events/{event.id}/registrations/{registration.id}/move"

    logged_in.post(url, data={"status": "waitlisted"})
    assert reload(registration).status == RegistrationStatus.WAITLISTED

    logged_in.post(url, data={"status": "confirmed"})
    assert reload(registration).status == RegistrationStatus.CONFIRMED
    assert len(outbox()) == 2


def test_move_to_unknown_status_is_400(logged_in, db):
    event = make_event()
    registration = register(event, "Ann", "Peeters")

    response = logged_in.post(f"/admin/events/{event.id}/registrations/{registration.id}/move",
                              data={"status": "cancelled"})

    assert response.status_code == 400
    assert reload(registration).status == RegistrationStatus.CONFIRMED


def test_cancel_registration_by_organiser_promotes_waiting_list(logged_in, db):
    event = make_event(capacity=1, confirm_by_link=False)
    first = register(event, "Ann", "Peeters")
    second = register(event, "Bram", "Claes", status=RegistrationStatus.WAITLISTED)

    logged_in.post(f"/admin/events/{event.id}/registrations/{first.id}/cancel")

    assert reload(first).status == RegistrationStatus.CANCELLED
    assert reload(second).status == RegistrationStatus.CONFIRMED


def test_registration_of_another_event_is_404(logged_in, db):
    event, other = make_event(), make_event()
    registration = register(other, "Ann", "Peeters", status=RegistrationStatus.PENDING)

    for action in ("approve", "cancel", "check-in", "undo-check-in"):
        response = logged_in.post(
            f"/admin/events/{event.id}/registrations/{registration.id}/{action}")
        assert response.status_code == 404, action
    assert reload(registration).status == RegistrationStatus.PENDING


def test_raising_capacity_promotes_waiting_list(logged_in, db):
    event = make_event(capacity=1, confirm_by_link=False,
                       starts_at=datetime(2032, 7, 1, 8, 0, tzinfo=UTC),
                       ends_at=datetime(2032, 7, 1, 10, 0, tzinfo=UTC))
    register(event, "Ann", "Peeters")
    waiting = register(event, "Bram", "Claes", status=RegistrationStatus.WAITLISTED)

    logged_in.post(f"/admin/events/{event.id}/edit", data={
        "kind": "afterwork", "title_en": "Bike afterwork", "starts_at": "2032-07-01T10:00",
        "ends_at": "2032-07-01T12:00", "audience": "public", "capacity": "2"})

    assert reload(waiting).status == RegistrationStatus.CONFIRMED


# Check-in, sheet, no-shows --------------------------------------------------------------------

def test_check_in_and_undo(logged_in, db):
    event = make_event()
    registration = register(event, "Ann", "Peeters")
    register(event, "Bram", "Claes")
    base = f"/admin/events/{event.id}/registrations/{registration.id}"

    response = logged_in.post(base + "/check-in", headers=EN)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/admin/events/{event.id}/check-in"
    assert reload(registration).attended_at is not None
    page = logged_in.get(f"/admin/events/{event.id}/check-in", headers=EN).text
    assert "<strong>1</strong> / 2 checked in" in page

    logged_in.post(base + "/undo-check-in")
    assert reload(registration).attended_at is None


def test_check_in_page_lists_confirmed_and_searches(logged_in, db):
    event = make_event()
    register(event, "Ann", "Peeters", organisation="Bois Vif")
    register(event, "Bram", "Claes")
    register(event, "Chloé", "Dubois", status=RegistrationStatus.WAITLISTED)

    page = logged_in.get(f"/admin/events/{event.id}/check-in", headers=EN).text
    searched = logged_in.get(f"/admin/events/{event.id}/check-in?q=bois", headers=EN).text

    assert "Ann Peeters" in page and "Bram Claes" in page
    assert "Chloé Dubois" not in page
    assert 'name="viewport"' in page and 'id="checkin-search"' in page
    assert "Ann Peeters" in searched and "Bram Claes" not in searched


def test_check_in_of_waitlisted_person_is_refused(logged_in, db):
    event = make_event()
    registration = register(event, "Ann", "Peeters", status=RegistrationStatus.WAITLISTED)
    db.session.commit()  # the refusal rolls the request's session back

    response = logged_in.post(
        f"/admin/events/{event.id}/registrations/{registration.id}/check-in",
        follow_redirects=True, headers=EN)

    assert "Only confirmed participants can be checked in." in response.text
    assert reload(registration).attended_at is None


def test_attendance_sheet_lists_confirmed_people(logged_in, db):
    event = make_event()
    register(event, "Ann", "Peeters", organisation="Bois Vif")
    register(event, "Bram", "Claes", status=RegistrationStatus.WAITLISTED)
    register(event, "Chloé", "Dubois", status=RegistrationStatus.CANCELLED)

    page = logged_in.get(f"/admin/events/{event.id}/attendance-sheet", headers=EN).text

    assert "<td>Ann Peeters</td>" in page
    assert "<td>Bois Vif</td>" in page
    assert "Bram Claes" not in page and "Chloé Dubois" not in page
    assert "Signature" in page
    assert 'href="/static/css/sheet.css"' in page  # its print layout (@media print)


def test_mark_no_shows_after_the_event(logged_in, db):
    event = make_event(starts_at=utc_now() - timedelta(hours=3))
    present = register(event, "Ann", "Peeters", attended_at=utc_now() - timedelta(hours=2))
    absent = register(event, "Bram", "Claes")
    waiting = register(event, "Chloé", "Dubois", status=RegistrationStatus.WAITLISTED)

    response = logged_in.post(f"/admin/events/{event.id}/no-shows", follow_redirects=True,
                              headers=EN)

    assert "1 participants marked as no-shows." in response.text
    assert [reload(r).no_show for r in (present, absent, waiting)] == [False, True, False]


def test_mark_no_shows_before_the_event_is_refused(logged_in, db):
    event = make_event()
    registration = register(event, "Ann", "Peeters")

    response = logged_in.post(f"/admin/events/{event.id}/no-shows", follow_redirects=True,
                              headers=EN)

    assert "No-shows can only be marked once the event has started." in response.text
    assert reload(registration).no_show is False


def test_mark_and_unmark_one_no_show(logged_in, db):
    event = make_event(starts_at=utc_now() - timedelta(hours=3))
    registration = register(event, "Ann", "Peeters")
    url = f"/admin/events/{event.id}/registrations/{registration.id}/no-show"

    logged_in.post(url, data={"value": "1"})
    assert reload(registration).no_show is True

    logged_in.post(url, data={"value": "0"})
    assert reload(registration).no_show is False


# CSV export -----------------------------------------------------------------------------------

def test_csv_export_has_header_and_answers(logged_in, db):
    event = make_event(starts_at=utc_now() - timedelta(hours=3))
    diet = Question(event=event, kind=QuestionKind.TEXT, label_en="Dietary needs", position=1)
    veggie = Question(event=event, kind=QuestionKind.YES_NO, label_en="Vegetarian?",
                      position=2)
    db.session.add_all([diet, veggie])
    db.session.commit()
    register(event, "Ann", "Peeters", organisation="Bois Vif", language="nl",
             answers={str(diet.id): "=no nuts", str(veggie.id): "yes"},
             attended_at=datetime(2027, 1, 15, 9, 5, tzinfo=UTC))
    register(event, "Bram", "Claes", status=RegistrationStatus.WAITLISTED, no_show=False)

    response = logged_in.get(f"/admin/events/{event.id}/registrations.csv", headers=EN)

    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.data.startswith("\ufeff".encode())  # Excel reads UTF-8 with its BOM
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0] == ["Name", "Email", "Organisation", "Status", "Status code", "Language",
                       "Registered at", "Dietary needs", "Vegetarian?", "Attended", "No-show"]
    assert rows[2][:6] == ["Ann Peeters", "ann.peeters@example.org", "Bois Vif", "Confirmed",
                           "confirmed", "nl"]
    assert rows[2][7:] == ["'=no nuts", "yes", "2027-01-15 10:05", "no"]
    assert rows[1][:6] == ["Bram Claes", "bram.claes@example.org", "", "Waiting list",
                           "waitlisted", "en"]
    assert len(rows) == 3


@pytest.mark.parametrize(("language", "status"), [("fr", "Liste d’attente"),
                                                  ("nl", "Wachtlijst")])
def test_csv_export_for_french_and_dutch_readers_uses_semicolons(logged_in, db, language,
                                                                 status):
    event = make_event(starts_at=utc_now() - timedelta(hours=3))
    register(event, "Ann", "Peeters", status=RegistrationStatus.WAITLISTED)

    response = logged_in.get(f"/admin/events/{event.id}/registrations.csv",
                             headers={"Accept-Language": language})

    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert len(rows[0]) == 9 and rows[1][3:5] == [status, "waitlisted"]


def test_xlsx_export_opens_with_typed_dates_filters_and_translated_statuses(logged_in, db):
    event = make_event(starts_at=utc_now() - timedelta(hours=3))
    veggie = Question(event=event, kind=QuestionKind.YES_NO, label_en="Vegetarian?",
                      position=1)
    db.session.add(veggie)
    db.session.commit()
    register(event, "Ann", "Peeters", answers={str(veggie.id): "yes"},
             attended_at=datetime(2027, 1, 15, 9, 5, tzinfo=UTC))
    register(event, "Bram", "Claes", organisation="=1+2", status=RegistrationStatus.WAITLISTED)

    response = logged_in.get(f"/admin/events/{event.id}/registrations.xlsx",
                             headers={"Accept-Language": "fr"})

    assert response.status_code == 200
    assert response.mimetype == ("application/vnd.openxmlformats-officedocument"
                                 ".spreadsheetml.sheet")
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("Nom", "E-mail", "Organisation", "Statut", "Code du statut")
    assert sheet.auto_filter.ref == f"A1:J{len(rows)}"
    assert sheet["A1"].font.bold
    ann = next(row for row in rows if row[0] == "Ann Peeters")
    bram = next(row for row in rows if row[1] == "bram.claes@example.org")
    assert ann[3:5] == ("Confirmé", "confirmed") and bram[3:5] == ("Liste d’attente",
                                                                  "waitlisted")
    assert ann[8] == datetime(2027, 1, 15, 10, 5)  # a date, on the Brussels wall clock
    assert isinstance(ann[6], datetime)
    assert ann[7] == "oui"
    assert bram[2] == "=1+2"  # text, never a formula
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


# Email all ------------------------------------------------------------------------------------

def test_email_all_queues_one_message_per_confirmed_person_in_their_language(logged_in, db):
    event = make_event(title_fr="Afterwork vélo", title_nl="Afterwork fiets")
    register(event, "Ann", "Peeters", language="nl")
    register(event, "Bram", "Claes", language="fr")
    register(event, "Chloé", "Dubois", status=RegistrationStatus.WAITLISTED)
    register(event, "Dirk", "Maes", status=RegistrationStatus.CANCELLED)

    response = logged_in.post(f"/admin/events/{event.id}/message", headers=EN, data={
        "subject": "Parking tips", "body": "Park behind the workshop."},
        follow_redirects=True)

    assert "Message queued for 2 participants." in response.text
    messages = outbox()
    assert [(m.recipient, m.subject, m.kind) for m in messages] == [
        ("ann.peeters@example.org", "Parking tips", "event.message"),
        ("bram.claes@example.org", "Parking tips", "event.message"),
    ]
    for message, language, title in zip(messages, ("nl", "fr"),
                                         ("Afterwork fiets", "Afterwork vélo"), strict=True):
        parsed = message_from_bytes(message.raw, policy=policy.default)
        html = parsed.get_body(("html",)).get_content()
        text = parsed.get_body(("plain",)).get_content()
        assert f'lang="{language}"' in html
        assert title in text
        assert "Park behind the workshop." in text


def test_email_all_without_subject_is_refused(logged_in, db):
    event = make_event()
    register(event, "Ann", "Peeters")

    response = logged_in.post(f"/admin/events/{event.id}/message", headers=EN,
                              data={"subject": "", "body": "Hello"})

    assert response.status_code == 400
    assert "This field is required." in response.text
    assert outbox() == []


def test_check_in_with_csrf_token_from_the_page(app, logged_in, db):
    event = make_event()
    registration = register(event, "Ann", "Peeters")
    app.config["WTF_CSRF_ENABLED"] = True
    page = logged_in.get(f"/admin/events/{event.id}/check-in?q=ann", headers=EN).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    url = f"/admin/events/{event.id}/registrations/{registration.id}/check-in"

    refused = logged_in.post(url, data={})
    accepted = logged_in.post(url, data={"csrf_token": token})

    assert refused.status_code == 400
    assert accepted.status_code == 302
    assert reload(registration).attended_at is not None


def test_add_by_hand_with_answers_to_the_questions(logged_in, db):
    event = make_event()
    workshop = Question(event=event, kind=QuestionKind.CHOICE, label_en="Workshop?",
                        choices="Wood\nTextile", required=True, position=1)
    diet = Question(event=event, kind=QuestionKind.TEXT, label_en="Diet", required=True,
                    position=2)
    db.session.add_all([workshop, diet])
    db.session.commit()
    url = f"/admin/events/{event.id}/registrations/new"
    assert "Workshop?" in logged_in.get(url, headers=EN).text

    bad = logged_in.post(url, headers=EN, data={
        "email": "lea@example.org", "first_name": "Lea", "last_name": "Janssens",
        "language": "fr", f"q_{workshop.id}": "Metal"})
    good = logged_in.post(url, data={
        "email": "lea@example.org", "first_name": "Lea", "last_name": "Janssens",
        "language": "fr", f"q_{workshop.id}": "Textile"})

    assert bad.status_code == 400
    assert "Not a valid choice." in bad.text
    assert good.status_code == 302
    registration = db.session.scalars(select(Registration)).one()
    # The organiser may leave required answers empty; the person can add them later.
    assert registration.answers == {str(workshop.id): "Textile"}
