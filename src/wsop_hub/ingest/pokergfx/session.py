"""The normalised model both PokerGFX sources (JSON export and ``.txt`` log) parse into.

Frozen dataclasses rather than Pydantic: everything here was validated on the way in
(:mod:`.models`, :mod:`.txt`) and derived by this package, and a 170-hand session
builds thousands of these objects. Field names follow the gfx_* tables of
``02-GFX-JSON-DB.md``; units are in the names. Which source can fill which field:

=========================  ===========================  ==============================
field                      JSON export (source rfid)    ``.txt`` log (source csv)
=========================  ===========================  ==============================
session game_id            ``ID`` (or file name)        never (no GameID in the log)
created_at, event_title    yes                          no
hand started_at            100 ns precision             whole seconds
duration, recording clock  yes                          no
blinds, ante, seats        yes                          yes
player long_name, stats,   yes                          no (stats, cumulative
sitting_out, elimination,                               winnings, elimination are
cumulative winnings                                     None)
players with no chips      listed (stack 0)             omitted from the log
hole cards, board          yes                          yes
event pot_before           yes (0 on FOLD/BOARD rows)   no (None)
raise vs bet               no: a raise is a BET         yes: ``RAISE TO`` → RAISE
=========================  ===========================  ==============================
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import NamedTuple

from wsop_hub.domain.enums import HandRank, SourceType


class EventType(StrEnum):
    """Action types, spelled as the gfx_events enum stores them."""

    FOLD = "FOLD"
    CHECK = "CHECK"
    CALL = "CALL"
    BET = "BET"
    RAISE = "RAISE"
    ALL_IN = "ALL_IN"
    BOARD_CARD = "BOARD_CARD"


#: Actions that put chips in: their bet amount is the player's street total after them.
CHIP_ACTIONS = frozenset({EventType.CALL, EventType.BET, EventType.RAISE, EventType.ALL_IN})


class Street(StrEnum):
    PREFLOP = "preflop"
    FLOP = "flop"
    TURN = "turn"
    RIVER = "river"


class TableType(StrEnum):
    """gfx_sessions.table_type; PokerGFX 3.2 writes FEATURE_TABLE or FINAL_TABLE."""

    FEATURE_TABLE = "FEATURE_TABLE"
    MAIN_TABLE = "MAIN_TABLE"
    FINAL_TABLE = "FINAL_TABLE"
    SIDE_TABLE = "SIDE_TABLE"
    UNKNOWN = "UNKNOWN"


class AnteType(StrEnum):
    """How the ante is posted; decides the pot. Real files only use BB_ANTE_BB1ST.

    The values are the union of the gfx DB enum and the hub v1 schema enum, because
    both spellings exist in the seed documents.
    """

    NO_ANTE = "NO_ANTE"
    NONE = "NONE"
    BB_ANTE = "BB_ANTE"
    BB_ANTE_BB1ST = "BB_ANTE_BB1ST"
    BB_ANTE_BTN1ST = "BB_ANTE_BTN1ST"
    ALL_ANTE = "ALL_ANTE"
    TRADITIONAL = "TRADITIONAL"

    @property
    def posted_by_big_blind(self) -> bool:
        """One ante for the table, posted by the big blind (the big-blind ante)."""
        return self in (AnteType.BB_ANTE, AnteType.BB_ANTE_BB1ST, AnteType.BB_ANTE_BTN1ST)

    @property
    def posted_by_everyone(self) -> bool:
        return self in (AnteType.ALL_ANTE, AnteType.TRADITIONAL)


class WinnerBasis(StrEnum):
    """How a hand's winners were decided (documented on :class:`ParsedHand`)."""

    SHOWDOWN = "showdown"
    LAST_STANDING = "last_standing"
    STACK_DELTA = "stack_delta"
    NONE = "none"


class HandKey(NamedTuple):
    """Natural key of a hand: the same hand from the JSON and the .txt has the same key.

    A GameID re-uses hand numbers only in PokerGFX's own duplicates, which the parsers
    resolve (see :attr:`ParsedSession.superseded_hands`), so the pair is unique in a
    parsed session.
    """

    game_id: int
    hand_num: int


@dataclass(frozen=True, slots=True)
class Blinds:
    """FlopDrawBlinds plus AnteAmt. Seats are None where PokerGFX wrote 0 (no such seat)."""

    small_blind: int
    big_blind: int
    ante: int
    ante_type: AnteType
    small_blind_seat: int | None
    big_blind_seat: int | None
    button_seat: int | None
    third_blind: int = 0
    third_blind_seat: int | None = None
    #: BlindLevel as written; PokerGFX 3.2 always writes 0, so it is not a level.
    reported_level: int = 0
    #: Level number derived from the blinds (:mod:`.levels`); None if not in the ladder.
    derived_level: int | None = None


