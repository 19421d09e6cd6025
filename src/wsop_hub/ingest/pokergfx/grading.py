"""Hand grades A/B/C and broadcast eligibility (FACTS-real-files §9, hand_grades table).

Three conditions, each with a threshold in :class:`GradingConfig`:

1. premium hand: the best hand at showdown is at least ``premium_threshold``
   (default full house). Only players who showed down count: RFID reads the cards of
   players who fold too, and a folded full house is not a premium hand;
2. long play time: the hand lasted at least ``playtime_threshold_s`` (120 s); a hand
   without a duration (the ``.txt`` log) does not meet it;
3. premium board: the five board cards alone make at least ``board_combo_threshold``
   (three of a kind); not met without a complete board.

A = all three, B = two, C = one or none; A and B are broadcast eligible. The edit
point (seconds from the hand's start where an editor should cut in) and its
confidence follow the seed grader: a premium hand is cut from its start; a long hand
40% in; a medium one a third in, at most 30 s; a short one from the start.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from wsop_hub.domain.enums import HandRank
from wsop_hub.ingest.pokergfx.evaluate import DEFAULT_PREMIUM_THRESHOLD, is_premium
from wsop_hub.ingest.pokergfx.session import ParsedHand

LONG_HAND_S = 180.0
MEDIUM_HAND_S = 60.0
MEDIUM_HAND_MAX_OFFSET_S = 30
ELIGIBLE_CONFIDENCE = 0.8
INELIGIBLE_CONFIDENCE = 0.4


class Grade(StrEnum):
    A = "A"
    B = "B"
    C = "C"

    @property
    def broadcast_eligible(self) -> bool:
        return self is not Grade.C


@dataclass(frozen=True, slots=True)
class GradingConfig:
    premium_threshold: HandRank = DEFAULT_PREMIUM_THRESHOLD
    playtime_threshold_s: float = 120.0
    board_combo_threshold: HandRank = HandRank.THREE_OF_A_KIND


DEFAULT_GRADING = GradingConfig()


@dataclass(frozen=True, slots=True)
class HandGrade:
    """A hand_grades row without its ids."""

    grade: Grade
    has_premium_hand: bool
    has_long_playtime: bool
    has_premium_board_combo: bool
    conditions_met: int
    broadcast_eligible: bool
    #: Seconds from the hand's start (hand_grades.suggested_edit_start_offset).
    suggested_edit_offset_s: int
    #: 0.8 when eligible, 0.4 otherwise (hand_grades.edit_start_confidence).
    edit_confidence: float


def grade_conditions(
    *,
    hand_rank: HandRank | None,
    duration_s: float | None,
    board_rank: HandRank | None,
    config: GradingConfig = DEFAULT_GRADING,
) -> HandGrade:
    """Grade from the three inputs; :func:`grade_hand` takes them from a parsed hand."""
    premium = is_premium(hand_rank, config.premium_threshold)
    long_play = duration_s is not None and duration_s >= config.playtime_threshold_s
    board_combo = is_premium(board_rank, config.board_combo_threshold)
    met = sum((premium, long_play, board_combo))
    grade = Grade.A if met == 3 else Grade.B if met == 2 else Grade.C
    return HandGrade(
        grade=grade,
        has_premium_hand=premium,
        has_long_playtime=long_play,
        has_premium_board_combo=board_combo,
        conditions_met=met,
        broadcast_eligible=grade.broadcast_eligible,
        suggested_edit_offset_s=_edit_offset_s(premium, duration_s),
        edit_confidence=ELIGIBLE_CONFIDENCE if grade.broadcast_eligible else INELIGIBLE_CONFIDENCE,
    )


def grade_hand(hand: ParsedHand, config: GradingConfig = DEFAULT_GRADING) -> HandGrade:
    return grade_conditions(
        hand_rank=hand.hand_rank,
        duration_s=hand.duration_s,
        board_rank=hand.board_rank,
        config=config,
    )


def _edit_offset_s(premium: bool, duration_s: float | None) -> int:
    if premium or duration_s is None:
        return 0
    if duration_s > LONG_HAND_S:
        return int(duration_s * 0.4)
    if duration_s > MEDIUM_HAND_S:
        return min(MEDIUM_HAND_MAX_OFFSET_S, int(duration_s // 3))
    return 0
