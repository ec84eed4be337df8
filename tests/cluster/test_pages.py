"""The organisers' pages of the cluster's year: registers, plan, proposals; bad input refused."""

from datetime import date

from sqlalchemy import func, select

from app.cluster.models import FollowUp, FollowUpKind, Introduction, Membership, PlanTarget
from app.extensions import db as _db
from app.mail.models import OutboxMessage
from tests.factories import make_organisation, make_person, make_profile_item
from tests.reports.builders import membership


def _count(model) -> int:
    return _db.session.scalar(select(func.count()).select_from(model))


def test_every_register_page_opens_empty(logged_in, db):
    for name in ("memberships", "board", "follow-ups", "advices", "introductions", "projects",
                 "communication"):
        response = logged_in.get(f"/admin/cluster/{name}/")
        assert response.status_code == 200, name
    assert logged_in.get("/admin/cluster/nothing/").status_code == 404


def test_record_a_follow_up_keeps_the_staff_member(logged_in, db):
    org = make_organisation("Alpha")
    db.session.commit()
    response = logged_in.post("/admin/cluster/follow-ups/", data={
        "organisation_id": org.id, "kind": "rd_subsidy", "held_on": "2025-03-04",
        "notes": "<b>subsidy</b>"})
    assert response.status_code == 302
    row = db.session.scalar(select(FollowUp))
    assert (row.kind, row.held_on, row.staff.email) == (
        FollowUpKind.RD_SUBSIDY, date(2025, 3, 4), "orga@cluster.example")
    page = logged_in.get("/admin/cluster/follow-ups/").get_data(as_text=True)
    assert "&lt;b&gt;subsidy&lt;/b&gt;" in page and "<b>subsidy" not in page


def test_forms_refuse_unknown_organisations_bad_dates_and_reversed_periods(logged_in, db):
    org = make_organisation("Alpha")
    db.session.commit()
    cases = [
        ("follow-ups", {"organisation_id": "999999", "kind": "other", "held_on": "2025-01-01"},
         "Choose a known organisation from the list."),
        ("follow-ups", {"organisation_id": "abc", "kind": "other", "held_on": "2025-01-01"},
         "Choose a known organisation from the list."),
        ("follow-ups", {"organisation_id": org.id, "kind": "other", "held_on": "2025-02-30"},
         "Not a valid date value."),
        ("follow-ups", {"organisation_id": org.id, "kind": "bogus", "held_on": "2025-01-01"},
         "Not a valid choice"),
        ("board", {"organisation_id": org.id, "starts_on": "2025-05-01", "ends_on": "2025-04-01"},
         "The end comes before the start."),
        ("memberships", {"organisation_id": org.id, "kind": "member",
                         "member_since": "2025-05-01", "left_on": "2025-01-01"},
         "The end comes before the start."),
        ("memberships", {"organisation_id": org.id, "kind": "member"},
         "Give the candidacy or membership start."),
        ("communication", {"starts_on": "2025-07-01", "ends_on": "2025-01-01"},
         "The end comes before the start."),
        ("communication", {"starts_on": "0001-01-01", "ends_on": "2025-01-01"},
         "Give a date between"),
        ("introductions", {"organisation_id": org.id, "held_on": "2025-01-01",
                           "outcome": "pending"},
         "Give either a known organisation or an outside contact."),
        ("introductions", {"organisation_id": org.id, "to_organisation_id": org.id,
                           "held_on": "2025-01-01", "outcome": "pending"},
         "An organisation is not introduced to itself."),
        ("projects", {"organisation_id": org.id, "title": "X", "stage": "idea",
                      "started_on": "2025-01-01", "jobs_created": "9" * 50},
         "Not a valid integer value."),
    ]
    for register, data, message in cases:
        response = logged_in.post(f"/admin/cluster/{register}/", data=data)
        assert response.status_code == 400, (register, data)
        assert message in response.get_data(as_text=True), (register, data)
    assert _count(FollowUp) == _count(Membership) == 0


