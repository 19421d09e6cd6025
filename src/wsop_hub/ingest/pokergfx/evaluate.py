"""Hand evaluation with pokerkit (MIT): best hands, showdown winners, premium detection.

pokerkit evaluates five-card combinations, so a player's best hand needs at least
three board cards (the best of every five-card combination, looked up in pokerkit's
standard high-hand table: the same result as ``StandardHighHand.from_game`` at a
quarter of its cost, which matters at ingest rates), and the board's own rank needs a complete five-card board (with
three or four cards there is no five-card hand to rank; the board-combination grade
condition is then not met, as in the seed grader). pokerkit has no royal flush
category: a straight flush whose best five cards hold an ace and a king is one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import combinations

from pokerkit import Card, Rank, StandardHighHand
from pokerkit.lookups import Entry, Label

from wsop_hub.domain.enums import HandRank
from wsop_hub.ingest.pokergfx.cards import to_standard_string
from wsop_hub.ingest.pokergfx.session import BestHand

#: Full house or better (FACTS §9: ``PREMIUM_RANK_THRESHOLD = 4``).
DEFAULT_PREMIUM_THRESHOLD = HandRank.FULL_HOUSE
MIN_BOARD_CARDS = 3
FULL_BOARD = 5

_RANK_BY_LABEL: Mapping[Label, HandRank] = {
    Label.HIGH_CARD: HandRank.HIGH_CARD,
    Label.ONE_PAIR: HandRank.ONE_PAIR,
    Label.TWO_PAIR: HandRank.TWO_PAIR,
    Label.THREE_OF_A_KIND: HandRank.THREE_OF_A_KIND,
    Label.STRAIGHT: HandRank.STRAIGHT,
    Label.FLUSH: HandRank.FLUSH,
    Label.FULL_HOUSE: HandRank.FULL_HOUSE,
    Label.FOUR_OF_A_KIND: HandRank.FOUR_OF_A_KIND,
    Label.STRAIGHT_FLUSH: HandRank.STRAIGHT_FLUSH,
}


def _gfx(card: Card) -> str:
    rank = "10" if card.rank is Rank.TEN else str(card.rank.value).lower()
    return rank + str(card.suit.value)


def _strongest(cards: Sequence[str]) -> BestHand:
    parsed = tuple(Card.parse(to_standard_string(cards)))
    lookup = StandardHighHand.lookup
    scored: list[tuple[Entry, tuple[Card, ...]]] = [
        (lookup.get_entry(combo), combo) for combo in combinations(parsed, FULL_BOARD)
    ]
    entry, five = max(scored, key=lambda item: item[0].index)
    rank = _RANK_BY_LABEL[entry.label]
    if rank is HandRank.STRAIGHT_FLUSH and {Rank.ACE, Rank.KING} <= {card.rank for card in five}:
        rank = HandRank.ROYAL_FLUSH
    return BestHand(
        rank=rank,
        label="Royal flush" if rank is HandRank.ROYAL_FLUSH else str(entry.label.value),
        cards=tuple(_gfx(card) for card in five),
        strength=entry.index,
    )


def best_hand(hole_cards: Sequence[str], board: Sequence[str]) -> BestHand | None:
    """Best five-card hand from hole cards and board; None with fewer than 3 board cards.

    Raises ValueError for a card given twice (pokerkit would rank such a hand anyway).
    """
    if len(board) < MIN_BOARD_CARDS or not hole_cards:
        return None
    cards = [*hole_cards, *board]
    if len(set(cards)) != len(cards):
        raise ValueError(f"a card is given twice in {' '.join(cards)}")
    return _strongest(cards)


def board_rank(board: Sequence[str]) -> HandRank | None:
    """Rank of the five board cards on their own; None unless the board is complete."""
    if len(board) != FULL_BOARD or len(set(board)) != FULL_BOARD:
        return None
    return _strongest(board).rank


def showdown_winners(hands: Mapping[int, BestHand]) -> tuple[int, ...]:
    """Seats holding the strongest hand (several on a tie), in seat order."""
    if not hands:
        return ()
    strongest = max(hand.strength for hand in hands.values())
    return tuple(sorted(seat for seat, hand in hands.items() if hand.strength == strongest))


def best_rank(ranks: Sequence[HandRank]) -> HandRank | None:
    """The strongest of some ranks (HandRank.strength: royal flush 10 … high card 1)."""
    return max(ranks, key=lambda rank: rank.strength, default=None)


def is_premium(rank: HandRank | None, threshold: HandRank = DEFAULT_PREMIUM_THRESHOLD) -> bool:
    """A rank at or above the threshold (default full house or better); None is not."""
    return rank is not None and rank.at_least(threshold)
