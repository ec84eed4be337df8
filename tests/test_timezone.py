"""Wall-clock conversions: strict on the spring clock change, first occurrence in autumn."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from app.timezone import (
    LocalTimeError,
    combine,
    display_zone,
    local_day,
    shift_days,
    to_form,
    to_local,
    to_utc,
)


def test_local_to_utc_takes_summer_time_for_ambiguous_autumn_hour(app):
    with app.app_context():
        assert to_utc(datetime(2027, 10, 31, 2, 30)) == datetime(
            2027, 10, 31, 0, 30, tzinfo=UTC)


def test_shift_days_keeps_wall_clock_across_clock_change(app):
    with app.app_context():
        summer = datetime(2027, 10, 30, 8, 0, tzinfo=UTC)  # 10:00 in Brussels
        assert shift_days(summer, 1) == datetime(2027, 10, 31, 9, 0, tzinfo=UTC)


def test_shift_days_onto_skipped_time_keeps_the_offset(app):
    with app.app_context():
        winter = datetime(2027, 3, 27, 1, 30, tzinfo=UTC)  # 02:30 in Brussels

        assert shift_days(winter, 1) == datetime(2027, 3, 28, 1, 30, tzinfo=UTC)
        assert shift_days(None, 1) is None


def test_to_utc_refuses_time_skipped_in_spring(app):
    with app.app_context(), pytest.raises(LocalTimeError):
        to_utc(datetime(2027, 3, 28, 2, 30))


def test_to_utc_refuses_an_aware_datetime(app):
    with app.app_context(), pytest.raises(TypeError):
        to_utc(datetime(2027, 6, 1, 9, 0, tzinfo=UTC))


def test_combine_gives_utc_on_both_sides_of_the_spring_change(app):
    with app.app_context():
        assert combine(date(2027, 3, 27), time(9)) == datetime(2027, 3, 27, 8, tzinfo=UTC)
        assert combine(date(2027, 3, 28), time(9)) == datetime(2027, 3, 28, 7, tzinfo=UTC)
        with pytest.raises(LocalTimeError):
            combine(date(2027, 3, 28), time(2, 0))


def test_to_local_to_form_and_local_day(app):
    with app.app_context():
        late = datetime(2027, 6, 30, 22, 30, tzinfo=UTC)  # 00:30 on 1 July in Brussels

        assert to_local(late) == datetime(2027, 7, 1, 0, 30, tzinfo=ZoneInfo("Europe/Brussels"))
        assert to_local(late).utcoffset().total_seconds() == 7200
        assert to_form(late) == datetime(2027, 7, 1, 0, 30)
        assert to_form(None) is None
        assert local_day(late) == date(2027, 7, 1)


def test_display_zone_reads_config_and_falls_back_outside_an_app(app):
    assert display_zone() == ZoneInfo("Europe/Brussels")  # no app context here
    with app.app_context():
        app.config["DISPLAY_TIMEZONE"] = "Europe/Lisbon"  # this test's own app

        assert display_zone() == ZoneInfo("Europe/Lisbon")
        assert to_form(datetime(2027, 1, 10, 12, tzinfo=UTC)) == datetime(2027, 1, 10, 12)


def test_local_time_error_message_is_translated(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert LocalTimeError("x").message == (
            "This time does not exist in Brussels (the clocks move forward).")
