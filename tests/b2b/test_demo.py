from collections import Counter

import pytest
from sqlalchemy import func, select

from app.b2b import suggestions
from app.b2b.models import B2BSession, MeetingRequest
from app.b2b.problem import build_problem, build_problem_dict
from app.events.models import EventKind


@pytest.fixture
def demo(runner, db):
    result = runner.invoke(args=["seed", "demo"])
    assert result.exit_code == 0, result.output
    return db.session.scalar(select(B2BSession))


def test_demo_session_is_ready_to_explore(demo, db):
    participants = demo.participants
    requests = db.session.scalars(select(MeetingRequest)).all()

    assert demo.event.kind == EventKind.ANNUAL_EVENT
    assert 50 <= len(participants) <= 80
    assert len(demo.slots) == 10
    gaps = [(b.starts_at - a.ends_at).total_seconds() / 60
            for a, b in zip(demo.slots, demo.slots[1:], strict=False)]
    assert gaps == [0, 0, 0, 0, 40, 0, 0, 0, 0]
    assert len(demo.tables) == 20
    assert sum(1 for p in participants if p.table is not None) >= 2
    assert sum(1 for p in participants if p.person.organisation_id is None) >= 6
    assert set(Counter(r.priority for r in requests)) == {1, 2, 3}
    assert {r.status.value for r in requests} >= {"pending", "accepted", "declined"}
    assert len(build_problem(demo).participants) == len(participants)


def test_demo_reclaimed_wood_need_tops_with_an_offer_of_it(demo):
    needers = [p for p in demo.participants
               if any(i.kind == "need" and "reclaimed-wood" in {t.code for t in i.tags}
                      for i in p.items)]
    offers = {p.code: {t.code for i in p.items if i.kind == "offer" for t in i.tags}
              for p in demo.participants}
    assert needers

    tops = [suggestions.suggestions_for(p, limit=1) for p in needers]

    assert all(top and "reclaimed-wood" in offers[top[0].b] for top in tops)
    assert all(top[0].reasons[0].kind == "need_offer" for top in tops)


def test_demo_is_deterministic(demo, db):
    data = build_problem_dict(demo, include_suggestions=False)

    assert data["participants"][0]["id"] == "P001"
    assert len(data["requests"]) >= 20


def test_demo_schedule_is_published_without_queueing_mail(demo, db):
    """A newcomer's first start leaves the demo mail folder empty."""
    from app.b2b.models import SessionStatus
    from app.mail.models import OutboxMessage

    assert demo.status == SessionStatus.PUBLISHED and demo.published_run_id is not None
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0
