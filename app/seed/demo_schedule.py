"""Demo data: a solved and published schedule for the demo B2B session."""

from __future__ import annotations

from sqlalchemy import select

import matchmaking
from app.b2b import publication
from app.b2b.models import B2BSession, RunStatus, ScheduleRun
from app.b2b.problem import build_problem, store_run
from app.db import utc_now
from app.extensions import db

#: Seconds the solver gets in the seed (a demo, not the best schedule).
DEMO_TIME_LIMIT = 5


def seed_demo_schedule(seed: int = 2027) -> ScheduleRun | None:
    """Solve the demo session (synchronously, short limit), store and publish the run."""
    session = db.session.scalars(select(B2BSession).order_by(B2BSession.id)).first()
    if session is None or session.published_run_id is not None:
        return None
    problem = build_problem(session)
    run = ScheduleRun(session_id=session.id, status=RunStatus.RUNNING,
                      time_limit=DEMO_TIME_LIMIT, min_meetings=session.min_meetings,
                      started_at=utc_now(), stats={}, unscheduled=[])
    db.session.add(run)
    db.session.flush()
    schedule = matchmaking.solve(problem, time_limit=DEMO_TIME_LIMIT, seed=seed % 1000,
                                 workers=1)
    store_run(run, schedule)
    # Published without mail: a newcomer's first start must not fill the mail folder with
    # agendas for invented people.
    publication.publish_run(run, mail=False)
    return run
