"""Automatic gfx ↔ WSOP+ link suggestions by name (FACTS §3.2, auto-match workflow).

PokerGFX operators type names as they like ("PHILL IVEY", "Dalkilic", a bare surname),
WSOP+ spells them properly; the suggester proposes pairs and an admin confirms each one
(nothing here links anybody). Rules, strongest first:

* ``exact_name`` (confidence 100): a gfx name key equals the WSOP+ name key.
* ``fuzzy_name`` (70–99): difflib similarity of the keys ≥ 0.85, scaled onto 70–99 and
  lowered by 10 when both sides know the country and it differs; or the same surname with
  compatible first names ("s garcia" ~ "sergio garcia", not "pedro garcia") and the same
  country (80); or a bare surname from GFX that exactly one WSOP+ player carries (70).

Candidates are found through indexes that mirror these rules (see LinkSuggester), so a
run over thousands of players compares each gfx name with a handful of WSOP+ names
rather than all of them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from enum import StrEnum
from typing import Any

from wsop_hub.players.names import first_name, last_name

EXACT_CONFIDENCE = 100.0
FUZZY_MIN_RATIO = 0.85
FUZZY_MIN_CONFIDENCE = 70.0
FUZZY_MAX_CONFIDENCE = 99.0
COUNTRY_MISMATCH_PENALTY = 10.0
SURNAME_SAME_COUNTRY_CONFIDENCE = 80.0
UNIQUE_SURNAME_CONFIDENCE = 70.0
MIN_SURNAME_LENGTH = 3
MAX_SUGGESTIONS_PER_GFX_PLAYER = 3


class MatchMethod(StrEnum):
    EXACT_NAME = "exact_name"
    FUZZY_NAME = "fuzzy_name"


@dataclass(frozen=True)
class GfxCandidate:
    """A gfx player to match: the name keys to compare (the long name's, else the short one's)."""

    id: int
    keys: tuple[str, ...]
    country_code: str | None = None


@dataclass(frozen=True)
class WsopCandidate:
    id: int
    key: str
    country_code: str | None = None


@dataclass(frozen=True)
class Match:
    gfx_player_id: int
    wsop_player_id: int
    method: MatchMethod
    confidence: float
    evidence: dict[str, Any] = field(default_factory=dict)


def _country_match(gfx: GfxCandidate, wsop: WsopCandidate) -> bool | None:
    if not gfx.country_code or not wsop.country_code:
        return None
    return gfx.country_code.upper() == wsop.country_code.upper()


def _first_names_compatible(a: str, b: str) -> bool:
    """Same person possible: one side has no first name, or one is a prefix (an initial)."""
    first_a, first_b = first_name(a), first_name(b)
    if first_a is None or first_b is None:
        return True
    return first_a.startswith(first_b) or first_b.startswith(first_a)


def _fuzzy_confidence(ratio: float, country_match: bool | None) -> float | None:
    if ratio < FUZZY_MIN_RATIO:
        return None
    scaled = FUZZY_MIN_CONFIDENCE + (ratio - FUZZY_MIN_RATIO) / (1 - FUZZY_MIN_RATIO) * (
        FUZZY_MAX_CONFIDENCE - FUZZY_MIN_CONFIDENCE
    )
    if country_match is False:
        scaled -= COUNTRY_MISMATCH_PENALTY
    if scaled < FUZZY_MIN_CONFIDENCE:
        return None
    return min(round(scaled, 1), FUZZY_MAX_CONFIDENCE)


def _surname_confidence(
    gfx_key: str, wsop_key: str, country_match: bool | None, surname_unique: bool
) -> float | None:
    surname = last_name(gfx_key)
    if len(surname) < MIN_SURNAME_LENGTH or surname != last_name(wsop_key):
        return None
    if not _first_names_compatible(gfx_key, wsop_key):
        return None
    if country_match is True:
        return SURNAME_SAME_COUNTRY_CONFIDENCE
    if country_match is None and first_name(gfx_key) is None and surname_unique:
        return UNIQUE_SURNAME_CONFIDENCE
    return None


def score_pair(gfx: GfxCandidate, wsop: WsopCandidate, *, surname_unique: bool) -> Match | None:
    """The best rule that pairs these two players, or None.

    ``surname_unique``: exactly one WSOP+ player carries the WSOP+ player's surname.
    """
    country_match = _country_match(gfx, wsop)
    if wsop.key in gfx.keys:
        return Match(
            gfx.id,
            wsop.id,
            MatchMethod.EXACT_NAME,
            EXACT_CONFIDENCE,
            {"rule": "exact_key", "name_key": wsop.key, "country_match": country_match},
        )
    best: tuple[float, str, str, float] | None = None
    for gfx_key in gfx.keys:
        matcher = SequenceMatcher(None, gfx_key, wsop.key, autojunk=False)
        # Cheap upper bounds first: most block neighbours are nowhere near similar.
        similar = (
            matcher.real_quick_ratio() >= FUZZY_MIN_RATIO
            and matcher.quick_ratio() >= FUZZY_MIN_RATIO
        )
        surname = _surname_confidence(gfx_key, wsop.key, country_match, surname_unique)
        if not similar and surname is None:
            continue
        ratio = matcher.ratio()
        for rule, confidence in (
            ("similar_name", _fuzzy_confidence(ratio, country_match)),
            ("same_surname", surname),
        ):
            if confidence is not None and (best is None or confidence > best[0]):
                best = (confidence, rule, gfx_key, ratio)
    if best is None:
        return None
    confidence, rule, gfx_key, ratio = best
    return Match(
        gfx.id,
        wsop.id,
        MatchMethod.FUZZY_NAME,
        confidence,
        {
            "rule": rule,
            "name_similarity": round(ratio, 3),
            "gfx_name_key": gfx_key,
            "wsop_name_key": wsop.key,
            "country_match": country_match,
        },
    )


def _similar_lengths(length: int) -> range:
    """Key lengths that can reach FUZZY_MIN_RATIO against a key of ``length``: difflib's
    ratio is at most 2·min(a, b) / (a + b)."""
    low = int(length * FUZZY_MIN_RATIO / (2 - FUZZY_MIN_RATIO))
    high = int(length * (2 - FUZZY_MIN_RATIO) / FUZZY_MIN_RATIO) + 1
    return range(low, high + 1)


def _initial(key: str) -> str:
    first = first_name(key)
    return first[0] if first else ""


def _initials(key: str) -> str:
    return "".join(word[0] for word in key.split())


class LinkSuggester:
    """Scores gfx players against a fixed set of WSOP+ players.

    Candidates come from indexes that mirror the rules, so a common surname does not make
    every gfx player meet thousands of WSOP+ players: the exact key; for similar names, a
    shared whole word with the same initials ("danial negreanu" ~ "daniel negreanu") at a
    length that can still reach the threshold; the same surname, first initial and country;
    a surname only one WSOP+ player has. A misspelt initial or a typo in every word is
    therefore not suggested (an admin links those by hand).
    """

    def __init__(self, wsop_players: Iterable[WsopCandidate]) -> None:
        self._by_key: dict[str, list[WsopCandidate]] = defaultdict(list)
        self._by_word: dict[tuple[str, str, int], list[WsopCandidate]] = defaultdict(list)
        self._by_surname: dict[str, list[WsopCandidate]] = defaultdict(list)
        self._by_surname_country: dict[tuple[str, str, str], list[WsopCandidate]] = defaultdict(
            list
        )
        for player in wsop_players:
            if not player.key:
                continue
            self._by_key[player.key].append(player)
            initials = _initials(player.key)
            for word in set(player.key.split()):
                self._by_word[word, initials, len(player.key)].append(player)
            surname = last_name(player.key)
            self._by_surname[surname].append(player)
            if player.country_code:
                country = player.country_code.upper()
                self._by_surname_country[surname, _initial(player.key), country].append(player)
                self._by_surname_country[surname, "*", country].append(player)

    def _similar_candidates(self, key: str) -> Iterator[WsopCandidate]:
        yield from self._by_key.get(key, ())
        initials = _initials(key)
        for word in set(key.split()):
            for length in _similar_lengths(len(key)):
                yield from self._by_word.get((word, initials, length), ())

    def _surname_candidates(self, key: str, country: str) -> Iterator[WsopCandidate]:
        surname = last_name(key)
        if len(surname) < MIN_SURNAME_LENGTH:
            return
        if len(self._by_surname.get(surname, ())) == 1:
            yield from self._by_surname[surname]
        if country:
            for initial in {_initial(key) or "*", ""}:
                yield from self._by_surname_country.get((surname, initial, country), ())

    def suggest(
        self, gfx: GfxCandidate, *, exclude_wsop_ids: frozenset[int] = frozenset()
    ) -> list[Match]:
        """At most MAX_SUGGESTIONS_PER_GFX_PLAYER matches, best first; pairs already
        decided or suggested (``exclude_wsop_ids``) are not proposed again."""
        seen: set[int] = set(exclude_wsop_ids)
        matches: list[Match] = []
        # One matcher per gfx key: difflib caches its analysis of the second sequence.
        matchers: list[SequenceMatcher[str]] = []
        for key in gfx.keys:
            matcher: SequenceMatcher[str] = SequenceMatcher(None, autojunk=False)
            matcher.set_seq2(key)
            matchers.append(matcher)
        country = (gfx.country_code or "").upper()
        similar = (w for key in gfx.keys for w in self._similar_candidates(key))
        by_surname = (w for key in gfx.keys for w in self._surname_candidates(key, country))
        for via_surname, candidates in ((False, similar), (True, by_surname)):
            for wsop in candidates:
                if wsop.id in seen:
                    continue
                if not via_surname and not (
                    wsop.key in gfx.keys or _may_be_similar(matchers, wsop.key)
                ):
                    continue
                seen.add(wsop.id)
                unique = len(self._by_surname[last_name(wsop.key)]) == 1
                match = score_pair(gfx, wsop, surname_unique=unique)
                if match is not None:
                    matches.append(match)
        matches.sort(key=lambda m: (-m.confidence, m.wsop_player_id))
        return matches[:MAX_SUGGESTIONS_PER_GFX_PLAYER]


def _may_be_similar(matchers: Sequence[SequenceMatcher[str]], key: str) -> bool:
    """difflib's cheap upper bounds: False means no gfx key reaches FUZZY_MIN_RATIO."""
    for matcher in matchers:
        matcher.set_seq1(key)
        if matcher.real_quick_ratio() >= FUZZY_MIN_RATIO and matcher.quick_ratio() >= (
            FUZZY_MIN_RATIO
        ):
            return True
    return False


def suggest_all(
    suggester: LinkSuggester,
    gfx_players: Sequence[GfxCandidate],
    known_pairs: Iterable[tuple[int, int]],
) -> list[Match]:
    """Suggestions for every gfx player, skipping (gfx id, wsop id) pairs already known."""
    known: dict[int, set[int]] = defaultdict(set)
    for gfx_id, wsop_id in known_pairs:
        known[gfx_id].add(wsop_id)
    matches: list[Match] = []
    for gfx in gfx_players:
        matches.extend(suggester.suggest(gfx, exclude_wsop_ids=frozenset(known[gfx.id])))
    return matches