@dataclass(frozen=True, slots=True)
class BlindLevel:
    """One step of a blind structure; ``number`` is None when the ladder lacks it."""

    small_blind: int
    big_blind: int
    ante: int
    number: int | None


@dataclass(frozen=True, slots=True)
class BestHand:
    """A showdown player's best five-card hand, as pokerkit evaluates it."""

    rank: HandRank
    #: pokerkit's category label, e.g. "Full house".
    label: str
    #: The five cards that make the hand, PokerGFX notation, as pokerkit orders them.
    cards: tuple[str, ...]
    #: pokerkit lookup index: higher is stronger, equal is a tie. Comparable only
    #: between hands evaluated by the same pokerkit version; do not store it as a rank.
    strength: int


@dataclass(frozen=True, slots=True)
class ParsedHandPlayer:
    """One seat in one hand (a gfx_hand_players row)."""

    seat: int
    name: str
    #: LongName; None when the source has none (.txt), "" when PokerGFX left it empty.
    long_name: str | None
    #: Player master key (:func:`.identity.player_key`).
    player_key: str
    #: PokerGFX has no country; the field exists so WSOP+ data can be merged in later.
    country: str | None
    start_stack: int
    end_stack: int
    #: Two cards if the RFID reader saw them (including for players who folded).
    hole_cards: tuple[str, ...] | None
    #: Had chips and was not sitting out, so was dealt in.
    dealt_in: bool
    folded: bool
    #: Dealt in, not folded by the end, and at least one opponent also still in.
    showed_down: bool
    is_winner: bool
    #: Chips this player put in the pot (blinds, ante, bets), less any uncalled bet.
    contributed: int
    best_hand: BestHand | None = None
    sitting_out: bool | None = None
    #: Finishing place if eliminated; None while alive (PokerGFX writes -1).
    elimination_rank: int | None = None
    #: Net winnings over the whole session so far, not for this hand.
    cumulative_winnings: int | None = None
    blind_bet_straddle: int | None = None
    vpip_percent: float | None = None
    preflop_raise_percent: float | None = None
    aggression_frequency_percent: float | None = None
    went_to_showdown_percent: float | None = None

    @property
    def stack_delta(self) -> int:
        return self.end_stack - self.start_stack

    @property
    def has_shown(self) -> bool:
        """gfx_hand_players.has_shown: showed down with known cards (not merely dealt)."""
        return self.showed_down and self.hole_cards is not None


@dataclass(frozen=True, slots=True)
class ParsedEvent:
    """One action or board card (a gfx_events row), in hand order."""

    order: int
    type: EventType
    street: Street
    #: Acting seat; None for board cards (PokerGFX writes PlayerNum 0).
    seat: int | None
    #: The player's total on this street after the action (not the increment).
    bet_amount: int
    #: Chips this action added to the pot (bet amount minus what was already in).
    increment: int
    #: Pot before the action as PokerGFX reported it; None where not given (FOLD and
    #: BOARD CARD rows carry 0, and the .txt log has no pot at all).
    pot_before: int | None
    #: Pot after the action, computed by replaying the hand (:mod:`.betting`).
    pot_after: int
    board_card: str | None = None
    board_num: int = 0
    num_cards_drawn: int = 0


