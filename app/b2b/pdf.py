"""Printable PDFs (WeasyPrint): each participant's agenda and each table's desk sheet."""

from __future__ import annotations

from flask import render_template
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from app.b2b.models import B2BSession, B2BTable, Meeting, Participant, ScheduleRun
from app.extensions import db


def _meetings(run: ScheduleRun, *conditions) -> list[Meeting]:
    rows = list(db.session.scalars(
        select(Meeting).where(Meeting.run_id == run.id, *conditions)
        .options(selectinload(Meeting.slot), selectinload(Meeting.table),
                 selectinload(Meeting.a).selectinload(Participant.person),
                 selectinload(Meeting.b).selectinload(Participant.person),
                 selectinload(Meeting.a).selectinload(Participant.items),
                 selectinload(Meeting.b).selectinload(Participant.items))))
    rows.sort(key=lambda m: m.slot.starts_at)
    return rows


def participant_agenda_html(run: ScheduleRun, participant: Participant) -> str:
    """Return the HTML of a participant's printable agenda."""
    meetings = _meetings(run, or_(Meeting.a_id == participant.id,
                                  Meeting.b_id == participant.id))
    return render_template("b2b/schedule/agenda_pdf.html", participant=participant,
                           session=db.session.get(B2BSession, run.session_id),
                           meetings=meetings)


def table_sheet_html(run: ScheduleRun, table: B2BTable) -> str:
    """Return the HTML of a table's sheet for the registration desk."""
    meetings = _meetings(run, Meeting.table_id == table.id)
    return render_template("b2b/schedule/table_pdf.html", table=table,
                           session=db.session.get(B2BSession, run.session_id),
                           meetings=meetings)


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
