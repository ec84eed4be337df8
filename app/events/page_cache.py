"""Rendered public event pages, kept for anonymous visitors until the event data change.

A page is kept per worker process, keyed by the page (endpoint, arguments, language) and a
data version. The version changes with every committed change to an event, its programme,
questions, registrations or a sector (from any process): it lives in Redis when the app has one
(``REDIS_URL``, else a ``redis://`` rate-limit storage), so every web worker sees a change:
the worker that made it at once, the others within ``EVENTS_PAGE_VERSION_SECONDS`` (each reads
the version from Redis at most that often, which saves a round trip on most page views); without
Redis the app runs one web worker (config.py insists) and counts in memory.
A kept page also expires after ``EVENTS_PAGE_CACHE_SECONDS`` (places held by an unconfirmed
address free themselves with time, not by a change). Values unique to a visitor (the CSRF
token, the form's signed time) are taken out of a kept page and put back for each visitor.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable

from flask import Flask, current_app, has_app_context, make_response, request, session
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from app.db import LOCK_ONLY
from app.events import models
from app.i18n import current_language
from app.members.models import Sector
from app.visitor import someone_logged_in

log = logging.getLogger(__name__)
VERSION_KEY = "clustermeet:events-data-version"
#: Kept pages per process; beyond, the oldest half is dropped.
MAX_PAGES = 512
#: Redis answers this fast or the page is rendered (a slow cache must not slow the site).
REDIS_TIMEOUT_SECONDS = 0.25
_CHANGED = "events_page_cache_changed"
#: Execution options of a statement that changes nothing the public pages show (they show
#: the places left): a registration that takes no place (waiting list, approval pending, an
#: address to confirm when no place is free). A rush past the last place then keeps the pages.
UNSEEN = {"events_page_unseen": True}
#: The execution options that say a statement changes nothing the pages show.
_IGNORED_OPTIONS = (*UNSEEN, *LOCK_ONLY)
#: The models whose rows show on the public event pages (the sectors fill the list's filter).
_WATCHED = (models.Event, models.ProgrammeItem, models.Question, models.Registration, Sector)


class PageCache:
    """One app's kept pages (in this process) and its data version (Redis or this process)."""

    def __init__(self, app: Flask) -> None:
        self.seconds = float(app.config.get("EVENTS_PAGE_CACHE_SECONDS") or 0)
        self.version_seconds = float(app.config.get("EVENTS_PAGE_VERSION_SECONDS") or 0)
        self.pages: dict[tuple, tuple[float, bytes, tuple[str, ...]]] = {}
        self.local_version = 0
        self.lock = threading.Lock()
        self.redis = _redis_client(app)
        self.shared: tuple[float, str] | None = None  # (read until, the version read)

    def version(self) -> str | None:
        """Return the data version, or None when it cannot be read (then nothing is kept)."""
        if self.redis is None:
            return str(self.local_version)
        now = time.monotonic()
        shared = self.shared
        if shared is not None and shared[0] > now:
            return shared[1]
        try:
            value = self.redis.get(VERSION_KEY)
        except Exception as error:  # redis.RedisError or a socket error: render instead
            log.warning("page cache: version unreadable: %s", error)
            return None
        # This process's own changes count at once (bump clears the version read).
        version = f"{value.decode() if value else '0'}.{self.local_version}"
        self.shared = (now + self.version_seconds, version)
        return version

    def bump(self) -> None:
        """Start a new data version: every kept page of every process is out of date."""
        with self.lock:
            self.local_version += 1
            self.shared = None
            self.pages.clear()
        if self.redis is not None:
            try:
                self.redis.incr(VERSION_KEY)
            except Exception as error:  # pages then expire after `seconds`
                log.warning("page cache: version not bumped: %s", error)


def _redis_client(app: Flask):
    url = app.config.get("REDIS_URL") or ""
    storage = app.config.get("RATELIMIT_STORAGE_URI") or ""
    if not url and storage.startswith(("redis://", "rediss://")):
        url = storage
    if not url:
        return None
    import redis

    return redis.Redis.from_url(url, socket_timeout=REDIS_TIMEOUT_SECONDS,
                                socket_connect_timeout=REDIS_TIMEOUT_SECONDS)


