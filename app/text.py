"""Plain-text helpers shared by the low packages: one-line errors, spreadsheet-safe cells."""

#: Spreadsheet programs run a cell that starts with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def one_line(exc: BaseException, *, with_type: bool = True) -> str:
    """Describe an exception on one line: "Type: message", or the message alone if asked.

    Whitespace (tracebacks, SMTP replies on several lines) is folded into single spaces; an
    exception without a message is described by its type.
    """
    text = " ".join(str(exc).split())
    if not text:
        return type(exc).__name__
    return f"{type(exc).__name__}: {text}" if with_type else text


def spreadsheet_cell(value) -> str:
    """Return a value for a CSV cell that a spreadsheet shows as text, never runs as a formula.

    A leading apostrophe is what spreadsheet programs read as "this is text"; `from_spreadsheet`
    removes it again when such a file is imported back.
    """
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def from_spreadsheet(text: str) -> str:
    """Undo `spreadsheet_cell` on an imported cell."""
    if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES):
        return text[1:]
    return text


#: C0 control characters and DEL, except tab, line feed and carriage return. PostgreSQL refuses
#: NUL in text; the others are invisible in pages and exports and only serve to deceive.
_CONTROL_CHARACTERS = {code: None for code in (*range(0x00, 0x09), 0x0B, 0x0C,
                                               *range(0x0E, 0x20), 0x7F)}


def strip_control_characters(text: str) -> str:
    """Remove NUL and the other C0 control characters (tab and line ends stay) from a text."""
    return text.translate(_CONTROL_CHARACTERS)