def test_edit_an_introduction_outcome_later(logged_in, db):
    a, b = make_organisation("Alpha"), make_organisation("Beta")
    intro = Introduction(held_on=date(2025, 1, 1), organisation=a, to_organisation=b)
    db.session.add(intro)
    db.session.commit()
    response = logged_in.post(f"/admin/cluster/introductions/{intro.id}", data={
        "organisation_id": a.id, "to_organisation_id": b.id, "held_on": "2025-01-01",
        "outcome": "business", "outcome_on": "2025-06-01"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Introduction, intro.id).outcome.value == "business"


def test_plan_page_saves_targets(logged_in, db):
    response = logged_in.post("/admin/cluster/plan?year=2026", data={
        "event__site_visit": "2", "event__afterwork": "2", "new_members": ""})
    assert response.status_code == 302
    rows = {t.metric: t.target for t in db.session.scalars(select(PlanTarget))}
    assert rows == {"event:site_visit": 2, "event:afterwork": 2}
    assert logged_in.post("/admin/cluster/plan?year=2026",
                          data={"new_members": "-3"}).status_code == 400


def _matching_pair(db):
    a = membership("Bois Vif", since=date(2020, 1, 1)).organisation
    b = membership("Atelier Nord", since=date(2020, 1, 1)).organisation
    ann = make_person("ann@boisvif.example", organisation=a, language="fr")
    bob = make_person("bob@nord.example", organisation=b, language="nl")
    make_profile_item(ann, "need", "Chutes de bois", "reclaimed-wood")
    make_profile_item(bob, "offer", "Houtresten", "reclaimed-wood")
    db.session.commit()
    return a, b


def test_proposals_and_accepting_one_mails_both_sides(logged_in, db, vocabulary):
    a, b = _matching_pair(db)
    page = logged_in.get("/admin/cluster/introductions/proposed")
    assert page.status_code == 200
    assert page.get_data(as_text=True).count('data-testid="proposal"') == 1
    response = logged_in.post("/admin/cluster/introductions/proposed/accept",
                              data={"a_id": b.id, "b_id": a.id})
    assert response.status_code == 302
    intro = db.session.scalar(select(Introduction))
    assert {intro.organisation_id, intro.to_organisation_id} == {a.id, b.id}
    assert intro.mailed_at is not None and intro.staff.email == "orga@cluster.example"
    mails = {m.recipient: m.subject for m in db.session.scalars(select(OutboxMessage))}
    assert set(mails) == {"ann@boisvif.example", "bob@nord.example"}
    assert mails["ann@boisvif.example"].startswith("Une mise en relation")
    assert mails["bob@nord.example"].startswith("Een kennismaking")
    # Introduced: no longer proposed; a second accept changes nothing.
    assert 'data-testid="proposal"' not in logged_in.get(
        "/admin/cluster/introductions/proposed").get_data(as_text=True)
    logged_in.post("/admin/cluster/introductions/proposed/accept",
                   data={"a_id": a.id, "b_id": b.id})
    assert _count(Introduction) == 1 and _count(OutboxMessage) == 2


def test_pairs_that_met_at_a_b2b_session_are_not_proposed(db, vocabulary, app):
    from app.b2b.models import PublishedMeeting
    from app.b2b.services import add_participant
    from app.cluster.introductions import proposals
    from tests.factories import make_session, slots_of, tables_of

    a, b = _matching_pair(db)
    assert len(proposals()) == 1
    session = make_session()
    pa = add_participant(session, a.people[0])
    pb = add_participant(session, b.people[0])
    db.session.add(PublishedMeeting(session_id=session.id, a_id=pa.id, b_id=pb.id,
                                    slot_id=slots_of(session)[0].id,
                                    table_id=tables_of(session)[0].id, uid="x"))
    db.session.flush()
    assert proposals() == []
