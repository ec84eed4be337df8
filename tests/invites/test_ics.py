from __future__ import annotations

import os
import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.invites.ics import PRODID, build_feed, build_invite, split_by_uid, strip_method
from app.invites.items import Attendee, CalendarItem, content_fingerprint
from app.invites.uids import event_uid, meeting_uid, registration_uid

from .parsed import ical_method, with_ical, with_icalendar
from .samples import (
    BRUSSELS,
    DOMAIN,
    DTSTAMP,
    FEED_ITEMS,
    FEED_NAME,
    LONG_DESCRIPTION,
    MEETING,
    MEETING_CANCEL,
    MEETING_UPDATE,
    ORGANIZER,
    PRODUCED,
    REGISTRATION,
    STUDY_TRIP,
    line_problems,
)

GOLDEN = Path(__file__).parent / "golden"
_DTSTAMP_LINE = re.compile(rb"^DTSTAMP:\d{8}T\d{6}Z\r$", re.MULTILINE)


def _meeting_at(start: datetime, end: datetime) -> CalendarItem:
    return replace(MEETING, start=start, end=end)


def _expected(item: CalendarItem, status: str) -> dict[str, object]:
    """Return what both parsers should read back for ``item``."""
    if item.all_day:
        start, end = item.start, item.end + timedelta(days=1)
    else:
        start, end = item.start.astimezone(UTC), item.end.astimezone(UTC)
    return {
        "uid": item.uid,
        "sequence": item.sequence,
        "start": start,
        "end": end,
        "status": status,
        "summary": item.summary,
        "description": item.description,
        "location": item.location,
        "organizer": f"mailto:{item.organizer.email}",
        "attendees": [f"mailto:{a.email}" for a in item.attendees],
        "attendee_names": [a.name for a in item.attendees],
        "categories": [c.replace(",", " /") for c in item.categories],
    }


# --- every produced object, read by two parsers ----------------------------------------------


@pytest.mark.parametrize(
    ("name", "item", "method", "status"),
    [
        ("registration_request", REGISTRATION, "REQUEST", "CONFIRMED"),
        ("meeting_request", MEETING, "REQUEST", "CONFIRMED"),
        ("meeting_update", MEETING_UPDATE, "REQUEST", "CONFIRMED"),
        ("meeting_cancel", MEETING_CANCEL, "CANCEL", "CANCELLED"),
        ("all_day_multi_day", STUDY_TRIP, "REQUEST", "CONFIRMED"),
    ],
)
def test_build_invite_reads_back_identically_with_both_parsers(name, item, method, status):
    ics = PRODUCED[name]()

    by_icalendar = with_icalendar(ics)
    by_ical = with_ical(ics)

    assert by_icalendar == [_expected(item, status)]
    assert by_ical == [_expected(item, status)]
    assert ical_method(ics) == method
    assert icalendar.Calendar.from_ical(ics)["METHOD"] == method


def test_build_feed_reads_back_every_item_in_start_order_with_both_parsers():
    ics = PRODUCED["feed"]()
    expected = [
        _expected(item, "CONFIRMED")
        for item in (STUDY_TRIP, REGISTRATION, MEETING_UPDATE, FEED_ITEMS[0])
    ]

    assert with_icalendar(ics) == expected
    assert with_ical(ics) == expected
    assert ical_method(ics) is None
    calendar = icalendar.Calendar.from_ical(ics)
    assert str(calendar["X-WR-CALNAME"]) == FEED_NAME
    assert str(calendar["NAME"]) == FEED_NAME  # RFC 7986
    assert calendar["REFRESH-INTERVAL"].dt == timedelta(hours=1)
    assert b"\r\nX-PUBLISHED-TTL:PT1H\r\n" in ics


