import math
import random

import pytest

from matchmaking import model
from matchmaking.suggest import (
    COMPLEMENTARY_SECTOR,
    NEED_OFFER,
    OFFER_NEED,
    SAME_SECTOR,
    SHARED_LANGUAGE,
    Profile,
    ProfileItem,
    Reason,
    Weights,
    build_index,
    problem_suggestions,
    suggest_all,
    suggest_for,
)


def offer(title, *tags):
    return ProfileItem(kind="offer", title=title, tags=frozenset(tags))


def need(title, *tags):
    return ProfileItem(kind="need", title=title, tags=frozenset(tags))


def profile(id, *items, organisation="", sectors=(), languages=()):
    return Profile(id=id, organisation=organisation, sectors=frozenset(sectors),
                   languages=frozenset(languages), items=tuple(items))


def ids(suggestions):
    return [s.b for s in suggestions]


def test_suggest_for_wood_offcut_supplier_tops_furniture_maker():
    maker = profile("P1", need("Reclaimed wood for furniture", "reclaimed-wood"),
                    offer("Upcycled office furniture", "upcycled-furniture"), sectors={"wood"})
    supplier = profile("P2", offer("Oak offcuts, 2 m3/month", "reclaimed-wood", "wood-offcuts"),
                       sectors={"wood"})
    neighbour = profile("P3", offer("Sawdust for compost", "sawdust"), sectors={"wood"})

    result = suggest_for("P1", [maker, supplier, neighbour])

    assert ids(result) == ["P2", "P3"]
    assert result[0].a == "P1"
    assert result[0].reasons == (
        Reason(kind=NEED_OFFER, tag="reclaimed-wood", mine="Reclaimed wood for furniture",
               theirs="Oak offcuts, 2 m3/month"),
        Reason(kind=SAME_SECTOR, sector="wood"),
    )
    assert result[1].reasons == (Reason(kind=SAME_SECTOR, sector="wood"),)


def test_suggest_for_french_need_matches_dutch_offer_through_shared_tag():
    french = profile("FR1", need("Bois de réemploi pour mobilier", "reclaimed-wood"),
                     languages={"fr", "nl"})
    dutch = profile("NL1", offer("Eikenhoutresten, 2 m³/maand", "reclaimed-wood"),
                    languages={"nl"})

    result = suggest_for("FR1", [french, dutch])

    assert [(s.b, s.reasons) for s in result] == [("NL1", (
        Reason(kind=NEED_OFFER, tag="reclaimed-wood", mine="Bois de réemploi pour mobilier",
               theirs="Eikenhoutresten, 2 m³/maand"),
        Reason(kind=SHARED_LANGUAGE, language="nl"),
    ))]


def test_suggest_for_rare_tag_outweighs_common_tag():
    seeker = profile("A", need("Pallets", "pallets"), need("CNC machine time", "cnc-machine"))
    pallet_people = [profile(f"B{i}", offer("Pallets", "pallets")) for i in range(4)]
    cnc_owner = profile("Z", offer("CNC machine", "cnc-machine"))

    result = suggest_for("A", [seeker, *pallet_people, cnc_owner])

    assert ids(result) == ["Z", "B0", "B1", "B2", "B3"]
    assert result[0].score > result[1].score


def test_suggest_for_only_tag_scores_exact_value():
    a = profile("A", need("Bike parts", "bike-parts"))
    b = profile("B", offer("Bike parts", "bike-parts"))

    (result,) = suggest_for("A", [a, b])

    # One tag offered by a single participant weighs 1: 1 - exp(-1 / 1.5) = 0.487.
    assert result.score == 0.49


def test_suggest_for_no_shared_language_is_never_suggested():
    french = profile("A", need("Pallets", "pallets"), languages={"fr"})
    dutch = profile("B", offer("Pallets", "pallets"), languages={"nl"})
    anyone = profile("C", offer("Pallets", "pallets"))
    bilingual = profile("D", offer("Pallets", "pallets"), languages={"nl", "FR"})

    result = suggest_for("A", [french, dutch, anyone, bilingual])

    assert ids(result) == ["C", "D"]
    assert all(s.a != "B" and s.b != "B" for s in suggest_all([french, dutch, anyone, bilingual]))


def test_suggest_for_same_organisation_is_never_suggested():
    a = profile("A", need("Pallets", "pallets"), organisation="org-1")
    colleague = profile("B", offer("Pallets", "pallets"), organisation="org-1")
    outsider = profile("C", offer("Pallets", "pallets"), organisation="org-2")
    independent = profile("D", offer("Pallets", "pallets"))

    result = suggest_for("A", [a, colleague, outsider, independent])

    assert ids(result) == ["C", "D"]


