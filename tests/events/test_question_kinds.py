"""Registration questions of every kind: multiple choice, number with bounds, yes/no, and
questions asked only for some answers to another (one level), from the form to the exports."""

import csv
import io

import openpyxl
from flask_babel import refresh
from sqlalchemy import select

from app.events import admin_services, services
from app.events.answers import clean_answers
from app.events.exports import registrations_csv, registrations_xlsx
from app.events.models import Question, QuestionKind, Registration
from app.events.queries import make_manage_token
from app.extensions import db as _db
from tests.factories import make_event, make_person, make_question, make_registration

EN = {"Accept-Language": "en"}


def _form(**values) -> dict:
    data = {"first_name": "Marie", "last_name": "Dubois", "email": "marie@example.org",
            "language": "en", "consent": "y"}
    data.update(values)
    return data


def _trip(db):
    """A trip asking for workshops (several), a number of guests (0..3), whether one comes
    by car and, only for car drivers, the plate (required then) and the seats offered."""
    event = make_event(confirm_by_link=False)
    workshops = make_question(event, QuestionKind.MULTIPLE, choices="Wood\nTextile\nBikes",
                              label="Workshops")
    guests = make_question(event, QuestionKind.NUMBER, label="Guests", required=True,
                           min_value=0, max_value=3)
    car = make_question(event, QuestionKind.YES_NO, label="By car?")
    plate = make_question(event, QuestionKind.TEXT, label="Plate", required=True,
                          condition_question_id=car.id, condition_values="yes")
    seats = make_question(event, QuestionKind.NUMBER, label="Seats offered",
                          condition_question_id=car.id, condition_values="yes")
    db.session.commit()
    return event, workshops, guests, car, plate, seats


def _answers() -> list[dict]:
    return _db.session.scalars(select(Registration.answers)).all()


def test_multiple_choice_and_number_are_stored_typed(db, client):
    event, workshops, guests, car, _plate, _seats = _trip(db)

    response = client.post(f"/events/{event.id}", headers=EN, data=_form(**{
        f"q_{workshops.id}": ["Bikes", "Wood", "Wood"], f"q_{guests.id}": "0",
        f"q_{car.id}": "no"}))

    assert response.status_code == 302
    assert _answers() == [{str(workshops.id): ["Wood", "Bikes"], str(guests.id): 0,
                           str(car.id): "no"}]


def test_bad_answers_are_form_errors_never_500(db, client):
    event, workshops, guests, _car, _plate, _seats = _trip(db)

    for values, message in [
            ({f"q_{workshops.id}": "Metal", f"q_{guests.id}": "1"}, "not a valid choice"),
            ({f"q_{workshops.id}": " ", f"q_{guests.id}": "1"}, "not a valid choice"),
            ({f"q_{guests.id}": "4"}, "Please give a number between 0 and 3."),
            ({f"q_{guests.id}": "-1"}, "Please give a number between 0 and 3."),
            ({f"q_{guests.id}": "9" * 400}, "Not a valid integer value."),
            ({f"q_{guests.id}": "two"}, "Not a valid integer value."),
            ({f"q_{guests.id}": ""}, "This answer is required.")]:
        response = client.post(f"/events/{event.id}", headers=EN, data=_form(**values))
        assert response.status_code == 400, values
        assert message in response.get_data(as_text=True), values
    assert _answers() == []


def test_conditional_answer_ignored_when_its_condition_is_not_met(db, client):
    event, _workshops, guests, car, plate, seats = _trip(db)

    # Not by car: the plate is not required, and a plate or a bad number sent anyway is
    # ignored (a browser without scripts shows every question).
    response = client.post(f"/events/{event.id}", headers=EN, data=_form(**{
        f"q_{guests.id}": "1", f"q_{car.id}": "no", f"q_{plate.id}": "1-ABC-123",
        f"q_{seats.id}": "lots"}))

    assert response.status_code == 302
    assert _answers() == [{str(guests.id): 1, str(car.id): "no"}]


def test_conditional_question_required_and_checked_when_its_condition_is_met(db, client):
    event, _workshops, guests, car, plate, seats = _trip(db)

    missing = client.post(f"/events/{event.id}", headers=EN, data=_form(**{
        f"q_{guests.id}": "1", f"q_{car.id}": "yes", f"q_{seats.id}": "lots"}))
    good = client.post(f"/events/{event.id}", headers=EN, data=_form(**{
        f"q_{guests.id}": "1", f"q_{car.id}": "yes", f"q_{plate.id}": "1-ABC-123",
        f"q_{seats.id}": "2"}))

    page = missing.get_data(as_text=True)
    assert missing.status_code == 400
    assert "This answer is required." in page and "Not a valid integer value." in page
    assert good.status_code == 302
    assert _answers() == [{str(guests.id): 1, str(car.id): "yes", str(plate.id): "1-ABC-123",
                           str(seats.id): 2}]


