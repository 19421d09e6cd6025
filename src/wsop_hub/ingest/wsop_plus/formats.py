"""Which WSOP+ format a file is, from its name and its first bytes.

Two families exist (FACTS §2.1): the four files 01-DATA_FLOW names (Events.json,
Players.json, ChipCounts.csv, Standings.csv), the tournament-management CSVs with real
samples (tournament_data.csv, player_chips.csv, blind_structure.csv, payout_structure.csv,
broadcast_schedule.csv, a standings JSON), plus the PokerCaster chip-count and leaderboard
sheets of the cue sheet. Exports get renamed (``ChipCounts_2025-10-19_2300.csv``,
``Standings (2).csv``), so the content decides when it can: a CSV header names its
columns, and the columns define what the rows mean. The name decides between formats
whose columns overlap and, when the columns match nothing, picks the format whose parser
then says exactly which required columns are missing.
"""

from __future__ import annotations

import codecs
import csv
import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import PurePath

from wsop_hub.ingest.wsop_plus.errors import WsopFormatError
from wsop_hub.ingest.wsop_plus.values import names


class FileType(StrEnum):
    """``wsop_import_type``."""

    CSV = "csv"
    JSON = "json"


class WsopFormat(StrEnum):
    """Every accepted WSOP+ file format."""

    EVENTS_JSON = "events_json"
    PLAYERS_JSON = "players_json"
    CHIP_COUNTS_CSV = "chip_counts_csv"
    STANDINGS_CSV = "standings_csv"
    STANDINGS_JSON = "standings_json"
    TOURNAMENT_DATA_CSV = "tournament_data_csv"
    PLAYER_CHIPS_CSV = "player_chips_csv"
    BLIND_STRUCTURE_CSV = "blind_structure_csv"
    PAYOUT_STRUCTURE_CSV = "payout_structure_csv"
    BROADCAST_SCHEDULE_CSV = "broadcast_schedule_csv"
    CHIPCOUNT_SHEET_CSV = "chipcount_sheet_csv"
    LEADERBOARD_SHEET_CSV = "leaderboard_sheet_csv"

    @property
    def file_type(self) -> FileType:
        """CSV or JSON (``wsop_import_logs.file_type``)."""
        return FileType.JSON if self.value.endswith("_json") else FileType.CSV

    @property
    def target(self) -> str:
        """What the records feed (``wsop_import_logs.target_table``)."""
        return _TARGETS[self]


_TARGETS: dict[WsopFormat, str] = {
    WsopFormat.EVENTS_JSON: "events",
    WsopFormat.TOURNAMENT_DATA_CSV: "events",
    WsopFormat.PLAYERS_JSON: "players",
    WsopFormat.CHIP_COUNTS_CSV: "chip_counts",
    WsopFormat.PLAYER_CHIPS_CSV: "chip_counts",
    WsopFormat.CHIPCOUNT_SHEET_CSV: "chip_counts",
    WsopFormat.STANDINGS_CSV: "standings",
    WsopFormat.STANDINGS_JSON: "standings",
    WsopFormat.LEADERBOARD_SHEET_CSV: "standings",
    WsopFormat.BLIND_STRUCTURE_CSV: "blind_levels",
    WsopFormat.PAYOUT_STRUCTURE_CSV: "payouts",
    WsopFormat.BROADCAST_SCHEDULE_CSV: "broadcast_schedule",
}

#: Columns whose presence identifies a CSV format (lower-case header names). The parsers
#: require exactly these; every other column of a format is optional.
REQUIRED_COLUMNS: dict[WsopFormat, frozenset[str]] = {
    WsopFormat.CHIP_COUNTS_CSV: frozenset({"event_id", "player_name", "chip_count", "recorded_at"}),
    WsopFormat.STANDINGS_CSV: frozenset(
        {"event_id", "snapshot_at", "rank", "player_name", "chip_count"}
    ),
    WsopFormat.TOURNAMENT_DATA_CSV: frozenset(
        {
            "tournament_number",
            "name",
            "buy_in",
            "starting_chips",
            "current_level",
            "remaining_players",
            "registered_players",
            "status",
        }
    ),
    WsopFormat.PLAYER_CHIPS_CSV: frozenset({"tournament_number", "player_name", "chips"}),
    WsopFormat.BLIND_STRUCTURE_CSV: frozenset(
        {"tournament_number", "level", "small_blind", "big_blind", "duration_minutes"}
    ),
    WsopFormat.PAYOUT_STRUCTURE_CSV: frozenset(
        {"tournament_number", "place_start", "place_end", "amount"}
    ),
    WsopFormat.BROADCAST_SCHEDULE_CSV: frozenset({"date", "time_start", "event_title"}),
    WsopFormat.CHIPCOUNT_SHEET_CSV: frozenset(
        {"rank", "playername", "chipcount", "tableno", "seatno"}
    ),
    WsopFormat.LEADERBOARD_SHEET_CSV: frozenset({"rank", "playername", "chipcount"}),
}

