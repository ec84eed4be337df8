"""Check-in per programme item where the organiser wants it (a study trip's visits): the flag
on the item, the check-in page per item, counts per item in the event figures."""

from datetime import timedelta

from sqlalchemy import select

from app.events import admin_services
from app.events.models import EventKind, ItemAttendance, ProgrammeItem, Registration
from app.extensions import db as _db
from tests.factories import make_event, make_person, make_registration

EN = {"Accept-Language": "en"}


def _trip(db):
    """A study trip with two visits checked in, a lunch that is not, and two participants."""
    event = make_event(kind=EventKind.STUDY_TRIP, title_en="Study trip")
    start = event.starts_at
    items = [ProgrammeItem(event=event, starts_at=start + timedelta(minutes=30 * n),
                           ends_at=start + timedelta(minutes=30 * n + 25), title_en=title,
                           check_in=check_in)
             for n, (title, check_in) in enumerate([("Sawmill", True), ("Lunch", False),
                                                    ("Bike workshop", True)])]
    _db.session.add_all(items)
    ann = make_registration(event, make_person("ann@example.org", first_name="Ann"))
    bram = make_registration(event, make_person("bram@example.org", first_name="Bram"))
    db.session.commit()
    return event, items, ann, bram


def _post(client, event, registration, action, item):
    return client.post(f"/admin/events/{event.id}/registrations/{registration.id}/{action}",
                       data={"item": item.id}, headers=EN)


def test_organiser_marks_an_item_for_check_in(logged_in, db):
    event = make_event(kind=EventKind.STUDY_TRIP)
    db.session.commit()

    response = logged_in.post(f"/admin/events/{event.id}/programme/new", headers=EN, data={
        "starts_at": "2027-05-04T10:00", "ends_at": "2027-05-04T11:00", "title_en": "Sawmill",
        "check_in": "y"})

    assert response.status_code == 302
    item = _db.session.scalars(select(ProgrammeItem)).one()
    assert item.check_in is True
    page = logged_in.get(f"/admin/events/{event.id}", headers=EN).text
    assert 'data-testid="item-check-in"' in page
    copy = admin_services.duplicate_event(event, event.starts_at.date() + timedelta(days=7))
    assert [i.check_in for i in copy.programme] == [True]


def test_check_in_per_visit_with_counts_and_undo(logged_in, db):
    event, (sawmill, lunch, bikes), ann, bram = _trip(db)

    response = _post(logged_in, event, ann, "check-in", sawmill)
    _post(logged_in, event, ann, "check-in", sawmill)  # twice: still once
    _post(logged_in, event, bram, "check-in", bikes)

    assert response.headers["Location"] == f"/admin/events/{event.id}/check-in?item={sawmill.id}"
    rows = {(a.registration_id, a.item_id) for a in _db.session.scalars(select(ItemAttendance))}
    assert rows == {(ann.id, sawmill.id), (bram.id, bikes.id)}
    page = logged_in.get(f"/admin/events/{event.id}/check-in?item={sawmill.id}", headers=EN).text
    assert "<strong>1</strong> / 2 checked in at Sawmill" in page
    assert f'data-testid="item-{bikes.id}"' in page and f'data-testid="item-{lunch.id}"' not in page
    assert f'name="item" value="{sawmill.id}"' in page
    figures = logged_in.get(f"/admin/events/{event.id}/figures", headers=EN).text
    assert "<td>Sawmill</td><td class=\"text-end\">1</td>" in figures
    assert "<td>Bike workshop</td><td class=\"text-end\">1</td>" in figures

    _post(logged_in, event, bram, "undo-check-in", bikes)
    _db.session.expire_all()
    assert _db.session.get(Registration, bram.id).attended_at is None
    assert _db.session.get(Registration, ann.id).attended_at is not None


def test_an_item_without_check_in_or_of_another_event_is_refused(logged_in, db):
    event, (_sawmill, lunch, _bikes), ann, _bram = _trip(db)
    other, (other_item, *_rest), _a, _b = _trip_again(db)

    for item in (lunch, other_item):
        assert _post(logged_in, event, ann, "check-in", item).status_code == 400
    assert logged_in.get(f"/admin/events/{event.id}/check-in?item=99999999999999999999",
                         headers=EN).status_code == 400
    assert _db.session.scalars(select(ItemAttendance)).all() == []


def _trip_again(db):
    event = make_event(kind=EventKind.STUDY_TRIP, title_en="Other trip")
    item = ProgrammeItem(event=event, starts_at=event.starts_at, ends_at=event.ends_at,
                         title_en="Quarry", check_in=True)
    _db.session.add(item)
    db.session.commit()
    return event, [item], None, None
