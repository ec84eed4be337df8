"""Numbers of the reports in the reader's language (Babel), a dash for no value."""

from flask_babel import format_decimal, format_percent

NO_VALUE = "–"


def format_number(value) -> str:
    """Return a count or a measure in the reader's number format, or a dash for None."""
    return NO_VALUE if value is None else format_decimal(value)


def format_percent_value(value: float | None) -> str:
    """Return a percentage given in percent (37.5) in the reader's format, or a dash."""
    return NO_VALUE if value is None else format_percent(value / 100, "#,##0.#%")
