"""Pydantic v2 models of the real PokerGFX 3.2 JSON export (FACTS-real-files §1.2–1.8).

``PGFX_live_data_export GameID=<int64>.json``: one minified object per session, keys in
PascalCase, every key present in the real files. The models are strict about what the
hub computes with (JSON types are not coerced: a stack must be an integer, a name a
string; seats, hand numbers and chip amounts must fit the database columns; every
timestamp, duration, card and event type must parse) and tolerant where the files or
their known variants differ harmlessly: unknown keys are ignored (the raw text is kept
anyway), keys the hub does not compute with default to the value PokerGFX 3.2 always
writes, and ``ID`` may be missing (simulator output), in which case the file name's
``GameID=`` is used.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainValidator

from wsop_hub.ingest.pokergfx.cards import parse_card, parse_cards
from wsop_hub.ingest.pokergfx.session import AnteType, EventType
from wsop_hub.ingest.pokergfx.timecodes import parse_iso_duration, parse_utc_timestamp

INT32_MAX = 2**31 - 1
INT64_MAX = 2**63 - 1

#: Event type spellings: the real files use spaces; the seed documents underscores.
EVENT_TYPES: dict[str, EventType] = {
    "FOLD": EventType.FOLD,
    "CHECK": EventType.CHECK,
    "CALL": EventType.CALL,
    "BET": EventType.BET,
    "RAISE": EventType.RAISE,
    "ALL IN": EventType.ALL_IN,
    "ALL_IN": EventType.ALL_IN,
    "BOARD CARD": EventType.BOARD_CARD,
    "BOARD_CARD": EventType.BOARD_CARD,
}


@dataclass(frozen=True, slots=True)
class IsoSpan:
    """An ISO-8601 duration as written and as a timedelta."""

    text: str
    value: timedelta


def _string(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected a string, got {type(value).__name__}")
    return value


def _timestamp(value: Any) -> datetime:
    return parse_utc_timestamp(_string(value))


def _span(value: Any) -> IsoSpan:
    text = _string(value)
    return IsoSpan(text, parse_iso_duration(text))


def _event_type(value: Any) -> EventType:
    text = _string(value).strip().upper()
    if text not in EVENT_TYPES:
        raise ValueError(f"unknown event type {value!r} (known: {', '.join(EVENT_TYPES)})")
    return EVENT_TYPES[text]


def _ante_type(value: Any) -> AnteType:
    try:
        return AnteType(_string(value).strip().upper())
    except ValueError:
        known = ", ".join(AnteType)
        raise ValueError(f"unknown ante type {value!r} (known: {known})") from None


def _hole_cards(value: Any) -> tuple[str, ...] | None:
    """``["10d 9d"]`` → ("10d", "9d"); ``[""]`` or ``[]`` → None (not read).

    The documents' two-element form ``["as", "kd"]`` is accepted too.
    """
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError('expected a list of strings such as ["10d 9d"] or [""]')
    cards = parse_cards(" ".join(value))
    return cards or None


def _board_card(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return parse_card(_string(value))


UtcTimestamp = Annotated[datetime, PlainValidator(_timestamp)]
Span = Annotated[IsoSpan, PlainValidator(_span)]
Chips = Annotated[int, Field(ge=0, le=INT64_MAX)]
SeatOrZero = Annotated[int, Field(ge=0, le=10)]
#: Stats are percentages, but PokerGFX's WentToShowDownPercent goes past 100 (388 seen);
#: the bound is what gfx_hand_players' NUMERIC(5,2) columns hold.
Percent = Annotated[float, Field(ge=0, le=999.99)]


class _GfxModel(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)


class GfxBlinds(_GfxModel):
    """``FlopDrawBlinds``: amounts and seats (0 = no such seat)."""

    ante_type: Annotated[AnteType, PlainValidator(_ante_type)] = Field(alias="AnteType")
    big_blind_amt: Chips = Field(alias="BigBlindAmt")
    big_blind_player_num: SeatOrZero = Field(alias="BigBlindPlayerNum")
    blind_level: Annotated[int, Field(ge=0, le=INT32_MAX)] = Field(0, alias="BlindLevel")
    button_player_num: SeatOrZero = Field(0, alias="ButtonPlayerNum")
    small_blind_amt: Chips = Field(alias="SmallBlindAmt")
    small_blind_player_num: SeatOrZero = Field(alias="SmallBlindPlayerNum")
    third_blind_amt: Chips = Field(0, alias="ThirdBlindAmt")
    third_blind_player_num: SeatOrZero = Field(0, alias="ThirdBlindPlayerNum")


class GfxPlayer(_GfxModel):
    """One entry of ``Players[]``. Stats are running session percentages."""

    aggression_frequency_percent: Percent | None = Field(None, alias="AggressionFrequencyPercent")
    blind_bet_straddle_amt: Chips = Field(0, alias="BlindBetStraddleAmt")
    cumulative_winnings_amt: Annotated[int, Field(ge=-INT64_MAX, le=INT64_MAX)] | None = Field(
        None, alias="CumulativeWinningsAmt"
    )
    elimination_rank: Annotated[int, Field(ge=-1, le=INT32_MAX)] = Field(
        -1, alias="EliminationRank"
    )
    end_stack_amt: Chips = Field(alias="EndStackAmt")
    hole_cards: Annotated[tuple[str, ...] | None, PlainValidator(_hole_cards)] = Field(
        alias="HoleCards"
    )
    long_name: str = Field("", alias="LongName")
    name: str = Field(alias="Name", min_length=1, max_length=200)
    player_num: Annotated[int, Field(ge=1, le=10)] = Field(alias="PlayerNum")
    preflop_raise_percent: Percent | None = Field(None, alias="PreFlopRaisePercent")
    sitting_out: bool = Field(False, alias="SittingOut")
    start_stack_amt: Chips = Field(alias="StartStackAmt")
    vpip_percent: Percent | None = Field(None, alias="VPIPPercent")
    went_to_showdown_percent: Percent | None = Field(None, alias="WentToShowDownPercent")


class GfxEvent(_GfxModel):
    """One entry of ``Events[]``: ``BetAmt`` is the street total after the action,
    ``Pot`` the pot before it (0 = not given), ``BoardCards`` one card on board rows."""

    bet_amt: Chips = Field(0, alias="BetAmt")
    board_cards: Annotated[str | None, PlainValidator(_board_card)] = Field(
        None, alias="BoardCards"
    )
    board_num: Annotated[int, Field(ge=0, le=1)] = Field(0, alias="BoardNum")
    date_time_utc: UtcTimestamp | None = Field(None, alias="DateTimeUTC")
    event_type: Annotated[EventType, PlainValidator(_event_type)] = Field(alias="EventType")
    num_cards_drawn: Annotated[int, Field(ge=0, le=INT32_MAX)] = Field(0, alias="NumCardsDrawn")
    player_num: SeatOrZero = Field(alias="PlayerNum")
    pot: Chips = Field(0, alias="Pot")


class GfxHand(_GfxModel):
    """One entry of ``Hands[]``. Only single-board, run-once hold'em exists in PokerGFX
    3.2 exports; anything else is rejected rather than mis-evaluated."""

    ante_amt: Chips = Field(alias="AnteAmt")
    bet_structure: str = Field("NOLIMIT", alias="BetStructure")
    bomb_pot_amt: Chips = Field(0, alias="BombPotAmt")
    description: str = Field("", alias="Description")
    duration: Span = Field(alias="Duration")
    events: list[GfxEvent] = Field(alias="Events")
    flop_draw_blinds: GfxBlinds = Field(alias="FlopDrawBlinds")
    game_class: str = Field("FLOP", alias="GameClass")
    game_variant: Literal["HOLDEM"] = Field("HOLDEM", alias="GameVariant")
    hand_num: Annotated[int, Field(ge=0, le=INT32_MAX)] = Field(alias="HandNum")
    num_boards: Literal[1] = Field(1, alias="NumBoards")
    players: list[GfxPlayer] = Field(alias="Players", min_length=1, max_length=10)
    recording_offset_start: Span | None = Field(None, alias="RecordingOffsetStart")
    run_it_num_times: Literal[1] = Field(1, alias="RunItNumTimes")
    start_date_time_utc: UtcTimestamp = Field(alias="StartDateTimeUTC")
    stud_limits: dict[str, int] = Field(default_factory=dict, alias="StudLimits")


class GfxExport(_GfxModel):
    """The root object: one PokerGFX session."""

    created_date_time_utc: UtcTimestamp | None = Field(None, alias="CreatedDateTimeUTC")
    event_title: str = Field("", alias="EventTitle")
    hands: list[GfxHand] = Field(alias="Hands")
    id: Annotated[int, Field(ge=1, le=INT64_MAX)] | None = Field(None, alias="ID")
    payouts: list[Chips] = Field(default_factory=list, alias="Payouts")
    software_version: str | None = Field(None, alias="SoftwareVersion")
    type: str | None = Field(None, alias="Type")
