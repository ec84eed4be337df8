"""Suggest B2B meetings: score pairs of participants by what they offer and need, and say why.

Pure Python (no web framework, no database): profiles in, ranked suggestions out.

Scoring of a pair (p, q), symmetric, only for *eligible* pairs:

- eligible: p != q; not the same (non-empty) organisation; not in ``exclude``; when both list
  languages, at least one in common; and a raw score above zero.
- tag weight ``w(t) = tag_floor + (1 - tag_floor) * log(1 + N / n(t)) / log(1 + N)``, where N is
  the number of participants and n(t) the number of them offering tag t. A tag offered by one
  participant weighs 1; a tag everyone offers weighs little more than ``tag_floor`` (0.25).
- need/offer: ``sum w(t)`` over tags t in (p's need tags & q's offer tags), plus the same the other
  way round (q's needs against p's offers). Each tag counts once per direction, however many
  items carry it. Free text (item titles) is shown in the reasons but not matched: titles are in
  different languages, the shared tag vocabulary is what makes a French need meet a Dutch offer.
  One's offers feeding the other's needs is also how the value chain is modelled.
- sector bonus: ``same_sector`` (0.15) when they share a sector, ``complementary_sector`` (0.2)
  when a sector of one and a sector of the other form a pair of ``complementary_sectors``
  (wood-construction, textile-fashion...); the larger one applies, once. Both stay below
  ``tag_floor``, so a real need/offer match always outweighs any sector bonus.
- raw = need/offer + sector bonus; ``score = 1 - exp(-raw / scale)`` (scale 1.5), rounded to two
  decimals and at least 0.01, so it lies in (0, 1] as b2b-problem/1 ``suggestions[].score``
  requires. One rare tag gives 0.49, two give 0.74, a shared sector alone 0.10. The transform is
  monotone and depends on the pair only, so scores compare across participants.
- ranking: raw score descending (sums are exact: weights are integers in millionths), then the
  other participant's id (``suggest_for``) or (a, b) (``suggest_all``).

Pairs in ``requested`` and ``exclude`` are given as 2-element collections of ids, ``(a, b)``
tuples or ``frozenset({a, b})``; order never matters. Excluded pairs (declined requests,
forbidden pairs) are never suggested. Requested pairs are returned with ``already_requested=True``
where they rank, but do not use up a place of ``limit`` / ``per_participant``: the limit counts
new suggestions only, since b2b-problem/1 ignores a suggestion for a requested pair anyway.

Reasons are data for the app's templates to translate, from ``a``'s point of view: need/offer
matches first (heaviest tag first, one per pair of items, naming the heaviest shared tag), then
sectors, then shared languages (informative: they add nothing to the score).
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Literal

from matchmaking import model

NEED_OFFER = "need_offer"  #: my need (mine) matches their offer (theirs), on tag
OFFER_NEED = "offer_need"  #: my offer (mine) matches their need (theirs), on tag
SAME_SECTOR = "same_sector"  #: we are both in sector
COMPLEMENTARY_SECTOR = "complementary_sector"  #: my sector complements their other_sector
SHARED_LANGUAGE = "shared_language"  #: we both speak language
REASON_KINDS = (NEED_OFFER, OFFER_NEED, SAME_SECTOR, COMPLEMENTARY_SECTOR, SHARED_LANGUAGE)

#: Sector pairs along a value chain (codes of app.seed.vocabulary.SECTORS, plus common extras).
COMPLEMENTARY_SECTORS: frozenset[frozenset[str]] = frozenset(
    frozenset(pair)
    for pair in (
        ("wood", "construction"),
        ("wood", "furniture"),
        ("textile", "fashion"),
        ("plastics", "construction"),
        ("plastics", "food"),
        ("weee", "bike"),
    )
)

_MICRO = 1_000_000  # weights are summed as integer millionths: exact, order-independent


@dataclass(frozen=True)
class ProfileItem:
    """An offer or a need of a profile, with its tags."""

    kind: Literal["offer", "need"]
    title: str
    tags: frozenset[str]


@dataclass(frozen=True)
class Profile:
    """What a participant offers and needs, and who they are, for scoring."""

    id: str
    organisation: str  #: "" for none; two profiles of one organisation never meet
    sectors: frozenset[str]
    languages: frozenset[str]  #: ISO 639-1 codes; empty means any language
    items: tuple[ProfileItem, ...]


@dataclass(frozen=True)
class Reason:
    """One reason why a suggestion was made, told from participant a's side."""

    kind: str  #: one of REASON_KINDS
    tag: str = ""
    mine: str = ""  #: title of my item
    theirs: str = ""  #: title of their item
    sector: str = ""  #: my sector
    other_sector: str = ""  #: their sector (complementary_sector only)
    language: str = ""


