"""Chip accounting: replays a hand's posts and actions to get the pot at every step.

PokerGFX does not write the final pot. Each action row carries ``BetAmt``, the
player's total on the current street *after* the action (a raise is a BET with a
larger total; CALL and ALL IN work the same way), and ``Pot``, the pot *before* it.
So the pot after the last action appears nowhere, and ``Events[-1].Pot`` undercounts.

Rules, each checked against the real exports (every non-zero ``Pot`` in them equals
the pot this replay has before that action):

* Blinds and the ante are posted only by seats that were dealt in (chips and not
  sitting out): when the small-blind seat is empty or busted there is no small blind.
  A post is capped at the poster's stack. A big-blind ante is posted by the big
  blind; it is dead money, not part of their street total. ``BB_ANTE_BB1ST`` is the
  tournament rule "big blind first": a short big blind pays the blind before the ante.
* An action raises the actor's street total to its bet amount; the increment goes in.
* When the street ends (a board card arrives, or the hand ends), the part of the
  largest street total that nobody matched is returned to its owner: an uncalled
  bet, or the excess of an all-in that a shorter stack called.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from wsop_hub.ingest.pokergfx.session import CHIP_ACTIONS, AnteType, Blinds, EventType, Street


@dataclass(frozen=True, slots=True)
class Action:
    """What the replay needs from one event."""

    type: EventType
    seat: int | None
    bet_amount: int


@dataclass(frozen=True, slots=True)
class PotReplay:
    """Result of :func:`replay_pot`; per-event tuples are in event order."""

    increments: tuple[int, ...]
    pot_after: tuple[int, ...]
    streets: tuple[Street, ...]
    #: Chips each seat left in the pot, net of returned uncalled bets.
    contributions: Mapping[int, int]
    final_pot: int


def street_for_board_count(board_cards: int) -> Street:
    """Street once this many board cards are out (1–3 flop, 4 turn, 5 river)."""
    if board_cards == 0:
        return Street.PREFLOP
    if board_cards <= 3:
        return Street.FLOP
    return Street.TURN if board_cards == 4 else Street.RIVER


class _Ledger:
    def __init__(self) -> None:
        self.committed: dict[int, int] = {}
        self.street: dict[int, int] = {}

    @property
    def pot(self) -> int:
        return sum(self.committed.values()) + sum(self.street.values())

    def post_dead(self, seat: int, amount: int) -> None:
        self.committed[seat] = self.committed.get(seat, 0) + amount

    def raise_to(self, seat: int, total: int) -> int:
        before = self.street.get(seat, 0)
        increment = max(0, total - before)
        self.street[seat] = before + increment
        return increment

    def close_street(self) -> None:
        if self.street:
            ranked = sorted(self.street.items(), key=lambda item: item[1], reverse=True)
            top_seat, top = ranked[0]
            matched = ranked[1][1] if len(ranked) > 1 else 0
            self.street[top_seat] = matched
            for seat, amount in self.street.items():
                self.committed[seat] = self.committed.get(seat, 0) + amount
        self.street = {}


def replay_pot(
    blinds: Blinds, stacks: Mapping[int, int], dealt_in: Sequence[int], actions: Sequence[Action]
) -> PotReplay:
    """Replay a hand; ``stacks`` are starting stacks, ``dealt_in`` the seats dealt in."""
    ledger = _Ledger()
    remaining = {seat: stacks.get(seat, 0) for seat in dealt_in}

    def post(seat: int | None, amount: int, *, dead: bool) -> None:
        if seat is None or seat not in remaining or amount <= 0:
            return
        paid = min(amount, remaining[seat])
        remaining[seat] -= paid
        if dead:
            ledger.post_dead(seat, paid)
        else:
            ledger.raise_to(seat, ledger.street.get(seat, 0) + paid)

    blind_first = blinds.ante_type is AnteType.BB_ANTE_BB1ST
    if blind_first:
        post(blinds.big_blind_seat, blinds.big_blind, dead=False)
    if blinds.ante_type.posted_by_big_blind:
        post(blinds.big_blind_seat, blinds.ante, dead=True)
    elif blinds.ante_type.posted_by_everyone:
        for seat in dealt_in:
            post(seat, blinds.ante, dead=True)
    post(blinds.small_blind_seat, blinds.small_blind, dead=False)
    if not blind_first:
        post(blinds.big_blind_seat, blinds.big_blind, dead=False)
    post(blinds.third_blind_seat, blinds.third_blind, dead=False)

    increments: list[int] = []
    pot_after: list[int] = []
    streets: list[Street] = []
    board_cards = 0
    for action in actions:
        increment = 0
        if action.type is EventType.BOARD_CARD:
            if street_for_board_count(board_cards + 1) is not street_for_board_count(board_cards):
                ledger.close_street()
            board_cards += 1
        elif action.type in CHIP_ACTIONS and action.seat is not None:
            increment = ledger.raise_to(action.seat, action.bet_amount)
        increments.append(increment)
        pot_after.append(ledger.pot)
        streets.append(street_for_board_count(board_cards))
    ledger.close_street()
    return PotReplay(
        increments=tuple(increments),
        pot_after=tuple(pot_after),
        streets=tuple(streets),
        contributions=dict(ledger.committed),
        final_pot=ledger.pot,
    )
