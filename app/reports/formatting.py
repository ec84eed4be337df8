"""Numbers of the reports in the reader's language (Babel), a dash for no value."""

from flask_babel import format_percent, get_locale

from app.i18n import local_number

NO_VALUE = "–"


def format_number(value) -> str:
    """Return a count or a measure in the reader's number format, or a dash for None.

    The pages' ``number`` filter (``i18n.local_number``) writes the number; a report shows a
    dash where a page leaves the cell empty.
    """
    return NO_VALUE if value is None else local_number(value)


def format_percent_value(value: float | None) -> str:
    """Return a percentage given in percent (37.5) in the reader's format, or a dash.

    The language's own pattern (50 % in French, 50% in Dutch) with one optional decimal.
    """
    if value is None:
        return NO_VALUE
    pattern = get_locale().percent_formats[None].pattern.replace("0", "0.#", 1)
    return format_percent(value / 100, pattern)
