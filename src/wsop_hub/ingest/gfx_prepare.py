"""Turn a parsed PokerGFX file into database rows — pure, so it runs in a parsing process.

The ingest process then only moves ready rows into PostgreSQL (COPY and array
parameters): building rows, JSON-encoding them, grading and hashing hands is CPU work that
would otherwise serialise behind the database writes in one process. What crosses the
process boundary is flat tuples of primitives, which pickle fast.
"""

from __future__ import annotations

import hashlib
import pickle
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic_core import to_json

from wsop_hub.domain.enums import HandRank, SourceType
from wsop_hub.ingest.pokergfx import parse_json_bytes, parse_txt_bytes
from wsop_hub.ingest.pokergfx.evaluate import DEFAULT_PREMIUM_THRESHOLD
from wsop_hub.ingest.pokergfx.grading import GradingConfig, grade_hand
from wsop_hub.ingest.pokergfx.session import ParsedHand, ParsedSession
from wsop_hub.ingest.pokergfx.timecodes import video_offset_s
from wsop_hub.players.names import name_key

#: gfx_hands columns after (id, session_id, hand_num), in PreparedHand.hand_row order.
HAND_COLUMNS = (
    "source",
    "game_variant",
    "bet_structure",
    "started_at",
    "duration_s",
    "recording_offset_raw",
    "recording_offset_s",
    "blinds",
    "level",
    "board_cards",
    "pot_size",
    "winner_name",
    "winner_seat",
    "player_count",
    "showdown_count",
    "hand_rank",
    "board_rank",
    "is_premium",
    "content_hash",
)
#: gfx_hand_players columns after hand_id; `player_id` holds the player_key until written.
SEAT_COLUMNS = (
    "seat_num",
    "player_id",
    "name",
    "start_stack_amt",
    "end_stack_amt",
    "cumulative_winnings_amt",
    "hole_cards",
    "folded",
    "showed_down",
    "is_winner",
    "best_hand_rank",
    "sitting_out",
    "elimination_rank",
    "stats",
)
EVENT_COLUMNS = ("event_order", "event_type", "seat_num", "bet_amt", "pot", "board_num", "cards")
GRADE_COLUMNS = (
    "grade",
    "has_premium_hand",
    "has_long_playtime",
    "has_premium_board_combo",
    "conditions_met",
    "broadcast_eligible",
    "suggested_edit_start_offset",
    "edit_start_confidence",
)
#: hub `hands` columns after (table_id, hand_number).
HUB_COLUMNS = (
    "source",
    "hand_rank",
    "is_premium",
    "pot_size",
    "winner",
    "players",
    "community_cards",
    "actions",
    "duration_s",
    "started_at",
)


@dataclass(frozen=True)
class IngestConfig:
    premium_threshold: HandRank = DEFAULT_PREMIUM_THRESHOLD
    grading: GradingConfig = field(default_factory=GradingConfig)
    #: Per feature-table PC: when its recording started, on its own clock (seconds since
    #: 0001-01-01, the unit of RecordingOffsetStart); keyed by gfx_pc_id (the watched
    #: sub-folder), "" for every PC. Without it the video offset stays NULL (the raw
    #: RecordingOffsetStart is always kept).
    recording_offsets_s: dict[str, float] = field(default_factory=dict)

    def offset_for(self, gfx_pc_id: str | None) -> float | None:
        return self.recording_offsets_s.get(gfx_pc_id or "", self.recording_offsets_s.get(""))


@dataclass(frozen=True, slots=True)
class PreparedHand:
    hand_num: int
    started_at: datetime
    #: Content hash; `txt:`-prefixed for a hand from the `.txt` log.
    digest: str
    is_premium: bool
    broadcast_eligible: bool
    hand_row: tuple[Any, ...]
    seats: list[tuple[Any, ...]]
    events: list[tuple[Any, ...]]
    grade: tuple[Any, ...]
    hub: tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class PreparedSession:
    source: str
    source_name: str
    file_sha256: str
    game_id: int | None
    table_type: str
    event_title: str
    software_version: str
    created_at: datetime | None
    payouts: list[int]
    raw_json: str | None
    #: gfx_players rows: (player_key, name, long_name, name_key, country, hands_played,
    #: first_seen_at, last_seen_at).
    players: list[tuple[Any, ...]]
    hands: list[PreparedHand]


def _json(value: object) -> str:
    """JSON text for a jsonb column (pydantic-core's encoder: several times json.dumps's
    speed on these small values, and the ingest budget is about a millisecond a hand)."""
    return to_json(value).decode()


def content_hash(*rows: object) -> str:
    """Over a hand's prepared rows: a re-export that changes nothing hashes the same. (A
    new hub version that prepares rows differently rewrites each hand once.)"""
    return hashlib.sha256(pickle.dumps(rows, protocol=5)).hexdigest()


def is_premium(hand: ParsedHand, config: IngestConfig) -> bool:
    return hand.hand_rank is not None and hand.hand_rank.at_least(config.premium_threshold)