@pytest.mark.parametrize("name", sorted(PRODUCED))
def test_produced_object_has_crlf_short_lines_and_whole_utf8_characters(name):
    ics = PRODUCED[name]()

    problems = line_problems(ics)

    assert problems == []
    assert ics.startswith(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:" + PRODID.encode())


@pytest.mark.parametrize("name", sorted(PRODUCED))
def test_produced_object_matches_golden_file(name):
    path = GOLDEN / f"{name}.ics"
    produced = PRODUCED[name]()
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_bytes(produced)

    golden = path.read_bytes()

    normalised = _DTSTAMP_LINE.sub(b"DTSTAMP:<normalised>\r", produced)
    assert normalised == _DTSTAMP_LINE.sub(b"DTSTAMP:<normalised>\r", golden)


def test_build_invite_folds_long_accented_text_without_splitting_characters():
    item = replace(REGISTRATION, description=LONG_DESCRIPTION * 4, summary="Été 🚲 " * 30)

    ics = build_invite(item, "REQUEST", DTSTAMP)

    assert line_problems(ics) == []
    assert ics.count(b"\r\n ") >= 10
    assert with_ical(ics)[0]["description"] == LONG_DESCRIPTION * 4
    assert with_icalendar(ics)[0]["summary"] == ("Été 🚲 " * 30).strip()


@settings(max_examples=150, deadline=None)
@given(summary=st.text(min_size=1, max_size=200), description=st.text(max_size=400))
def test_build_invite_round_trips_any_text(summary, description):
    from app.invites.items import clean_line, clean_multiline

    if not clean_line(summary):
        summary = "x" + summary
    item = replace(MEETING, summary=summary, description=description)

    ics = build_invite(item, "REQUEST", DTSTAMP)

    assert line_problems(ics) == []
    for parsed in (with_icalendar(ics)[0], with_ical(ics)[0]):
        assert parsed["summary"] == clean_line(summary)
        assert parsed["description"] == clean_multiline(description)


def test_build_invite_keeps_a_typed_backslash_and_n():
    # icalendar's own escaping read "\\N" in the text as a line break (found by the test above).
    item = replace(MEETING, summary="Atelier C:\\New", description="Dossier \\N12\nsuite",
                   location="Hall \\N")

    ics = build_invite(item, "REQUEST", DTSTAMP)

    assert b"\r\nSUMMARY:Atelier C:\\\\New\r\n" in ics
    for parsed in (with_icalendar(ics)[0], with_ical(ics)[0]):
        assert parsed["summary"] == "Atelier C:\\New"
        assert parsed["description"] == "Dossier \\N12\nsuite"
        assert parsed["location"] == "Hall \\N"


def test_build_invite_escapes_commas_semicolons_backslashes_and_newlines():
    item = replace(MEETING, summary="a, b; c", description="line 1\nline 2, ok; \\ end")

    ics = build_invite(item, "REQUEST", DTSTAMP)

    assert b"\r\nSUMMARY:a\\, b\\; c\r\n" in ics
    assert b"\r\nDESCRIPTION:line 1\\nline 2\\, ok\\; \\\\ end\r\n" in ics


# --- time zones and daylight saving time -----------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "utc_start", "utc_end", "dtstart_line"),
    [
        pytest.param(
            datetime(2027, 3, 28, 1, 30, tzinfo=BRUSSELS),
            datetime(2027, 3, 28, 3, 30, tzinfo=BRUSSELS),
            datetime(2027, 3, 28, 0, 30, tzinfo=UTC),
            datetime(2027, 3, 28, 1, 30, tzinfo=UTC),
            b"DTSTART;TZID=Europe/Brussels:20270328T013000",
            id="spring-gap",
        ),
        pytest.param(
            datetime(2027, 10, 31, 2, 30, tzinfo=BRUSSELS),  # first 02:30, still CEST
            datetime(2027, 10, 31, 2, 50, tzinfo=BRUSSELS),
            datetime(2027, 10, 31, 0, 30, tzinfo=UTC),
            datetime(2027, 10, 31, 0, 50, tzinfo=UTC),
            b"DTSTART;TZID=Europe/Brussels:20271031T023000",
            id="autumn-first-0230",
        ),
        pytest.param(
            datetime(2027, 10, 31, 2, 30, fold=1, tzinfo=BRUSSELS),  # second 02:30, CET
            datetime(2027, 10, 31, 3, 30, tzinfo=BRUSSELS),
            datetime(2027, 10, 31, 1, 30, tzinfo=UTC),
            datetime(2027, 10, 31, 2, 30, tzinfo=UTC),
            b"DTSTART:20271031T013000Z",
            id="autumn-second-0230",
        ),
        pytest.param(
            datetime(2027, 3, 28, 0, 30, tzinfo=UTC),
            datetime(2027, 3, 28, 1, 30, tzinfo=ZoneInfo("America/New_York")),
            datetime(2027, 3, 28, 0, 30, tzinfo=UTC),
            datetime(2027, 3, 28, 5, 30, tzinfo=UTC),
            b"DTSTART;TZID=Europe/Brussels:20270328T013000",
            id="other-zones",
        ),
    ],
)
def test_build_invite_keeps_instants_across_dst_changes(
    start, end, utc_start, utc_end, dtstart_line
):
    ics = build_invite(_meeting_at(start, end), "REQUEST", DTSTAMP)

    by_icalendar = with_icalendar(ics)[0]
    by_ical = with_ical(ics)[0]

    assert dtstart_line + b"\r\n" in ics
    assert (by_icalendar["start"], by_icalendar["end"]) == (utc_start, utc_end)
    assert (by_ical["start"], by_ical["end"]) == (utc_start, utc_end)