# Compact file-name stem (lower-case letters and digits only) prefix → format per family.
# Ordered: "chipcountsheet…" must win over "chipcounts…".
_NAME_PREFIXES: tuple[tuple[str, WsopFormat | None, WsopFormat | None], ...] = (
    ("chipcountsheet", WsopFormat.CHIPCOUNT_SHEET_CSV, None),
    ("pokercaster", WsopFormat.CHIPCOUNT_SHEET_CSV, None),
    ("leaderboard", WsopFormat.LEADERBOARD_SHEET_CSV, WsopFormat.STANDINGS_JSON),
    ("tournamentdata", WsopFormat.TOURNAMENT_DATA_CSV, None),
    ("playerchips", WsopFormat.PLAYER_CHIPS_CSV, None),
    ("blindstructure", WsopFormat.BLIND_STRUCTURE_CSV, None),
    ("payoutstructure", WsopFormat.PAYOUT_STRUCTURE_CSV, None),
    ("broadcastschedule", WsopFormat.BROADCAST_SCHEDULE_CSV, None),
    ("chipcounts", WsopFormat.CHIP_COUNTS_CSV, None),
    ("standings", WsopFormat.STANDINGS_CSV, WsopFormat.STANDINGS_JSON),
    ("events", None, WsopFormat.EVENTS_JSON),
    ("players", None, WsopFormat.PLAYERS_JSON),
)

# Keys that only one JSON format uses, checked in this order on the first bytes.
_JSON_ENVELOPES: tuple[tuple[str, WsopFormat], ...] = (
    ("standings", WsopFormat.STANDINGS_JSON),
    ("events", WsopFormat.EVENTS_JSON),
    ("players", WsopFormat.PLAYERS_JSON),
)
_JSON_MARKER_KEYS: tuple[tuple[str, WsopFormat], ...] = (
    ("chip_count", WsopFormat.STANDINGS_JSON),
    ("event_name", WsopFormat.EVENTS_JSON),
    ("wsop_player_id", WsopFormat.PLAYERS_JSON),
)


@dataclass(frozen=True)
class _Hints:
    family: FileType
    by_name: WsopFormat | None


def _name_hints(name: str, head_text: str) -> _Hints:
    path = PurePath(name)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        family = FileType.CSV
    elif suffix == ".json":
        family = FileType.JSON
    else:
        family = FileType.JSON if head_text.lstrip().startswith(("[", "{")) else FileType.CSV
    stem = re.sub(r"[^a-z0-9]", "", path.stem.lower())
    by_name = None
    for prefix, csv_format, json_format in _NAME_PREFIXES:
        if stem.startswith(prefix):
            by_name = csv_format if family is FileType.CSV else json_format
            break
    return _Hints(family, by_name)


def decode_head(head_bytes: bytes, file_name: str) -> str:
    """Decode the first bytes of a file as UTF-8 (BOM dropped), tolerating a multi-byte
    character cut at the end of the sample."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")(errors="strict")
    try:
        return decoder.decode(head_bytes, final=False)
    except UnicodeDecodeError as exc:
        raise WsopFormatError(
            file_name,
            f"not UTF-8 text (byte 0x{head_bytes[exc.start]:02x} at offset {exc.start}); "
            "export the file as UTF-8",
        ) from exc


def header_columns(head_text: str) -> tuple[str, ...]:
    """Lower-cased, stripped column names of the first non-blank line of a CSV text."""
    for line in head_text.splitlines():
        if line.strip():
            cells = next(csv.reader([line]), [])
            return tuple(cell.strip().lower() for cell in cells)
    return ()


def csv_candidates(columns: tuple[str, ...] | frozenset[str]) -> set[WsopFormat]:
    """CSV formats whose required columns all appear, minus those another candidate's
    columns strictly contain (a chip-count sheet is also a valid leaderboard header)."""
    present = set(columns)
    matches = {fmt for fmt, needed in REQUIRED_COLUMNS.items() if needed <= present}
    return {
        fmt
        for fmt in matches
        if not any(REQUIRED_COLUMNS[fmt] < REQUIRED_COLUMNS[other] for other in matches)
    }


def _json_candidates(head_text: str) -> set[WsopFormat]:
    stripped = head_text.lstrip()
    if stripped.startswith("{"):
        for key, fmt in _JSON_ENVELOPES:
            if re.search(rf'"{key}"\s*:\s*\[', stripped):
                return {fmt}
    for key, fmt in _JSON_MARKER_KEYS:
        if f'"{key}"' in stripped:
            return {fmt}
    return set()


def detect_format(path_or_name: str | PurePath, head_bytes: bytes) -> WsopFormat:
    """Return the format of a WSOP+ file from its name and first bytes (a few KB suffice).

    Raises :class:`WsopFormatError` when the bytes are not UTF-8 or neither the content nor
    the name identifies a format; the message lists what was found.
    """
    file_name = PurePath(path_or_name).name
    return detect_text_format(file_name, decode_head(head_bytes, file_name))


def detect_text_format(file_name: str, head_text: str) -> WsopFormat:
    """:func:`detect_format` on already decoded text (the parser has the whole file)."""
    if not head_text.strip():
        raise WsopFormatError(file_name, "the file is empty")
    hints = _name_hints(file_name, head_text)
    if hints.family is FileType.CSV:
        columns = header_columns(head_text)
        candidates = csv_candidates(columns)
        found = f"columns found: {names(columns) or '(none)'}"
    else:
        candidates = _json_candidates(head_text)
        found = "no known top-level key or record key was found"
    if len(candidates) == 1:
        return candidates.pop()
    if hints.by_name is not None and (not candidates or hints.by_name in candidates):
        return hints.by_name
    if candidates:
        raise WsopFormatError(
            file_name,
            f"ambiguous: the content fits {names(sorted(candidates))}; "
            "rename the file after its format",
        )
    raise WsopFormatError(
        file_name,
        f"unknown {hints.family.value.upper()} format ({found}); see docs/wsop-plus-formats.md "
        "for the accepted files",
    )
