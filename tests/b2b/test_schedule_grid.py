"""The schedule grid: states by colour, a filter without JavaScript, labels, few statements."""

import re

from sqlalchemy import event

from app.b2b import publication
from app.extensions import db
from tests.factories import make_run, make_schedule_session, participants_of

EN = {"Accept-Language": "en"}


def _cell_classes(html: str) -> dict[str, str]:
    """Return each meeting's cell classes by the names shown in it."""
    cells = re.findall(
        r'<td class="([^"]*)"[^>]*data-meeting="\d+"[^>]*>\s*<a [^>]*>([^<]*)<br>([^<]*)</a>', html)
    return {(a, b): classes for classes, a, b in cells}


def test_grid_colours_locked_moved_and_new_meetings(logged_in):
    session = make_schedule_session(people=6, slots=4, tables=2)
    published = make_run(session, meetings=((0, 1, 0, 0), (2, 3, 0, 1)))
    publication.publish_run(published)
    # The next run: Ann-Bert stays, Chloe-Dirk moved, Eve-Fay is new, and Ann-Chloe locked.
    run = make_run(session, meetings=((0, 1, 0, 0), (2, 3, 1, 1), (4, 5, 2, 0), (0, 2, 3, 0)),
                   locked=(3,))
    db.session.commit()
    names = [p.person.full_name for p in participants_of(session)]

    html = logged_in.get(f"/b2b/runs/{run.id}/grid", headers=EN).get_data(as_text=True)

    classes = _cell_classes(html)
    assert classes[(names[0], names[1])] == "cell"  # where participants were told
    assert classes[(names[2], names[3])] == "cell cell-moved"
    assert classes[(names[4], names[5])] == "cell cell-new"
    assert classes[(names[0], names[2])] == "cell cell-locked"
    assert 'data-testid="grid-legend"' in html
    assert "1 moved since publication" in html and "1 new since publication" in html
    assert "1 locked" in html
    assert html.count("cell-locked") >= 2  # the cell and its legend swatch


def test_grid_filters_by_participant_organisation_and_table_without_javascript(logged_in):
    session = make_schedule_session(people=4, slots=4, tables=2)
    run = make_run(session)  # Ann-Bert and Ann-Chloe at table 1, Chloe-Dirk at table 2
    db.session.commit()
    url = f"/b2b/runs/{run.id}/grid"
    p = participants_of(session)

    by_person = logged_in.get(url, query_string={"who": "dirk"}, headers=EN).get_data(
        as_text=True)
    by_org = logged_in.get(url, query_string={"who": p[3].organisation_label},
                           headers=EN).get_data(as_text=True)
    by_table = logged_in.get(url, query_string={"table": session.tables[0].name},
                             headers=EN).get_data(as_text=True)

    for html in (by_person, by_org):
        # Only table 2 keeps its row; it holds Chloe-Dirk, shown in full.
        assert html.count('<tr data-table-name=') == 1
        assert "cell-dim" not in html
        assert f"{p[2].person.full_name}<br>{p[3].person.full_name}" in html
    assert by_table.count('<tr data-table-name=') == 1
    assert f"{p[0].person.full_name}<br>{p[1].person.full_name}" in by_table
    none = logged_in.get(url, query_string={"who": "nobody at all"}, headers=EN)
    assert none.status_code == 200 and "No meeting matches." in none.get_data(as_text=True)


def test_rerun_form_inputs_have_labels(logged_in):
    session = make_schedule_session()
    run = make_run(session)
    db.session.commit()

    html = logged_in.get(f"/b2b/runs/{run.id}/grid", headers=EN).get_data(as_text=True)

    form = html[html.index('data-testid="rerun-form"'):]
    form = form[:form.index("</form>")]
    for field in ("rerun-time-limit", "rerun-min-meetings"):
        assert f'<label class="form-label" for="{field}">' in form
        assert f'id="{field}"' in form
    assert "Time limit (seconds)</label>" in form


def _statements(client, url: str) -> int:
    count = 0

    def counter(*_args, **_kwargs):
        nonlocal count
        count += 1

    event.listen(db.engine, "before_cursor_execute", counter)
    try:
        assert client.get(url, headers=EN).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", counter)
    return count


def test_grid_statements_do_not_grow_with_the_meetings(logged_in):
    session = make_schedule_session(people=8, slots=6, tables=6, requests=())
    small_run = make_run(session, meetings=((0, 1, 0, 0),))
    publication.publish_run(small_run)
    pairs = [(a, b) for a in range(8) for b in range(a + 1, 8)]
    big_run = make_run(session, meetings=[(a, b, i % 6, i // 6 % 6)
                                          for i, (a, b) in enumerate(pairs)],
                       locked=(1, 2))
    db.session.commit()
    logged_in.get(f"/b2b/runs/{small_run.id}/grid", headers=EN)  # warm the caches

    few = _statements(logged_in, f"/b2b/runs/{small_run.id}/grid")
    many = _statements(logged_in, f"/b2b/runs/{big_run.id}/grid")

    assert many == few, (few, many)