def _cache() -> PageCache | None:
    cache = current_app.extensions.get("events_page_cache")
    return cache if cache is not None and cache.seconds > 0 else None


def _is_anonymous_plain_get() -> bool:
    """Tell whether this visitor sees the page everybody sees (no account, no message)."""
    return (request.method == "GET" and "_flashes" not in session
            and "_user_id" not in session and not someone_logged_in())


def cached_page(render: Callable[[], tuple], key: tuple, *,
                personal: dict[str, Callable[[], str]] | None = None):
    """Return the kept page for this request, or render it with `render` and keep it.

    `render` returns ``(html, status, values)``: `values` maps each name of `personal` to the
    value this rendering used; a kept page gets fresh ones from `personal`'s callables.
    """
    personal = personal or {}
    cache = _cache()
    if cache is None or not _is_anonymous_plain_get():
        return render()[:2]
    version = cache.version()
    if version is None:
        return render()[:2]
    # The path with its query string too: the page's language links carry it back.
    key = (request.endpoint, request.full_path, *key, current_language(), version)
    now = time.monotonic()
    kept = cache.pages.get(key)
    if kept is not None and kept[0] > now:
        body = kept[1].decode()
        for name, marker in zip(personal, kept[2], strict=True):
            body = body.replace(marker, personal[name]())
        return make_response(body, 200)
    html, status, values = render()
    if status == 200:
        markers = tuple(f"\x00{name}\x00" for name in personal)
        body = html
        for name, marker in zip(personal, markers, strict=True):
            body = body.replace(values[name], marker)
        with cache.lock:
            if len(cache.pages) >= MAX_PAGES:
                for old in list(cache.pages)[: MAX_PAGES // 2]:
                    cache.pages.pop(old, None)
            cache.pages[key] = (now + cache.seconds, body.encode(), markers)
    return html, status


def _note_changes(session: Session, flush_context, instances) -> None:
    if any(isinstance(item, _WATCHED)
           for item in (*session.new, *session.dirty, *session.deleted)):
        session.info[_CHANGED] = True


def _after_commit(session: Session) -> None:
    # A flag left by a rolled-back change only costs one more version: never too few.
    if session.info.pop(_CHANGED, False):
        cache = current_app.extensions.get("events_page_cache") if has_app_context() else None
        if cache is not None:
            cache.bump()


def _note_statement(state) -> None:
    # A statement run through the session (UPDATE, DELETE, text) skips the flush: any that
    # is not a query counts as a change (one version too many costs one rendering), except
    # one on another model's table (the deferred mail a registration leaves, the person a
    # registration creates), a lock (SQLite's no-op UPDATE, ``app.db.LOCK_ONLY``) and a row
    # marked UNSEEN. Text, and tables of no model (associations), count.
    options = state.execution_options
    if state.is_select or any(options.get(key) for key in _IGNORED_OPTIONS):
        return
    model = _model_of(state)
    if model is None or model in _WATCHED:
        state.session.info[_CHANGED] = True


def _model_of(state) -> type | None:
    """Return the model whose table the statement writes (an ORM or a Core statement)."""
    if state.bind_mapper is not None:
        return state.bind_mapper.class_
    table = getattr(state.statement, "table", None)
    return None if table is None else _model_of_table(table)


@functools.cache
def _model_of_table(table) -> type | None:
    return next((mapper.class_ for mapper in models.Event.registry.mappers
                 if mapper.local_table is table), None)


def init_app(app: Flask) -> None:
    """Give the app its page cache and watch the sessions for changes to event data."""
    app.extensions["events_page_cache"] = PageCache(app)
    if not sa_event.contains(Session, "before_flush", _note_changes):
        sa_event.listen(Session, "before_flush", _note_changes)
        sa_event.listen(Session, "after_commit", _after_commit)
        sa_event.listen(Session, "do_orm_execute", _note_statement)
