"""The one-page infographic of a year: its key numbers, as tiles of an SVG (and a PDF of it)."""

import textwrap
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from app.reports.formatting import format_number, format_percent_value
from app.reports.period import Period
from app.reports.summary import Figures, figures

#: Tiles per row of the infographic.
COLUMNS = 3


@dataclass(frozen=True)
class Tile:
    """A key number: the value as written in the reader's language, and what it counts."""

    value: str
    #: What it counts, in lines short enough for a tile.
    lines: list[str]
    column: int
    row: int


def _numbers(f: Figures) -> list[tuple[str, object]]:
    return [
        (format_number(f.ties_at_end["members"]), _l("members at year end")),
        (format_number(f.changes["joins"]), _l("new members and partners")),
        (format_percent_value(f.participation.percent), _l("of members took part")),
        (format_number(sum(f.events.values())), _l("activities")),
        (format_number(sum(a for _e, _r, a in f.attendance)), _l("check-ins")),
        (format_number(f.b2b["meetings"]), _l("B2B meetings")),
        (format_number(sum(f.follow_ups.values())), _l("member follow-ups")),
        (format_number(f.advices["introductions"]), _l("introductions")),
        (format_number(f.projects["projects"]), _l("projects started")),
    ]


def tiles(year: int) -> list[Tile]:
    """Return the year's key numbers as tiles, row by row, in the current language."""
    return [Tile(value, textwrap.wrap(str(label), 20), index % COLUMNS, index // COLUMNS)
            for index, (value, label) in enumerate(_numbers(figures(Period.year(year))))]
