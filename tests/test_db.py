"""The UTC column type: aware datetimes in and out, on every database."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from app.members.models import Person


def test_datetime_comes_back_aware_utc(db):
    brussels_summer = timezone(timedelta(hours=2))
    person = Person(
        email="a@b.example", created_at=datetime(2027, 7, 1, 10, 0, tzinfo=brussels_summer)
    )
    db.session.add(person)
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(Person, person.id).created_at
    assert stored == datetime(2027, 7, 1, 8, 0, tzinfo=UTC)
    assert stored.tzinfo is not None and stored.utcoffset() == timedelta(0)


def test_naive_datetime_is_refused(db):
    db.session.add(Person(email="n@b.example", created_at=datetime(2027, 7, 1, 10, 0)))
    with pytest.raises(Exception, match="naive"):
        db.session.flush()
    db.session.rollback()
