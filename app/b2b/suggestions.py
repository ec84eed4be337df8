"""Suggestions from the database: build matchmaking.suggest profiles, cache the results.

The cache is in-process and keyed by (database, session id, creation time, profiles_version).
Every service that changes a profile, a participant or a request raises ``profiles_version``,
so a changed session simply misses the cache; several processes each keep their own copy.
Compute only from committed state (GET pages, CLI): a version seen inside a transaction that
is rolled back afterwards could be cached with data that never existed.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from sqlalchemy import select

from app.b2b.models import (
    B2BSession,
    ForbiddenPair,
    MeetingRequest,
    Participant,
    ParticipantItem,
    RequestStatus,
    participant_item_tags,
)
from app.b2b.queries import organisation_key_of
from app.extensions import db
from app.members.models import Person, Tag
from matchmaking import (
    Profile,
    ProfileItem,
    ScoredSuggestion,
    SuggestionIndex,
    build_index,
    suggest_all,
    suggest_for,
)
from matchmaking import (
    problem_suggestions as scored_to_problem,
)

#: Partners per participant kept for the solver's suggestions.
PER_PARTICIPANT = 10
_CACHE_SIZE = 16
_lock = threading.Lock()
_cache: OrderedDict[tuple, SessionSuggestions] = OrderedDict()


@dataclass
class SessionSuggestions:
    """One session's profiles prepared for scoring, with its requested and excluded pairs."""

    index: SuggestionIndex
    code_to_id: dict[str, int]
    requested: frozenset[frozenset[str]]
    excluded: frozenset[frozenset[str]]
    _all: list[ScoredSuggestion] | None = field(default=None, repr=False)
    _for: dict[tuple[str, int], list[ScoredSuggestion]] = field(default_factory=dict, repr=False)

    def for_participant(self, code: str, limit: int = 20) -> list[ScoredSuggestion]:
        """Return the participant's best partners, reasons from their side."""
        key = (code, limit)
        if key not in self._for:
            self._for[key] = suggest_for(code, requested=self.requested,
                                                 exclude=self.excluded, limit=limit,
                                                 index=self.index)
        return self._for[key]

    def all(self) -> list[ScoredSuggestion]:
        """Return every pair in someone's top list (the solver's suggestions)."""
        if self._all is None:
            self._all = suggest_all(requested=self.requested, exclude=self.excluded,
                                            per_participant=PER_PARTICIPANT, index=self.index)
        return self._all


def _cache_key(session: B2BSession) -> tuple:
    return (str(db.engine.url), session.id, session.created_at, session.profiles_version)


def load_profiles(session: B2BSession) -> tuple[list[Profile], dict[str, int]]:
    """Read the session's profiles with three column queries (no ORM objects: fast)."""
    rows = db.session.execute(
        select(Participant.id, Participant.code, Person.organisation_id,
               Participant.organisation_label, Participant.sectors_raw,
               Participant.languages_raw)
        .join(Person, Participant.person_id == Person.id)
        .where(Participant.session_id == session.id).order_by(Participant.code)).all()
    items: dict[int, list[tuple[int, str, str]]] = {}
    for item_id, participant_id, kind, title in db.session.execute(
            select(ParticipantItem.id, ParticipantItem.participant_id, ParticipantItem.kind,
                   ParticipantItem.title)
            .join(Participant, ParticipantItem.participant_id == Participant.id)
            .where(Participant.session_id == session.id).order_by(ParticipantItem.id)):
        items.setdefault(participant_id, []).append((item_id, str(kind), title))
    tags: dict[int, set[str]] = {}
    for item_id, code in db.session.execute(
            select(participant_item_tags.c.item_id, Tag.code)
            .join(Tag, participant_item_tags.c.tag_id == Tag.id)
            .join(ParticipantItem, participant_item_tags.c.item_id == ParticipantItem.id)
            .join(Participant, ParticipantItem.participant_id == Participant.id)
            .where(Participant.session_id == session.id)):
        tags.setdefault(item_id, set()).add(code)
    profiles = []
    code_to_id = {}
    for pid, code, organisation_id, label, sectors_raw, languages_raw in rows:
        code_to_id[code] = pid
        profiles.append(Profile(
            id=code, organisation=organisation_key_of(organisation_id, label),
            sectors=frozenset(c for c in sectors_raw.split(",") if c),
            languages=frozenset(c for c in languages_raw.split(",") if c),
            items=tuple(ProfileItem(kind=kind, title=title,
                                            tags=frozenset(tags.get(item_id, ())))
                        for item_id, kind, title in items.get(pid, ()))))
    return profiles, code_to_id


def _pairs(session: B2BSession, id_to_code: dict[int, str]):
    requested, excluded = set(), set()
    for frm, to, status in db.session.execute(
            select(MeetingRequest.from_id, MeetingRequest.to_id, MeetingRequest.status)
            .where(MeetingRequest.session_id == session.id)):
        pair = frozenset((id_to_code[frm], id_to_code[to]))
        if status == RequestStatus.DECLINED:
            excluded.add(pair)
        elif status in (RequestStatus.PENDING, RequestStatus.ACCEPTED):
            requested.add(pair)
    for a, b in db.session.execute(select(ForbiddenPair.a_id, ForbiddenPair.b_id)
                                   .where(ForbiddenPair.session_id == session.id)):
        excluded.add(frozenset((id_to_code[a], id_to_code[b])))
    return frozenset(requested - excluded), frozenset(excluded)


def compute(session: B2BSession) -> SessionSuggestions:
    """Build the suggestion index of a session from the database (no cache)."""
    profiles, code_to_id = load_profiles(session)
    id_to_code = {v: k for k, v in code_to_id.items()}
    requested, excluded = _pairs(session, id_to_code)
    return SessionSuggestions(index=build_index(profiles), code_to_id=code_to_id,
                              requested=requested, excluded=excluded)


def get_session_suggestions(session: B2BSession) -> SessionSuggestions:
    """Return the session's suggestions, from the cache while no profile changed."""
    key = _cache_key(session)
    with _lock:
        cached = _cache.get(key)
        if cached is not None:
            _cache.move_to_end(key)
            return cached
    fresh = compute(session)
    with _lock:
        _cache[key] = fresh
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return fresh


def clear_cache() -> None:
    """Forget every cached session (tests and benchmarks)."""
    with _lock:
        _cache.clear()


def suggestions_for(participant: Participant, limit: int = 20) -> list[ScoredSuggestion]:
    """Return the participant's suggested partners, best first, with reasons as data."""
    return get_session_suggestions(participant.session).for_participant(participant.code, limit)


def problem_suggestions(session: B2BSession):
    """Return the solver's suggestions (matchmaking.Suggestion, codes, a < b)."""
    return scored_to_problem(get_session_suggestions(session).all())
