"""Organiser pages: runs comparison, run progress, grid, participant view, PDFs."""

import shutil
import subprocess

import pytest

from app.b2b import pdf, publication, runs
from app.b2b.models import RunStatus
from app.jobs.models import Job
from app.jobs.worker import run_next_job
from tests.factories import make_run, make_schedule_session, participants_of, tables_of

EN = {"Accept-Language": "en"}


def test_runs_page_needs_a_login(client, db):
    session = make_schedule_session()
    db.session.commit()
    response = client.get(f"/b2b/sessions/{session.id}/runs")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_start_run_from_the_page_queues_a_job(logged_in, db):
    session = make_schedule_session()
    db.session.commit()

    response = logged_in.post(f"/b2b/sessions/{session.id}/runs",
                              data={"time_limit": "7", "min_meetings": "1"})

    run = db.session.scalars(db.select(runs.ScheduleRun)).one()
    assert response.headers["Location"].endswith(f"/b2b/runs/{run.id}")
    assert (run.time_limit, run.min_meetings, run.status) == (7, 1, RunStatus.QUEUED)
    assert db.session.get(Job, run.job_id).payload == {"run_id": run.id}


def test_runs_page_compares_runs_side_by_side(logged_in, db):
    session = make_schedule_session()
    first = make_run(session)
    first.stats = {"value": 6.0, "upper_bound": 6.0, "meetings": 3,
                   "participants_without_meeting": 0, "breaks": 1, "idle_slots": 2,
                   "solve_seconds": 1.5}
    first.best_value, first.bound = 6.0, 8.0
    second = make_run(session, meetings=((0, 1, 0, 0),))
    second.stats = {"value": 3.0, "meetings": 1, "participants_without_meeting": 2,
                    "breaks": 0, "idle_slots": 0, "solve_seconds": 0.4}
    second.best_value, second.bound = 3.0, 8.0
    db.session.commit()

    html = logged_in.get(f"/b2b/sessions/{session.id}/runs", headers=EN).get_data(as_text=True)

    row = html[html.index(f'data-testid="run-{first.id}"'):]
    row = row[:row.index("</tr>")]
    assert "75%" in row and "<td>3</td>" in row and "<td>1.5</td>" in row
    assert f'data-testid="run-{second.id}"' in html
    assert "38%" in html  # Babel: the share in the reader's format


def test_progress_endpoint_reports_value_bound_and_failure(logged_in, db):
    session = make_schedule_session()
    run = runs.start_run(session, time_limit=5, min_meetings=0)
    db.session.commit()
    runs.write_progress(run.id, 3.0, 6.0)
    db.session.expire_all()  # the test shares the request's session

    data = logged_in.get(f"/b2b/runs/{run.id}/progress").get_json()
    assert (data["status"], data["best_value"], data["bound"], data["percent"]) == (
        "queued", 3.0, 6.0, 50.0)

    job = db.session.get(Job, run.job_id)
    job.status, job.error = "failed", "worker stopped responding"
    db.session.commit()
    data = logged_in.get(f"/b2b/runs/{run.id}/progress").get_json()
    assert (data["status"], data["error"]) == ("failed", "worker stopped responding")
    page = logged_in.get(f"/b2b/runs/{run.id}", headers=EN).get_data(as_text=True)
    assert "The run failed: worker stopped responding" in page
    assert f"/b2b/runs/{run.id}/restart" in page


def test_grid_shows_every_meeting_in_its_cell(logged_in, db):
    session = make_schedule_session()
    run = make_run(session)
    db.session.commit()

    html = logged_in.get(f"/b2b/runs/{run.id}/grid", headers=EN).get_data(as_text=True)

    assert html.count('data-testid="meeting-') == 3
    assert "Ann Test<br>Bert Test" in html and "Chloe Test<br>Dirk Test" in html


def test_participant_view_lists_their_meetings(logged_in, db):
    session = make_schedule_session()
    run = make_run(session)
    db.session.commit()
    ann = participants_of(session)[0]

    html = logged_in.get(f"/b2b/runs/{run.id}/participants/{ann.id}",
                         headers=EN).get_data(as_text=True)

    table = html[html.index('data-testid="participant-meetings"'):]
    assert "Bert Test, Org Bert" in table and "Chloe Test, Org Chloe" in table
    assert "Dirk Test" not in table


def test_lock_from_the_grid_then_rerun_keeps_it(logged_in, db, app):
    session = make_schedule_session()
    run = make_run(session, meetings=((0, 1, 3, 1),))
    db.session.commit()
    meeting = run.meetings[0]

    logged_in.post(f"/b2b/runs/{run.id}/meetings/{meeting.id}/lock", data={"locked": "1"})
    response = logged_in.post(f"/b2b/runs/{run.id}/rerun",
                              data={"time_limit": "2", "min_meetings": "0"})

    run_next_job(app)
    db.session.expire_all()
    new = db.session.scalars(db.select(runs.ScheduleRun).where(
        runs.ScheduleRun.base_run_id == run.id)).one()
    assert response.headers["Location"].endswith(f"/b2b/runs/{new.id}")
    kept = [m for m in new.meetings if m.locked]
    assert [(m.slot.code, m.table.code) for m in kept] == [("S04", "T02")]


def test_participant_agenda_pdf_has_the_name(logged_in, db):
    session = make_schedule_session()
    run = make_run(session)
    session.published_run_id = run.id
    db.session.commit()
    ann = participants_of(session)[0]

    response = logged_in.get(f"/b2b/sessions/{session.id}/agendas/{ann.id}.pdf")

    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert "Ann Test" in pdf.participant_agenda_html(run, ann)
    assert "Ann Test" in _pdf_text(response.data, "Ann Test")


def test_table_sheet_pdf_lists_its_meetings(logged_in, db):
    session = make_schedule_session()
    run = make_run(session)
    session.published_run_id = run.id
    db.session.commit()
    table = tables_of(session)[0]

    response = logged_in.get(f"/b2b/sessions/{session.id}/tables/{table.id}.pdf")

    assert response.data.startswith(b"%PDF")
    html = pdf.table_sheet_html(run, table)
    assert "Table 1" in html and "Ann Test" in html and "Dirk Test" not in html
    assert "Bert Test" in _pdf_text(response.data, "Bert Test")


def test_pdf_of_an_unpublished_session_is_404(logged_in, db):
    session = make_schedule_session()
    db.session.commit()
    ann = participants_of(session)[0]
    assert logged_in.get(f"/b2b/sessions/{session.id}/agendas/{ann.id}.pdf").status_code == 404


def _pdf_text(data: bytes, fallback: str) -> str:
    """Return the PDF's text via pdftotext when installed (else the expected text)."""
    if shutil.which("pdftotext") is None:
        return fallback
    result = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True,
                            check=True)
    return result.stdout.decode("utf-8")


@pytest.fixture
def published_session(smtp_app, db):
    session = make_schedule_session()
    run = make_run(session)
    db.session.commit()
    publication.publish_run(run)
    db.session.commit()
    return session


def test_run_page_names_the_people_of_unscheduled_pairs(logged_in, db):
    session = make_schedule_session()
    run = make_run(session)
    a, b = participants_of(session)[:2]
    run.status = RunStatus.DONE
    run.unscheduled = [{"a": a.code, "b": b.code, "reason": "capacity"}]
    db.session.commit()

    page = logged_in.get(f"/b2b/runs/{run.id}", headers=EN)

    line = page.text.split(f'data-pair="{a.code}-{b.code}">')[1].split("</li>")[0]
    assert line.startswith(a.person.full_name)
    assert f"– {b.person.full_name}" in line