def prepare_file(
    is_json: bool, data: bytes, source_name: str, config: IngestConfig, gfx_pc_id: str | None
) -> list[PreparedSession]:
    """Parse (PokerGfxFormatError for bad input) and prepare every session of one file."""
    sessions: tuple[ParsedSession, ...] = (
        (parse_json_bytes(data, source_name=source_name),)
        if is_json
        else parse_txt_bytes(data, source_name=source_name)
    )
    offset = config.offset_for(gfx_pc_id)
    return [_session(s, config, offset) for s in sessions]


def _session(session: ParsedSession, config: IngestConfig, offset: float | None) -> PreparedSession:
    players = [
        (
            m.player_key,
            m.name,
            m.long_name or "",
            name_key(m.long_name or m.name),
            None,  # PokerGFX has no country: WSOP+ and overrides supply it
            m.hands_played,
            m.first_seen_at,
            m.last_seen_at,
        )
        for m in session.players
    ]
    return PreparedSession(
        source=session.source.value,
        source_name=session.source_name,
        file_sha256=session.file_sha256,
        game_id=session.game_id,
        table_type=session.table_type.value,
        event_title=session.event_title or "",
        software_version=session.software_version or "",
        created_at=session.created_at,
        payouts=list(session.payouts),
        raw_json=session.raw_json,
        players=players,
        hands=[_hand(session, h, config, offset) for h in session.hands],
    )


def _hand(
    session: ParsedSession, hand: ParsedHand, config: IngestConfig, offset: float | None
) -> PreparedHand:
    premium = is_premium(hand, config)
    b = hand.blinds
    winners = " & ".join(hand.winner_names) or None
    hand_row = (
        session.source.value,
        hand.game_variant,
        hand.bet_structure,
        hand.started_at,
        hand.duration_s,
        hand.recording_offset_iso,
        None
        if hand.recording_offset is None or offset is None
        else video_offset_s(hand.recording_offset, offset),
        _json(
            {
                "small_blind": b.small_blind,
                "big_blind": b.big_blind,
                "ante": b.ante,
                "ante_type": b.ante_type.value,
                "small_blind_seat": b.small_blind_seat,
                "big_blind_seat": b.big_blind_seat,
                "button_seat": b.button_seat,
                "third_blind": b.third_blind,
            }
        ),
        b.derived_level,
        _json(list(hand.board)),
        hand.final_pot,
        winners,
        hand.winners[0] if hand.winners else None,
        hand.player_count,
        len(hand.showdown_players),
        hand.hand_rank.value if hand.hand_rank else None,
        hand.board_rank.value if hand.board_rank else None,
        premium,
    )
    seats = [
        (
            p.seat,
            p.player_key,
            p.name,
            p.start_stack,
            p.end_stack,
            p.cumulative_winnings or 0,
            _json(list(p.hole_cards)) if p.hole_cards else None,
            p.folded,
            p.showed_down,
            p.is_winner,
            p.best_hand.rank.value if p.best_hand else None,
            bool(p.sitting_out),
            p.elimination_rank,
            _json(
                {
                    k: v
                    for k, v in (
                        ("vpip_percent", p.vpip_percent),
                        ("preflop_raise_percent", p.preflop_raise_percent),
                        ("aggression_frequency_percent", p.aggression_frequency_percent),
                        ("went_to_showdown_percent", p.went_to_showdown_percent),
                        ("blind_bet_straddle_amt", p.blind_bet_straddle),
                        ("best_hand", p.best_hand.label if p.best_hand else None),
                    )
                    if v is not None
                }
            ),
        )
        for p in hand.players
    ]
    events = [
        (
            e.order,
            e.type.value,
            e.seat,
            e.bet_amount,
            e.pot_before,
            e.board_num,
            _json([e.board_card]) if e.board_card else None,
        )
        for e in hand.events
    ]
    grade = grade_hand(hand, config.grading)
    hub = (
        session.source.value,
        hand.hand_rank.value if hand.hand_rank else None,
        premium,
        hand.final_pot,
        winners,
        _json(
            [
                {
                    "seat": p.seat,
                    "name": p.name,
                    "stack": p.start_stack,
                    "hole_cards": list(p.hole_cards or ()),
                }
                for p in hand.players
            ]
        ),
        _json(list(hand.board)),
        _json(
            [
                {
                    "order": e.order,
                    "type": e.type.value,
                    "seat": e.seat,
                    "bet": e.bet_amount,
                    "pot": e.pot_after,
                }
                for e in hand.events
            ]
        ),
        hand.duration_s,
        hand.started_at,
    )
    grade_row = (
        grade.grade.value,
        grade.has_premium_hand,
        grade.has_long_playtime,
        grade.has_premium_board_combo,
        grade.conditions_met,
        grade.broadcast_eligible,
        grade.suggested_edit_offset_s,
        grade.edit_confidence,
    )
    digest = content_hash(hand.hand_num, hand_row, seats, events, grade_row, hub)
    if session.source != SourceType.RFID:
        digest = "txt:" + digest
    return PreparedHand(
        hand_num=hand.hand_num,
        started_at=hand.started_at,
        digest=digest,
        is_premium=premium,
        broadcast_eligible=grade.broadcast_eligible,
        hand_row=(*hand_row, digest),
        seats=seats,
        events=events,
        grade=grade_row,
        hub=hub,
    )