@dataclass(frozen=True)
class Suggestion:
    """A pair worth meeting: its score and the reasons behind it."""

    a: str  #: the participant the reasons speak to
    b: str
    score: float  #: in (0, 1], two decimals
    reasons: tuple[Reason, ...]
    already_requested: bool = False


@dataclass(frozen=True)
class Weights:
    """How much each kind of match adds to a suggestion's score."""

    tag_floor: float = 0.25
    same_sector: float = 0.15
    complementary_sector: float = 0.2
    scale: float = 1.5
    complementary_sectors: frozenset[frozenset[str]] = COMPLEMENTARY_SECTORS


@dataclass(frozen=True)
class _Entry:
    """One profile prepared for scoring."""

    profile: Profile
    needs: tuple[str, ...]  # sorted need tags
    offers: tuple[str, ...]  # sorted offer tags
    need_item: dict[str, int]  # tag -> index of the first need item carrying it
    offer_item: dict[str, int]
    languages: frozenset[str]


@dataclass(frozen=True)
class SuggestionIndex:
    """Tag weights and inverted indexes over one session's profiles; build with build_index."""

    weights: Weights
    #: participants sorted by id; a participant's number is its position, so ordering numbers
    #: orders ids (the tie-break), and the hot loops index lists instead of hashing strings
    ids: tuple[str, ...]
    number: dict[str, int]
    entries: tuple[_Entry, ...]
    tag_weight: dict[str, int]  #: in millionths, for every offered tag
    offered_by: dict[str, tuple[int, ...]]
    needed_by: dict[str, tuple[int, ...]]
    in_sector: dict[str, tuple[int, ...]]
    complements: dict[str, tuple[str, ...]]
    organisation: tuple[int, ...]  #: equal numbers = same organisation
    language_mask: tuple[int, ...]  #: one bit per language; -1 (every bit) = any language

    def __len__(self) -> int:
        return len(self.ids)


def build_index(profiles: Iterable[Profile], weights: Weights | None = None) -> SuggestionIndex:
    """Precompute tag weights and the offer, need and sector indexes of a session."""
    weights = weights or Weights()
    by_id: dict[str, Profile] = {}
    for profile in profiles:
        if profile.id in by_id:
            raise ValueError(f"profile {profile.id!r} appears twice")
        by_id[profile.id] = profile
    ids = tuple(sorted(by_id))
    entries = []
    offered_by: dict[str, list[int]] = defaultdict(list)
    needed_by: dict[str, list[int]] = defaultdict(list)
    in_sector: dict[str, list[int]] = defaultdict(list)
    organisations: dict[str, int] = {}
    organisation = []
    language_bits: dict[str, int] = {}
    language_mask = []
    for number, profile_id in enumerate(ids):
        profile = by_id[profile_id]
        need_item: dict[str, int] = {}
        offer_item: dict[str, int] = {}
        for position, item in enumerate(profile.items):
            if item.kind not in ("offer", "need"):
                raise ValueError(f"profile {profile.id!r}: unknown item kind {item.kind!r}")
            first = need_item if item.kind == "need" else offer_item
            for tag in item.tags:
                first.setdefault(tag, position)
        entry = _Entry(
            profile=profile,
            needs=tuple(sorted(need_item)),
            offers=tuple(sorted(offer_item)),
            need_item=need_item,
            offer_item=offer_item,
            languages=frozenset(code.lower() for code in profile.languages),
        )
        entries.append(entry)
        for tag in entry.offers:
            offered_by[tag].append(number)
        for tag in entry.needs:
            needed_by[tag].append(number)
        for sector in sorted(profile.sectors):
            in_sector[sector].append(number)
        # Without an organisation, a number of one's own (negative: never an organisation's).
        organisation.append(organisations.setdefault(profile.organisation, len(organisations))
                            if profile.organisation else -1 - number)
        mask = 0
        for code in entry.languages:
            mask |= 1 << language_bits.setdefault(code, len(language_bits))
        language_mask.append(mask or -1)

    count = len(ids)
    floor = weights.tag_floor
    tag_weight = {
        tag: round(_MICRO * (floor + (1 - floor) * math.log1p(count / len(numbers))
                             / math.log1p(count)))
        for tag, numbers in offered_by.items()
    }
    complements: dict[str, set[str]] = defaultdict(set)
    for pair in weights.complementary_sectors:
        if len(pair) == 2:
            first, second = sorted(pair)
            complements[first].add(second)
            complements[second].add(first)
    return SuggestionIndex(
        weights=weights,
        ids=ids,
        number={profile_id: number for number, profile_id in enumerate(ids)},
        entries=tuple(entries),
        tag_weight=tag_weight,
        offered_by={tag: tuple(numbers) for tag, numbers in offered_by.items()},
        needed_by={tag: tuple(numbers) for tag, numbers in needed_by.items()},
        in_sector={sector: tuple(numbers) for sector, numbers in in_sector.items()},
        complements={sector: tuple(sorted(others)) for sector, others in complements.items()},
        organisation=tuple(organisation),
        language_mask=tuple(language_mask),
    )


