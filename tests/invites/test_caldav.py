"""Store what the app produces in a real CalDAV server (Radicale on loopback)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime

import caldav
import pytest

from app.invites.ics import build_feed, build_invite, split_by_uid, strip_method

from .parsed import with_ical
from .samples import (
    BRUSSELS,
    DTSTAMP,
    FEED_ITEMS,
    MEETING,
    MEETING_UPDATE,
    PRODUCED,
)

_ICS_HEADERS = {"Content-Type": "text/calendar; charset=utf-8"}


@pytest.fixture
def calendar(dav_client: caldav.DAVClient) -> Iterator[caldav.Calendar]:
    """Create an empty calendar collection for one test and delete it afterwards."""
    cal_id = uuid.uuid4().hex
    created = dav_client.principal().make_calendar(name=f"test {cal_id}", cal_id=cal_id)
    yield created
    created.delete()


def _put(client: caldav.DAVClient, calendar: caldav.Calendar, name: str, ics: bytes):
    return client.put(str(calendar.url.join(name)), ics.decode("utf-8"), _ICS_HEADERS)


def _stored(calendar: caldav.Calendar, name: str) -> bytes:
    return calendar.event_by_url(calendar.url.join(name)).data.encode("utf-8")


@pytest.mark.parametrize("produced", sorted(PRODUCED))
def test_radicale_accepts_every_produced_object_without_method(dav_client, calendar, produced):
    objects = split_by_uid(strip_method(PRODUCED[produced]()))

    statuses = [
        _put(dav_client, calendar, f"{index}.ics", ics).status
        for index, ics in enumerate(objects.values())
    ]

    assert statuses == [201] * len(objects)
    stored = [with_ical(_stored(calendar, f"{i}.ics"))[0] for i in range(len(objects))]
    assert [(event["uid"], event["sequence"]) for event in stored] == [
        (event["uid"], event["sequence"]) for ics in objects.values() for event in with_ical(ics)
    ]


def test_radicale_replaces_object_when_update_is_stored_at_same_resource(dav_client, calendar):
    first = strip_method(build_invite(MEETING, "REQUEST", DTSTAMP))
    update = strip_method(build_invite(MEETING_UPDATE, "REQUEST", DTSTAMP))

    created = _put(dav_client, calendar, "meeting.ics", first)
    replaced = _put(dav_client, calendar, "meeting.ics", update)

    assert (created.status, replaced.status) == (201, 204)
    stored = with_ical(_stored(calendar, "meeting.ics"))
    assert [(e["uid"], e["sequence"], e["start"]) for e in stored] == [
        (MEETING.uid, 1, datetime(2027, 11, 2, 13, 40, tzinfo=UTC))
    ]
    assert [str(event.url) for event in calendar.events()] == [
        str(calendar.url.join("meeting.ics"))
    ]


def test_radicale_refuses_existing_uid_at_new_resource(dav_client, calendar):
    first = strip_method(build_invite(MEETING, "REQUEST", DTSTAMP))
    update = strip_method(build_invite(MEETING_UPDATE, "REQUEST", DTSTAMP))
    _put(dav_client, calendar, "meeting.ics", first)

    refused = _put(dav_client, calendar, "other.ics", update)

    assert refused.status == 409
    assert "no-uid-conflict" in refused.raw
    assert len(calendar.events()) == 1
    assert with_ical(_stored(calendar, "meeting.ics"))[0]["sequence"] == 0


@pytest.mark.parametrize(
    ("start", "end", "range_start", "range_end", "found"),
    [
        # 01:30 CET -> 03:30 CEST on 28 March 2027, i.e. 00:30Z -> 01:30Z.
        pytest.param(
            datetime(2027, 3, 28, 1, 30, tzinfo=BRUSSELS),
            datetime(2027, 3, 28, 3, 30, tzinfo=BRUSSELS),
            datetime(2027, 3, 28, 1, 15, tzinfo=UTC),
            datetime(2027, 3, 28, 1, 25, tzinfo=UTC),
            True,
            id="spring-inside",
        ),
        pytest.param(
            datetime(2027, 3, 28, 1, 30, tzinfo=BRUSSELS),
            datetime(2027, 3, 28, 3, 30, tzinfo=BRUSSELS),
            datetime(2027, 3, 28, 1, 35, tzinfo=UTC),
            datetime(2027, 3, 28, 2, 25, tzinfo=UTC),
            False,
            id="spring-hour-after-end",
        ),
        pytest.param(
            datetime(2027, 3, 28, 1, 30, tzinfo=BRUSSELS),
            datetime(2027, 3, 28, 3, 30, tzinfo=BRUSSELS),
            datetime(2027, 3, 27, 23, 35, tzinfo=UTC),
            datetime(2027, 3, 28, 0, 25, tzinfo=UTC),
            False,
            id="spring-hour-before-start",
        ),
        # The second 02:30 of 31 October 2027 (CET), i.e. 01:30Z -> 02:30Z.
        pytest.param(
            datetime(2027, 10, 31, 2, 30, fold=1, tzinfo=BRUSSELS),
            datetime(2027, 10, 31, 3, 30, tzinfo=BRUSSELS),
            datetime(2027, 10, 31, 1, 35, tzinfo=UTC),
            datetime(2027, 10, 31, 1, 45, tzinfo=UTC),
            True,
            id="autumn-inside",
        ),
        pytest.param(
            datetime(2027, 10, 31, 2, 30, fold=1, tzinfo=BRUSSELS),
            datetime(2027, 10, 31, 3, 30, tzinfo=BRUSSELS),
            datetime(2027, 10, 31, 0, 35, tzinfo=UTC),
            datetime(2027, 10, 31, 1, 25, tzinfo=UTC),
            False,
            id="autumn-hour-before-start",
        ),
        # A plain CEST meeting the day before: 10:00 local is 08:00Z, not 09:00Z.
        pytest.param(
            datetime(2027, 10, 30, 10, 0, tzinfo=BRUSSELS),
            datetime(2027, 10, 30, 10, 20, tzinfo=BRUSSELS),
            datetime(2027, 10, 30, 9, 0, tzinfo=UTC),
            datetime(2027, 10, 30, 9, 15, tzinfo=UTC),
            False,
            id="cest-off-by-one-hour",
        ),
    ],
)
def test_radicale_time_range_search_uses_the_right_instants(
    dav_client, calendar, start, end, range_start, range_end, found
):
    meeting = replace(MEETING, start=start, end=end)
    assert (
        _put(
            dav_client, calendar, "m.ics", strip_method(build_invite(meeting, "REQUEST", DTSTAMP))
        ).status
        == 201
    )

    results = calendar.search(event=True, start=range_start, end=range_end, post_filter=False)

    assert [str(event.url) for event in results] == (
        [str(calendar.url.join("m.ics"))] if found else []
    )


def test_radicale_lists_exactly_the_items_of_a_split_feed(dav_client, calendar):
    feed = build_feed(FEED_ITEMS, name="Zoë", dtstamp=DTSTAMP)
    objects = split_by_uid(feed)

    statuses = [
        _put(dav_client, calendar, f"{uuid.uuid4().hex}.ics", o).status for o in objects.values()
    ]

    assert statuses == [201, 201, 201, 201]
    listed = sorted(
        (event["uid"], event["sequence"])
        for stored in calendar.events()
        for event in with_ical(stored.data.encode("utf-8"))
    )
    assert listed == sorted((item.uid, item.sequence) for item in FEED_ITEMS)
