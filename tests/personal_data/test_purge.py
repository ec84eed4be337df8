"""`flask privacy purge`: old non-members and old mail bodies go; members and recent data stay."""

from datetime import timedelta

from sqlalchemy import select

from app.audit.models import AuditEntry
from app.db import utc_now
from app.extensions import db as _db
from app.jobs.worker import purge_mail_bodies
from app.mail.models import OutboxMessage, OutboxStatus
from app.members.models import Person
from app.personal_data.erasure import is_erased
from tests.factories import make_event, make_person, make_registration, queue_plain
from tests.personal_data import scenario


def _old_and_recent(db):
    """Ann and Bob at an event 800 days ago, Carla (non-member) 10 days ago, Dirk a member."""
    s = scenario.build(days_ago=800)
    carla = make_person("carla@example.org", first_name="Carla")
    dirk = make_person("dirk@boisvif.example", first_name="Dirk", organisation="Bois Vif SRL")
    old = make_event(starts_at=utc_now() - timedelta(days=900))
    make_registration(old, dirk)
    make_registration(make_event(starts_at=utc_now() - timedelta(days=10)), carla)
    # Carla also went to the old event: her last event is recent, she stays.
    make_registration(old, carla)
    now = utc_now()
    old_mail = queue_plain("carla@example.org", subject="Old link", body="/manage/old")
    old_mail.status, old_mail.sent_at = OutboxStatus.SENT, now - timedelta(days=31)
    new_mail = queue_plain("carla@example.org", subject="New link", body="/manage/new")
    new_mail.status, new_mail.sent_at = OutboxStatus.SENT, now - timedelta(days=29)
    db.session.commit()
    return s, carla, dirk, old_mail, new_mail


def _snapshot():
    _db.session.expire_all()
    people = _db.session.execute(select(Person.id, Person.email, Person.first_name)
                                 .order_by(Person.id)).all()
    mails = _db.session.execute(select(OutboxMessage.id, OutboxMessage.recipient,
                                       OutboxMessage.raw).order_by(OutboxMessage.id)).all()
    return people, mails


def test_dry_run_changes_nothing_and_prints_counts(runner, db):
    _old_and_recent(db)
    before = _snapshot()
    result = runner.invoke(args=["privacy", "purge", "--dry-run"])
    assert result.exit_code == 0, result.output
    # Ann and Bob are old non-members; 3 mails: theirs (pending, not delivered: kept) and
    # Carla's old one.
    assert result.output.strip() == (
        "privacy purge (dry run): would erase 2 non-member(s), would clear 1 mail body(ies)")
    assert _snapshot() == before
    assert db.session.scalar(select(AuditEntry)) is None


def test_purge_removes_old_non_members_and_old_mail_bodies(runner, db):
    s, carla, dirk, old_mail, new_mail = _old_and_recent(db)
    result = runner.invoke(args=["privacy", "purge"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == (
        "privacy purge: erased 2 non-member(s), cleared 1 mail body(ies)")
    db.session.expire_all()
    assert is_erased(db.session.get(Person, s.ann.id))
    assert is_erased(db.session.get(Person, s.bob.id))
    assert db.session.get(Person, carla.id).first_name == "Carla"
    assert db.session.get(Person, dirk.id).email == "dirk@boisvif.example"
    old_mail, new_mail = db.session.get(OutboxMessage, old_mail.id), db.session.get(
        OutboxMessage, new_mail.id)
    assert old_mail.raw == b"" and old_mail.recipient.startswith("sha256:")
    assert (old_mail.status, old_mail.kind, old_mail.sent_at is not None) == (
        OutboxStatus.SENT, "registration.confirmed", True)
    assert new_mail.raw != b"" and new_mail.recipient == "carla@example.org"
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["person.purge", "person.purge", "privacy.purge"]
    # A second run finds nothing more.
    again = runner.invoke(args=["privacy", "purge"])
    assert again.output.strip() == "privacy purge: erased 0 non-member(s), cleared 0 mail body(ies)"


def test_retention_periods_are_settings(app, runner, db):
    _old_and_recent(db)
    app.config.update(PRIVACY_RETENTION_DAYS=1000, OUTBOX_RETENTION_DAYS=20)
    result = runner.invoke(args=["privacy", "purge", "--dry-run"])
    assert "would erase 0 non-member(s), would clear 2 mail body(ies)" in result.output


def test_the_worker_clears_expired_mail_bodies(app, db):
    _s, _carla, _dirk, old_mail, new_mail = _old_and_recent(db)
    assert purge_mail_bodies(app) == 1
    db.session.expire_all()
    assert db.session.get(OutboxMessage, old_mail.id).raw == b""
    assert db.session.get(OutboxMessage, new_mail.id).raw != b""
