"""Typed records the WSOP+ parsers return, one model per kind of row.

Units are fixed here so nobody has to guess downstream: chips are integers, money is
integer **cents** (``*_cents``; the files carry dollars, see docs/wsop-plus-formats.md),
timestamps are timezone-aware. ``None`` means "not in the file", so an upsert can keep what
the database already knows instead of overwriting it with a default. Bounds follow the
target columns (BIGINT chips and cents, INTEGER counts, seat 1–10, NUMERIC(10,2) stacks in
big blinds) so a record that validates also fits the database.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from typing import Annotated, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from wsop_hub.ingest.wsop_plus.identity import name_key
from wsop_hub.ingest.wsop_plus.vocabulary import EventStatus, EventType, PlayerStatus

BIGINT_MAX = 2**63 - 1
INT_MAX = 2**31 - 1

Chips = Annotated[int, Field(ge=0, le=BIGINT_MAX)]
Cents = Annotated[int, Field(ge=0, le=BIGINT_MAX)]
Count = Annotated[int, Field(ge=0, le=INT_MAX)]
Position = Annotated[int, Field(ge=1, le=INT_MAX)]
Seat = Annotated[int, Field(ge=1, le=10)]
Percent = Annotated[float, Field(ge=0, le=100)]
BigBlinds = Annotated[float, Field(ge=0, le=99_999_999.99)]
CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
Identifier = Annotated[str, StringConstraints(min_length=1, max_length=100)]
PlayerName = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Title = Annotated[str, StringConstraints(min_length=1, max_length=300)]
Url = Annotated[str, StringConstraints(min_length=1, max_length=2000)]
LongText = Annotated[str, StringConstraints(max_length=10_000)]


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class BlindLevel(_Record):
    """One level of a blind structure; a break is a level with ``is_break`` and no blinds."""

    level: Position
    small_blind: Chips
    big_blind: Chips
    ante: Chips = 0
    bb_ante: Chips = 0
    duration_minutes: Annotated[int, Field(ge=1, le=24 * 60)]
    is_break: bool = False
    break_name: Title | None = None

    @model_validator(mode="after")
    def _blinds_make_sense(self) -> Self:
        if not self.is_break:
            if self.big_blind == 0:
                raise ValueError("big_blind must be above 0 on a playing level")
            if self.small_blind > self.big_blind:
                raise ValueError(
                    f"small_blind {self.small_blind} is larger than big_blind {self.big_blind}"
                )
        return self


class TournamentBlindLevel(BlindLevel):
    """A row of ``blind_structure.csv``."""

    tournament_number: Position


class Payout(_Record):
    """Prize for a place or a range of places (``place_start``–``place_end``, each paid
    ``amount_cents``)."""

    place_start: Position
    place_end: Position
    amount_cents: Cents
    percentage: Percent | None = None
    is_bracelet: bool = False

    @model_validator(mode="after")
    def _range_is_ordered(self) -> Self:
        if self.place_end < self.place_start:
            raise ValueError(f"place_end {self.place_end} is before place_start {self.place_start}")
        return self

    @property
    def places(self) -> int:
        """How many places the row pays."""
        return self.place_end - self.place_start + 1


def payout_overlap(payouts: Iterable[Payout]) -> str | None:
    """Describe the first two payout rows that pay the same place, or None."""
    ordered = sorted(payouts, key=lambda payout: (payout.place_start, payout.place_end))
    for before, after in pairwise(ordered):
        if after.place_start <= before.place_end:
            return (
                f"places {after.place_start}-{after.place_end} overlap "
                f"places {before.place_start}-{before.place_end}"
            )
    return None


class TournamentPayout(Payout):
    """A row of ``payout_structure.csv``."""

    tournament_number: Position


class EventRecord(_Record):
    """A tournament (``wsop_events`` / the hub's ``tournaments``).

    ``event_id`` is the WSOP+ event id (``WSOP-CYPRUS-2025-ME``); rows of
    ``tournament_data.csv`` have only a tournament number, which becomes both ``event_id``
    (as text) and ``event_number``.
    """

    event_id: Identifier
    event_name: Title
    event_number: Position | None = None
    event_type: EventType = EventType.OTHER
    status: EventStatus = EventStatus.UPCOMING
    start_date: date | None = None
    end_date: date | None = None
    start_time: time | None = None
    timezone: Identifier | None = None
    buy_in_cents: Cents
    rake_cents: Cents | None = None
    fee_cents: Cents | None = None
    starting_chips: Chips | None = None
    total_entries: Count | None = None
    unique_entries: Count | None = None
    reentries_count: Count | None = None
    players_remaining: Count | None = None
    current_level: Position | None = None
    prize_pool_cents: Cents | None = None
    guaranteed_pool_cents: Cents | None = None
    venue: Title | None = None
    table_count: Count | None = None
    description: LongText | None = None
    tags: tuple[str, ...] = ()
    blind_structure: tuple[BlindLevel, ...] = ()
    payouts: tuple[Payout, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValueError(f"end_date {self.end_date} is before start_date {self.start_date}")
        if (
            self.players_remaining is not None
            and self.total_entries is not None
            and self.players_remaining > self.total_entries
        ):
            raise ValueError(
                f"players_remaining {self.players_remaining} exceeds total_entries "
                f"{self.total_entries}"
            )
        levels = [level.level for level in self.blind_structure]
        if len(levels) != len(set(levels)):
            raise ValueError("blind_structure lists a level twice")
        overlap = payout_overlap(self.payouts)
        if overlap:
            raise ValueError(f"payouts: {overlap}")
        return self


class EventPlayerRecord(_Record):
    """A player's entry in one event (``wsop_event_players``)."""

    event_id: Identifier
    wsop_player_id: Identifier
    status: PlayerStatus | None = None
    table_num: Position | None = None
    seat_num: Seat | None = None
    starting_chips: Chips | None = None
    current_chips: Chips | None = None
    peak_chips: Chips | None = None
    rank: Position | None = None
    rank_at_end_of_day: Position | None = None
    eliminated_at: AwareDatetime | None = None
    eliminated_by_player_id: Identifier | None = None
    elimination_hand: LongText | None = None
    prize_won_cents: Cents | None = None
    bounties_collected: Count | None = None
    bounties_collected_cents: Cents | None = None


class PlayerRecord(_Record):
    """A WSOP+ player profile (``wsop_players``) with the player's event entries."""

    wsop_player_id: Identifier
    name: PlayerName
    nickname: PlayerName | None = None
    country_code: CountryCode | None = None
    country_name: Title | None = None
    city: Title | None = None
    profile_image_url: Url | None = None
    wsop_bracelets: Count | None = None
    wsop_rings: Count | None = None
    wsop_cashes: Count | None = None
    lifetime_earnings_cents: Cents | None = None
    hendon_mob_id: Identifier | None = None
    birth_date: date | None = None
    twitter_handle: Identifier | None = None
    instagram_handle: Identifier | None = None
    entries: tuple[EventPlayerRecord, ...] = ()

    @property
    def name_key(self) -> str:
        """Search / link key of ``name`` (see :func:`name_key`)."""
        return name_key(self.name)


class ChipCountRecord(_Record):
    """One player's stack at one moment (``wsop_chip_counts``).

    ``recorded_at`` is None for exports that carry no time (``player_chips.csv``, the
    PokerCaster sheet); the importer then uses the time of the import.
    """

    event_id: Identifier | None = None
    wsop_player_id: Identifier | None = None
    pokercaster_player_id: Identifier | None = None
    player_name: PlayerName
    country_code: CountryCode | None = None
    chip_count: Chips
    rank: Position | None = None
    table_num: Position | None = None
    table_name: Title | None = None
    seat_num: Seat | None = None
    recorded_at: AwareDatetime | None = None
    day_number: Position | None = None
    level_number: Position | None = None
    big_blind: Chips | None = None
    stack_in_bbs: BigBlinds | None = None
    is_eliminated: bool | None = None

    @model_validator(mode="after")
    def _eliminated_players_hold_no_chips(self) -> Self:
        if self.is_eliminated and self.chip_count > 0:
            raise ValueError(f"player is eliminated but holds {self.chip_count} chips")
        return self

    @property
    def name_key(self) -> str:
        """Search / link key of ``player_name``."""
        return name_key(self.player_name)


class StandingEntry(_Record):
    """One line of a standings snapshot (``wsop_standings.standings[]``).

    ``event_id`` and ``snapshot_at`` are None when the file does not say (the bare JSON
    array sample); the importer supplies them.
    """

    event_id: Identifier | None = None
    snapshot_at: AwareDatetime | None = None
    day_number: Position | None = None
    level_number: Position | None = None
    players_remaining: Count | None = None
    rank: Position
    wsop_player_id: Identifier | None = None
    player_name: PlayerName
    country_code: CountryCode | None = None
    chip_count: Chips
    stack_in_bbs: BigBlinds | None = None
    table_num: Position | None = None
    seat_num: Seat | None = None

    @property
    def name_key(self) -> str:
        """Search / link key of ``player_name``."""
        return name_key(self.player_name)


class BroadcastSlot(_Record):
    """A row of ``broadcast_schedule.csv``: venue-local date and times, no zone in the file.

    An end time at or before the start time means the show runs past midnight
    (``20:00``–``02:00``).
    """

    date: date
    time_start: time
    time_end: time | None = None
    event_title: Title
    channel: Title | None = None
    tournament_number: Position | None = None
    is_live: bool = False

    @property
    def ends_next_day(self) -> bool:
        """True when the slot crosses midnight."""
        return self.time_end is not None and self.time_end <= self.time_start

    @property
    def starts_at(self) -> datetime:
        """Local (naive) start."""
        return datetime.combine(self.date, self.time_start)

    @property
    def ends_at(self) -> datetime | None:
        """Local (naive) end, on the next day when the slot crosses midnight."""
        if self.time_end is None:
            return None
        end_date = self.date + timedelta(days=1) if self.ends_next_day else self.date
        return datetime.combine(end_date, self.time_end)


Record = (
    EventRecord
    | PlayerRecord
    | ChipCountRecord
    | StandingEntry
    | TournamentBlindLevel
    | TournamentPayout
    | BroadcastSlot
)
