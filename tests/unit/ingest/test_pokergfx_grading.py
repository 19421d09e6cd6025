"""Hand grades A/B/C (FACTS §9) on constructed hands and over the real sessions."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from tests.unit.ingest.pokergfx_data import TABLE_JSON_FILES, json_session, raw_json
from tests.unit.ingest.pokergfx_factory import action, board, parse_hand, player
from wsop_hub.domain.enums import HandRank
from wsop_hub.ingest.pokergfx import (
    Grade,
    GradingConfig,
    best_hand,
    board_rank,
    grade_conditions,
    grade_hand,
    is_premium,
)


def _full_house_hand(duration: str, river: str) -> object:
    """Seat 3 (kh kd) makes kings full on k-q-q; the river decides the board combo."""
    return parse_hand(
        [player(2, 50000, 0, "ah jc"), player(3, 80000, 133000, "kh kd"), player(4, 50000, 50000)],
        [
            action("FOLD", 4),
            action("ALL IN", 2, 50000, 7500),
            action("CALL", 3, 50000, 56000),
            *board("ks", "qc", "qd", "2h", river),
        ],
        duration=duration,
    )


def test_premium_long_and_trips_on_board_is_grade_a() -> None:
    hand = _full_house_hand("PT2M30.1234567S", "qh")  # board k q q 2 q: trip queens
    grade = grade_hand(hand)  # type: ignore[arg-type]
    assert (grade.has_premium_hand, grade.has_long_playtime, grade.has_premium_board_combo) == (
        True,
        True,
        True,
    )
    assert grade.grade is Grade.A and grade.conditions_met == 3 and grade.broadcast_eligible
    assert grade.suggested_edit_offset_s == 0  # premium: cut from the start
    assert grade.edit_confidence == 0.8


def test_premium_and_long_without_a_board_combo_is_grade_b() -> None:
    hand = _full_house_hand("PT3M5S", "3c")  # board k q q 2 3: one pair
    grade = grade_hand(hand)  # type: ignore[arg-type]
    assert grade.grade is Grade.B and grade.conditions_met == 2 and grade.broadcast_eligible
    assert not grade.has_premium_board_combo


def test_premium_only_is_grade_c() -> None:
    grade = grade_hand(_full_house_hand("PT45.5S", "3c"))  # type: ignore[arg-type]
    assert grade.grade is Grade.C and grade.conditions_met == 1
    assert not grade.broadcast_eligible and grade.edit_confidence == 0.4


def test_a_long_hand_won_without_showdown_is_never_premium() -> None:
    hand = parse_hand(
        [player(2, 50000, 48500, "as ad"), player(3, 50000, 51500, "7c 2d")],
        [action("FOLD", 2)],
        duration="PT5M0S",
    )
    grade = grade_hand(hand)
    assert hand.hand_rank is None
    assert (grade.grade, grade.has_premium_hand, grade.has_long_playtime) == (Grade.C, False, True)
    assert grade.suggested_edit_offset_s == 120  # 40% of a hand longer than 180 s


@pytest.mark.parametrize(
    ("duration_s", "offset_s"),
    [
        (None, 0),
        (30.0, 0),
        (60.0, 0),
        (61.0, 20),
        (90.0, 30),
        (150.0, 30),
        (180.0, 30),
        (181.0, 72),
    ],
)
def test_edit_offset_follows_the_hand_length(duration_s: float | None, offset_s: int) -> None:
    grade = grade_conditions(hand_rank=HandRank.ONE_PAIR, duration_s=duration_s, board_rank=None)
    assert grade.suggested_edit_offset_s == offset_s


def test_thresholds_are_configurable() -> None:
    strict = GradingConfig(
        premium_threshold=HandRank.FOUR_OF_A_KIND,
        playtime_threshold_s=300.0,
        board_combo_threshold=HandRank.TWO_PAIR,
    )
    grade = grade_conditions(
        hand_rank=HandRank.FULL_HOUSE, duration_s=200.0, board_rank=HandRank.TWO_PAIR, config=strict
    )
    assert (grade.has_premium_hand, grade.has_long_playtime, grade.has_premium_board_combo) == (
        False,
        False,
        True,
    )
    assert grade.grade is Grade.C
    default = grade_conditions(
        hand_rank=HandRank.FULL_HOUSE, duration_s=200.0, board_rank=HandRank.TWO_PAIR
    )
    assert default.grade is Grade.B


def test_a_hand_without_duration_cannot_be_long() -> None:
    grade = grade_conditions(
        hand_rank=HandRank.FOUR_OF_A_KIND, duration_s=None, board_rank=HandRank.FULL_HOUSE
    )
    assert (grade.has_long_playtime, grade.grade) == (False, Grade.B)


def test_real_grades_match_the_conditions_counted_from_the_raw_files() -> None:
    """Conditions recomputed from the json module's view: duration by regex, showdown
    players from FOLD events, board from BOARD CARD rows; cards an RFID misread shows
    twice are not evaluated."""
    grades: Counter[Grade] = Counter()
    seen: set[tuple[int, int]] = set()
    for path in TABLE_JSON_FILES:
        session = json_session(path)
        for raw in raw_json(path)["Hands"]:
            hand = session.hand(raw["HandNum"])
            key = (session.game_id or 0, raw["HandNum"])
            if hand is None or key in seen or len(hand.events) != len(raw["Events"]):
                continue
            if hand.started_at.isoformat()[:19] != raw["StartDateTimeUTC"][:19]:
                continue
            seen.add(key)
            match = re.fullmatch(r"PT(?:(\d+)M)?([\d.]+)S", raw["Duration"])
            assert match is not None
            seconds = int(match.group(1) or 0) * 60 + float(match.group(2))
            folded = {e["PlayerNum"] for e in raw["Events"] if e["EventType"] == "FOLD"}
            cards = [e["BoardCards"] for e in raw["Events"] if e["EventType"] == "BOARD CARD"]
            live = [
                p
                for p in raw["Players"]
                if p["StartStackAmt"] > 0 and not p["SittingOut"] and p["PlayerNum"] not in folded
            ]
            holes = {p["PlayerNum"]: p["HoleCards"][0].split() for p in raw["Players"]}
            seen_twice = {c for c, n in Counter(cards + sum(holes.values(), [])).items() if n > 1}
            premium = False
            if len(live) >= 2 and not seen_twice & set(cards):
                for p in live:
                    hole = holes[p["PlayerNum"]]
                    if hole and not seen_twice & set(hole):
                        result = best_hand(hole, cards)
                        premium |= result is not None and is_premium(result.rank)
            board_only = board_rank(cards) if not seen_twice & set(cards) else None
            combo = is_premium(board_only, HandRank.THREE_OF_A_KIND)
            expected = sum((premium, seconds >= 120, combo))
            grade = grade_hand(hand)
            assert (
                grade.has_premium_hand,
                grade.has_long_playtime,
                grade.has_premium_board_combo,
            ) == (
                premium,
                seconds >= 120,
                combo,
            )
            assert grade.conditions_met == expected
            grades[grade.grade] += 1
    assert sum(grades.values()) > 1200
    assert grades[Grade.A] > 0 and grades[Grade.B] > 0 and grades[Grade.C] > 0