def test_build_invite_writes_dtstamp_and_last_modified_in_utc():
    item = replace(MEETING, last_modified=datetime(2027, 7, 1, 12, 0, tzinfo=BRUSSELS))

    ics = build_invite(item, "REQUEST", datetime(2027, 7, 2, 9, 0, tzinfo=BRUSSELS))

    assert b"\r\nDTSTAMP:20270702T070000Z\r\n" in ics
    assert b"\r\nLAST-MODIFIED:20270701T100000Z\r\n" in ics


def test_build_invite_writes_all_day_range_with_exclusive_end():
    item = replace(
        STUDY_TRIP,
        start=datetime(2027, 5, 10, 8, 0, tzinfo=BRUSSELS),
        end=datetime(2027, 5, 11, 23, 30, tzinfo=UTC),  # 12 May 01:30 in Brussels
    )

    ics = build_invite(item, "REQUEST", DTSTAMP)

    assert b"\r\nDTSTART;VALUE=DATE:20270510\r\nDTEND;VALUE=DATE:20270513\r\n" in ics
    assert b"VTIMEZONE" not in ics
    assert with_ical(ics)[0]["end"] == date(2027, 5, 13)


# --- methods and validation ------------------------------------------------------------------


def test_build_invite_cancel_writes_status_cancelled_even_for_confirmed_item():
    item = replace(MEETING, sequence=5, status="CONFIRMED")

    ics = build_invite(item, "CANCEL", DTSTAMP)

    assert b"\r\nMETHOD:CANCEL\r\n" in ics
    assert with_ical(ics)[0]["status"] == "CANCELLED"
    assert with_ical(ics)[0]["sequence"] == 5


def test_build_invite_publish_leaves_out_attendees():
    ics = build_invite(MEETING, "PUBLISH", DTSTAMP)

    assert b"ATTENDEE" not in ics
    assert b"\r\nMETHOD:PUBLISH\r\n" in ics


def test_build_invite_update_keeps_uid_and_raises_sequence():
    first = with_ical(PRODUCED["meeting_request"]())[0]
    update = with_ical(PRODUCED["meeting_update"]())[0]

    assert (update["uid"], update["sequence"]) == (first["uid"], first["sequence"] + 1)
    assert update["start"] == datetime(2027, 11, 2, 13, 40, tzinfo=UTC)


def test_build_invite_writes_rsvp_false_and_role_for_attendees():
    ics = build_invite(MEETING, "REQUEST", DTSTAMP)

    attendees = icalendar.Calendar.from_ical(ics).events[0]["ATTENDEE"]

    assert [(a.params["ROLE"], a.params["RSVP"]) for a in attendees] == [
        ("REQ-PARTICIPANT", "FALSE"),
        ("REQ-PARTICIPANT", "FALSE"),
    ]


@pytest.mark.parametrize(
    "changes",
    [
        {"start": datetime(2027, 6, 15, 18, 0)},
        {"end": datetime(2027, 6, 15, 20, 30)},
        {"last_modified": datetime(2027, 2, 20, 16, 45)},
        {"end": datetime(2027, 6, 15, 17, 0, tzinfo=BRUSSELS)},
        {"sequence": -1},
        {"summary": " \r\n "},
        {"status": "DONE"},
        {"uid": "has space@x.be"},
        {"attendees": (("Zoë", "not-an-address"),)},
        {"attendees": (("Zoë", "zoe@example.be", "BOSS"),)},
        {"organizer": ("Org", "org@example.be\r\nBcc: x@y")},
    ],
)
def test_calendar_item_rejects_invalid_values(changes):
    with pytest.raises(ValueError):
        replace(REGISTRATION, **changes)


def test_build_invite_rejects_naive_dtstamp():
    with pytest.raises(ValueError, match="timezone-aware"):
        build_invite(MEETING, "REQUEST", datetime(2027, 3, 1, 9, 0))


@pytest.mark.parametrize(
    ("item", "method", "message"),
    [
        (replace(MEETING, attendees=()), "REQUEST", "at least one attendee"),
        (replace(MEETING, organizer=None), "CANCEL", "needs an organizer"),
        (MEETING_CANCEL, "REQUEST", "sent with CANCEL"),
    ],
)
def test_build_invite_rejects_incomplete_invites(item, method, message):
    with pytest.raises(ValueError, match=message):
        build_invite(item, method, DTSTAMP)