def suggest_for(
    profile_id: str,
    profiles: Iterable[Profile] = (),
    *,
    requested: Iterable[Collection[str]] = frozenset(),
    exclude: Iterable[Collection[str]] = frozenset(),
    limit: int = 20,
    index: SuggestionIndex | None = None,
) -> list[Suggestion]:
    """Return the best partners for one participant, best first, reasons from their side."""
    index = _index_for(profiles, index)
    if profile_id not in index.number:
        raise KeyError(profile_id)
    me = index.number[profile_id]
    ranked = _ranked(index, me, _partners(index, requested, profile_id),
                     _partners(index, exclude, profile_id), limit)
    return [_suggestion(index, me, other, raw, is_requested)
            for raw, other, is_requested in ranked]


def suggest_all(
    profiles: Iterable[Profile] = (),
    *,
    requested: Iterable[Collection[str]] = frozenset(),
    exclude: Iterable[Collection[str]] = frozenset(),
    per_participant: int = 10,
    min_score: float = 0.0,
    index: SuggestionIndex | None = None,
) -> list[Suggestion]:
    """Return each pair (a < b) in someone's top list, best first, for the solver's suggestions."""
    index = _index_for(profiles, index)
    requested_pairs = _pairs(index, requested)
    excluded = _pairs(index, exclude)
    nothing: set[int] = set()
    chosen: dict[tuple[int, int], tuple[int, bool]] = {}
    for me in range(len(index.ids)):
        for raw, other, is_requested in _ranked(index, me, requested_pairs.get(me, nothing),
                                                excluded.get(me, nothing), per_participant):
            chosen[(min(me, other), max(me, other))] = (raw, is_requested)
    return [
        _suggestion(index, a, b, raw, is_requested)
        for (a, b), (raw, is_requested) in sorted(chosen.items(), key=lambda kv: (-kv[1][0], kv[0]))
        if _score(raw, index.weights) >= min_score
    ]


def problem_suggestions(suggestions: Iterable[Suggestion]) -> tuple[model.Suggestion, ...]:
    """Return the solver's suggestions (a < b, each pair once), leaving out requested pairs."""
    seen: set[frozenset[str]] = set()
    out: list[model.Suggestion] = []
    for suggestion in suggestions:
        pair = frozenset((suggestion.a, suggestion.b))
        if suggestion.already_requested or pair in seen:
            continue
        seen.add(pair)
        out.append(model.Suggestion(a=min(pair), b=max(pair), score=suggestion.score))
    return tuple(out)


def _index_for(profiles: Iterable[Profile], index: SuggestionIndex | None) -> SuggestionIndex:
    return index if index is not None else build_index(profiles)


def _pairs(index: SuggestionIndex, pairs: Iterable[Collection[str]]) -> dict[int, set[int]]:
    """Return participant number -> numbers paired with it; ids not in the session are ignored."""
    out: dict[int, set[int]] = defaultdict(set)
    for pair in pairs:
        key = frozenset(pair)
        if len(key) != 2:
            raise ValueError(f"a pair needs two different ids, got {sorted(key)!r}")
        first, second = (index.number.get(profile_id) for profile_id in key)
        if first is not None and second is not None:
            out[first].add(second)
            out[second].add(first)
    return out


def _partners(
    index: SuggestionIndex, pairs: Iterable[Collection[str]], profile_id: str
) -> set[int]:
    """Return the numbers paired with one participant; ids not in the session are ignored."""
    out = set()
    for pair in pairs:
        key = frozenset(pair)
        if len(key) != 2:
            raise ValueError(f"a pair needs two different ids, got {sorted(key)!r}")
        if profile_id in key:
            (other,) = key - {profile_id}
            if other in index.number:
                out.add(index.number[other])
    return out


