"""The grid at the organisers' size in chromium: readable screenshots, live filter, drag and drop.

Screenshots go to $GRID_SCREENSHOTS when set (to look at them), else to the test's tmp_path.
"""

import os
from pathlib import Path

import pytest
from sqlalchemy import insert, select, update

import matchmaking
from app.auth.services import create_user
from app.b2b.models import B2BSession, Meeting, PublishedMeeting, RunStatus, ScheduleRun
from app.b2b.problem import build_problem, store_run
from app.extensions import db
from benchmarks.b2b_schedule import build_session


def _arrange() -> int:
    """A session of 200 people, 60 tables, 10 slots and 1,500 requests, scheduled and
    published, then a run with locked meetings, moved ones and new ones."""
    create_user("orga@cluster.example", "correct-horse", name="Orga", is_admin=True)
    session_id = build_session(200, 10, 60, seed=3, requests=1500)
    session = db.session.get(B2BSession, session_id)
    run = ScheduleRun(session_id=session_id, status=RunStatus.RUNNING, time_limit=1)
    db.session.add(run)
    db.session.flush()
    store_run(run, matchmaking.greedy_by_value(build_problem(session)))
    meetings = list(db.session.scalars(select(Meeting).where(Meeting.run_id == run.id)
                                       .order_by(Meeting.id)))
    # What participants were told: every meeting but the last 12 (new), 15 of them elsewhere.
    other_slot = {s.id: session.slots[(i + 1) % len(session.slots)].id
                  for i, s in enumerate(session.slots)}
    db.session.execute(insert(PublishedMeeting), [
        {"session_id": session_id, "a_id": m.a_id, "b_id": m.b_id, "table_id": m.table_id,
         "slot_id": other_slot[m.slot_id] if i % 40 == 7 else m.slot_id, "uid": f"u{m.id}"}
        for i, m in enumerate(meetings[:-12])])
    db.session.execute(update(Meeting).where(Meeting.id.in_([m.id for m in meetings[::50]]))
                       .values(locked=True))
    session.published_run_id = run.id
    return run.id


def _shot(page, tmp_path: Path, name: str) -> Path:
    folder = Path(os.environ.get("GRID_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path))
    return path


@pytest.mark.browser
@pytest.mark.slow
def test_grid_for_200_participants_filters_live_and_swaps_by_drag_and_drop(
        live_server, new_page, tmp_path):
    run_id = live_server.call(_arrange)
    page = new_page(locale="fr", viewport={"width": 1440, "height": 900})
    page.goto(live_server.url + "/auth/login")
    page.fill("input[name=email]", "orga@cluster.example")
    page.fill("input[name=password]", "correct-horse")
    page.click("input[type=submit], button[type=submit]")

    page.goto(f"{live_server.url}/b2b/runs/{run_id}/grid")
    page.locator("[data-testid=grid]").scroll_into_view_if_needed()
    assert page.locator("td.cell-locked").count() == 12
    assert page.locator("td.cell-new").count() == 12
    assert page.locator("td.cell-moved").count() > 5
    _shot(page, tmp_path, "grid-200-fr")
    # The headers stay in view when the grid scrolls.
    page.locator(".grid-scroll").evaluate("el => { el.scrollTop = 600; el.scrollLeft = 300; }")
    header = page.locator("table.b2b-grid thead th").nth(3).bounding_box()
    scroller = page.locator(".grid-scroll").bounding_box()
    assert abs(header["y"] - scroller["y"]) < 3
    _shot(page, tmp_path, "grid-200-fr-scrolled")

    # Filter while typing: only the tables where Last7 meets stay, other meetings dimmed.
    page.fill("#grid-who", "last7")
    visible = page.locator("table.b2b-grid tbody tr:not(.grid-hidden)")
    assert 0 < visible.count() < 60
    bright = page.locator("tr:not(.grid-hidden) td[data-search]:not(.cell-dim)")
    assert bright.count() >= visible.count()
    assert all("last7" in text for text in bright.evaluate_all(
        "cells => cells.map(c => c.getAttribute('data-search'))"))
    _shot(page, tmp_path, "grid-200-fr-filtered")
    page.fill("#grid-who", "")

    # Drag a meeting onto another of the same slot: they swap tables (the swap form, posted).
    first_row = page.locator("table.b2b-grid tbody tr").nth(0)
    second_row = page.locator("table.b2b-grid tbody tr").nth(1)
    source = first_row.locator("td[data-meeting]:not(.cell-locked)").first
    slot = source.get_attribute("data-slot")
    target = second_row.locator(f"td[data-slot='{slot}'][data-meeting]:not(.cell-locked)")
    moved, other = int(source.get_attribute("data-meeting")), int(target.get_attribute(
        "data-meeting"))
    tables_before = live_server.call(lambda: {
        m.id: m.table_id for m in db.session.scalars(select(Meeting).where(
            Meeting.id.in_([moved, other])))})
    source.locator("a").drag_to(target)
    page.wait_for_selector(".alert-success")
    tables_after = live_server.call(lambda: {
        m.id: m.table_id for m in db.session.scalars(select(Meeting).where(
            Meeting.id.in_([moved, other])))})
    assert tables_after == {moved: tables_before[other], other: tables_before[moved]}