def test_build_invite_cleans_control_characters_from_names_and_summary():
    item = replace(
        MEETING,
        summary="Evil\r\nATTENDEE:mailto:x@y",
        attendees=(('Evil\r\nBcc: "x"', "zoe@example.be"),),
    )

    ics = build_invite(item, "REQUEST", DTSTAMP)

    parsed = with_ical(ics)[0]
    assert parsed["summary"] == "Evil ATTENDEE:mailto:x@y"
    assert parsed["attendees"] == ["mailto:zoe@example.be"]
    assert parsed["attendee_names"] == ["Evil Bcc: 'x'"]


# --- feeds and CalDAV objects ----------------------------------------------------------------


def test_build_feed_rejects_cancelled_items():
    with pytest.raises(ValueError, match="left out of a feed"):
        build_feed([REGISTRATION, MEETING_CANCEL], name="x", dtstamp=DTSTAMP)


def test_build_feed_rejects_duplicate_uids():
    with pytest.raises(ValueError, match="duplicate UID"):
        build_feed([MEETING, MEETING_UPDATE], name="x", dtstamp=DTSTAMP)


def test_build_feed_of_nothing_is_an_empty_calendar():
    ics = build_feed([], name="Vide", dtstamp=DTSTAMP)

    assert b"BEGIN:VEVENT" not in ics
    assert b"VTIMEZONE" not in ics
    assert with_ical(ics) == []


def test_build_feed_output_does_not_depend_on_item_order():
    forward = build_feed(FEED_ITEMS, name=FEED_NAME, dtstamp=DTSTAMP)

    backward = build_feed(reversed(FEED_ITEMS), name=FEED_NAME, dtstamp=DTSTAMP)

    assert forward == backward


def test_strip_method_removes_only_the_method_line():
    ics = PRODUCED["meeting_request"]()

    stripped = strip_method(ics)

    assert stripped == ics.replace(b"METHOD:REQUEST\r\n", b"")
    assert ical_method(stripped) is None


def test_split_by_uid_gives_one_object_per_item_with_its_timezone():
    feed = PRODUCED["feed"]()

    objects = split_by_uid(feed)

    assert list(objects) == [
        STUDY_TRIP.uid,
        REGISTRATION.uid,
        MEETING_UPDATE.uid,
        FEED_ITEMS[0].uid,
    ]
    for uid, ics in objects.items():
        assert [event["uid"] for event in with_ical(ics)] == [uid]
        assert b"X-WR-CALNAME" not in ics
        assert line_problems(ics) == []
    assert b"VTIMEZONE" in objects[MEETING.uid]


# --- identities ------------------------------------------------------------------------------


def test_meeting_uid_does_not_depend_on_the_order_of_the_pair():
    assert meeting_uid(3, 12, 7, DOMAIN) == meeting_uid(3, 7, 12, DOMAIN)
    assert meeting_uid(3, 12, 7, DOMAIN) == "b2b-3-7-12@clustermeet.example.be"
    assert meeting_uid(3, 9, 10, DOMAIN) == "b2b-3-9-10@clustermeet.example.be"


def test_meeting_uid_differs_per_session_and_pair():
    uids = {meeting_uid(3, 7, 12, DOMAIN), meeting_uid(4, 7, 12, DOMAIN)}
    uids |= {meeting_uid(3, 7, 13, DOMAIN)}

    assert len(uids) == 3


def test_uid_helpers_are_deterministic():
    assert registration_uid(4711, DOMAIN) == "registration-4711@clustermeet.example.be"
    assert event_uid(30, "Clustermeet.Example.BE") == "event-30@clustermeet.example.be"


@pytest.mark.parametrize(
    "call",
    [
        lambda: meeting_uid(3, 7, 7, DOMAIN),
        lambda: meeting_uid(3, "a-b", 7, DOMAIN),
        lambda: registration_uid(-1, DOMAIN),
        lambda: registration_uid(1, "bad domain"),
        lambda: event_uid(True, DOMAIN),
    ],
)
def test_uid_helpers_reject_ambiguous_input(call):
    with pytest.raises(ValueError):
        call()


def test_attendee_tuples_become_named_tuples():
    item = replace(MEETING, attendees=(("Zoë", "zoe@example.be"),), organizer=tuple(ORGANIZER))

    assert item.attendees == (Attendee("Zoë", "zoe@example.be", "REQ-PARTICIPANT"),)
    assert item.organizer == ORGANIZER


def test_content_fingerprint_changes_with_what_the_entry_shows_only():
    base = content_fingerprint(MEETING)
    assert content_fingerprint(replace(MEETING, sequence=7, last_modified=DTSTAMP)) == base
    for change in ({"description": "Autre texte"}, {"location": "Hall 3"},
                   {"summary": "Other"}, {"attendees": MEETING.attendees[:1]},
                   {"end": MEETING.end + timedelta(minutes=5)}):
        assert content_fingerprint(replace(MEETING, **change)) != base, change
