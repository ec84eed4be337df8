"""Organisers' printouts and feedback: every agenda and table sheet at once, the summary."""

from __future__ import annotations

from flask import render_template
from flask_babel import format_decimal

from app.b2b import feedback, pdf, queries
from app.b2b.models import B2BSession
from app.b2b.views.agenda import pdf_response, published_or_404
from app.b2b.views.base import organiser_page
from app.extensions import db
from app.i18n import current_language


@organiser_page("/sessions/<int:session_id>/printouts")
def schedule_printouts(session_id: int):
    """List the PDFs to print for the event day and the feedback summary."""
    session = db.get_or_404(B2BSession, session_id)
    summary = feedback.feedback_summary(session)
    average = summary["usefulness_average"]
    return render_template("b2b/schedule/printouts.html", session=session,
                           lang=current_language(), tables=queries.get_tables(session),
                           summary=summary, outcomes=feedback.outcome_labels(),
                           average="–" if average is None else format_decimal(average))


@organiser_page("/sessions/<int:session_id>/agendas.pdf")
def schedule_all_agendas_pdf(session_id: int):
    """Return every participant's agenda in one PDF, a page each, sorted by name."""
    session = db.get_or_404(B2BSession, session_id)
    return pdf_response(pdf.all_agendas_pdf(published_or_404(session)),
                        f"agendas-{session.id}.pdf")


@organiser_page("/sessions/<int:session_id>/tables.pdf")
def schedule_all_tables_pdf(session_id: int):
    """Return every table's sheet in one PDF, a page each."""
    session = db.get_or_404(B2BSession, session_id)
    return pdf_response(pdf.all_table_sheets_pdf(published_or_404(session)),
                        f"tables-{session.id}.pdf")
