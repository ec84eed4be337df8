"""Schedule run page and PDFs: readable times in every language."""

from datetime import UTC, datetime, timedelta

from flask_babel import force_locale

from app.b2b import pdf
from app.b2b.queries import make_participant_token
from app.extensions import db as _db
from tests.factories import make_run, make_schedule_session, participants_of, tables_of

EN = {"Accept-Language": "en"}


def test_finished_run_page_shows_elapsed_time_and_bar_caption(logged_in, db):
    session = make_schedule_session()
    run = make_run(session)
    run.started_at = run.finished_at - timedelta(seconds=4.6)
    _db.session.commit()

    html = logged_in.get(f"/b2b/runs/{run.id}", headers=EN).text

    assert '<span id="run-time">4.6 s used of 5 s</span>' in html
    assert 'data-testid="run-phase" data-phase="">Finished</strong>' in html
    assert "bound" not in html.lower()


def test_pdfs_use_a_24_hour_clock_in_english(app, db):
    session = make_schedule_session()
    run = make_run(session)
    db.session.commit()
    ann = participants_of(session)[0]

    with app.test_request_context(), force_locale("en"):
        agenda = pdf.participant_agenda_html(run, ann)
        sheet = pdf.table_sheet_html(run, tables_of(session)[0])

    for html in (agenda, sheet):
        assert " AM" not in html and " PM" not in html


def test_portal_request_deadline_has_no_seconds(client, db):
    session = make_schedule_session()
    session.request_deadline_at = datetime(2027, 2, 20, 12, 0, tzinfo=UTC)
    db.session.commit()
    ann = participants_of(session)[0]

    html = client.get(f"/b2b/{session.id}/me/{make_participant_token(ann)}/", headers=EN).text

    assert "Requests are open until 20 February 2027, 13:00." in html
