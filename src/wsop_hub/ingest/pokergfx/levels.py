"""Blind level numbers, derived from the blinds.

PokerGFX 3.2 writes ``BlindLevel: 0`` on every hand, so the level has to come from the
blinds themselves: the 1-based position of (small blind, big blind) in a ladder of
blind steps. The right ladder is the event's structure (WSOP+ blind_structure rows,
as a :class:`BlindLadder`); without one, :data:`OBSERVED_LADDER` is used:
every small/big blind pair the real Cyprus 2025 Main Event exports show, in order.
Steps missing from those exports would shift the numbers after them, so treat a number
from the default ladder as "the n-th observed step", not the official level, until an
event structure is supplied. Test-data blinds (80/800, 5000/180000) are in no ladder
and get no number.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class BlindLadder:
    """Numbered blind steps: (level number, small blind, big blind) rows."""

    levels: tuple[tuple[int, int, int], ...]

    @classmethod
    def numbered(cls, pairs: Iterable[tuple[int, int]], *, first_level: int = 1) -> BlindLadder:
        """Number consecutive (small blind, big blind) pairs from ``first_level``."""
        return cls(
            tuple((first_level + index, small, big) for index, (small, big) in enumerate(pairs))
        )

    def level_of(self, small_blind: int, big_blind: int) -> int | None:
        """The level number of these blinds, or None if the ladder has no such step."""
        return next(
            (
                number
                for number, small, big in self.levels
                if (small, big) == (small_blind, big_blind)
            ),
            None,
        )


#: Small/big blind pairs in the real exports (Day 1 starts at 100/200 with 50,000 chips).
OBSERVED_LADDER = BlindLadder.numbered(
    (
        (100, 200),
        (200, 300),
        (300, 500),
        (300, 600),
        (400, 800),
        (500, 1000),
        (600, 1200),
        (1000, 1500),
        (1000, 2000),
        (1500, 2500),
        (1500, 3000),
        (2000, 4000),
        (3000, 5000),
        (3000, 6000),
        (4000, 8000),
        (5000, 10000),
        (6000, 12000),
        (10000, 15000),
        (10000, 20000),
        (15000, 25000),
        (15000, 30000),
        (20000, 40000),
        (25000, 50000),
        (30000, 60000),
        (40000, 80000),
        (50000, 100000),
        (60000, 120000),
        (75000, 150000),
        (100000, 200000),
        (125000, 250000),
    )
)
