"""The team's records naming a person: in their export, and without them after an erasure."""

from datetime import date

from sqlalchemy import select

from app.cluster.models import (
    Advice,
    BoardSeat,
    FollowUp,
    FollowUpKind,
    Introduction,
    IntroductionOutcome,
)
from app.extensions import db as _db
from app.members.models import Person
from app.personal_data import export
from app.personal_data.erasure import erase_person
from app.reports.period import Period
from app.reports.work import follow_ups_by_kind, simple_advices
from tests.factories import make_organisation, make_person

NOTE = "Ann Zorglub worries about her pallets"


def _records() -> tuple[Person, Person]:
    """Add Ann and Bob, and one record of each kind naming Ann (Bob's are his own)."""
    wood = make_organisation("Bois Vif SRL")
    metal = make_organisation("Metal Loop SA")
    ann = make_person("ann.secret@example.org", organisation=wood, last_name="Zorglub")
    bob = make_person("bob.other@example.org", organisation=metal, last_name="Quinoa")
    day = date(2026, 3, 4)
    _db.session.add_all([
        FollowUp(kind=FollowUpKind.EXPORT, organisation=wood, person=ann, held_on=day,
                 notes=NOTE),
        FollowUp(kind=FollowUpKind.EXPORT, organisation=metal, person=bob, held_on=day,
                 notes="Bob's own follow-up"),
        Advice(subject="Pallet reuse", organisation=wood, person=ann, held_on=day, notes=NOTE),
        Introduction(organisation=wood, person=ann, to_organisation=metal, to_person=bob,
                     held_on=day, reason=NOTE, outcome=IntroductionOutcome.BUSINESS),
        Introduction(organisation=metal, person=bob, outside_contact="Carla Outside",
                     held_on=day, reason="for Bob"),
        BoardSeat(organisation=wood, person=ann, starts_on=day),
    ])
    _db.session.flush()
    return ann, bob


def test_the_export_holds_the_team_records_naming_the_person(db):
    _records()
    data = export.collect("ann.secret@example.org")["team_records"]
    assert [f["notes"] for f in data["follow_ups"]] == [NOTE]
    assert [a["subject"] for a in data["advices"]] == ["Pallet reuse"]
    [introduction] = data["introductions"]
    assert introduction["role"] == "introduced" and introduction["to"] == "Metal Loop SA"
    assert introduction["outcome"] == "business"
    assert [s["organisation"] for s in data["board_seats"]] == ["Bois Vif SRL"]
    bob = export.collect("bob.other@example.org")["team_records"]
    assert [i["role"] for i in bob["introductions"]] == ["introduced_to", "introduced"]
    assert "Bob's own follow-up" not in export.to_csv(export.collect("ann.secret@example.org"))


def test_erasure_takes_the_person_off_the_team_records_and_keeps_the_figures(db, organiser):
    ann, bob = _records()
    year = Period.year(2026)
    before = (follow_ups_by_kind(year), simple_advices(year))
    result = erase_person(ann, organiser)
    _db.session.commit()
    assert result.team_records == 4  # a follow-up, an advice, an introduction, a seat
    assert (follow_ups_by_kind(year), simple_advices(year)) == before
    for model in (FollowUp, Advice):
        assert _db.session.scalars(select(model.notes)).all().count(NOTE) == 0
    assert _db.session.scalar(select(BoardSeat.person_id)) is None
    introductions = _db.session.scalars(select(Introduction).order_by(Introduction.id)).all()
    assert (introductions[0].person_id, introductions[0].reason) == (None, "")
    assert introductions[0].to_person_id == bob.id  # Bob is not erased
    assert introductions[1].outside_contact == "Carla Outside"
    assert _db.session.scalar(select(FollowUp.notes).where(FollowUp.person_id == bob.id)) \
        == "Bob's own follow-up"
    assert NOTE not in str(export.collect(ann.email))


def test_the_erasure_page_counts_the_team_records(logged_in, db):
    ann, _bob = _records()
    _db.session.commit()
    page = logged_in.get(f"/admin/privacy/people/{ann.id}/erase").get_data(as_text=True)
    assert "introductions and board seats (records: 4)" in page
