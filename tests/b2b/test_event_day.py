"""Event day: a no-show, a re-plan from the next slot, and mail only to those affected."""

from datetime import UTC, datetime

from app.b2b import event_day, publication, runs
from app.b2b.models import RunStatus, ScheduleRun
from app.jobs.worker import run_next_job, run_once
from tests.factories import make_run, make_schedule_session, meeting_of, participants_of, slots_of

#: 14:05 in Brussels on the session day: slot S01 (14:00) has started, S02 (14:20) is next.
DURING_FIRST_SLOT = datetime(2032, 5, 20, 12, 5, tzinfo=UTC)


def test_next_slot_is_the_first_starting_after_now(db):
    session = make_schedule_session()
    assert event_day.next_slot(session, DURING_FIRST_SLOT).code == "S02"
    assert event_day.next_slot(session, datetime(2032, 5, 21, tzinfo=UTC)) is None


def test_replan_after_a_no_show_notifies_only_the_people_concerned(smtp_app, db, smtp_server):
    session = make_schedule_session()
    base = make_run(session, meetings=((0, 1, 0, 0), (0, 2, 1, 0), (2, 3, 2, 0)))
    db.session.commit()
    publication.publish_run(base)
    db.session.commit()
    run_once(smtp_app)
    smtp_server.wait_for(4)
    smtp_server.clear()
    p = participants_of(session)

    event_day.set_absent(p[3], True)
    run = event_day.start_replan(session, now=DURING_FIRST_SLOT)
    db.session.commit()
    assert run.from_slot_id == slots_of(session)[1].id
    run_next_job(smtp_app)
    db.session.expire_all()
    run = db.session.get(ScheduleRun, run.id)
    assert run.status == RunStatus.DONE, run.error
    slots = slots_of(session)
    # The past meeting stays exactly where it was; the absent person's meeting is gone.
    assert meeting_of(run, p[0], p[1]).slot_id == slots[0].id
    assert meeting_of(run, p[0], p[2]).slot_id == slots[1].id
    assert meeting_of(run, p[2], p[3]) is None
    assert run.stats["moved"] == 1

    result = publication.publish_run(run)
    db.session.commit()
    run_once(smtp_app)
    mails = smtp_server.wait_for(2)

    assert (result.mails, result.cancels, result.people) == (2, 2, 2)
    assert sorted(m.rcpt_tos[0] for m in mails) == sorted([p[2].person.email,
                                                          p[3].person.email])
    for mail in mails:
        (calendar,) = [part.get_content() for part in mail.message.walk()
                       if part.get_content_type() == "text/calendar"]
        assert "METHOD:CANCEL" in calendar and "STATUS:CANCELLED" in calendar


def test_past_meetings_never_move_even_for_a_no_show(db, app):
    session = make_schedule_session()
    base = make_run(session, meetings=((0, 1, 0, 0), (2, 3, 1, 0)))
    session.published_run_id = base.id
    p = participants_of(session)
    event_day.set_absent(p[0], True)
    run = event_day.start_replan(session, now=DURING_FIRST_SLOT)
    db.session.commit()

    run_next_job(app)

    db.session.expire_all()
    run = db.session.get(ScheduleRun, run.id)
    assert meeting_of(run, p[0], p[1]).slot_id == slots_of(session)[0].id


def test_replan_needs_a_published_schedule(db):
    session = make_schedule_session()
    try:
        event_day.start_replan(session, now=DURING_FIRST_SLOT)
    except runs.RunError as error:
        assert str(error) == "publish a schedule before re-planning it"
    else:
        raise AssertionError("re-planned an unpublished session")


def test_replan_button_uses_the_injected_clock(app, db, logged_in):
    session = make_schedule_session()
    base = make_run(session)
    session.published_run_id = base.id
    db.session.commit()
    app.config["B2B_CLOCK"] = lambda: DURING_FIRST_SLOT

    response = logged_in.post(f"/b2b/sessions/{session.id}/event-day/replan")

    run = db.session.scalars(db.select(ScheduleRun).order_by(ScheduleRun.id.desc())).first()
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/b2b/runs/{run.id}")
    assert (run.base_run_id, run.from_slot_id) == (base.id, slots_of(session)[1].id)


def test_event_day_page_marks_absent_and_late(app, db, logged_in):
    session = make_schedule_session()
    p = participants_of(session)
    db.session.commit()
    app.config["B2B_CLOCK"] = lambda: DURING_FIRST_SLOT

    logged_in.post(f"/b2b/sessions/{session.id}/event-day/{p[1].id}/absent",
                   data={"absent": "1"})
    logged_in.post(f"/b2b/sessions/{session.id}/event-day/{p[2].id}/arrival",
                   data={"arrives_at": "14:30"})
    page = logged_in.get(f"/b2b/sessions/{session.id}/event-day",
                         headers={"Accept-Language": "en"})

    db.session.expire_all()
    assert p[1].is_absent is True
    assert p[2].arrives_at == datetime(2032, 5, 20, 12, 30, tzinfo=UTC)
    assert 'data-testid="attendance"' in page.get_data(as_text=True)
