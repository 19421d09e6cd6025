"""PokerGFX ``.txt`` export (``PGFX_live_data_export.txt``) → :class:`ParsedSession` (csv).

The log is comma-separated, one block per hand *snapshot*::

    GAME,PokerGFX 3.2,FEATURE_TABLE,
    PAYOUTS,
    HAND,1,1760789415,HOLDEM,BB_ANTE_BB1ST,3000,0,1500,3000,0,7,8,9,0,0,1
    PLAYER,2,Kopyl,0,186500,186500,7d 3d
    EVENT,RAISE TO,5,6000
    EVENT,BOARD,1,9c

``HAND``: number, start (Unix seconds, StartDateTimeUTC rounded), variant, ante type,
ante, ?, small blind, big blind, ?, button seat, small-blind seat, big-blind seat, and
three fields whose meaning is not known (they are checked to be integers and not used).
``PLAYER``: seat, name (may contain commas: everything between the seat and the last
four fields), ?, start stack, end stack, hole cards or empty. Seats without chips are
not listed. ``EVENT``: FOLD, CHECK, CALL, BET, RAISE TO, ALL IN with seat and street
total (as in the JSON), or ``BOARD,<board>,<card>``.

The log has no GameID and keeps growing across sessions, re-emitting a hand while it is
in progress. The parser therefore returns one :class:`ParsedSession` per *segment*:
a new segment starts when the hand number goes down or the table type changes. Its
``game_id`` is None; :func:`.reconcile.reconcile_txt` finds each hand's GameID by
matching it with the JSON exports. Within a segment, repeated snapshots of one hand
number are resolved like PokerGFX's own duplicates (:func:`.derive.select_versions`).
A segment can merge two sessions when the new one's first hand number is not lower
(seen once in the samples, across a night); matching with the JSON still keys each
hand to its own session.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from os import PathLike
from pathlib import Path

from wsop_hub.domain.enums import SourceType
from wsop_hub.ingest.pokergfx.cards import parse_card, parse_cards
from wsop_hub.ingest.pokergfx.derive import (
    EventInput,
    HandInput,
    HandProblem,
    SeatInput,
    build_hand,
    player_masters,
    select_versions,
)
from wsop_hub.ingest.pokergfx.errors import PokerGfxFormatError
from wsop_hub.ingest.pokergfx.levels import OBSERVED_LADDER, BlindLadder
from wsop_hub.ingest.pokergfx.models import INT32_MAX, INT64_MAX
from wsop_hub.ingest.pokergfx.session import (
    AnteType,
    Blinds,
    EventType,
    ParsedHand,
    ParsedSession,
    TableType,
)
from wsop_hub.ingest.pokergfx.timecodes import EARLIEST_YEAR, LATEST_YEAR

TXT_EVENT_TYPES: dict[str, EventType] = {
    "FOLD": EventType.FOLD,
    "CHECK": EventType.CHECK,
    "CALL": EventType.CALL,
    "BET": EventType.BET,
    "RAISE TO": EventType.RAISE,
    "ALL IN": EventType.ALL_IN,
    "BOARD": EventType.BOARD_CARD,
}
_HAND_FIELDS = 16
_PLAYER_FIELDS = 7
_EARLIEST = datetime(EARLIEST_YEAR, 1, 1, tzinfo=UTC).timestamp()
_LATEST = datetime(LATEST_YEAR, 12, 31, tzinfo=UTC).timestamp()


class _LineError(ValueError):
    def __init__(self, problem: str, field: str) -> None:
        super().__init__(problem)
        self.problem = problem
        self.field = field


@dataclass(frozen=True, slots=True)
class _HandLine:
    number: int
    started_at: datetime
    blinds: Blinds


@dataclass
class _Snapshot:
    """One GAME block while it is read; line numbers point errors at the file."""

    line: int
    software_version: str
    table_type: TableType
    payouts: tuple[int, ...] = ()
    hand_line: int | None = None
    hand: _HandLine | None = None
    seats: list[SeatInput] = field(default_factory=list)
    seat_lines: list[int] = field(default_factory=list)
    events: list[EventInput] = field(default_factory=list)
    event_lines: list[int] = field(default_factory=list)


def parse_txt_file(
    path: str | PathLike[str], *, blind_ladder: BlindLadder = OBSERVED_LADDER
) -> tuple[ParsedSession, ...]:
    """Read and parse one ``.txt`` log; OSError is not caught (see parse_json_file)."""
    file_path = Path(path)
    return parse_txt_bytes(
        file_path.read_bytes(), source_name=str(file_path), blind_ladder=blind_ladder
    )


def parse_txt_bytes(
    data: bytes, *, source_name: str, blind_ladder: BlindLadder = OBSERVED_LADDER
) -> tuple[ParsedSession, ...]:
    """Parse a ``.txt`` log into its session segments, in file order."""
    sha256 = hashlib.sha256(data).hexdigest()
    try:
        text = data.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PokerGfxFormatError(
            source_name, f"is not UTF-8 text (bad byte at offset {exc.start})"
        ) from None

    snapshots = _read_snapshots(source_name, text)
    segments: list[list[tuple[_Snapshot, ParsedHand]]] = []
    for snapshot in snapshots:
        hand = _build(source_name, snapshot, blind_ladder)
        current = segments[-1] if segments else None
        if (
            current is None
            or hand.hand_num < current[-1][1].hand_num
            or snapshot.table_type is not current[-1][0].table_type
        ):
            segments.append([(snapshot, hand)])
        else:
            current.append((snapshot, hand))

    sessions = []
    for segment in segments:
        first = segment[0][0]
        kept, superseded = select_versions(hand for _, hand in segment)
        sessions.append(
            ParsedSession(
                source=SourceType.CSV,
                source_name=source_name,
                file_sha256=sha256,
                game_id=None,
                table_type=first.table_type,
                event_title=None,
                software_version=first.software_version,
                created_at=None,
                payouts=first.payouts,
                hands=kept,
                superseded_hands=superseded,
                players=player_masters(kept),
            )
        )
    return tuple(sessions)


def _read_snapshots(source_name: str, text: str) -> list[_Snapshot]:
    snapshots: list[_Snapshot] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        # Fields are stripped where they are read, not here: a name keeps its spaces.
        fields = line.split(",")
        record = fields[0].strip().upper()
        try:
            if record == "GAME":
                snapshots.append(_game(number, fields))
                continue
            if not snapshots:
                raise _LineError(f"expected a GAME line first, got {record!r}", "record type")
            snapshot = snapshots[-1]
            if record == "PAYOUTS":
                snapshot.payouts = tuple(
                    _int(value, "payout", 0, INT64_MAX) for value in fields[1:] if value.strip()
                )
            elif record == "HAND":
                _hand(snapshot, number, fields)
            elif record in ("PLAYER", "EVENT") and snapshot.hand is None:
                raise _LineError(f"{record} line before the HAND line", "record type")
            elif record == "PLAYER":
                snapshot.seats.append(_player(fields))
                snapshot.seat_lines.append(number)
            elif record == "EVENT":
                snapshot.events.append(_event(fields))
                snapshot.event_lines.append(number)
            else:
                raise _LineError(f"unknown record {fields[0]!r}", "record type")
        except _LineError as error:
            raise PokerGfxFormatError(
                source_name, error.problem, where=f"line {number}", field=error.field
            ) from None
    return snapshots


def _int(value: str, name: str, low: int, high: int) -> int:
    try:
        number = int(value)
    except ValueError:
        raise _LineError(f"{value!r} is not an integer", name) from None
    if not low <= number <= high:
        raise _LineError(f"{number} is outside {low}…{high}", name)
    return number


def _game(number: int, fields: list[str]) -> _Snapshot:
    if len(fields) < 3:
        raise _LineError("GAME needs software version and table type", "GAME")
    try:
        table_type = TableType(fields[2].strip().upper())
    except ValueError:
        table_type = TableType.UNKNOWN
    return _Snapshot(line=number, software_version=fields[1].strip(), table_type=table_type)


def _hand(snapshot: _Snapshot, number: int, fields: list[str]) -> None:
    if snapshot.hand is not None:
        raise _LineError("second HAND line in one GAME block", "record type")
    if len(fields) != _HAND_FIELDS:
        raise _LineError(f"HAND needs {_HAND_FIELDS} fields, got {len(fields)}", "HAND")
    if fields[3].strip().upper() != "HOLDEM":
        raise _LineError(f"only HOLDEM is supported, got {fields[3]!r}", "variant")
    try:
        ante_type = AnteType(fields[4].strip().upper())
    except ValueError:
        raise _LineError(f"unknown ante type {fields[4]!r}", "ante type") from None
    for index in (6, 9, 13, 14, 15):
        _int(fields[index], f"HAND field {index + 1}", 0, INT64_MAX)
    seats = [_int(fields[index], f"HAND field {index + 1} (seat)", 0, 10) for index in (10, 11, 12)]
    button, small_blind_seat, big_blind_seat = (seat or None for seat in seats)
    unix_s = _int(fields[2], "start time", int(_EARLIEST), int(_LATEST))
    snapshot.hand_line = number
    snapshot.hand = _HandLine(
        number=_int(fields[1], "hand number", 0, INT32_MAX),
        started_at=datetime.fromtimestamp(unix_s, tz=UTC),
        blinds=Blinds(
            small_blind=_int(fields[7], "small blind", 0, INT64_MAX),
            big_blind=_int(fields[8], "big blind", 0, INT64_MAX),
            ante=_int(fields[5], "ante", 0, INT64_MAX),
            ante_type=ante_type,
            small_blind_seat=small_blind_seat,
            big_blind_seat=big_blind_seat,
            button_seat=button,
        ),
    )


def _player(fields: list[str]) -> SeatInput:
    if len(fields) < _PLAYER_FIELDS:
        raise _LineError(f"PLAYER needs {_PLAYER_FIELDS} fields, got {len(fields)}", "PLAYER")
    name = ",".join(fields[2:-4]).strip()
    if not name:
        raise _LineError("empty player name", "name")
    try:
        cards = parse_cards(fields[-1])
    except ValueError as exc:
        raise _LineError(str(exc), "hole cards") from None
    return SeatInput(
        seat=_int(fields[1], "seat", 1, 10),
        name=name,
        long_name=None,
        start_stack=_int(fields[-3], "start stack", 0, INT64_MAX),
        end_stack=_int(fields[-2], "end stack", 0, INT64_MAX),
        hole_cards=cards or None,
    )


def _event(fields: list[str]) -> EventInput:
    if len(fields) < 3:
        raise _LineError("EVENT needs a type and a seat or board", "EVENT")
    kind = TXT_EVENT_TYPES.get(fields[1].strip().upper())
    if kind is None:
        raise _LineError(
            f"unknown event type {fields[1]!r} (known: {', '.join(TXT_EVENT_TYPES)})", "event type"
        )
    if kind is EventType.BOARD_CARD:
        if len(fields) != 4:
            raise _LineError("EVENT,BOARD needs a board number and a card", "EVENT")
        try:
            card = parse_card(fields[3])
        except ValueError as exc:
            raise _LineError(str(exc), "board card") from None
        return EventInput(
            type=kind, seat=None, board_card=card, board_num=_int(fields[2], "board", 0, 1)
        )
    if len(fields) > 4:
        raise _LineError(f"EVENT has {len(fields)} fields, at most 4 expected", "EVENT")
    amount = (
        _int(fields[3], "amount", 0, INT64_MAX) if len(fields) == 4 and fields[3].strip() else 0
    )
    return EventInput(type=kind, seat=_int(fields[2], "seat", 1, 10), bet_amount=amount)


def _build(source_name: str, snapshot: _Snapshot, ladder: BlindLadder) -> ParsedHand:
    line = snapshot.hand
    if line is None:
        raise PokerGfxFormatError(
            source_name,
            "GAME block without a HAND line",
            where=f"line {snapshot.line}",
            field="HAND",
        )
    hand = HandInput(
        game_id=None,
        hand_num=line.number,
        started_at=line.started_at,
        duration=None,
        recording_offset_iso=None,
        recording_offset=None,
        blinds=line.blinds,
        seats=tuple(snapshot.seats),
        events=tuple(snapshot.events),
    )
    try:
        return build_hand(hand, ladder)
    except HandProblem as problem:
        lines = snapshot.seat_lines if problem.part == "player" else snapshot.event_lines
        where = f"line {lines[problem.index]} (HAND {line.number} at line {snapshot.hand_line})"
        raise PokerGfxFormatError(
            source_name, problem.problem, where=where, field=problem.field
        ) from None
