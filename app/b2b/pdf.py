"""Printable PDFs (WeasyPrint): agendas and table sheets, one or all of them at once.

Each agenda is written in its participant's own language (a bundle of all agendas mixes
languages, a page each); table sheets are for the welcome desk, in the organiser's language.
"""

from __future__ import annotations

from collections import defaultdict

from flask import render_template
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.b2b.calendar_entries import session_title
from app.b2b.models import B2BSession, B2BTable, Meeting, Participant, ScheduleRun
from app.events.display import event_location
from app.extensions import db
from app.i18n import current_language, in_language, language_or_default, local_date
from app.timezone import local_day


def _meetings(run: ScheduleRun, *conditions) -> list[Meeting]:
    rows = list(db.session.scalars(
        select(Meeting).where(Meeting.run_id == run.id, *conditions)
        .options(selectinload(Meeting.slot), selectinload(Meeting.table),
                 selectinload(Meeting.a).selectinload(Participant.person),
                 selectinload(Meeting.b).selectinload(Participant.person),
                 selectinload(Meeting.a).selectinload(Participant.items),
                 selectinload(Meeting.b).selectinload(Participant.items))))
    rows.sort(key=lambda m: (m.slot.starts_at, m.table.position, m.table.code))
    return rows


def _heading(session: B2BSession, meetings: list[Meeting], language: str) -> dict:
    """Return the event's name, its days written out and its venue, in the current language."""
    days = sorted({local_day(m.slot.starts_at) for m in meetings}
                  or {local_day(session.event.starts_at)})
    return {"event_title": session_title(session, language),
            "days": [local_date(day, "long") for day in days],
            "venue": event_location(session.event)}


def _document(pages: list[str], title: str) -> str:
    return render_template("b2b/schedule/pdf_document.html", title=title,
                           pages=[Markup(page) for page in pages])  # noqa: S704 (our templates)


def _agenda_page(session: B2BSession, participant: Participant,
                 meetings: list[Meeting]) -> str:
    language = language_or_default(participant.person.language)
    with in_language(language):
        return render_template("b2b/schedule/agenda_pdf.html", participant=participant,
                               session=session, meetings=meetings,
                               **_heading(session, meetings, language))


def participant_agenda_html(run: ScheduleRun, participant: Participant) -> str:
    """Return the HTML of a participant's printable agenda, in their language."""
    session = db.session.get(B2BSession, run.session_id)
    meetings = _meetings(run, (Meeting.a_id == participant.id) | (Meeting.b_id == participant.id))
    return _document([_agenda_page(session, participant, meetings)],
                     participant.person.full_name)


def all_agendas_html(run: ScheduleRun) -> str:
    """Return every participant's agenda, a page each, sorted by name, in one document."""
    session = db.session.get(B2BSession, run.session_id)
    by_person: dict[int, list[Meeting]] = defaultdict(list)
    for meeting in _meetings(run):
        by_person[meeting.a_id].append(meeting)
        by_person[meeting.b_id].append(meeting)
    participants = db.session.scalars(
        select(Participant).where(Participant.session_id == session.id)
        .options(selectinload(Participant.person))).all()
    participants = sorted(participants, key=lambda p: (
        p.person.last_name.casefold(), p.person.first_name.casefold(), p.code))
    pages = [_agenda_page(session, p, by_person.get(p.id, [])) for p in participants]
    return _document(pages, session_title(session, current_language()))


def _table_page(session: B2BSession, table: B2BTable, meetings: list[Meeting]) -> str:
    return render_template("b2b/schedule/table_pdf.html", table=table, session=session,
                           meetings=meetings,
                           **_heading(session, meetings, current_language()))


def table_sheet_html(run: ScheduleRun, table: B2BTable) -> str:
    """Return the HTML of a table's sheet for the welcome desk."""
    session = db.session.get(B2BSession, run.session_id)
    return _document([_table_page(session, table, _meetings(run, Meeting.table_id == table.id))],
                     table.name)


def all_table_sheets_html(run: ScheduleRun) -> str:
    """Return every table's sheet, a page each, in the tables' order, in one document."""
    session = db.session.get(B2BSession, run.session_id)
    by_table: dict[int, list[Meeting]] = defaultdict(list)
    for meeting in _meetings(run):
        by_table[meeting.table_id].append(meeting)
    tables = db.session.scalars(select(B2BTable).where(B2BTable.session_id == session.id)
                                .order_by(B2BTable.position, B2BTable.code)).all()
    pages = [_table_page(session, table, by_table.get(table.id, [])) for table in tables]
    return _document(pages, session_title(session, current_language()))


def to_pdf(html: str) -> bytes:
    """Render HTML to PDF bytes with WeasyPrint (no network: only inline styles)."""
    import weasyprint  # slow import (about 3 s, Pango): only when a PDF is asked for

    return weasyprint.HTML(string=html).write_pdf()


def participant_agenda_pdf(run: ScheduleRun, participant: Participant) -> bytes:
    """Return a participant's agenda as a PDF."""
    return to_pdf(participant_agenda_html(run, participant))


def table_sheet_pdf(run: ScheduleRun, table: B2BTable) -> bytes:
    """Return a table's desk sheet as a PDF."""
    return to_pdf(table_sheet_html(run, table))


def all_agendas_pdf(run: ScheduleRun) -> bytes:
    """Return all agendas as one PDF."""
    return to_pdf(all_agendas_html(run))


def all_table_sheets_pdf(run: ScheduleRun) -> bytes:
    """Return all table sheets as one PDF."""
    return to_pdf(all_table_sheets_html(run))
