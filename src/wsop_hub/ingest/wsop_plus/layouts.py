"""Column (CSV) and key (JSON) layouts of every WSOP+ format: which file column feeds which
record field, read how. docs/wsop-plus-formats.md describes the same tables for people.

A layout turns one row — a ``{column: raw value}`` mapping — into one record or a list of
messages naming the columns at fault. Formats that share a meaning share a record type
(three chip-count formats → :class:`ChipCountRecord`), so the importer has one code path
per target table.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from pydantic import BaseModel, ValidationError

from wsop_hub.ingest.wsop_plus import values as v
from wsop_hub.ingest.wsop_plus.formats import REQUIRED_COLUMNS, WsopFormat
from wsop_hub.ingest.wsop_plus.identity import name_key, normalize_country
from wsop_hub.ingest.wsop_plus.records import (
    BlindLevel,
    BroadcastSlot,
    ChipCountRecord,
    EventPlayerRecord,
    EventRecord,
    Payout,
    PlayerRecord,
    Record,
    StandingEntry,
    TournamentBlindLevel,
    TournamentPayout,
)
from wsop_hub.ingest.wsop_plus.vocabulary import (
    infer_event_type,
    parse_event_status,
    parse_event_type,
    parse_player_status,
)

Convert = Callable[[object], object]


@dataclass(frozen=True)
class Column:
    """One file column (CSV header name, lower-case) or JSON key and the field it feeds."""

    name: str
    convert: Convert
    field: str = ""

    @property
    def target(self) -> str:
        return self.field or self.name


@dataclass(frozen=True)
class Converted:
    """Outcome of one row: a record, or the reasons it was skipped; warnings either way."""

    record: BaseModel | None
    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Layout:
    """How the rows of one format become records.

    ``prepare`` rewrites the raw row before conversion (JSON shorthands), ``derive`` fills
    fields computed from others after conversion; both are optional.
    """

    model: type[BaseModel]
    columns: tuple[Column, ...]
    required: frozenset[str]
    ignored: frozenset[str] = frozenset()
    prepare: Callable[[dict[str, object]], dict[str, object]] | None = None
    derive: Callable[[dict[str, Any]], None] | None = None

    @cached_property
    def columns_by_field(self) -> dict[str, str]:
        """Record field → file column, to name the column when a model check fails."""
        return {column.target: column.name for column in self.columns}

    @cached_property
    def known(self) -> frozenset[str]:
        """Column names the layout reads or knowingly ignores."""
        return frozenset(column.name for column in self.columns) | self.ignored

    def convert(self, raw_row: Mapping[str, object]) -> Converted:
        """Convert one row, collecting every problem rather than stopping at the first."""
        row = self.prepare(dict(raw_row)) if self.prepare else raw_row
        kwargs: dict[str, Any] = {}
        errors: list[str] = []
        warnings: list[str] = []
        for column in self.columns:
            raw = row.get(column.name)
            if v.is_blank(raw):
                if column.name in self.required:
                    errors.append(f"{column.name}: value is required")
                continue
            try:
                kwargs[column.target] = column.convert(raw)
            except v.SoftValueError as exc:
                warnings.append(f"{column.name}: {exc}; left empty")
            except ValueError as exc:
                errors.append(f"{column.name}: {exc}")
        if errors:
            return Converted(None, tuple(errors), tuple(warnings))
        if self.derive:
            self.derive(kwargs)
        try:
            record = self.model(**kwargs)
        except ValidationError as exc:
            return Converted(None, tuple(self._describe(exc)), tuple(warnings))
        return Converted(record, (), tuple(warnings))

    def _describe(self, exc: ValidationError) -> list[str]:
        messages = []
        for error in exc.errors(include_url=False):
            message = str(error["msg"]).removeprefix("Value error, ")
            message = message[:1].lower() + message[1:]
            loc = error["loc"]
            if loc:
                column = self.columns_by_field.get(str(loc[0]), str(loc[0]))
                messages.append(f"{column}: {message} (got {v.show(error['input'])})")
            else:
                messages.append(message)
        return messages


def nested(layout: Layout) -> Convert:
    """Converter for a JSON list of objects read with ``layout`` (Events.json's
    ``blind_structure``, Players.json's ``entries``). Any bad item fails the parent row,
    with the item number (1-based) in the message."""

    def convert(raw: object) -> tuple[BaseModel, ...]:
        if not isinstance(raw, list):
            raise ValueError(f"expected a list of objects, got {v.show(raw)}")
        records: list[BaseModel] = []
        problems: list[str] = []
        for number, item in enumerate(raw, start=1):
            if not isinstance(item, dict):
                problems.append(f"item {number}: expected an object, got {v.show(item)}")
                continue
            outcome = layout.convert(item)
            if outcome.record is None:
                problems.extend(f"item {number}: {message}" for message in outcome.errors)
            else:
                records.append(outcome.record)
        if problems:
            raise ValueError("; ".join(problems))
        return tuple(records)

    return convert


# -- converters with a format-specific meaning ----------------------------------------


def _tournament_ref(raw: object) -> str:
    """A tournament number used as an event id ("1")."""
    number = v.integer(raw)
    if number < 1:
        raise ValueError(f"must be 1 or more, got {v.show(raw)}")
    return str(number)


def _event_status(raw: object) -> object:
    return parse_event_status(v.text(raw))


def _event_type(raw: object) -> object:
    return parse_event_type(v.text(raw))


def _player_status(raw: object) -> object:
    return parse_player_status(v.text(raw))


def _infer_event_type(kwargs: dict[str, Any]) -> None:
    if "event_type" not in kwargs and "event_name" in kwargs:
        kwargs["event_type"] = infer_event_type(kwargs["event_name"])


def _tournament_derive(kwargs: dict[str, Any]) -> None:
    """tournament_data.csv: the tournament number is the event id and number."""
    if "event_id" in kwargs:
        kwargs["event_number"] = int(kwargs["event_id"])
    _infer_event_type(kwargs)


def _stack_in_bbs(kwargs: dict[str, Any]) -> None:
    """ChipCounts.csv: the stack in big blinds follows from the big blind when not given."""
    big_blind = kwargs.get("big_blind")
    chips = kwargs.get("chip_count")
    if "stack_in_bbs" not in kwargs and big_blind and big_blind > 0 and chips and chips > 0:
        kwargs["stack_in_bbs"] = round(chips / big_blind, 2)


# -- shared column groups ----------------------------------------------------------------

_BLIND_COLUMNS = (
    Column("level", v.integer),
    Column("small_blind", v.integer),
    Column("big_blind", v.integer),
    Column("ante", v.integer),
    Column("bb_ante", v.integer),
    Column("duration_minutes", v.integer),
    Column("is_break", v.boolean),
    Column("break_name", v.text),
)
_BLIND_REQUIRED = frozenset({"level", "small_blind", "big_blind", "duration_minutes"})

_PAYOUT_COLUMNS = (
    Column("place_start", v.integer),
    Column("place_end", v.integer),
    Column("amount", v.money_cents, "amount_cents"),
    Column("percentage", v.number),
    Column("is_bracelet", v.boolean),
)
_PAYOUT_REQUIRED = frozenset({"place_start", "place_end", "amount"})

_STANDING_COLUMNS = (
    Column("event_id", v.text),
    Column("snapshot_at", v.aware_datetime),
    Column("day_number", v.integer),
    Column("level_number", v.integer),
    Column("players_remaining", v.integer),
    Column("rank", v.integer),
    Column("wsop_player_id", v.text),
    Column("player_name", v.text),
    Column("country_code", v.country),
    Column("chip_count", v.integer),
    Column("stack_in_bbs", v.number),
    Column("table_num", v.integer),
    Column("seat_num", v.integer),
)


def _payout_place_shorthand(row: dict[str, object]) -> dict[str, object]:
    """Events.json may write ``"place": 1`` for a single place (03-WSOP+-DB's payouts)."""
    place = row.get("place")
    if not v.is_blank(place):
        row.setdefault("place_start", place)
        row.setdefault("place_end", place)
    return row


def _players_prepare(row: dict[str, object]) -> dict[str, object]:
    """Every entry belongs to the player it is listed under."""
    entries = row.get("entries")
    if isinstance(entries, list):
        owner = row.get("wsop_player_id")
        row["entries"] = [
            {**entry, "wsop_player_id": owner} if isinstance(entry, dict) else entry
            for entry in entries
        ]
    return row


def _players_derive(kwargs: dict[str, Any]) -> None:
    if "country_code" not in kwargs and "country_name" in kwargs:
        try:
            kwargs["country_code"] = normalize_country(kwargs["country_name"])
        except ValueError:
            # A country name outside the mapping stays a name; the flag comes from an
            # override rather than from a guess.
            return


BLIND_LEVEL = Layout(BlindLevel, _BLIND_COLUMNS, _BLIND_REQUIRED)
# "place" is read by the shorthand only; it is not a field of Payout.
PAYOUT = Layout(
    Payout,
    _PAYOUT_COLUMNS,
    _PAYOUT_REQUIRED,
    ignored=frozenset({"place"}),
    prepare=_payout_place_shorthand,
)

EVENT_PLAYER = Layout(
    EventPlayerRecord,
    (
        Column("event_id", v.text),
        Column("wsop_player_id", v.text),
        Column("status", _player_status),
        Column("table_num", v.integer),
        Column("seat_num", v.integer),
        Column("starting_chips", v.integer),
        Column("current_chips", v.integer),
        Column("peak_chips", v.integer),
        Column("rank", v.integer),
        Column("rank_at_end_of_day", v.integer),
        Column("eliminated_at", v.aware_datetime),
        Column("eliminated_by_player_id", v.text),
        Column("elimination_hand", v.text),
        Column("prize_won", v.money_cents, "prize_won_cents"),
        Column("bounties_collected", v.integer),
        Column("bounties_collected_amount", v.money_cents, "bounties_collected_cents"),
    ),
    frozenset({"event_id", "wsop_player_id"}),
)

LAYOUTS: dict[WsopFormat, Layout] = {
    WsopFormat.EVENTS_JSON: Layout(
        EventRecord,
        (
            Column("event_id", v.text),
            Column("event_name", v.text),
            Column("event_number", v.integer),
            Column("event_type", _event_type),
            Column("status", _event_status),
            Column("start_date", v.iso_date),
            Column("end_date", v.iso_date),
            Column("start_time", v.clock_time),
            Column("timezone", v.time_zone),
            Column("buy_in", v.money_cents, "buy_in_cents"),
            Column("rake", v.money_cents, "rake_cents"),
            Column("fee", v.money_cents, "fee_cents"),
            Column("starting_chips", v.integer),
            Column("total_entries", v.integer),
            Column("unique_entries", v.integer),
            Column("reentries_count", v.integer),
            Column("players_remaining", v.integer),
            Column("current_level", v.integer),
            Column("prize_pool", v.money_cents, "prize_pool_cents"),
            Column("guaranteed_pool", v.money_cents, "guaranteed_pool_cents"),
            Column("venue", v.text),
            Column("table_count", v.integer),
            Column("description", v.text),
            Column("tags", v.tags),
            Column("blind_structure", nested(BLIND_LEVEL)),
            Column("payouts", nested(PAYOUT)),
        ),
        frozenset({"event_id", "event_name", "start_date", "buy_in"}),
        derive=_infer_event_type,
    ),
    WsopFormat.TOURNAMENT_DATA_CSV: Layout(
        EventRecord,
        (
            Column("tournament_number", _tournament_ref, "event_id"),
            Column("name", v.text, "event_name"),
            Column("buy_in", v.money_cents, "buy_in_cents"),
            Column("rake", v.money_cents, "rake_cents"),
            Column("starting_chips", v.integer),
            Column("current_level", v.integer),
            Column("remaining_players", v.integer, "players_remaining"),
            Column("registered_players", v.integer, "total_entries"),
            Column("prize_pool", v.money_cents, "prize_pool_cents"),
            Column("status", _event_status),
        ),
        REQUIRED_COLUMNS[WsopFormat.TOURNAMENT_DATA_CSV],
        derive=_tournament_derive,
    ),
    WsopFormat.PLAYERS_JSON: Layout(
        PlayerRecord,
        (
            Column("wsop_player_id", v.text),
            Column("name", v.text),
            Column("nickname", v.text),
            Column("country_code", v.country),
            Column("country_name", v.text),
            Column("city", v.text),
            Column("profile_image_url", v.text),
            Column("wsop_bracelets", v.integer),
            Column("wsop_rings", v.integer),
            Column("wsop_cashes", v.integer),
            Column("lifetime_earnings", v.money_cents, "lifetime_earnings_cents"),
            Column("hendon_mob_id", v.text),
            Column("birth_date", v.iso_date),
            Column("twitter_handle", v.text),
            Column("instagram_handle", v.text),
            Column("entries", nested(EVENT_PLAYER)),
        ),
        frozenset({"wsop_player_id", "name"}),
        prepare=_players_prepare,
        derive=_players_derive,
    ),
    WsopFormat.CHIP_COUNTS_CSV: Layout(
        ChipCountRecord,
        (
            Column("event_id", v.text),
            Column("wsop_player_id", v.text),
            Column("player_name", v.text),
            Column("country_code", v.country),
            Column("chip_count", v.integer),
            Column("rank", v.integer),
            Column("table_num", v.integer),
            Column("seat_num", v.integer),
            Column("recorded_at", v.aware_datetime),
            Column("day_number", v.integer),
            Column("level_number", v.integer),
            Column("big_blind", v.integer),
            Column("stack_in_bbs", v.number),
            Column("is_eliminated", v.boolean),
        ),
        REQUIRED_COLUMNS[WsopFormat.CHIP_COUNTS_CSV],
        derive=_stack_in_bbs,
    ),
    WsopFormat.PLAYER_CHIPS_CSV: Layout(
        ChipCountRecord,
        (
            Column("tournament_number", _tournament_ref, "event_id"),
            Column("player_name", v.text),
            Column("chips", v.integer, "chip_count"),
            Column("table_number", v.integer, "table_num"),
            Column("seat_number", v.integer, "seat_num"),
            Column("rank", v.integer),
            Column("is_eliminated", v.boolean),
        ),
        REQUIRED_COLUMNS[WsopFormat.PLAYER_CHIPS_CSV],
    ),
    WsopFormat.CHIPCOUNT_SHEET_CSV: Layout(
        ChipCountRecord,
        (
            Column("rank", v.integer),
            Column("tablename", v.text, "table_name"),
            Column("tableno", v.integer, "table_num"),
            Column("seatno", v.integer, "seat_num"),
            Column("playerid", v.text, "pokercaster_player_id"),
            Column("playername", v.text, "player_name"),
            Column("nationality", v.country, "country_code"),
            Column("chipcount", v.integer, "chip_count"),
            Column("bb", v.number, "stack_in_bbs"),
        ),
        REQUIRED_COLUMNS[WsopFormat.CHIPCOUNT_SHEET_CSV],
        # PokerCaster's internal ids of the room, table and seat; TableNo/SeatNo say it all.
        ignored=frozenset({"pokerroom", "tableid", "seatid"}),
    ),
    WsopFormat.STANDINGS_CSV: Layout(
        StandingEntry, _STANDING_COLUMNS, REQUIRED_COLUMNS[WsopFormat.STANDINGS_CSV]
    ),
    WsopFormat.STANDINGS_JSON: Layout(
        StandingEntry, _STANDING_COLUMNS, frozenset({"rank", "player_name", "chip_count"})
    ),
    WsopFormat.LEADERBOARD_SHEET_CSV: Layout(
        StandingEntry,
        (
            Column("rank", v.integer),
            Column("playername", v.text, "player_name"),
            Column("nationality", v.country, "country_code"),
            Column("chipcount", v.integer, "chip_count"),
            Column("bb", v.number, "stack_in_bbs"),
        ),
        REQUIRED_COLUMNS[WsopFormat.LEADERBOARD_SHEET_CSV],
    ),
    WsopFormat.BLIND_STRUCTURE_CSV: Layout(
        TournamentBlindLevel,
        (Column("tournament_number", v.integer), *_BLIND_COLUMNS),
        REQUIRED_COLUMNS[WsopFormat.BLIND_STRUCTURE_CSV],
    ),
    WsopFormat.PAYOUT_STRUCTURE_CSV: Layout(
        TournamentPayout,
        (Column("tournament_number", v.integer), *_PAYOUT_COLUMNS),
        REQUIRED_COLUMNS[WsopFormat.PAYOUT_STRUCTURE_CSV],
    ),
    WsopFormat.BROADCAST_SCHEDULE_CSV: Layout(
        BroadcastSlot,
        (
            Column("date", v.iso_date),
            Column("time_start", v.clock_time),
            Column("time_end", v.clock_time),
            Column("event_title", v.text),
            Column("channel", v.text),
            Column("tournament_number", v.integer),
            Column("is_live", v.boolean),
        ),
        REQUIRED_COLUMNS[WsopFormat.BROADCAST_SCHEDULE_CSV],
    ),
}

#: Keys of the standings JSON envelope (``{"event_id": …, "standings": [...]}``) that apply
#: to every entry.
STANDINGS_ENVELOPE_KEYS = (
    "event_id",
    "snapshot_at",
    "day_number",
    "level_number",
    "players_remaining",
)


def _player_identity(record: ChipCountRecord | StandingEntry) -> str:
    return record.wsop_player_id or f"name:{name_key(record.player_name)}"


def duplicate_key(record: Record) -> Hashable | None:
    """Key that must be unique within one file (the target table's unique key), or None."""
    match record:
        case EventRecord():
            return ("event", record.event_id)
        case PlayerRecord():
            return ("player", record.wsop_player_id)
        case ChipCountRecord():
            return ("chips", record.event_id, _player_identity(record), record.recorded_at)
        case StandingEntry():
            return ("standing", record.event_id, record.snapshot_at, _player_identity(record))
        case TournamentBlindLevel():
            return ("level", record.tournament_number, record.level)
        case _:
            return None
