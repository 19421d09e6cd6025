"""What both sources share: from the facts a file states to a :class:`ParsedHand`.

The JSON and ``.txt`` parsers each turn their format into a :class:`HandInput`; this
module checks what must hold for the hand to make sense (seats unique, actions by
seated players, at most five board cards, two hole cards) and derives the rest: who
folded, who showed down (RFID reads every dealt hand, folders included, so "cards
known" is not "shown"), the pot (:mod:`.betting`), best hands and winners
(:mod:`.evaluate`), the blind level (:mod:`.levels`) and the player master.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Literal

from wsop_hub.ingest.pokergfx.betting import Action, replay_pot
from wsop_hub.ingest.pokergfx.evaluate import (
    FULL_BOARD,
    best_hand,
    best_rank,
    board_rank,
    showdown_winners,
)
from wsop_hub.ingest.pokergfx.identity import player_key
from wsop_hub.ingest.pokergfx.levels import BlindLadder
from wsop_hub.ingest.pokergfx.session import (
    CHIP_ACTIONS,
    BestHand,
    Blinds,
    EventType,
    ParsedEvent,
    ParsedHand,
    ParsedHandPlayer,
    PlayerMaster,
    WinnerBasis,
)

HOLE_CARDS = 2
MAX_SEAT = 10


class HandProblem(ValueError):
    """A hand that cannot be right; the parser adds the file and hand to the message.

    ``part`` and ``index`` say which player or event (index in the hand's list), so a
    parser can point at its own unit: a JSON array index or a ``.txt`` line number.
    """

    def __init__(
        self,
        problem: str,
        *,
        part: Literal["player", "event"],
        index: int,
        detail: str = "",
        field: str,
    ) -> None:
        super().__init__(problem)
        self.problem = problem
        self.part = part
        self.index = index
        self.detail = detail
        self.field = field

    @property
    def where(self) -> str:
        return f"{self.part} #{self.index}" + (f" ({self.detail})" if self.detail else "")


@dataclass(frozen=True, slots=True)
class SeatInput:
    seat: int
    name: str
    long_name: str | None
    start_stack: int
    end_stack: int
    hole_cards: tuple[str, ...] | None
    sitting_out: bool | None = None
    elimination_rank: int | None = None
    cumulative_winnings: int | None = None
    blind_bet_straddle: int | None = None
    vpip_percent: float | None = None
    preflop_raise_percent: float | None = None
    aggression_frequency_percent: float | None = None
    went_to_showdown_percent: float | None = None


@dataclass(frozen=True, slots=True)
class EventInput:
    type: EventType
    seat: int | None
    bet_amount: int = 0
    pot_before: int | None = None
    board_card: str | None = None
    board_num: int = 0
    num_cards_drawn: int = 0


@dataclass(frozen=True, slots=True)
class HandInput:
    game_id: int | None
    hand_num: int
    started_at: datetime
    duration: timedelta | None
    recording_offset_iso: str | None
    recording_offset: timedelta | None
    blinds: Blinds
    seats: tuple[SeatInput, ...]
    events: tuple[EventInput, ...]
    game_variant: str = "HOLDEM"
    game_class: str = "FLOP"
    bet_structure: str = "NOLIMIT"
    num_boards: int = 1
    run_it_num_times: int = 1
    bomb_pot: int = 0
    description: str = ""
    stud_limits: Mapping[str, int] = field(default_factory=dict)


def _check(hand: HandInput) -> None:
    seen: set[int] = set()
    for index, seat in enumerate(hand.seats):
        if not 1 <= seat.seat <= MAX_SEAT:
            raise HandProblem(
                f"seat {seat.seat} is outside 1–{MAX_SEAT}",
                part="player",
                index=index,
                field="PlayerNum",
            )
        if seat.seat in seen:
            raise HandProblem(
                f"seat {seat.seat} is listed twice", part="player", index=index, field="PlayerNum"
            )
        seen.add(seat.seat)
        if seat.hole_cards is not None and len(seat.hole_cards) != HOLE_CARDS:
            raise HandProblem(
                f"hold'em needs {HOLE_CARDS} hole cards, got {len(seat.hole_cards)}",
                part="player",
                index=index,
                detail=f"seat {seat.seat}",
                field="HoleCards",
            )
    board = 0
    for index, event in enumerate(hand.events):
        if event.type is EventType.BOARD_CARD:
            board += 1
            if event.board_card is None or board > FULL_BOARD:
                problem = (
                    "a board card event has no card"
                    if event.board_card is None
                    else f"more than {FULL_BOARD} board cards"
                )
                raise HandProblem(
                    problem, part="event", index=index, detail=event.type, field="BoardCards"
                )
        elif event.seat not in seen:
            problem = (
                "an action names no seat"
                if event.seat is None
                else f"seat {event.seat} acts but has no player in this hand"
            )
            raise HandProblem(
                problem, part="event", index=index, detail=event.type, field="PlayerNum"
            )


def _conflicting_cards(board: Sequence[str], seats: Iterable[SeatInput]) -> set[str]:
    counts = Counter(board)
    for seat in seats:
        counts.update(seat.hole_cards or ())
    return {card for card, count in counts.items() if count > 1}


def _winners(
    hand: HandInput, live: Sequence[int], evaluated: Mapping[int, BestHand], *, complete_board: bool
) -> tuple[tuple[int, ...], WinnerBasis]:
    """Winners by the rules on :class:`ParsedHand`."""
    if hand.events and len(live) == 1:
        return (live[0],), WinnerBasis.LAST_STANDING
    if len(live) >= 2 and hand.events and complete_board and set(evaluated) == set(live):
        return showdown_winners(evaluated), WinnerBasis.SHOWDOWN
    deltas = {seat.seat: seat.end_stack - seat.start_stack for seat in hand.seats}
    top = max(deltas.values(), default=0)
    if top <= 0:
        return (), WinnerBasis.NONE
    return tuple(
        sorted(seat for seat, delta in deltas.items() if delta == top)
    ), WinnerBasis.STACK_DELTA


def build_hand(hand: HandInput, ladder: BlindLadder) -> ParsedHand:
    """Check a hand and derive everything the normalised model carries about it."""
    _check(hand)
    board = tuple(
        event.board_card
        for event in hand.events
        if event.type is EventType.BOARD_CARD and event.board_card is not None
    )
    stacks = {seat.seat: seat.start_stack for seat in hand.seats}
    dealt_in = [seat.seat for seat in hand.seats if seat.start_stack > 0 and not seat.sitting_out]
    folded = {event.seat for event in hand.events if event.type is EventType.FOLD}
    live = [seat for seat in dealt_in if seat not in folded]
    showdown = bool(hand.events) and len(live) >= 2

    conflicts = _conflicting_cards(board, hand.seats)
    board_clean = not conflicts.intersection(board)
    evaluated: dict[int, BestHand] = {}
    if showdown and board_clean:
        for seat in hand.seats:
            cards = seat.hole_cards
            if seat.seat in live and cards is not None and not conflicts.intersection(cards):
                result = best_hand(cards, board)
                if result is not None:
                    evaluated[seat.seat] = result

    winners, basis = _winners(hand, live, evaluated, complete_board=len(board) == FULL_BOARD)
    replay = replay_pot(
        hand.blinds,
        stacks,
        dealt_in,
        [Action(event.type, event.seat, event.bet_amount) for event in hand.events],
    )
    events = tuple(
        ParsedEvent(
            order=index,
            type=event.type,
            street=replay.streets[index],
            seat=event.seat,
            bet_amount=event.bet_amount if event.type in CHIP_ACTIONS else 0,
            increment=replay.increments[index],
            pot_before=event.pot_before,
            pot_after=replay.pot_after[index],
            board_card=event.board_card,
            board_num=event.board_num,
            num_cards_drawn=event.num_cards_drawn,
        )
        for index, event in enumerate(hand.events)
    )
    players = tuple(
        ParsedHandPlayer(
            seat=seat.seat,
            name=seat.name,
            long_name=seat.long_name,
            player_key=player_key(seat.name, seat.long_name),
            country=None,
            start_stack=seat.start_stack,
            end_stack=seat.end_stack,
            hole_cards=seat.hole_cards,
            dealt_in=seat.seat in dealt_in,
            folded=seat.seat in folded,
            showed_down=showdown and seat.seat in live,
            is_winner=seat.seat in winners,
            contributed=replay.contributions.get(seat.seat, 0),
            best_hand=evaluated.get(seat.seat),
            sitting_out=seat.sitting_out,
            elimination_rank=seat.elimination_rank,
            cumulative_winnings=seat.cumulative_winnings,
            blind_bet_straddle=seat.blind_bet_straddle,
            vpip_percent=seat.vpip_percent,
            preflop_raise_percent=seat.preflop_raise_percent,
            aggression_frequency_percent=seat.aggression_frequency_percent,
            went_to_showdown_percent=seat.went_to_showdown_percent,
        )
        for seat in hand.seats
    )
    blinds = replace(
        hand.blinds,
        derived_level=ladder.level_of(hand.blinds.small_blind, hand.blinds.big_blind),
    )
    return ParsedHand(
        game_id=hand.game_id,
        hand_num=hand.hand_num,
        started_at=hand.started_at,
        duration=hand.duration,
        recording_offset_iso=hand.recording_offset_iso,
        recording_offset=hand.recording_offset,
        blinds=blinds,
        board=board,
        players=players,
        events=events,
        final_pot=replay.final_pot,
        winners=winners,
        winner_basis=basis,
        hand_rank=best_rank([result.rank for result in evaluated.values()]),
        board_rank=board_rank(board) if board_clean else None,
        cards_conflict=bool(conflicts),
        game_variant=hand.game_variant,
        game_class=hand.game_class,
        bet_structure=hand.bet_structure,
        num_boards=hand.num_boards,
        run_it_num_times=hand.run_it_num_times,
        bomb_pot=hand.bomb_pot,
        description=hand.description,
        stud_limits=hand.stud_limits,
    )


def select_versions(
    hands: Iterable[ParsedHand],
) -> tuple[tuple[ParsedHand, ...], tuple[ParsedHand, ...]]:
    """Keep one hand per hand number; return (kept in hand-number order, superseded).

    The kept version is the last one (in file order) that has events, or the last one
    when none has: PokerGFX re-uses a number when a deal is aborted and replayed, and a
    version with no events is a deal where nothing happened.
    """
    groups: dict[int, list[ParsedHand]] = {}
    for hand in hands:
        groups.setdefault(hand.hand_num, []).append(hand)
    kept: list[ParsedHand] = []
    superseded: list[ParsedHand] = []
    for hand_num in sorted(groups):
        versions = groups[hand_num]
        with_events = [hand for hand in versions if hand.events]
        chosen = (with_events or versions)[-1]
        kept.append(chosen)
        superseded.extend(hand for hand in versions if hand is not chosen)
    return tuple(kept), tuple(superseded)


def player_masters(hands: Iterable[ParsedHand]) -> tuple[PlayerMaster, ...]:
    """Deduplicated players of these hands, by :func:`.identity.player_key`; the name and
    long name are those first seen, ``hands_played`` counts the hands dealt in."""
    first: dict[str, ParsedHandPlayer] = {}
    played: Counter[str] = Counter()
    seen_at: dict[str, list[datetime]] = {}
    for hand in hands:
        for player in hand.players:
            first.setdefault(player.player_key, player)
            played[player.player_key] += player.dealt_in
            seen_at.setdefault(player.player_key, []).append(hand.started_at)
    return tuple(
        PlayerMaster(
            player_key=key,
            name=player.name,
            long_name=player.long_name,
            hands_played=played[key],
            first_seen_at=min(seen_at[key]),
            last_seen_at=max(seen_at[key]),
        )
        for key, player in first.items()
    )
