"""The demo year of events: every kind, attendance recorded, a full event, deterministic."""

from datetime import date, timedelta

from sqlalchemy import func, select

from app import create_app
from app.db import utc_now
from app.events import queries
from app.events.models import Audience, Event, EventKind, EventStatus, Registration
from app.events.models import RegistrationStatus as Status
from app.extensions import db as _db
from app.seed.demo_events import seed_demo_events
from app.seed.demo_members import seed_demo_members
from app.seed.vocabulary import seed_vocabulary
from config import TestingConfig

TODAY = date(2026, 11, 23)


def _seed(today=TODAY):
    seed_vocabulary()
    seed_demo_members(2027)
    seed_demo_events(2027, today=today)
    _db.session.commit()


def test_demo_events_cover_every_kind_with_past_attendance(db):
    _seed(today=utc_now().date())
    events = list(db.session.scalars(select(Event)))
    now = utc_now()

    assert {event.kind for event in events} == set(EventKind)
    past = [e for e in events if e.ends_at < now and e.status == EventStatus.PUBLISHED]
    upcoming = queries.get_upcoming_events()
    assert len(past) >= 30 and len(upcoming) >= 12
    assert all(queries.get_refusal(e) is None for e in upcoming
               if e.starts_at > now + timedelta(days=1))
    attended = db.session.scalar(select(func.count(Registration.id))
                                 .where(Registration.attended_at.is_not(None)))
    no_shows = db.session.scalar(select(func.count(Registration.id))
                                 .where(Registration.no_show.is_(True)))
    assert attended > 200 and no_shows > 10
    assert all(e.audience == Audience.MEMBERS for e in events
               if e.kind == EventKind.WORKING_GROUP)
    full = [e for e in upcoming if queries.get_status_counts(e)[Status.WAITLISTED]]
    assert len(full) == 1 and queries.places_left(full[0]) == 0
    annual = next(e for e in events if e.kind == EventKind.ANNUAL_EVENT)
    assert 40 <= (annual.starts_at.date() - now.date()).days <= 125
    assert any("B2B" in item.title_en for item in annual.programme)
    trip = next(e for e in events if e.kind == EventKind.STUDY_TRIP)
    assert (trip.ends_at - trip.starts_at).days >= 2 and len(trip.programme) >= 4
    assert all(e.title_fr and e.title_nl and e.title_en for e in events)
    # Members come back: many people attended several events.
    regulars = db.session.scalar(select(func.count()).select_from(
        select(Registration.person_id).where(Registration.attended_at.is_not(None))
        .group_by(Registration.person_id).having(func.count() >= 3).subquery()))
    assert regulars >= 20


def _signature(tmp_path, name):
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / name}")
    with app.app_context():
        _db.create_all()
        _seed()
        rows = _db.session.execute(
            select(Event.title_en, Event.starts_at, func.count(Registration.id))
            .outerjoin(Registration).group_by(Event.id).order_by(Event.id)).all()
        _db.session.remove()
        _db.engine.dispose()
    return rows


def test_demo_events_are_deterministic(tmp_path):
    assert _signature(tmp_path, "one.sqlite") == _signature(tmp_path, "two.sqlite")
