"""PokerGFX exports → a normalised, evaluated and graded model (no database here).

Parse a JSON export with :func:`parse_json_file` / :func:`parse_json_bytes` (one
:class:`ParsedSession`, source rfid) or the ``.txt`` log with :func:`parse_txt_file` /
:func:`parse_txt_bytes` (one session per segment, source csv, no GameID), match the
two with :func:`reconcile_txt`, grade hands with :func:`grade_hand`. Bad input raises
:class:`PokerGfxFormatError` and nothing else. The modules: ``models`` (the JSON
format), ``txt`` (the log format), ``session`` (the normalised model), ``derive``
(shared derivations), ``betting`` (pot), ``evaluate`` (pokerkit), ``grading``,
``levels`` (blind level), ``identity`` (player key), ``cards``, ``timecodes``.
"""

from wsop_hub.ingest.pokergfx.cards import parse_card, to_standard
from wsop_hub.ingest.pokergfx.errors import PokerGfxFormatError
from wsop_hub.ingest.pokergfx.evaluate import best_hand, board_rank, is_premium
from wsop_hub.ingest.pokergfx.grading import (
    DEFAULT_GRADING,
    Grade,
    GradingConfig,
    HandGrade,
    grade_conditions,
    grade_hand,
)
from wsop_hub.ingest.pokergfx.identity import player_key
from wsop_hub.ingest.pokergfx.levels import OBSERVED_LADDER, BlindLadder
from wsop_hub.ingest.pokergfx.normalize import parse_json_bytes, parse_json_file
from wsop_hub.ingest.pokergfx.reconcile import TxtMatch, TxtReconciliation, reconcile_txt
from wsop_hub.ingest.pokergfx.session import (
    AnteType,
    BestHand,
    BlindLevel,
    Blinds,
    EventType,
    HandKey,
    ParsedEvent,
    ParsedHand,
    ParsedHandPlayer,
    ParsedSession,
    PlayerMaster,
    Street,
    TableType,
    WinnerBasis,
)
from wsop_hub.ingest.pokergfx.timecodes import (
    game_id_to_datetime,
    pc_clock_seconds,
    pc_utc_offset,
    video_offset_s,
)
from wsop_hub.ingest.pokergfx.txt import parse_txt_bytes, parse_txt_file

__all__ = [
    "DEFAULT_GRADING",
    "OBSERVED_LADDER",
    "AnteType",
    "BestHand",
    "BlindLadder",
    "BlindLevel",
    "Blinds",
    "EventType",
    "Grade",
    "GradingConfig",
    "HandGrade",
    "HandKey",
    "ParsedEvent",
    "ParsedHand",
    "ParsedHandPlayer",
    "ParsedSession",
    "PlayerMaster",
    "PokerGfxFormatError",
    "Street",
    "TableType",
    "TxtMatch",
    "TxtReconciliation",
    "WinnerBasis",
    "best_hand",
    "board_rank",
    "game_id_to_datetime",
    "grade_conditions",
    "grade_hand",
    "is_premium",
    "parse_card",
    "parse_json_bytes",
    "parse_json_file",
    "parse_txt_bytes",
    "parse_txt_file",
    "player_key",
    "pc_clock_seconds",
    "pc_utc_offset",
    "reconcile_txt",
    "to_standard",
    "video_offset_s",
]
