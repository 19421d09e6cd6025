"""Name-match rules of the gfx ↔ WSOP+ link suggester."""

from __future__ import annotations

import pytest

from wsop_hub.players.matching import (
    GfxCandidate,
    LinkSuggester,
    MatchMethod,
    WsopCandidate,
    score_pair,
    suggest_all,
)
from wsop_hub.players.names import name_key, search_terms


def gfx(name: str, country: str | None = None, gfx_id: int = 1) -> GfxCandidate:
    return GfxCandidate(id=gfx_id, keys=(name_key(name),), country_code=country)


def wsop(name: str, country: str | None = None, wsop_id: int = 10) -> WsopCandidate:
    return WsopCandidate(id=wsop_id, key=name_key(name), country_code=country)


def test_same_key_is_an_exact_match() -> None:
    match = score_pair(gfx("JOSE GARCIA"), wsop("José García"), surname_unique=False)
    assert match is not None
    assert (match.method, match.confidence) == (MatchMethod.EXACT_NAME, 100)


@pytest.mark.parametrize(
    ("typed", "proper"),
    [
        ("PHILL IVEY", "Phil Ivey"),
        ("DANIAL NEGREANU", "Daniel Negreanu"),
        ("Jon Smith", "John Smith"),
    ],
)
def test_typos_are_fuzzy_matches_between_70_and_99(typed: str, proper: str) -> None:
    match = score_pair(gfx(typed), wsop(proper), surname_unique=False)
    assert match is not None and match.method is MatchMethod.FUZZY_NAME
    assert 70 <= match.confidence <= 99
    assert match.evidence["rule"] == "similar_name"


def test_closer_spelling_scores_higher_and_a_country_mismatch_lowers_it() -> None:
    close = score_pair(gfx("PHILL IVEY"), wsop("Phil Ivey"), surname_unique=False)
    farther = score_pair(gfx("DZHAVAD ABDOLVAND"), wsop("Djavad Abdolvand"), surname_unique=False)
    assert close is not None and farther is not None and close.confidence > farther.confidence
    abroad = score_pair(gfx("PHILL IVEY", "GB"), wsop("Phil Ivey", "US"), surname_unique=False)
    assert abroad is not None and abroad.confidence == pytest.approx(close.confidence - 10)


def test_surname_rules_need_compatible_first_names() -> None:
    same_country = score_pair(
        gfx("S GARCIA", "ES"), wsop("Sergio Garcia", "ES"), surname_unique=False
    )
    assert same_country is not None and same_country.confidence == 80
    assert (
        score_pair(gfx("PEDRO GARCIA", "ES"), wsop("Sergio Garcia", "ES"), surname_unique=True)
        is None
    )
    bare = score_pair(gfx("Dalkilic"), wsop("Mehmet Dalkılıç"), surname_unique=True)
    assert bare is not None and (bare.confidence, bare.evidence["rule"]) == (70, "same_surname")
    assert score_pair(gfx("Garcia"), wsop("Sergio Garcia"), surname_unique=False) is None


@pytest.mark.parametrize(
    ("typed", "proper"),
    [("PHIL HELLMUTH", "Phil Ivey"), ("Anna Petrova", "Hanna Petersen"), ("IVEY", "Ivan Demidov")],
)
def test_different_names_are_not_matched(typed: str, proper: str) -> None:
    assert score_pair(gfx(typed), wsop(proper), surname_unique=True) is None


def test_suggester_ranks_skips_known_pairs_and_caps_the_list() -> None:
    suggester = LinkSuggester(
        [
            wsop("Phil Ivey", "US", 10),
            wsop("Phill Ivey", "US", 11),
            wsop("Phil Iveys", None, 12),
            wsop("Phil Ivy", None, 13),
            wsop("Phil Hellmuth", "US", 14),
        ]
    )
    ranked = suggester.suggest(gfx("PHIL IVEY"))
    assert [m.wsop_player_id for m in ranked][0] == 10 and len(ranked) == 3
    assert all(m.wsop_player_id != 14 for m in ranked)
    rest = suggest_all(suggester, [gfx("PHIL IVEY")], known_pairs=[(1, 10), (1, 11)])
    assert {m.wsop_player_id for m in rest} == {12, 13}


def test_search_terms_fold_case_accents_and_punctuation() -> None:
    terms = search_terms("  JOSÉ  García-López ")
    assert terms is not None
    assert (terms.key, terms.tokens) == ("jose garcia lopez", ("jose", "garcia", "lopez"))
    assert search_terms("?!") is None
