"""Printable PDFs (WeasyPrint): agendas and table sheets, one or all of them at once.

Each agenda is written in its participant's own language (a bundle of all agendas mixes
languages, a page each); table sheets are for the welcome desk, in the organiser's language.
"""

from __future__ import annotations

from collections import defaultdict

from flask import render_template
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.b2b.calendar_entries import session_title
from app.b2b.models import B2BSession, B2BTable, Meeting, Participant, ScheduleRun
from app.b2b.pdf_render import document_html, html_to_pdf, pages_to_pdf
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
    return document_html([_agenda_page(session, participant, meetings)],
                         participant.person.full_name)


def _all_agenda_pages(run: ScheduleRun) -> list[str]:
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
    return [_agenda_page(session, p, by_person.get(p.id, [])) for p in participants]


def _bundle_title(run: ScheduleRun) -> str:
    return session_title(db.session.get(B2BSession, run.session_id), current_language())


def all_agendas_html(run: ScheduleRun) -> str:
    """Return every participant's agenda, a page each, sorted by name, in one document."""
    return document_html(_all_agenda_pages(run), _bundle_title(run))


def _table_page(session: B2BSession, table: B2BTable, meetings: list[Meeting]) -> str:
    return render_template("b2b/schedule/table_pdf.html", table=table, session=session,
                           meetings=meetings,
                           **_heading(session, meetings, current_language()))


def table_sheet_html(run: ScheduleRun, table: B2BTable) -> str:
    """Return the HTML of a table's sheet for the welcome desk."""
    session = db.session.get(B2BSession, run.session_id)
    meetings = _meetings(run, Meeting.table_id == table.id)
    return document_html([_table_page(session, table, meetings)], table.name)


def _all_table_pages(run: ScheduleRun) -> list[str]:
    session = db.session.get(B2BSession, run.session_id)
    by_table: dict[int, list[Meeting]] = defaultdict(list)
    for meeting in _meetings(run):
        by_table[meeting.table_id].append(meeting)
    tables = db.session.scalars(select(B2BTable).where(B2BTable.session_id == session.id)
                                .order_by(B2BTable.position, B2BTable.code)).all()
    return [_table_page(session, table, by_table.get(table.id, [])) for table in tables]


def all_table_sheets_html(run: ScheduleRun) -> str:
    """Return every table's sheet, a page each, in the tables' order, in one document."""
    return document_html(_all_table_pages(run), _bundle_title(run))


#: Other modules (the annual report) render their own HTML with it.
to_pdf = html_to_pdf


def participant_agenda_pdf(run: ScheduleRun, participant: Participant) -> bytes:
    """Return a participant's agenda as a PDF."""
    return html_to_pdf(participant_agenda_html(run, participant))


def table_sheet_pdf(run: ScheduleRun, table: B2BTable) -> bytes:
    """Return a table's desk sheet as a PDF."""
    return html_to_pdf(table_sheet_html(run, table))


def all_agendas_pdf(run: ScheduleRun) -> bytes:
    """Return all agendas as one PDF, rendered in parallel chunks."""
    return pages_to_pdf(_all_agenda_pages(run), _bundle_title(run))


def all_table_sheets_pdf(run: ScheduleRun) -> bytes:
    """Return all table sheets as one PDF, rendered in parallel chunks."""
    return pages_to_pdf(_all_table_pages(run), _bundle_title(run))