def test_service_ignores_unmet_conditions_and_checks_kinds(db):
    event, workshops, guests, car, plate, _seats = _trip(db)

    cleaned = clean_answers(event, {
        str(workshops.id): ["Textile"], str(guests.id): "3", str(car.id): "no",
        str(plate.id): "ignored"})

    assert cleaned == {str(workshops.id): ["Textile"], str(guests.id): 3, str(car.id): "no"}
    for answers, code in [({str(guests.id): 7}, "range"), ({str(guests.id): True}, "number"),
                          ({str(guests.id): 1, str(workshops.id): ["Metal"]}, "choice"),
                          ({str(guests.id): 1, str(car.id): "yes"}, "required")]:
        try:
            clean_answers(event, answers)
        except services.RegistrationError as error:
            assert code in error.errors.values(), answers
        else:
            raise AssertionError(answers)


def test_condition_on_a_multiple_choice(db):
    event = make_event()
    workshops = make_question(event, QuestionKind.MULTIPLE, choices="Wood\nBikes",
                              label="Workshops")
    size = make_question(event, QuestionKind.CHOICE, choices="S\nM\nL", label="Bike size",
                         condition_question_id=workshops.id, condition_values="Bikes")

    asked = clean_answers(event, {str(workshops.id): ["Wood", "Bikes"],
                                           str(size.id): "M"})
    not_asked = clean_answers(event, {str(workshops.id): ["Wood"], str(size.id): "M"})

    assert asked[str(size.id)] == "M"
    assert str(size.id) not in not_asked


def test_page_shows_every_question_with_a_note_and_the_script(db, client):
    event, _workshops, _guests, car, plate, _seats = _trip(db)

    page = client.get(f"/events/{event.id}", headers=EN).get_data(as_text=True)

    assert f'data-condition-on="q_{car.id}"' in page
    assert f'data-testid="conditional-{plate.id}"' in page
    assert "Answer only if your answer to “By car?” is: Yes." in page
    assert 'type="checkbox"' in page and 'type="number"' in page and 'max="3"' in page
    assert "js/questions.js" in page and "<script>" not in page


def test_manage_page_edits_multiple_choice_and_number(db, client):
    event, workshops, guests, car, _plate, _seats = _trip(db)
    registration = make_registration(event, make_person("ann@example.org"), answers={
        str(workshops.id): ["Wood"], str(guests.id): 2})
    db.session.commit()
    token = make_manage_token(registration)

    shown = client.get(f"/events/manage/{token}", headers=EN).get_data(as_text=True)
    bad = client.post(f"/events/manage/{token}/answers", headers=EN,
                      data={f"q_{guests.id}": "99999999999999999999"})
    good = client.post(f"/events/manage/{token}/answers", headers=EN, data={
        f"q_{workshops.id}": ["Textile", "Bikes"], f"q_{guests.id}": "0",
        f"q_{car.id}": "yes"})

    assert f'<input checked id="q_{workshops.id}-0" name="q_{workshops.id}" type="checkbox" ' \
        'value="Wood">' in shown
    assert 'value="2"' in shown
    assert bad.status_code == 400
    assert good.status_code == 400  # by car: the plate is required now
    assert "This answer is required." in good.get_data(as_text=True)
    db.session.refresh(registration)
    assert registration.answers == {str(workshops.id): ["Wood"], str(guests.id): 2}


def test_exports_show_every_kind(app, db):
    event, workshops, guests, car, plate, _seats = _trip(db)
    make_registration(event, make_person("ann@example.org"), answers={
        str(workshops.id): ["Wood", "Bikes"], str(guests.id): 2, str(car.id): "yes",
        str(plate.id): "1-ABC-123"})
    db.session.commit()

    with app.test_request_context(headers=EN):
        rows = list(csv.reader(io.StringIO(registrations_csv(event, "en").decode("utf-8-sig"))))
        sheet = openpyxl.load_workbook(io.BytesIO(registrations_xlsx(event, "en"))).active
    header = rows[0]
    values = dict(zip(header, rows[1], strict=True))
    cells = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert values["Workshops"] == "Wood; Bikes" and values["Guests"] == "2"
    assert values["By car?"] == "yes" and values["Plate"] == "1-ABC-123"
    assert values["Seats offered"] == ""
    assert cells["Guests"] == 2  # a number in the spreadsheet, not text


def test_report_tallies_options_ticked_and_numbers(logged_in, db):
    event, workshops, guests, car, _plate, _seats = _trip(db)
    for i, (picked, number) in enumerate([(["Wood", "Bikes"], 2), (["Wood"], 0), ([], 2)]):
        make_registration(event, make_person(f"p{i}@example.org"), answers={
            str(workshops.id): picked, str(guests.id): number, str(car.id): "no"})
    db.session.commit()

    page = logged_in.get(f"/admin/reports/events/{event.id}", headers=EN).get_data(as_text=True)

    assert '<th scope="row">Wood</th><td>2</td>' in page
    assert '<th scope="row">Bikes</th><td>1</td>' in page
    assert f'data-testid="answers-total-{guests.id}">4<' in page
    assert '<th scope="row">No</th><td>3</td>' in page


# The organiser's question pages ----------------------------------------------------------------