def test_suggest_for_excluded_pairs_are_never_suggested_in_any_form():
    a = profile("A", need("Pallets", "pallets"))
    others = [profile(x, offer("Pallets", "pallets")) for x in ("B", "C", "D")]
    exclude = {("B", "A"), frozenset({"A", "C"})}

    result = suggest_for("A", [a, *others], exclude=exclude)
    pairs = {(s.a, s.b) for s in suggest_all([a, *others], exclude=exclude)}

    assert ids(result) == ["D"]
    assert pairs == {("A", "D")}


def test_suggest_for_requested_pair_is_flagged_without_taking_a_place():
    a = profile("A", need("Pallets", "pallets"), need("Saw", "cnc-machine"))
    best = profile("B", offer("Pallets and CNC", "pallets", "cnc-machine"))
    second = profile("C", offer("Pallets", "pallets"))
    third = profile("D", offer("Pallets", "pallets"))

    result = suggest_for("A", [a, best, second, third], requested={("A", "B")}, limit=1)

    assert [(s.b, s.already_requested) for s in result] == [("B", True), ("C", False)]


def test_suggest_all_scores_are_in_unit_interval_with_two_decimals():
    profiles = _random_session(80, seed=3)

    result = suggest_all(profiles, per_participant=5)

    assert result
    assert all(0 < s.score <= 1 and round(s.score, 2) == s.score for s in result)
    assert [s.score for s in result] == sorted((s.score for s in result), reverse=True)


def test_suggest_for_ties_are_broken_by_id_whatever_the_input_order():
    a = profile("A", need("Pallets", "pallets"))
    others = [profile(x, offer("Pallets", "pallets")) for x in ("D", "B", "C")]
    session = _random_session(60, seed=5)
    shuffled = session[:]
    random.Random(1).shuffle(shuffled)

    assert ids(suggest_for("A", [a, *others])) == ["B", "C", "D"]
    assert suggest_all(session) == suggest_all(shuffled)
    assert suggest_for("S007", session) == suggest_for("S007", shuffled)


def test_suggest_for_reasons_are_symmetric():
    a = profile("A", need("Used laptops", "used-laptops"), offer("Data wiping", "data-wiping"),
                sectors={"weee"}, languages={"fr", "en"})
    b = profile("B", offer("Refurbished laptops", "used-laptops", "repair"),
                need("Certified wiping", "data-wiping"), sectors={"weee", "bike"},
                languages={"en"})

    (from_a,) = suggest_for("A", [a, b])
    (from_b,) = suggest_for("B", [a, b])

    assert from_a.score == from_b.score
    assert from_a.reasons == (
        Reason(kind=NEED_OFFER, tag="used-laptops", mine="Used laptops",
               theirs="Refurbished laptops"),
        Reason(kind=OFFER_NEED, tag="data-wiping", mine="Data wiping",
               theirs="Certified wiping"),
        Reason(kind=SAME_SECTOR, sector="weee"),
        Reason(kind=COMPLEMENTARY_SECTOR, sector="weee", other_sector="bike"),
        Reason(kind=SHARED_LANGUAGE, language="en"),
    )
    swapped = {NEED_OFFER: OFFER_NEED, OFFER_NEED: NEED_OFFER}
    assert [(r.kind, r.tag, r.mine, r.theirs) for r in from_b.reasons[:2]] == [
        (swapped[r.kind], r.tag, r.theirs, r.mine) for r in from_a.reasons[:2]
    ][::-1]


def test_suggest_for_item_pair_gives_one_reason_naming_rarest_tag():
    a = profile("A", need("Wood for stools", "reclaimed-wood", "pallets"))
    b = profile("B", offer("Dismantled pallets", "pallets", "reclaimed-wood"))
    c = profile("C", offer("Pallets", "pallets"))

    (first, _) = suggest_for("A", [a, b, c])

    assert first.reasons == (Reason(kind=NEED_OFFER, tag="reclaimed-wood", mine="Wood for stools",
                                    theirs="Dismantled pallets"),)


def test_suggest_for_sector_bonus_is_below_any_tag_match():
    a = profile("A", need("Pallets", "pallets"), sectors={"wood"})
    pallet_people = [profile(f"B{i}", offer("Pallets", "pallets")) for i in range(20)]
    builder = profile("C", sectors={"construction"})
    colleague = profile("D", sectors={"wood"})

    result = suggest_for("A", [a, *pallet_people, builder, colleague], limit=30)

    assert ids(result)[-2:] == ["C", "D"]
    assert [(s.score, s.reasons) for s in result[-2:]] == [
        (0.12, (Reason(kind=COMPLEMENTARY_SECTOR, sector="wood", other_sector="construction"),)),
        (0.1, (Reason(kind=SAME_SECTOR, sector="wood"),)),
    ]


