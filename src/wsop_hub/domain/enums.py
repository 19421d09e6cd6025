"""Enums of SPEC §2. String values are what the database stores."""

from __future__ import annotations

from enum import StrEnum


class HandRank(StrEnum):
    """Poker hand categories, best first."""

    ROYAL_FLUSH = "royal_flush"
    STRAIGHT_FLUSH = "straight_flush"
    FOUR_OF_A_KIND = "four_of_a_kind"
    FULL_HOUSE = "full_house"
    FLUSH = "flush"
    STRAIGHT = "straight"
    THREE_OF_A_KIND = "three_of_a_kind"
    TWO_PAIR = "two_pair"
    ONE_PAIR = "one_pair"
    HIGH_CARD = "high_card"

    @property
    def strength(self) -> int:
        """10 for a royal flush down to 1 for high card."""
        return len(_RANK_ORDER) - _RANK_ORDER.index(self)

    def at_least(self, other: HandRank) -> bool:
        return self.strength >= other.strength


_RANK_ORDER = list(HandRank)


class SourceType(StrEnum):
    RFID = "rfid"
    CSV = "csv"
    MANUAL = "manual"


class RenderStatus(StrEnum):
    PENDING = "pending"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"
    STALE = "stale"
    CANCELLED = "cancelled"


class OutputFormat(StrEnum):
    PNG_SEQUENCE = "png_sequence"
    MOV_ALPHA = "mov_alpha"
    MP4 = "mp4"


class TriggerType(StrEnum):
    PREMIUM_HAND = "premium_hand"
    ELIMINATION = "elimination"
    CHIP_COUNT = "chip_count"
    LEADERBOARD = "leaderboard"
    PAYOUTS = "payouts"
    CUE = "cue"
    MANUAL = "manual"


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"
    CRITICAL = "critical"