def test_number_question_with_bounds(logged_in, db):
    event = make_event()
    url = f"/admin/events/{event.id}/questions/new"

    wrong = logged_in.post(url, headers=EN, data={
        "kind": "number", "label_en": "Guests", "min_value": "5", "max_value": "1"})
    huge = logged_in.post(url, headers=EN, data={
        "kind": "number", "label_en": "Guests", "max_value": "9" * 50})
    good = logged_in.post(url, headers=EN, data={
        "kind": "number", "label_en": "Guests", "min_value": "0", "max_value": "3"})

    assert wrong.status_code == 400
    assert "The largest number is smaller than the smallest." in wrong.text
    assert huge.status_code == 400
    assert good.status_code == 302
    question = db.session.scalars(select(Question)).one()
    assert (question.kind, question.min_value, question.max_value) == (QuestionKind.NUMBER, 0, 3)


def test_conditional_question_from_the_organiser_page(logged_in, db):
    event = make_event()
    car = make_question(event, QuestionKind.YES_NO, label="By car?")
    diet = make_question(event, QuestionKind.CHOICE, choices="Veggie\nMeat", label="Diet")
    db.session.commit()
    url = f"/admin/events/{event.id}/questions/new"

    form = logged_in.get(url, headers=EN).text
    two = logged_in.post(url, headers=EN, data={
        "kind": "text", "label_en": "Plate", "condition": [f"{car.id}:yes", f"{diet.id}:Meat"]})
    unknown = logged_in.post(url, headers=EN, data={
        "kind": "text", "label_en": "Plate", "condition": [f"{car.id}:maybe"]})
    blank = logged_in.post(url, headers=EN, data={
        "kind": "text", "label_en": "Plate", "condition": [" "]})
    good = logged_in.post(url, headers=EN, data={
        "kind": "text", "label_en": "Plate", "condition": [f"{car.id}:yes"]})

    assert f'value="{car.id}:yes"' in form and "By car? — Yes" in form
    assert two.status_code == 400 and "Pick answers of one question only." in two.text
    assert unknown.status_code == 400 and blank.status_code == 400
    assert good.status_code == 302
    plate = db.session.scalars(select(Question).where(Question.label_en == "Plate")).one()
    assert (plate.condition_question_id, plate.condition_value_list) == (car.id, ["yes"])
    # One level: the plate is not offered as a condition, nor may the car question depend on
    # another now that a question depends on it.
    again = logged_in.get(f"/admin/events/{event.id}/questions/{car.id}/edit", headers=EN).text
    assert f'value="{diet.id}:Meat"' not in again
    assert f'value="{plate.id}:' not in logged_in.get(url, headers=EN).text


def test_trigger_changes_keep_conditions_sound(db):
    event = make_event()
    diet = make_question(event, QuestionKind.CHOICE, choices="Veggie\nMeat\nFish", label="Diet")
    meat = make_question(event, QuestionKind.TEXT, label="Which meat?",
                         condition_question_id=diet.id, condition_values="Meat\nFish")
    db.session.commit()

    admin_services.save_question(event, diet, {"choices": "Veggie\nMeat"})
    assert meat.condition_value_list == ["Meat"]
    copy = admin_services.duplicate_event(event, event.starts_at.date())
    copied_diet, copied_meat = copy.questions
    assert copied_meat.condition_question_id == copied_diet.id != diet.id
    admin_services.save_question(event, diet, {"kind": QuestionKind.TEXT, "choices": ""})
    assert meat.condition_question_id is None and meat.condition_values == ""
    admin_services.delete_question(copied_diet)
    db.session.commit()
    assert copied_meat.condition_question_id is None


def test_organiser_adds_someone_with_every_kind_of_answer(logged_in, db):
    event, workshops, guests, car, plate, seats = _trip(db)

    response = logged_in.post(f"/admin/events/{event.id}/registrations/new", headers=EN, data={
        "email": "bob@example.org", "first_name": "Bob", "last_name": "Smet", "language": "en",
        f"q_{workshops.id}": ["Bikes"], f"q_{car.id}": "no", f"q_{plate.id}": "ignored",
        f"q_{seats.id}": "x"})

    assert response.status_code == 302  # the organiser may leave required answers blank
    assert _answers() == [{str(workshops.id): ["Bikes"], str(car.id): "no"}]
    assert str(guests.id) not in _answers()[0]


def test_wtforms_own_messages_follow_each_request_language(db, client):
    event, _workshops, guests, *_ = _trip(db)
    said = {}
    for language in ("fr", "nl", "en", "fr"):  # the catalogues are kept once read
        refresh()  # the test's app context outlives each request: forget its language
        response = client.post(f"/events/{event.id}", headers={"Accept-Language": language},
                               data=_form(**{f"q_{guests.id}": "two"}))
        said[language] = response.get_data(as_text=True)

    assert "N'est pas un entier valide." in said["fr"].replace("&#39;", "'")
    assert "Ongeldig getal." in said["nl"]
    assert "Not a valid integer value." in said["en"]
