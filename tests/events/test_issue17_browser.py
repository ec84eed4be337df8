"""In chromium: a full event's waiting list in three languages, a two-day seminar checked in
day by day, the XLSX export opened with openpyxl."""

import io
from datetime import UTC, datetime

import openpyxl
import pytest

from app.auth.services import create_user
from app.events.models import EventKind
from tests.factories import make_event, make_person, make_registration

WAITING_LIST = {"fr": "Rejoindre la liste d’attente", "nl": "Inschrijven op de wachtlijst",
                "en": "Join the waiting list"}
ON_THE_LIST = {"fr": "vous êtes sur la liste d’attente", "nl": "u staat op de wachtlijst",
               "en": "you are on the waiting list"}
DAY1, DAY2 = "2027-03-10", "2027-03-11"


def _full_event() -> int:
    event = make_event(capacity=1, confirm_by_link=False)
    make_registration(event, make_person("first@example.org"))
    return event.id


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_full_event_offers_the_waiting_list_and_says_so_after(live_server, new_page, lang):
    event_id = live_server.call(_full_event)
    page = new_page(locale=lang)

    page.goto(f"{live_server.url}/events/{event_id}")
    button = page.locator("[data-testid=registration-form] [name=submit]")
    assert button.get_attribute("value") == WAITING_LIST[lang]
    assert page.locator("[data-testid=waiting-list-why]").is_visible()
    assert page.locator("[data-testid=privacy-notice-link] a").count() == 1
    page.fill("#first_name", "Marie")
    page.fill("#last_name", "Dubois")
    page.fill("#email", "marie@example.org")
    page.check("#consent")
    button.click()
    page.wait_for_selector("[data-testid=check-mailbox]")

    outcome = page.locator("[data-testid=outcome]")
    assert outcome.get_attribute("data-status") == "waitlisted"
    assert ON_THE_LIST[lang] in outcome.inner_text()


def _seminar() -> int:
    create_user("orga@cluster.example", "correct-horse", name="Orga", is_admin=True)
    event = make_event(kind=EventKind.SEMINAR, title_en="Two-day seminar",
                       starts_at=datetime(2027, 3, 10, 8, tzinfo=UTC),
                       ends_at=datetime(2027, 3, 11, 16, tzinfo=UTC))
    for first in ("Ann", "Bram"):
        make_registration(event, make_person(f"{first.lower()}@example.org", first_name=first,
                                             last_name="Peeters"))
    return event.id


def _log_in(page, url):
    page.goto(url + "/auth/login")
    page.fill("input[name=email]", "orga@cluster.example")
    page.fill("input[name=password]", "correct-horse")
    page.click("input[type=submit], button[type=submit]")


def _check_in(page, name):
    page.locator("li[data-search]", has_text=name).locator("[data-testid=check-in]").click()
    page.wait_for_selector(f"text={name} Peeters is checked in.")


@pytest.mark.browser
def test_two_day_seminar_checked_in_on_each_day_with_figures(live_server, new_page):
    event_id = live_server.call(_seminar)
    page = new_page()
    _log_in(page, live_server.url)

    page.goto(f"{live_server.url}/admin/events/{event_id}/check-in?day={DAY1}")
    _check_in(page, "Ann")
    page.click(f"[data-testid=day-{DAY2}]")
    _check_in(page, "Ann")
    _check_in(page, "Bram")

    assert page.inner_text(f"[data-testid=day-{DAY1}] [data-testid=day-count]") == "1"
    assert page.inner_text(f"[data-testid=day-{DAY2}] [data-testid=day-count]") == "2"
    assert page.inner_text("[data-testid=checkin-counts]").split()[:3] == ["2", "/", "2"]
    assert " 2 " in page.inner_text("[data-testid=checkin-event-total]")


@pytest.mark.browser
def test_xlsx_export_downloads_and_opens_with_typed_dates(live_server, new_page):
    event_id = live_server.call(_seminar)
    page = new_page(locale="fr")
    _log_in(page, live_server.url)
    page.goto(f"{live_server.url}/admin/events/{event_id}/registrations")

    with page.expect_download() as download:
        page.click("[data-testid=export-xlsx]")
    data = open(download.value.path(), "rb").read()

    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][3:5] == ("Statut", "Code du statut")
    assert {row[3:5] for row in rows[1:]} == {("Confirmé", "confirmed")}
    assert all(isinstance(row[6], datetime) for row in rows[1:])
    assert sheet.auto_filter.ref == "A1:I3"


def _reminder_event() -> int:
    create_user("orga@cluster.example", "correct-horse", name="Orga", is_admin=True)
    event = make_event(title_en="Wood circlemeet", confirm_by_link=False)
    make_registration(event, make_person("ann@example.org", first_name="Ann"))
    return event.id


def _mails(kind: str) -> list[tuple[str, str]]:
    from tests.mails import outbox, parse

    return [(m.recipient, parse(m.raw)["Subject"]) for m in outbox(kind)]


@pytest.mark.browser
def test_reminder_sent_from_the_button_once_and_not_twice(live_server, new_page):
    event_id = live_server.call(_reminder_event)
    page, stale = new_page(), new_page()
    for tab in (page, stale):
        _log_in(tab, live_server.url)
        tab.goto(f"{live_server.url}/admin/events/{event_id}/reminders")

    page.click("[data-testid=send-reminders]")
    page.wait_for_selector("[data-testid=reminders-sent] li")
    assert page.locator("[data-testid=send-reminders]").count() == 0
    # A second send from a tab opened before reaches nobody again.
    stale.click("[data-testid=send-reminders]")
    stale.wait_for_selector("[data-testid=reminders-sent] li")

    assert live_server.call(_mails, "registration.reminder") == [
        ("ann@example.org", "Reminder: Wood circlemeet")]