def _ranked(
    index: SuggestionIndex, me: int, requested: set[int], excluded: set[int], limit: int
) -> list[tuple[int, int, bool]]:
    """Return (raw, other, requested) best first: `limit` new partners, requested ones too."""
    if limit <= 0:
        return []
    entry = index.entries[me]
    weights = index.weights
    raw = [0] * len(index.ids)
    # Sector bonuses first: raw is still 0 everywhere, so the larger bonus wins, once.
    same = round(_MICRO * weights.same_sector)
    complementary = round(_MICRO * weights.complementary_sector)
    for sector in entry.profile.sectors:
        for other in index.in_sector.get(sector, ()):
            raw[other] = same
    for sector in entry.profile.sectors:
        for other_sector in index.complements.get(sector, ()):
            for other in index.in_sector.get(other_sector, ()):
                if raw[other] < complementary:
                    raw[other] = complementary
    tag_weight = index.tag_weight
    for tag in entry.needs:
        weight = tag_weight.get(tag)
        if weight is not None:
            for other in index.offered_by[tag]:
                raw[other] += weight
    for tag in entry.offers:
        weight = tag_weight[tag]
        for other in index.needed_by.get(tag, ()):
            raw[other] += weight

    # One's own organisation number and language mask rule out oneself as well.
    organisation = index.organisation
    mine = organisation[me]
    language_mask = index.language_mask
    my_languages = language_mask[me]
    candidates = [
        (-value, other)
        for other, value in enumerate(raw)
        if value > 0 and organisation[other] != mine and language_mask[other] & my_languages
    ]
    if excluded:
        candidates = [c for c in candidates if c[1] not in excluded]
    # Requested partners ride along without using up a place, so look a little further.
    out: list[tuple[int, int, bool]] = []
    new = 0
    for negative, other in heapq.nsmallest(limit + len(requested), candidates):
        if new == limit:
            break
        is_requested = other in requested
        out.append((-negative, other, is_requested))
        new += not is_requested
    return out


def _score(raw: int, weights: Weights) -> float:
    return max(0.01, round(1 - math.exp(-raw / _MICRO / weights.scale), 2))


def _suggestion(
    index: SuggestionIndex, a: int, b: int, raw: int, already_requested: bool
) -> Suggestion:
    return Suggestion(
        a=index.ids[a],
        b=index.ids[b],
        score=_score(raw, index.weights),
        reasons=_reasons(index, index.entries[a], index.entries[b]),
        already_requested=already_requested,
    )


def _reasons(index: SuggestionIndex, mine: _Entry, theirs: _Entry) -> tuple[Reason, ...]:
    reasons = _tag_reasons(index, NEED_OFFER, mine.need_item, theirs.offer_item,
                           mine.profile, theirs.profile)
    reasons += _tag_reasons(index, OFFER_NEED, mine.offer_item, theirs.need_item,
                            mine.profile, theirs.profile)
    my_sectors = mine.profile.sectors
    their_sectors = theirs.profile.sectors
    for sector in sorted(my_sectors & their_sectors):
        reasons.append(Reason(kind=SAME_SECTOR, sector=sector))
    for sector in sorted(my_sectors):
        for other_sector in index.complements.get(sector, ()):
            if other_sector in their_sectors:
                reasons.append(Reason(kind=COMPLEMENTARY_SECTOR, sector=sector,
                                      other_sector=other_sector))
    if mine.languages and theirs.languages:
        for language in sorted(mine.languages & theirs.languages):
            reasons.append(Reason(kind=SHARED_LANGUAGE, language=language))
    return tuple(reasons)


def _tag_reasons(
    index: SuggestionIndex,
    kind: str,
    my_item: dict[str, int],
    their_item: dict[str, int],
    me: Profile,
    them: Profile,
) -> list[Reason]:
    """Return one reason per pair of matching items, naming their heaviest shared tag."""
    best: dict[tuple[int, int], tuple[int, str]] = {}
    for tag in my_item.keys() & their_item.keys():
        key = (my_item[tag], their_item[tag])
        candidate = (-index.tag_weight[tag], tag)
        if key not in best or candidate < best[key]:
            best[key] = candidate
    return [
        Reason(kind=kind, tag=tag, mine=me.items[mine].title, theirs=them.items[theirs].title)
        for (mine, theirs), (_, tag) in sorted(best.items(), key=lambda kv: (kv[1], kv[0]))
    ]
