"""Registration figures per event: statuses, organisation types, sectors, show rate, chart."""

from datetime import timedelta

from sqlalchemy import select

from app.db import utc_now
from app.events.models import RegistrationStatus
from app.members.models import Sector
from tests.factories import make_event, make_organisation, make_person, make_registration

EN = {"Accept-Language": "en"}


def test_figures_count_statuses_kinds_sectors_and_the_show_rate(logged_in, db, vocabulary):
    wood = db.session.scalar(select(Sector).where(Sector.code == "wood"))
    event = make_event(starts_at=utc_now() - timedelta(hours=1))
    member = make_organisation("Bois Vif SRL")
    member.sectors.append(wood)
    ann = make_person("ann@boisvif.example", organisation="Bois Vif SRL")
    make_registration(event, ann, attended_at=utc_now())
    make_registration(event, make_person("bo@example.org"))
    make_registration(event, make_person("cy@example.org"), RegistrationStatus.WAITLISTED)
    db.session.commit()

    page = logged_in.get(f"/admin/events/{event.id}/figures", headers=EN).text

    assert 'data-testid="show-rate">50%<' in page
    assert "Member" in page and "No member organisation" in page
    assert wood.label("en") in page
    chart = logged_in.get(f"/admin/events/{event.id}/figures.svg", headers=EN)
    assert chart.status_code == 200 and chart.mimetype == "image/svg+xml"
    assert b"<svg" in chart.data and b"<script" not in chart.data


def test_figures_of_an_event_without_registrations(logged_in, db):
    event = make_event()
    db.session.commit()

    page = logged_in.get(f"/admin/events/{event.id}/figures", headers=EN).text

    assert "No registration yet." in page and 'data-testid="show-rate">–<' in page
