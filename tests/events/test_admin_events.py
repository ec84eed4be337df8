"""Organisers' event pages: access, create and edit with Brussels times, programme, questions,
publish, duplicate and cancel."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.db import utc_now
from app.events.models import (
    Audience,
    Event,
    EventKind,
    EventStatus,
    ProgrammeItem,
    Question,
    QuestionKind,
    RegistrationStatus,
)
from app.extensions import db as _db
from app.mail.models import OutboxMessage
from tests.factories import (
    event_form,
    make_event,
    make_organisation,
    make_person,
    make_registration,
)

EN = {"Accept-Language": "en"}


def count(model) -> int:
    return _db.session.scalar(select(func.count()).select_from(model))


# Access ---------------------------------------------------------------------------------------

def admin_rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/admin/events")]


def test_admin_routes_are_many_enough_to_check(app):
    assert len(admin_rules(app)) >= 25


def test_every_admin_route_sends_anonymous_users_to_login(app, client, db):
    event = make_event()
    ids = {"event_id": event.id, "registration_id": 1, "question_id": 1, "item_id": 1}
    for rule in admin_rules(app):
        path = rule.rule
        for name, value in ids.items():
            path = path.replace(f"<int:{name}>", str(value))
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(path, method=method)
            assert response.status_code == 302, (method, path)
            assert response.headers["Location"].startswith("/auth/login"), (method, path)


def test_event_list_shows_upcoming_events(logged_in, db):
    make_event(title_en="Wood seminar")
    make_event(title_en="Old afterwork", starts_at=utc_now() - timedelta(days=30))

    page = logged_in.get("/admin/events", headers=EN)

    assert page.status_code == 200
    assert "Wood seminar" in page.text
    assert "Old afterwork" not in page.text
    assert "Old afterwork" in logged_in.get("/admin/events?show=past", headers=EN).text


def test_unknown_event_is_404(logged_in):
    assert logged_in.get("/admin/events/999").status_code == 404
    assert logged_in.get("/admin/events/999/registrations").status_code == 404


# Create and edit ------------------------------------------------------------------------------

@pytest.mark.parametrize("local, utc", [
    ("2027-07-01T10:00", datetime(2027, 7, 1, 8, 0, tzinfo=UTC)),
    ("2027-01-15T10:00", datetime(2027, 1, 15, 9, 0, tzinfo=UTC)),
])
def test_create_event_stores_brussels_time_as_utc(logged_in, db, local, utc):
    day = local[:10]
    response = logged_in.post("/admin/events/new", data=event_form(
        starts_at=local, ends_at=f"{day}T12:30", registration_closes_at=f"{day}T09:00"))

    event = db.session.scalars(select(Event)).one()
    assert response.status_code == 302
    assert response.headers["Location"] == f"/admin/events/{event.id}"
    assert event.starts_at == utc
    assert event.ends_at == utc + timedelta(hours=2, minutes=30)
    assert event.registration_closes_at == utc - timedelta(hours=1)
    assert event.status == EventStatus.DRAFT
    assert (event.title_fr, event.title_en, event.capacity) == (
        "Séminaire textile", "Textile seminar", 40)
    assert event.audience == Audience.MEMBERS_PARTNERS


def test_edit_form_shows_stored_time_in_brussels(logged_in, db):
    event = make_event(starts_at=datetime(2027, 7, 1, 8, 0, tzinfo=UTC))

    page = logged_in.get(f"/admin/events/{event.id}/edit", headers=EN)

    assert 'value="2027-07-01T10:00"' in page.text


def test_create_multi_day_study_trip_with_host_and_unlimited_capacity(logged_in, db):
    host = make_organisation("Recyclerie")
    db.session.commit()

    logged_in.post("/admin/events/new", data=event_form(
        kind="site_visit", starts_at="2027-03-29T08:00", ends_at="2027-03-31T18:00",
        capacity="", host_organisation_id=str(host.id), registration_closes_at=None))

    event = db.session.scalars(select(Event)).one()
    assert event.kind == EventKind.SITE_VISIT
    assert event.capacity is None
    assert event.host_organisation == host
    # 29 March 2027 is after the spring clock change: UTC+2.
    assert event.starts_at == datetime(2027, 3, 29, 6, 0, tzinfo=UTC)
    assert event.ends_at == datetime(2027, 3, 31, 16, 0, tzinfo=UTC)


@pytest.mark.parametrize("values, message", [
    ({"ends_at": "2027-07-01T09:00"}, "The end must be after the start."),
    ({"registration_closes_at": "2027-07-02T09:00"},
     "Registrations must close before the event ends."),
    ({"capacity": "-3"}, "Number must be between 1 and 100000."),
    ({"capacity": "lots"}, "Not a valid integer value."),
    ({"title_fr": "", "title_nl": "", "title_en": ""}, "Give a title in at least one language."),
    ({"starts_at": "next tuesday"}, "Not a valid datetime value."),
    ({"starts_at": "2027-03-28T02:30", "ends_at": "2027-03-28T05:00",
      "registration_closes_at": None},
     "This time does not exist in Brussels (the clocks move forward)."),
    ({"kind": "party"}, "Not a valid choice."),
])
def test_create_event_with_bad_input_shows_error_and_saves_nothing(logged_in, db, values,
                                                                    message):
    response = logged_in.post("/admin/events/new", data=event_form(**values), headers=EN)

    assert response.status_code == 400
    assert message in response.text
    assert 'data-testid="form-errors"' in response.text
    assert count(Event) == 0


def test_edit_event_updates_fields(logged_in, db):
    event = make_event(title_en="Wood seminar")

    response = logged_in.post(f"/admin/events/{event.id}/edit", data=event_form(
        title_en="Wood seminar (new room)", starts_at="2027-01-15T14:00",
        ends_at="2027-01-15T16:00", registration_closes_at=None, capacity=""))

    db.session.refresh(event)
    assert response.status_code == 302
    assert event.title_en == "Wood seminar (new room)"
    assert event.starts_at == datetime(2027, 1, 15, 13, 0, tzinfo=UTC)
    assert event.capacity is None
    assert event.status == EventStatus.PUBLISHED


def test_event_page_shows_details(logged_in, db):
    event = make_event(title_en="Wood seminar", venue="Atelier Chêne")

    page = logged_in.get(f"/admin/events/{event.id}", headers=EN)

    assert page.status_code == 200
    assert "Wood seminar" in page.text
    assert "Atelier Chêne" in page.text
    assert 'data-status="published"' in page.text


def test_publish_draft_event(logged_in, db):
    event = make_event(status=EventStatus.DRAFT)

    response = logged_in.post(f"/admin/events/{event.id}/publish", headers=EN)

    db.session.refresh(event)
    assert response.status_code == 302
    assert event.status == EventStatus.PUBLISHED
    page = logged_in.get(response.headers["Location"], headers=EN)
    assert "The event is published." in page.text


def test_publish_cancelled_event_is_refused(logged_in, db):
    event = make_event(status=EventStatus.CANCELLED)

    response = logged_in.post(f"/admin/events/{event.id}/publish", follow_redirects=True,
                              headers=EN)

    db.session.refresh(event)
    assert event.status == EventStatus.CANCELLED
    assert "A cancelled event cannot be published." in response.text


def test_publish_with_csrf_on_and_no_token_is_refused(app, logged_in, db):
    event = make_event(status=EventStatus.DRAFT)
    app.config["WTF_CSRF_ENABLED"] = True

    response = logged_in.post(f"/admin/events/{event.id}/publish", headers=EN)

    db.session.refresh(event)
    assert response.status_code == 400
    assert event.status == EventStatus.DRAFT


# Programme and questions ----------------------------------------------------------------------

def test_add_programme_item_in_brussels_time(logged_in, db):
    event = make_event(starts_at=datetime(2027, 10, 4, 6, 0, tzinfo=UTC),
                       ends_at=datetime(2027, 10, 6, 16, 0, tzinfo=UTC))

    response = logged_in.post(f"/admin/events/{event.id}/programme/new", data={
        "starts_at": "2027-10-05T09:30", "ends_at": "2027-10-05T11:00",
        "title_en": "Visit of the sorting plant", "location": "Gent"})

    item = db.session.scalars(select(ProgrammeItem)).one()
    assert response.status_code == 302
    assert item.event_id == event.id
    assert item.starts_at == datetime(2027, 10, 5, 7, 30, tzinfo=UTC)
    assert (item.title_en, item.location) == ("Visit of the sorting plant", "Gent")
    page = logged_in.get(f"/admin/events/{event.id}", headers=EN)
    assert "Visit of the sorting plant" in page.text


def test_edit_and_delete_programme_item(logged_in, db):
    event = make_event()
    item = ProgrammeItem(event=event, starts_at=event.starts_at, ends_at=event.ends_at,
                         title_en="Welcome")
    db.session.add(item)
    db.session.commit()

    logged_in.post(f"/admin/events/{event.id}/programme/{item.id}/edit", data={
        "starts_at": "2027-10-05T09:30", "ends_at": "2027-10-05T10:00", "title_en": "Coffee"})
    db.session.refresh(item)
    assert item.title_en == "Coffee"

    logged_in.post(f"/admin/events/{event.id}/programme/{item.id}/delete")
    assert count(ProgrammeItem) == 0


def test_programme_item_of_another_event_is_404(logged_in, db):
    event, other = make_event(), make_event()
    item = ProgrammeItem(event=other, starts_at=other.starts_at, ends_at=other.ends_at,
                         title_en="Welcome")
    db.session.add(item)
    db.session.commit()

    response = logged_in.post(f"/admin/events/{event.id}/programme/{item.id}/delete")

    assert response.status_code == 404
    assert count(ProgrammeItem) == 1


def test_add_choice_question(logged_in, db):
    event = make_event()

    response = logged_in.post(f"/admin/events/{event.id}/questions/new", data={
        "kind": "choice", "label_en": "Which workshop?", "label_fr": "Quel atelier ?",
        "choices": "Wood\n\n  Textile \nBikes\n", "required": "y"})

    question = db.session.scalars(select(Question)).one()
    assert response.status_code == 302
    assert question.event_id == event.id
    assert question.kind == QuestionKind.CHOICE
    assert question.choice_list == ["Wood", "Textile", "Bikes"]
    assert question.required is True
    assert question.position == 1


def test_choice_question_without_options_is_refused(logged_in, db):
    event = make_event()

    response = logged_in.post(f"/admin/events/{event.id}/questions/new", headers=EN, data={
        "kind": "choice", "label_en": "Which workshop?", "choices": "\n  \n"})

    assert response.status_code == 400
    assert "A choice question needs at least one option." in response.text
    assert count(Question) == 0


def test_questions_reorder_and_delete(logged_in, db):
    event = make_event()
    for label in ("Diet", "Workshop", "Parking"):
        logged_in.post(f"/admin/events/{event.id}/questions/new",
                       data={"kind": "text", "label_en": label})
    diet, workshop, parking = db.session.scalars(select(Question).order_by(Question.id)).all()

    logged_in.post(f"/admin/events/{event.id}/questions/{parking.id}/move",
                   data={"direction": "up"})
    db.session.expire_all()
    assert [q.label_en for q in event.questions] == ["Diet", "Parking", "Workshop"]

    logged_in.post(f"/admin/events/{event.id}/questions/{diet.id}/delete")
    db.session.expire_all()
    assert [(q.label_en, q.position) for q in event.questions] == [
        ("Parking", 1), ("Workshop", 2)]


def test_question_move_with_bad_direction_is_400(logged_in, db):
    event = make_event()
    logged_in.post(f"/admin/events/{event.id}/questions/new",
                   data={"kind": "text", "label_en": "Diet"})
    question = db.session.scalars(select(Question)).one()

    response = logged_in.post(f"/admin/events/{event.id}/questions/{question.id}/move",
                              data={"direction": "sideways"})

    assert response.status_code == 400


# Duplicate ------------------------------------------------------------------------------------

def test_duplicate_copies_event_as_draft_shifted_to_new_date(logged_in, db):
    # Summer event copied into winter: wall-clock times stay, UTC offsets change.
    event = make_event(starts_at=datetime(2027, 7, 1, 8, 0, tzinfo=UTC),
                       ends_at=datetime(2027, 7, 2, 15, 0, tzinfo=UTC),
                       registration_closes_at=datetime(2027, 6, 30, 16, 0, tzinfo=UTC),
                       capacity=25, requires_approval=True, description_nl="Beschrijving")
    db.session.add_all([
        ProgrammeItem(event=event, starts_at=datetime(2027, 7, 2, 7, 0, tzinfo=UTC),
                      ends_at=datetime(2027, 7, 2, 9, 0, tzinfo=UTC), title_en="Day 2 visit",
                      location="Liège"),
        Question(event=event, kind=QuestionKind.YES_NO, label_en="Vegetarian?", position=1),
    ])
    db.session.commit()

    response = logged_in.post(f"/admin/events/{event.id}/duplicate",
                              data={"starts_on": "2027-12-09"})

    copy = db.session.scalars(select(Event).where(Event.id != event.id)).one()
    assert response.status_code == 302
    assert response.headers["Location"] == f"/admin/events/{copy.id}/edit"
    assert copy.status == EventStatus.DRAFT
    assert (copy.title_fr, copy.title_en, copy.description_nl, copy.venue) == (
        event.title_fr, event.title_en, "Beschrijving", "Atelier Chêne")
    assert (copy.capacity, copy.requires_approval) == (25, True)
    assert copy.starts_at == datetime(2027, 12, 9, 9, 0, tzinfo=UTC)
    assert copy.ends_at == datetime(2027, 12, 10, 16, 0, tzinfo=UTC)
    assert copy.registration_closes_at == datetime(2027, 12, 8, 17, 0, tzinfo=UTC)
    [item] = copy.programme
    assert (item.title_en, item.location) == ("Day 2 visit", "Liège")
    assert item.starts_at == datetime(2027, 12, 10, 8, 0, tzinfo=UTC)
    [question] = copy.questions
    assert (question.kind, question.label_en) == (QuestionKind.YES_NO, "Vegetarian?")
    assert count(Question) == 2
    assert copy.registrations == []


def test_duplicate_form_without_date_is_refused(logged_in, db):
    event = make_event()

    response = logged_in.post(f"/admin/events/{event.id}/duplicate", data={"starts_on": "x"})

    assert response.status_code == 400
    assert count(Event) == 1


# Cancel ---------------------------------------------------------------------------------------

def test_cancel_event_asks_for_confirmation(logged_in, db):
    event = make_event()

    page = logged_in.get(f"/admin/events/{event.id}/cancel", headers=EN)

    assert page.status_code == 200
    assert 'data-testid="confirm-cancel"' in page.text
    db.session.refresh(event)
    assert event.status == EventStatus.PUBLISHED


def test_cancel_event_notifies_everyone_registered(logged_in, db):
    event = make_event()
    make_registration(event, make_person("ann@example.org", first_name="Ann"),
                      RegistrationStatus.CONFIRMED)
    make_registration(event, make_person("bob@example.org", first_name="Bob", language="nl"),
                      RegistrationStatus.WAITLISTED)
    make_registration(event, make_person("cy@example.org", first_name="Cy"),
                      RegistrationStatus.CANCELLED)

    response = logged_in.post(f"/admin/events/{event.id}/cancel", headers=EN)

    db.session.refresh(event)
    assert response.status_code == 302
    assert event.status == EventStatus.CANCELLED
    assert event.cancelled_at is not None
    recipients = sorted(db.session.scalars(select(OutboxMessage.recipient)))
    assert recipients == ["ann@example.org", "bob@example.org"]


def test_every_organiser_page_renders_for_a_full_event(logged_in, db):
    event = make_event(requires_approval=True, capacity=3, confirm_by_link=False)
    item = ProgrammeItem(event=event, starts_at=event.starts_at, ends_at=event.ends_at,
                         title_en="Welcome", location="Hall")
    question = Question(event=event, kind=QuestionKind.CHOICE, label_en="Workshop?",
                        choices="Wood\nTextile", position=1)
    db.session.add_all([item, question])
    db.session.commit()
    for status in RegistrationStatus:
        make_registration(event, make_person(f"{status.value}@example.org",
                                             first_name=status.value.title()), status)
    base = f"/admin/events/{event.id}"
    pages = ["", "/edit", "/duplicate", "/cancel", "/programme/new",
             f"/programme/{item.id}/edit", "/questions/new", f"/questions/{question.id}/edit",
             "/registrations", "/registrations/new", "/check-in", "/attendance-sheet",
             "/registrations.csv", "/registrations.xlsx", "/message"]

    for page in pages:
        for language in ("fr", "nl", "en"):
            response = logged_in.get(base + page, headers={"Accept-Language": language})
            assert response.status_code == 200, (page, language)
    assert logged_in.get("/admin/events/new").status_code == 200


@pytest.mark.parametrize("values", [
    {"starts_at": "0001-01-01T00:30", "ends_at": "0001-01-01T02:00"},
    {"starts_at": "9999-12-31T22:00", "ends_at": "9999-12-31T23:00"},
])
def test_create_event_with_absurd_year_is_refused(logged_in, db, values):
    response = logged_in.post("/admin/events/new", headers=EN,
                              data=event_form(registration_closes_at=None, **values))

    assert response.status_code == 400
    assert "Give a date between 2000 and 2100." in response.text
    assert count(Event) == 0


def test_duplicate_to_absurd_year_is_refused(logged_in, db):
    event = make_event()

    response = logged_in.post(f"/admin/events/{event.id}/duplicate", headers=EN,
                              data={"starts_on": "9999-12-31"})

    assert response.status_code == 400
    assert "Give a date between 2000 and 2100." in response.text
    assert count(Event) == 1


def test_edit_question_can_drop_required_and_options(logged_in, db):
    event = make_event()
    question = Question(event=event, kind=QuestionKind.CHOICE, label_en="Workshop?",
                        choices="Wood\nTextile", required=True, position=1)
    db.session.add(question)
    db.session.commit()
    url = f"/admin/events/{event.id}/questions/{question.id}/edit"
    assert "Textile" in logged_in.get(url, headers=EN).text

    response = logged_in.post(url, data={"kind": "text", "label_en": "Any remark?",
                                         "choices": "Wood"})

    db.session.refresh(question)
    assert response.status_code == 302
    assert (question.kind, question.label_en, question.required, question.choices) == (
        QuestionKind.TEXT, "Any remark?", False, "")
