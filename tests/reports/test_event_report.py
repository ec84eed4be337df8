"""One event's report: counts by status, check-ins, no-shows, answers tallied, B2B."""

from datetime import UTC, datetime

from app.events.models import QuestionKind, RegistrationStatus
from tests.factories import make_event, make_person, make_question, make_registration


def test_event_report_counts_and_answers(logged_in, db):
    event = make_event()
    lunch = make_question(event, QuestionKind.CHOICE, choices="Veggie\nMeat", label="Lunch")
    note = make_question(event, QuestionKind.TEXT, label="Note")
    checked = datetime(2026, 1, 1, tzinfo=UTC)
    for i, (status, answer, attended, no_show) in enumerate([
            (RegistrationStatus.CONFIRMED, "Veggie", checked, False),
            (RegistrationStatus.CONFIRMED, "Veggie", None, True),
            (RegistrationStatus.CONFIRMED, "Meat", checked, False),
            (RegistrationStatus.WAITLISTED, "Meat", None, False)]):
        make_registration(event, make_person(f"p{i}@example.org"), status,
                          answers={str(lunch.id): answer, str(note.id): f"<i>n{i}</i>"},
                          attended_at=attended, no_show=no_show)
    db.session.commit()
    response = logged_in.get(f"/admin/reports/events/{event.id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'data-testid="check-ins">2<' in page and 'data-testid="no-shows">1<' in page
    assert "<th scope=\"row\">Veggie</th><td>2</td>" in page
    assert "&lt;i&gt;n0&lt;/i&gt;" in page and "&lt;i&gt;n3" not in page  # waitlisted: no
    assert logged_in.get("/admin/reports/events/999999").status_code == 404
