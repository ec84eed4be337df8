"""The registrations of an event as spreadsheets: CSV for any program, XLSX with types.

Both carry the same columns: the status translated for people and its code for formulas
and scripts, one column per question, times on the Brussels wall clock.
"""

import csv
import io
from datetime import datetime

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from app.events.attendance import get_registrations
from app.events.labels import REGISTRATION_STATUS_LABELS
from app.events.models import Event, Question, QuestionKind
from app.text import spreadsheet_cell
from app.timezone import to_form

#: The CSV separator per interface language: Excel set up for French or Dutch (Belgium)
#: splits on semicolons, the comma being the decimal mark.
CSV_SEPARATORS = {"fr": ";", "nl": ";"}
#: How dates and times show in the XLSX (they stay dates for sorting and filters).
XLSX_DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
CSV_DATETIME_FORMAT = "%Y-%m-%d %H:%M"


def answer_text(question: Question, answers: dict) -> str | int:
    """Return a registration's answer to a question as a person reads it (numbers stay int)."""
    value = answers.get(str(question.id))
    if value is None or value == "" or value == []:
        return ""
    if question.kind == QuestionKind.NUMBER and isinstance(value, int):
        return value
    if question.kind == QuestionKind.YES_NO or isinstance(value, bool):
        truthy = value is True or str(value).lower() in {"yes", "y", "true", "1", "on"}
        return _("yes") if truthy else _("no")
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


def registration_table(event: Event, language: str) -> tuple[list[str], list[list]]:
    """Return the header and the rows of the event's registrations (datetimes naive local)."""
    questions = list(event.questions)
    header = ([_("Name"), _("Email"), _("Organisation"), _("Status"), _("Status code"),
               _("Language"), _("Registered at")]
              + [q.label(language) for q in questions] + [_("Attended"), _("No-show")])
    rows = []
    for registration in get_registrations(event):
        person = registration.person
        answers = registration.answers or {}
        rows.append(
            [person.full_name, person.email, person.organisation_label,
             str(REGISTRATION_STATUS_LABELS[registration.status]), registration.status.value,
             registration.language, to_form(registration.created_at)]
            + [answer_text(q, answers) for q in questions]
            + [to_form(registration.attended_at),
               _("yes") if registration.no_show else _("no")])
    return header, rows


def registrations_csv(event: Event, language: str) -> bytes:
    """Write the registrations as CSV: UTF-8 with a BOM, `;` for French and Dutch readers."""
    header, rows = registration_table(event, language)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=CSV_SEPARATORS.get(language, ","))
    writer.writerow(header)
    for row in rows:
        writer.writerow([spreadsheet_cell(value.strftime(CSV_DATETIME_FORMAT)
                                          if isinstance(value, datetime) else value)
                         for value in row])
    # The BOM is how Excel knows the file is UTF-8 (else accents break).
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def registrations_xlsx(event: Event, language: str) -> bytes:
    """Write the registrations as an XLSX workbook: a bold header row, filters, typed dates."""
    header, rows = registration_table(event, language)
    book = Workbook()
    sheet = book.active
    sheet.title = _("Registrations")[:31]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, datetime):
                cell.number_format = XLSX_DATETIME_FORMAT
            elif isinstance(cell.value, str):
                # Text stays text: openpyxl would store "=..." as a formula.
                cell.data_type = "s"
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    for column in sheet.columns:
        width = max(len(str(cell.value or "")) for cell in column)
        sheet.column_dimensions[column[0].column_letter].width = min(max(width, 8), 40) + 2
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
