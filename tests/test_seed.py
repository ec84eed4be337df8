"""The demo cluster: realistic shares, deterministic, idempotent."""

from sqlalchemy import func, select

from app import create_app
from app.extensions import db as _db
from app.members.models import Organisation, OrganisationKind, Person, ProfileItem, ProfileItemKind
from config import TestingConfig


def _fingerprint(db):
    return [
        (o.name, o.kind.value, len(o.people))
        for o in db.session.scalars(select(Organisation).order_by(Organisation.name))
    ]


def test_seed_demo_builds_the_cluster_once(runner, db):
    first = runner.invoke(args=["seed", "demo"])
    assert first.exit_code == 0, first.output
    assert "organiser@clustermeet.example" in first.output
    members = db.session.scalar(
        select(func.count(Organisation.id)).where(Organisation.kind == OrganisationKind.MEMBER)
    )
    partners = db.session.scalar(
        select(func.count(Organisation.id)).where(Organisation.kind == OrganisationKind.PARTNER)
    )
    companies = db.session.scalar(
        select(func.count(Organisation.id)).where(Organisation.is_company.is_(True))
    )
    assert (members, partners) == (54, 20)
    assert round(companies / (members + partners), 2) == 0.86
    people = db.session.scalar(select(func.count(Person.id)))
    second = runner.invoke(args=["seed", "demo"])
    assert second.exit_code == 0
    assert db.session.scalar(select(func.count(Person.id))) == people


def test_seed_demo_is_deterministic(app, tmp_path):
    prints = []
    for name in ("one", "two"):
        other = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / name}.db")
        with other.app_context():
            _db.create_all()
            assert other.test_cli_runner().invoke(args=["seed", "demo"]).exit_code == 0
            prints.append(_fingerprint(_db))
            _db.engine.dispose()
    assert prints[0] == prints[1]


def test_demo_offers_and_needs_complement_each_other(runner, db):
    runner.invoke(args=["seed", "demo"])

    items = db.session.scalars(select(ProfileItem)).all()
    offered = {t.code for i in items if i.kind == ProfileItemKind.OFFER for t in i.tags}
    needed = {t.code for i in items if i.kind == ProfileItemKind.NEED for t in i.tags}
    assert {"reclaimed-wood", "used-laptops", "inner-tubes"} <= offered & needed