def _register_marie(event_id: int) -> None:
    from app.events import services
    from app.events.models import Event
    from app.extensions import db
    from tests.factories import registration_data

    services.register(db.session.get(Event, event_id),
                      **registration_data(email="marie@example.org"))


@pytest.mark.browser
def test_an_edited_confirmation_is_used_in_the_next_mail(live_server, new_page):
    event_id = live_server.call(_reminder_event)
    page = new_page()
    _log_in(page, live_server.url)

    page.goto(f"{live_server.url}/admin/events")
    page.click("[data-testid=mail-texts-link]")
    page.select_option("select[name=kind]", "circlemeet")
    page.select_option("select[name=mail]", "confirmed")
    page.select_option("select[name=lang]", "en")
    page.click("[data-testid=template-choice] button")
    page.fill("#subject", "See you soon, {name}")
    page.fill("#body", "Bring business cards to {title}.")
    page.click("[data-testid=template-preview]")
    assert "Bring business cards to Circlemeet." in page.inner_text("[data-testid=preview]")
    page.click("[data-testid=template-save]")
    page.wait_for_selector("text=Your text is used.")

    live_server.call(_register_marie, event_id)

    assert live_server.call(_mails, "registration.confirmed") == [
        ("marie@example.org", "See you soon, Marie Dubois")]


def _organiser_with_sectors() -> None:
    from app.seed.vocabulary import seed_vocabulary

    seed_vocabulary()
    create_user("orga@cluster.example", "correct-horse", name="Orga", is_admin=True)


@pytest.mark.browser
def test_checkbox_lists_show_no_bullets(live_server, new_page):
    live_server.call(_organiser_with_sectors)
    page = new_page()
    _log_in(page, live_server.url)

    page.goto(f"{live_server.url}/admin/events/new")

    assert page.eval_on_selector("ul#sector_ids", "e => getComputedStyle(e).listStyleType") == (
        "none")


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_organiser_menu_fits_one_line_at_1280_px(live_server, new_page, lang):
    live_server.call(_organiser_with_sectors)
    page = new_page(locale=lang, viewport={"width": 1280, "height": 800})
    _log_in(page, live_server.url)
    page.goto(f"{live_server.url}/admin/events")

    heights = page.eval_on_selector_all(
        "#mainnav > ul > li", "items => items.map(e => e.getBoundingClientRect().top)")
    assert len(set(round(h) for h in heights)) == 1  # every item on the same line
    page.click("[data-testid=menu-group] >> nth=0")
    assert page.locator(".dropdown-menu.show a").count() >= 2


def _trip_with_car_question() -> int:
    from app.events.models import QuestionKind
    from tests.factories import make_question

    create_user("orga@cluster.example", "correct-horse", name="Orga", is_admin=True)
    event = make_event(kind=EventKind.STUDY_TRIP, title_en="Study trip", confirm_by_link=False)
    make_question(event, QuestionKind.YES_NO, label="By car?")
    make_question(event, QuestionKind.MULTIPLE, choices="Wood\nBikes", label="Visits")
    return event.id


def _answers_given() -> list[dict]:
    from sqlalchemy import select

    from app.events.models import Question, Registration
    from app.extensions import db

    labels = {str(q.id): q.label_en for q in db.session.scalars(select(Question))}
    return [{labels[k]: v for k, v in answers.items()}
            for answers in db.session.scalars(select(Registration.answers))]


@pytest.mark.browser
def test_conditional_question_shown_when_its_answer_is_picked(live_server, new_page):
    event_id = live_server.call(_trip_with_car_question)
    page = new_page()
    _log_in(page, live_server.url)
    page.goto(f"{live_server.url}/admin/events/{event_id}/questions/new")
    page.select_option("select[name=kind]", "number")
    page.fill("#label_en", "Seats offered")
    page.fill("#min_value", "1")
    page.fill("#max_value", "8")
    page.get_by_label("By car? — Yes").check()
    page.click("#submit")
    page.wait_for_selector("text=Question saved.")

    visitor = new_page()
    visitor.goto(f"{live_server.url}/events/{event_id}")
    seats = visitor.locator("[data-testid^=conditional-]")
    assert seats.is_hidden()
    visitor.select_option("select[id^=q_]", "yes")
    assert seats.is_visible()
    visitor.select_option("select[id^=q_]", "no")
    assert seats.is_hidden()
    visitor.select_option("select[id^=q_]", "yes")
    seats.locator("input").fill("12")
    visitor.get_by_label("Bikes").check()
    visitor.fill("#first_name", "Marie")
    visitor.fill("#last_name", "Dubois")
    visitor.fill("#email", "marie@example.org")
    visitor.check("#consent")
    visitor.click("[data-testid=registration-form] [name=submit]")
    assert "Please give a number between 1 and 8." in visitor.inner_text(
        "[data-testid^=conditional-]")  # shown again after the refusal, with its error
    seats.locator("input").fill("3")
    visitor.check("#consent")
    visitor.click("[data-testid=registration-form] [name=submit]")
    visitor.wait_for_selector("[data-testid=check-mailbox]")

    assert live_server.call(_answers_given) == [
        {"By car?": "yes", "Visits": ["Bikes"], "Seats offered": 3}]