def test_suggest_for_shared_language_alone_is_no_suggestion():
    a = profile("A", need("Pallets", "pallets"), languages={"fr"})
    b = profile("B", offer("Repair", "repair"), languages={"fr"})

    assert suggest_for("A", [a, b]) == []


def test_suggest_for_custom_complementary_sectors_are_used():
    a = profile("A", sectors={"bike"})
    b = profile("B", sectors={"food"})
    weights = Weights(complementary_sectors=frozenset({frozenset({"bike", "food"})}))

    result = suggest_for("A", [a, b], index=build_index([a, b], weights))

    assert [(s.b, s.reasons) for s in result] == [
        ("B", (Reason(kind=COMPLEMENTARY_SECTOR, sector="bike", other_sector="food"),))
    ]


def test_suggest_all_lists_each_pair_once_ordered_and_consistent_with_suggest_for():
    profiles = _random_session(120, seed=7)
    index = build_index(profiles)

    result = suggest_all(index=index, per_participant=4)
    pairs = [(s.a, s.b) for s in result]
    tops = {p.id: {s.b: s.score for s in suggest_for(p.id, index=index, limit=4)}
            for p in profiles}

    assert len(pairs) == len(set(pairs))
    assert all(a < b for a, b in pairs)
    assert [s.score for s in result] == sorted((s.score for s in result), reverse=True)
    assert all(tops[s.a].get(s.b, tops[s.b].get(s.a)) == s.score for s in result)
    assert {frozenset(p) for p in pairs} == {
        frozenset((a, b)) for a, top in tops.items() for b in top
    }


def test_suggest_all_min_score_drops_weak_pairs():
    profiles = _random_session(60, seed=2)

    result = suggest_all(profiles, min_score=0.5)

    assert result
    assert min(s.score for s in result) >= 0.5


def test_problem_suggestions_leaves_out_requested_pairs():
    a = profile("A", need("Pallets", "pallets"))
    b = profile("B", offer("Pallets", "pallets"))
    c = profile("C", offer("Pallets and sawdust", "pallets", "sawdust"), need("Saw", "sawdust"))

    result = problem_suggestions(suggest_all([a, b, c], requested={("B", "A")}))

    # pallets is offered by 2 of 3: w = 0.25 + 0.75 * ln(2.5) / ln(4) = 0.746 -> 0.39
    assert result == (model.Suggestion(a="A", b="C", score=0.39),)


def test_build_index_rejects_duplicate_ids():
    with pytest.raises(ValueError, match="'A' appears twice"):
        build_index([profile("A"), profile("A")])


def test_suggest_for_unknown_participant_raises_key_error():
    with pytest.raises(KeyError):
        suggest_for("nobody", [profile("A")])


def test_suggest_for_pair_of_one_id_is_rejected():
    with pytest.raises(ValueError, match="two different ids"):
        suggest_for("A", [profile("A")], exclude={("A", "A")})


def test_build_index_tag_weight_shrinks_with_offer_frequency():
    profiles = [profile(f"P{i}", offer("Pallets", "pallets")) for i in range(9)]
    profiles.append(profile("Q", offer("CNC", "cnc-machine")))

    index = build_index(profiles)

    expected_common = 0.25 + 0.75 * math.log1p(10 / 9) / math.log1p(10)
    assert index.tag_weight["cnc-machine"] == 1_000_000
    assert index.tag_weight["pallets"] == round(1_000_000 * expected_common)


def _random_session(count, seed):
    rng = random.Random(seed)
    tags = [f"t{i:02d}" for i in range(40)]
    sectors = ["wood", "textile", "bike", "weee", "construction", "food", "plastics"]
    languages = [{"fr"}, {"nl"}, {"fr", "en"}, {"nl", "en"}, set()]
    return [
        profile(
            f"S{i:03d}",
            *(ProfileItem(kind=rng.choice(["offer", "need"]), title=f"item {i}.{j}",
                          tags=frozenset(rng.sample(tags, 2))) for j in range(4)),
            organisation=f"O{i // 3}",
            sectors=set(rng.sample(sectors, 1)),
            languages=rng.choice(languages),
        )
        for i in range(count)
    ]
