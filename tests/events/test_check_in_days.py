"""Multi-day events: check-in and the attendance sheet per day, figures per day and overall."""

from datetime import UTC, date, datetime

import pytest

from app.events.attendance import event_days
from app.events.display import is_multi_day
from app.events.models import DayAttendance, Registration
from app.extensions import db as _db
from tests.factories import make_event, make_person, make_registration

EN = {"Accept-Language": "en"}
DAY1, DAY2 = "2027-03-10", "2027-03-11"


def _seminar(db):
    """A two-day seminar (10-11 March 2027, 9:00 to 17:00 Brussels) with two participants."""
    event = make_event(title_en="Two-day seminar",
                       starts_at=datetime(2027, 3, 10, 8, tzinfo=UTC),
                       ends_at=datetime(2027, 3, 11, 16, tzinfo=UTC))
    ann = make_registration(event, make_person("ann@example.org", first_name="Ann"))
    bram = make_registration(event, make_person("bram@example.org", first_name="Bram"))
    db.session.commit()
    return event, ann, bram


def _post(client, event, registration, action, day):
    return client.post(f"/admin/events/{event.id}/registrations/{registration.id}/{action}",
                       data={"day": day}, headers=EN)


def test_two_day_seminar_checked_in_per_day_with_figures(logged_in, db):
    event, ann, bram = _seminar(db)

    _post(logged_in, event, ann, "check-in", DAY1)
    response = _post(logged_in, event, ann, "check-in", DAY2)
    _post(logged_in, event, bram, "check-in", DAY2)

    assert response.headers["Location"] == f"/admin/events/{event.id}/check-in?day={DAY2}"
    days = {(a.registration_id, a.day.isoformat()) for a in _db.session.query(DayAttendance)}
    assert days == {(ann.id, DAY1), (ann.id, DAY2), (bram.id, DAY2)}
    page = logged_in.get(f"/admin/events/{event.id}/check-in?day={DAY1}", headers=EN).text
    assert "<strong>1</strong> / 2" in page
    assert f'data-testid="day-{DAY1}"' in page and f'data-testid="day-{DAY2}"' in page
    assert "Over the event: 2 people came at least one day." in page
    page = logged_in.get(f"/admin/events/{event.id}/check-in?day={DAY2}", headers=EN).text
    assert "<strong>2</strong> / 2" in page


def test_undoing_one_day_keeps_the_other(logged_in, db):
    event, ann, _bram = _seminar(db)
    _post(logged_in, event, ann, "check-in", DAY1)
    _post(logged_in, event, ann, "check-in", DAY2)

    _post(logged_in, event, ann, "undo-check-in", DAY2)

    _db.session.expire_all()
    registration = _db.session.get(Registration, ann.id)
    assert [a.day.isoformat() for a in registration.days] == [DAY1]
    assert registration.attended_at is not None


def test_a_day_outside_the_event_is_refused(logged_in, db):
    event, ann, _bram = _seminar(db)

    for day in ("2027-03-12", "not-a-day", "99999-01-01"):
        assert _post(logged_in, event, ann, "check-in", day).status_code == 400
        assert logged_in.get(f"/admin/events/{event.id}/check-in?day={day}").status_code == 400
    assert _db.session.query(DayAttendance).count() == 0


def test_attendance_sheet_has_a_signature_column_per_day(logged_in, db):
    event, _ann, _bram = _seminar(db)

    page = logged_in.get(f"/admin/events/{event.id}/attendance-sheet", headers=EN).text

    assert page.count('data-testid="sheet-day"') == 2
    assert "Wed 10 Mar" in page and "Thu 11 Mar" in page


#: An afterwork from 22:10 to 01:10 Brussels time (UTC+1 in winter): one evening.
AFTERWORK = {"starts_at": datetime(2026, 12, 3, 21, 10, tzinfo=UTC),
             "ends_at": datetime(2026, 12, 4, 0, 10, tzinfo=UTC)}


@pytest.mark.parametrize("times", [{}, AFTERWORK], ids=["in ten days", "afterwork past midnight"])
def test_a_single_day_event_checks_in_as_before(logged_in, db, times):
    event = make_event(**times)
    ann = make_registration(event, make_person("ann@example.org"))
    db.session.commit()

    _post(logged_in, event, ann, "check-in", "")
    page = logged_in.get(f"/admin/events/{event.id}/check-in", headers=EN).text

    assert 'data-testid="checkin-days"' not in page and "<strong>1</strong> / 1" in page
    assert _db.session.query(DayAttendance).count() == 0


def test_an_evening_past_midnight_is_one_day_and_a_two_day_seminar_two(db, app):
    """The days attended, in Brussels time (UTC+1 in winter): an end before 06:00 closes the
    evening before; an end at 06:00 or later opens a new day."""
    with app.test_request_context():
        afterwork = make_event(**AFTERWORK)
        until_midnight = make_event(starts_at=datetime(2026, 12, 3, 18, tzinfo=UTC),  # 19:00
                                    ends_at=datetime(2026, 12, 3, 23, tzinfo=UTC))    # -00:00
        after_midnight = make_event(starts_at=datetime(2026, 12, 3, 23, 30, tzinfo=UTC),  # 00:30
                                    ends_at=datetime(2026, 12, 4, 1, 30, tzinfo=UTC))  # -02:30
        overnight = make_event(starts_at=datetime(2026, 12, 3, 17, tzinfo=UTC),  # 18:00
                               ends_at=datetime(2026, 12, 4, 5, tzinfo=UTC))      # -06:00
        seminar, _, _ = _seminar(db)

        assert event_days(afterwork) == [date(2026, 12, 3)]
        assert not is_multi_day(afterwork)
        assert event_days(until_midnight) == [date(2026, 12, 3)]
        assert event_days(after_midnight) == [date(2026, 12, 4)]
        assert event_days(overnight) == [date(2026, 12, 3), date(2026, 12, 4)]
        assert event_days(seminar) == [date(2027, 3, 10), date(2027, 3, 11)]
        assert is_multi_day(seminar)