@dataclass(frozen=True, slots=True)
class ParsedHand:
    """One hand (a gfx_hands row plus its players and events).

    Winners (:attr:`winners`, seats) are decided in this order:

    1. one player dealt in and not folded at the end → that player (``last_standing``);
    2. two or more left, a complete five-card board, every one of them with known,
       non-conflicting hole cards → the best hand(s) by pokerkit, ties share
       (``showdown``). With side pots this names the best hand, who may have won only
       the main pot;
    3. otherwise the largest positive stack change (End − Start), ties share
       (``stack_delta``); no positive change → no winner (``none``).
    """

    game_id: int | None
    hand_num: int
    started_at: datetime
    duration: timedelta | None
    #: RecordingOffsetStart as written (the PC's local clock, :mod:`.timecodes`).
    recording_offset_iso: str | None
    recording_offset: timedelta | None
    blinds: Blinds
    board: tuple[str, ...]
    players: tuple[ParsedHandPlayer, ...]
    events: tuple[ParsedEvent, ...]
    #: Chips the winner(s) collect: everything put in, less the uncalled part of a bet.
    final_pot: int
    winners: tuple[int, ...]
    winner_basis: WinnerBasis
    #: Best hand among the players who showed down with readable cards; None without.
    hand_rank: HandRank | None
    #: Best hand of the board alone; only for a complete five-card board.
    board_rank: HandRank | None
    #: The same card seen twice (an RFID misread); such cards are not evaluated.
    cards_conflict: bool
    game_variant: str = "HOLDEM"
    game_class: str = "FLOP"
    bet_structure: str = "NOLIMIT"
    num_boards: int = 1
    run_it_num_times: int = 1
    bomb_pot: int = 0
    description: str = ""
    stud_limits: Mapping[str, int] = field(default_factory=dict)

    @property
    def key(self) -> HandKey | None:
        """Natural key; None for a .txt hand not (yet) matched to a session."""
        return None if self.game_id is None else HandKey(self.game_id, self.hand_num)

    @property
    def duration_s(self) -> float | None:
        return None if self.duration is None else self.duration.total_seconds()

    @property
    def recording_offset_s(self) -> int | None:
        """Whole seconds of RecordingOffsetStart (gfx_hands.recording_offset_seconds)."""
        return None if self.recording_offset is None else int(self.recording_offset.total_seconds())

    @property
    def ended_at(self) -> datetime | None:
        return None if self.duration is None else self.started_at + self.duration

    @property
    def player_count(self) -> int:
        return len(self.players)

    @property
    def showdown_count(self) -> int:
        return sum(player.showed_down for player in self.players)

    @property
    def showdown_players(self) -> tuple[ParsedHandPlayer, ...]:
        return tuple(player for player in self.players if player.showed_down)

    @property
    def is_showdown(self) -> bool:
        return any(player.showed_down for player in self.players)

    def player_at(self, seat: int) -> ParsedHandPlayer | None:
        return next((player for player in self.players if player.seat == seat), None)

    @property
    def winner_names(self) -> tuple[str, ...]:
        by_seat = {player.seat: player.name for player in self.players}
        return tuple(by_seat[seat] for seat in self.winners)


@dataclass(frozen=True, slots=True)
class PlayerMaster:
    """A deduplicated player (a gfx_players row) as one session knows them."""

    player_key: str
    #: Display name and long name as first seen in the session.
    name: str
    long_name: str | None
    hands_played: int
    first_seen_at: datetime
    last_seen_at: datetime


@dataclass(frozen=True, slots=True)
class ParsedSession:
    """One PokerGFX session (a gfx_sessions row) with its hands.

    ``hands`` holds one hand per hand number, in hand-number order. PokerGFX sometimes
    writes two different hands under one number (an aborted deal and the replayed one);
    the kept version is the last one with any events, or the last one when none has
    events, and the others are in ``superseded_hands`` so nothing is silently lost.
    """

    source: SourceType
    source_name: str
    file_sha256: str
    #: GameID (.NET ticks of the creation time); None for a .txt log segment.
    game_id: int | None
    table_type: TableType
    event_title: str | None
    software_version: str | None
    created_at: datetime | None
    payouts: tuple[int, ...]
    hands: tuple[ParsedHand, ...]
    superseded_hands: tuple[ParsedHand, ...]
    players: tuple[PlayerMaster, ...]
    #: The file's text, for gfx_sessions.raw_json; JSON source only.
    raw_json: str | None = None

    @property
    def hand_count(self) -> int:
        return len(self.hands)

    @property
    def table_id(self) -> str | None:
        """``"<Type>_<GameID>"``, the seed feature-table parser's hub ``hands.table_id``:
        with ``hand_number`` it is the hand's natural key. None without a GameID."""
        return None if self.game_id is None else f"{self.table_type}_{self.game_id}"

    @property
    def hand_keys(self) -> tuple[HandKey, ...]:
        return tuple(hand.key for hand in self.hands if hand.key is not None)

    @property
    def started_at(self) -> datetime | None:
        return min((hand.started_at for hand in self.hands), default=None)

    @property
    def ended_at(self) -> datetime | None:
        return max((hand.ended_at or hand.started_at for hand in self.hands), default=None)

    @property
    def total_duration_s(self) -> float:
        return sum(hand.duration_s or 0.0 for hand in self.hands)

    @property
    def blind_levels(self) -> tuple[BlindLevel, ...]:
        """The session's blind structure: each distinct blinds/ante, in order of use."""
        seen: dict[BlindLevel, None] = {}
        for hand in self.hands:
            blinds = hand.blinds
            level = BlindLevel(
                blinds.small_blind, blinds.big_blind, blinds.ante, blinds.derived_level
            )
            seen.setdefault(level, None)
        return tuple(seen)

    def hand(self, hand_num: int) -> ParsedHand | None:
        return next((hand for hand in self.hands if hand.hand_num == hand_num), None)
