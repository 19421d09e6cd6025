"""Card notation.

PokerGFX writes cards lowercase with ``10`` for ten (``"10d"``, ``"as"``); poker
libraries and the hub's older schemas use ``"Td"``/``"As"``. The normalised model keeps
the PokerGFX form (it is what the gfx_* tables store and what an operator sees in the
file); :func:`to_standard` converts for the evaluator or any consumer that wants the
two-character form. Both forms are accepted on input.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

#: Ranks in PokerGFX notation, lowest first.
RANKS: tuple[str, ...] = ("2", "3", "4", "5", "6", "7", "8", "9", "10", "j", "q", "k", "a")
SUITS: tuple[str, ...] = ("s", "h", "d", "c")

_RANK_ALIASES = {rank: rank for rank in RANKS} | {"t": "10"}
_STANDARD_RANK = {rank: rank.upper() for rank in RANKS} | {"10": "T"}


@lru_cache(maxsize=256)
def parse_card(text: str) -> str:
    """Return the card in PokerGFX notation (``"10d"``), or raise ValueError.

    Accepts either case and ``T`` for ten, so a card typed by hand or taken from the
    hub's older schemas compares equal to the one PokerGFX wrote.
    """
    card = text.strip().lower()
    rank, suit = card[:-1], card[-1:]
    if rank not in _RANK_ALIASES or suit not in SUITS:
        raise ValueError(f"{text!r} is not a card (expected e.g. 'as', '10d', 'Td')")
    return _RANK_ALIASES[rank] + suit


def parse_cards(text: str) -> tuple[str, ...]:
    """Split a space-separated card string (``"qh qc"``) into PokerGFX cards."""
    return tuple(parse_card(part) for part in text.split())


def to_standard(card: str) -> str:
    """``"10d"`` → ``"Td"``, ``"as"`` → ``"As"``: rank uppercase, suit lowercase."""
    gfx = parse_card(card)
    return _STANDARD_RANK[gfx[:-1]] + gfx[-1]


def to_standard_string(cards: Sequence[str]) -> str:
    """Concatenate cards in standard form, the notation pokerkit parses (``"AsTd"``)."""
    return "".join(to_standard(card) for card in cards)
