"""The reports blueprint: the dashboard and the annual report, for organisers."""

from flask import Blueprint

from app.auth.models import Role
from app.reports.formatting import format_number, format_percent_value
from app.web import organiser_pages

bp = Blueprint("reports", __name__)
organiser_page = organiser_pages(bp, "/admin/reports", role=Role.ORGANISER)


@bp.context_processor
def number_formats():
    """Give the report templates numbers and percentages in the reader's language."""
    return {"fmt_number": format_number, "fmt_percent": format_percent_value}

