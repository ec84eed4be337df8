from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from app.invites.feeds import (
    feed_etag,
    feed_last_modified,
    feed_token_matches,
    hash_feed_token,
    new_feed_token,
)

from .samples import FEED_ITEMS, MEETING_UPDATE, REGISTRATION


def test_feed_etag_is_a_quoted_strong_tag_independent_of_order():
    etag = feed_etag(FEED_ITEMS)

    assert re.fullmatch(r'"[0-9a-f]{40}"', etag)
    assert feed_etag(reversed(FEED_ITEMS)) == etag


@pytest.mark.parametrize(
    "changed",
    [
        (FEED_ITEMS[0], MEETING_UPDATE, replace(REGISTRATION, sequence=1)),
        (FEED_ITEMS[0], MEETING_UPDATE, replace(REGISTRATION, location="Ailleurs")),
        (
            FEED_ITEMS[0],
            MEETING_UPDATE,
            replace(REGISTRATION, last_modified=datetime(2027, 2, 21, tzinfo=UTC)),
        ),
        (FEED_ITEMS[0], MEETING_UPDATE),
    ],
    ids=["sequence", "content", "last-modified", "item-removed"],
)
def test_feed_etag_changes_with_any_change_of_the_items(changed):
    before = feed_etag((FEED_ITEMS[0], MEETING_UPDATE, REGISTRATION))

    after = feed_etag(changed)

    assert after != before


def test_feed_etag_changes_with_feed_name():
    assert feed_etag(FEED_ITEMS, name="Agenda") != feed_etag(FEED_ITEMS, name="Agenda NL")


def test_feed_last_modified_is_latest_change_in_utc_whole_seconds():
    items = (
        replace(REGISTRATION, last_modified=datetime(2027, 2, 1, 10, 0, 0, 999, tzinfo=UTC)),
        replace(MEETING_UPDATE, last_modified=datetime(2027, 2, 3, 12, 30, 15, 500_000, UTC)),
    )

    assert feed_last_modified(items) == datetime(2027, 2, 3, 12, 30, 15, tzinfo=UTC)


def test_feed_last_modified_moves_when_an_item_is_removed():
    removed = datetime(2027, 3, 5, 8, 0, tzinfo=UTC)

    assert feed_last_modified(FEED_ITEMS, removed_at=[removed]) == removed


def test_feed_last_modified_is_none_when_unknown():
    assert feed_last_modified([]) is None
    assert feed_last_modified([replace(REGISTRATION, last_modified=None)]) is None


def test_new_feed_token_is_long_random_and_url_safe():
    tokens = {new_feed_token() for _ in range(50)}

    assert len(tokens) == 50
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{43}", token) for token in tokens)


def test_hash_feed_token_is_sha256_hex():
    assert hash_feed_token("abc") == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )


def test_feed_token_matches_only_its_own_hash():
    token = new_feed_token()

    assert feed_token_matches(token, hash_feed_token(token)) is True
    assert feed_token_matches(token + "x", hash_feed_token(token)) is False
