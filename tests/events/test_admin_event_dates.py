"""Organiser event pages show Brussels dates without seconds or time-zone names."""

from datetime import UTC, datetime

import pytest

from tests.factories import make_event

EN = {"Accept-Language": "en"}


@pytest.mark.parametrize("suffix", ["", "/attendance-sheet", "/cancel"])
def test_admin_event_pages_show_short_brussels_time(logged_in, db, suffix):
    event = make_event(starts_at=datetime(2026, 12, 10, 8, 0, tzinfo=UTC))
    db.session.commit()

    html = logged_in.get(f"/admin/events/{event.id}{suffix}", headers=EN).text

    assert "Thursday 10 December 2026, 09:00" in html
    assert "09:00:00" not in html
    assert "Central European" not in html


def test_admin_event_page_without_registration_window_shows_a_dash(logged_in, db):
    event = make_event()
    db.session.commit()

    html = logged_in.get(f"/admin/events/{event.id}", headers=EN).text

    window = html.split("Registrations</dt>", 1)[1].split("</dd>", 1)[0]
    assert "—" in window
