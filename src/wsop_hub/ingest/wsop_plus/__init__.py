"""WSOP+ import parsers: every accepted export → typed records (no database).

Formats and units: docs/wsop-plus-formats.md. Entry points: :func:`parse_file` /
:func:`parse_bytes` (one file → :class:`ParseResult`), :func:`detect_format`,
:func:`name_key` and :func:`normalize_country` for player identity, and
:func:`build_snapshots` to turn standings lines into ``wsop_standings`` rows.
"""

from wsop_hub.ingest.wsop_plus.errors import WsopFormatError
from wsop_hub.ingest.wsop_plus.formats import FileType, WsopFormat, detect_format
from wsop_hub.ingest.wsop_plus.identity import COUNTRY_NAMES, name_key, normalize_country
from wsop_hub.ingest.wsop_plus.parsing import ParseResult, parse_bytes, parse_file
from wsop_hub.ingest.wsop_plus.reading import RowError
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
from wsop_hub.ingest.wsop_plus.standings import StandingsSnapshot, build_snapshots
from wsop_hub.ingest.wsop_plus.vocabulary import (
    EventStatus,
    EventType,
    PlayerStatus,
    infer_event_type,
)

__all__ = [
    "COUNTRY_NAMES",
    "BlindLevel",
    "BroadcastSlot",
    "ChipCountRecord",
    "EventPlayerRecord",
    "EventRecord",
    "EventStatus",
    "EventType",
    "FileType",
    "ParseResult",
    "Payout",
    "PlayerRecord",
    "PlayerStatus",
    "Record",
    "RowError",
    "StandingEntry",
    "StandingsSnapshot",
    "TournamentBlindLevel",
    "TournamentPayout",
    "WsopFormat",
    "WsopFormatError",
    "build_snapshots",
    "detect_format",
    "infer_event_type",
    "name_key",
    "normalize_country",
    "parse_bytes",
    "parse_file",
]
