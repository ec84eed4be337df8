"""Working-group attendance across a year: per sector, who came to which meeting."""

from datetime import UTC, datetime

from app.events.models import EventKind, RegistrationStatus
from app.reports.working_groups import attendance
from tests.factories import make_event, make_person, make_registration, sector


def _meeting(month: int, *sectors, **values):
    start = datetime(2025, month, 10, 8, tzinfo=UTC)
    event = make_event(kind=EventKind.WORKING_GROUP, starts_at=start,
                       ends_at=start.replace(hour=10), **values)
    event.sectors = list(sectors)
    return event


def _build():
    wood, textile = sector("wood"), sector("textile")
    march, june = _meeting(3, wood), _meeting(6, wood, textile)
    _meeting(7)  # no sector
    make_event(kind=EventKind.SEMINAR, starts_at=datetime(2025, 3, 11, 8, tzinfo=UTC))
    ann = make_person("ann@boisvif.example", organisation="Bois Vif SRL", last_name="Alpha")
    bob = make_person("bob@loop.example", first_name="Bob", last_name="Beta")
    cat = make_person("cat@loop.example", first_name="Cat", last_name="Gamma")
    make_registration(march, ann).attended_at = march.starts_at
    make_registration(june, ann)  # confirmed, not checked in
    make_registration(june, bob).attended_at = june.starts_at
    make_registration(march, cat).status = RegistrationStatus.CANCELLED
    return march, june


def test_each_sector_lists_its_meetings_and_who_came(db, vocabulary):
    march, june = _build()
    db.session.flush()
    groups = attendance(2025)
    assert [g.sector.code if g.sector else None for g in groups][-1] is None
    wood = next(g for g in groups if g.sector and g.sector.code == "wood")
    assert wood.meetings == [march, june]
    assert [(line.person.last_name, line.attended, line.present) for line in wood.lines] == [
        ("Alpha", {march.id: True, june.id: False}, 1), ("Beta", {june.id: True}, 1)]
    textile = next(g for g in groups if g.sector and g.sector.code == "textile")
    assert [line.person.last_name for line in textile.lines] == ["Alpha", "Beta"]
    assert attendance(2024) == []


def test_the_page_shows_the_grid_in_french(logged_in, db, vocabulary):
    _build()
    db.session.commit()
    logged_in.get("/lang/fr")
    response = logged_in.get("/admin/reports/working-groups/2025")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert page.count('data-testid="working-group"') == 3
    assert "Ann Alpha" in page and "Bois Vif SRL" in page and "1 / 2" in page
    assert "10/03" in page and "Sans filière" in page
    assert 'href="/admin/reports/working-groups/2025"' in logged_in.get(
        "/admin/reports/annual/2025").get_data(as_text=True)
    assert logged_in.get("/admin/reports/working-groups/1990").status_code == 200
