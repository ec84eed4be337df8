"""Fixtures for the feed tests: the Radicale CalDAV server of the invites tests."""

from tests.invites.conftest import dav_client, radicale_url  # noqa: F401
