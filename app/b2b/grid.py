"""The organisers' schedule grid: tables by slots, each meeting's state, a filter."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from app.b2b import queries
from app.b2b.models import B2BSession, B2BTable, Meeting, PublishedMeeting, ScheduleRun, Slot
from app.extensions import db

#: A meeting's state against what participants were last told.
LOCKED, MOVED, NEW = "locked", "moved", "new"


@dataclass
class Cell:
    """One meeting in the grid, with its state and whether the filter picks it."""

    meeting: Meeting
    state: str
    search: str
    match: bool = True


@dataclass
class Grid:
    """What the grid page shows: slots as columns, tables as rows, cells by (table, slot)."""

    slots: list[Slot]
    tables: list[B2BTable]
    cells: dict[tuple[int, int], Cell]
    meetings: list[Meeting]
    counts: dict[str, int] = field(default_factory=dict)
    filtered: bool = False


def published_places(session: B2BSession) -> dict[frozenset[int], tuple[int, int]]:
    """Return where each published meeting was (slot id, table id), by its pair of people."""
    rows = db.session.execute(
        select(PublishedMeeting.a_id, PublishedMeeting.b_id, PublishedMeeting.slot_id,
               PublishedMeeting.table_id).where(PublishedMeeting.session_id == session.id))
    return {frozenset((a, b)): (slot, table) for a, b, slot, table in rows}


def meeting_state(meeting: Meeting, published: dict[frozenset[int], tuple[int, int]]) -> str:
    """Return locked, moved (since publication), new (not published) or "" (as published)."""
    if meeting.locked:
        return LOCKED
    if not published:
        return ""
    place = published.get(frozenset((meeting.a_id, meeting.b_id)))
    if place is None:
        return NEW
    return "" if place == (meeting.slot_id, meeting.table_id) else MOVED


def _search_text(meeting: Meeting) -> str:
    return " ".join((meeting.a.person.full_name, meeting.a.organisation_label,
                     meeting.b.person.full_name, meeting.b.organisation_label,
                     meeting.a.code, meeting.b.code)).casefold()


def build_grid(run: ScheduleRun, session: B2BSession, *, who: str = "",
               table: str = "") -> Grid:
    """Lay out a run's meetings; `who` keeps meetings of a person or organisation, `table`
    the tables whose name or code holds it (both case-insensitive)."""
    meetings = queries.get_run_meetings(run)
    published = published_places(session) if session.published_run_id else {}
    words = who.casefold().split()
    table_text = table.casefold().strip()
    cells: dict[tuple[int, int], Cell] = {}
    counts = {LOCKED: 0, MOVED: 0, NEW: 0}
    for meeting in meetings:
        search = _search_text(meeting)
        cell = Cell(meeting, meeting_state(meeting, published), search,
                    all(word in search for word in words))
        if cell.state:
            counts[cell.state] += 1
        cells[(meeting.table_id, meeting.slot_id)] = cell
    tables = queries.get_tables(session)
    if table_text:
        tables = [t for t in tables
                  if table_text in t.name.casefold() or table_text in t.code.casefold()]
    if words:
        keep = {key[0] for key, cell in cells.items() if cell.match}
        tables = [t for t in tables if t.id in keep]
    return Grid(queries.get_slots(session), tables, cells, meetings, counts,
                filtered=bool(words or table_text))
