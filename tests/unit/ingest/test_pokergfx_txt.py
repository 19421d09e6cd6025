"""The ``.txt`` log parser and its reconciliation with the JSON exports."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import pytest

from tests.unit.ingest.pokergfx_data import (
    TXT_FILES,
    data_file,
    relative,
    table_sessions,
    txt_segments,
)
from wsop_hub.domain.enums import SourceType
from wsop_hub.ingest.pokergfx import (
    EventType,
    HandKey,
    PokerGfxFormatError,
    TableType,
    TxtReconciliation,
    parse_txt_bytes,
    reconcile_txt,
)


@cache
def _reconciled(path: Path) -> TxtReconciliation:
    return reconcile_txt(txt_segments(path), table_sessions())


def test_the_copied_logs_are_all_there() -> None:
    assert len(TXT_FILES) == 12


@pytest.mark.parametrize("path", TXT_FILES, ids=relative)
def test_every_real_log_parses_every_snapshot(path: Path) -> None:
    hand_lines = [
        int(line.split(",")[1])
        for line in path.read_text().splitlines()
        if line.startswith("HAND,")
    ]
    segments = txt_segments(path)
    snapshots = sum(len(s.hands) + len(s.superseded_hands) for s in segments)
    assert snapshots == len(hand_lines)
    for segment in segments:
        numbers = [hand.hand_num for hand in segment.hands]
        assert numbers == sorted(set(numbers))
        assert segment.source is SourceType.CSV
        assert segment.game_id is None and segment.raw_json is None
        assert segment.software_version == "PokerGFX 3.2"
        for hand in segment.hands:
            assert hand.key is None and hand.duration is None
            assert all(p.long_name is None for p in hand.players)
            assert all(e.pot_before is None for e in hand.events)


def test_a_log_splits_where_a_new_session_starts() -> None:
    segments = txt_segments(data_file("table-pokercaster/1017/PGFX_live_data_export.txt"))
    assert [(s.table_type, s.hand_count) for s in segments] == [
        (TableType.FEATURE_TABLE, 112),
        (TableType.FINAL_TABLE, 2),
        (TableType.FEATURE_TABLE, 1),
        (TableType.FINAL_TABLE, 6),
    ]


def test_raise_to_is_kept_as_a_raise() -> None:
    segment = txt_segments(data_file("table-GG/1018/PGFX_live_data_export.txt"))[1]
    hand = segment.hand(1)
    assert hand is not None
    assert [(e.type, e.seat, e.bet_amount) for e in hand.events if e.seat in (5, 9)] == [
        (EventType.RAISE, 5, 6000),
        (EventType.RAISE, 9, 18000),
        (EventType.FOLD, 5, 0),
    ]
    assert hand.started_at == datetime.fromtimestamp(1760789415, tz=UTC)


def test_a_re_emitted_snapshot_with_actions_supersedes_the_empty_one() -> None:
    # GG 1016: hand 1 was written four times; only the last snapshot has actions.
    segment = txt_segments(data_file("table-GG/1016/PGFX_live_data_export.txt"))[0]
    hand = segment.hand(1)
    assert hand is not None and len(hand.events) == 20
    assert hand.started_at == datetime.fromtimestamp(1760607421, tz=UTC)
    assert Counter(h.hand_num for h in segment.superseded_hands)[1] == 3


@pytest.mark.parametrize(
    ("name", "unmatched"),
    [
        ("table-GG/1015/PGFX_live_data_export.txt", 0),
        ("table-GG/1016/New/PGFX_live_data_export.txt", 0),
        ("table-GG/1016/PGFX_live_data_export.txt", 0),
        ("table-GG/1017/PGFX_live_data_export.txt", 0),
        ("table-GG/1017/new/PGFX_live_data_export.txt", 0),
        ("table-GG/1018/PGFX_live_data_export.txt", 0),
        ("table-GG/1019/PGFX_live_data_export.txt", 0),
        ("table-GG/1019/new/PGFX_live_data_export.txt", 0),
        ("table-GG/1020/PGFX_live_data_export.txt", 0),
        # Hands 1–20 of a 2025-10-15 evening session whose JSON is not in the samples.
        ("table-pokercaster/1016/PGFX_live_data_export.txt", 20),
        # A hand started and abandoned at 08:34 on 10-21, before the final table began.
        ("table-pokercaster/1017/PGFX_live_data_export.txt", 1),
        ("table-pokercaster/1018/PGFX_live_data_export.txt", 0),
    ],
)
def test_txt_hands_are_found_in_the_json_exports(name: str, unmatched: int) -> None:
    path = data_file(name)
    result = _reconciled(path)
    kept = sum(s.hand_count for s in txt_segments(path))
    assert len(result.matched) + len(result.unmatched) == kept
    assert len(result.unmatched) == unmatched
    keys = [match.key for match in result.matched]
    assert len(keys) == len(set(keys))
    json_keys = {key for s in table_sessions() for key in s.hand_keys}
    json_keys |= {h.key for s in table_sessions() for h in s.superseded_hands if h.key}
    assert set(keys) <= json_keys


def test_unmatched_txt_hands_are_one_missing_session() -> None:
    result = _reconciled(data_file("table-pokercaster/1016/PGFX_live_data_export.txt"))
    assert [h.hand_num for h in result.unmatched] == list(range(1, 21))
    assert {h.started_at.date().isoformat() for h in result.unmatched} == {"2025-10-15"}


def test_both_sources_agree_on_matched_hands_except_two_re_typed_stacks() -> None:
    disagreeing: dict[HandKey, tuple[str, ...]] = {}
    compared = 0
    for path in TXT_FILES:
        for match in _reconciled(path).matched:
            txt, json = match.txt_hand, match.json_hand
            assert txt.board == json.board
            for player in txt.players:
                other = json.player_at(player.seat)
                assert other is not None
                assert (player.name, player.start_stack, player.hole_cards) == (
                    other.name,
                    other.start_stack,
                    other.hole_cards,
                )
            if match.differences:
                disagreeing[match.key] = match.differences
                continue
            compared += 1
            assert (txt.final_pot, txt.winners, txt.hand_rank) == (
                json.final_pot,
                json.winners,
                json.hand_rank,
            )
    assert compared > 1000
    # Two operator test hands whose end stacks were typed again after the log line:
    assert set(disagreeing) == {
        HandKey(638963846032507775, 2),
        HandKey(638964597346400480, 1),
    }
    assert all("end_stack" in d for diffs in disagreeing.values() for d in diffs)


def test_seats_without_chips_are_left_out_of_the_log() -> None:
    for path in TXT_FILES:
        for match in _reconciled(path).matched:
            listed = {p.seat for p in match.txt_hand.players}
            with_chips = {p.seat for p in match.json_hand.players if p.start_stack > 0}
            assert listed == with_chips


LOG = b"""
GAME,PokerGFX 3.2,FEATURE_TABLE,
PAYOUTS,
HAND,7,1760789415,HOLDEM,BB_ANTE_BB1ST,3000,0,1500,3000,0,2,3,4,0,0,1
PLAYER,2,Ng, Jr.,0,50000,50000,
PLAYER,3,Kopyl,0,60000,58500,7d 3d
PLAYER,4,Lin,0,70000,71500,ah 2h
EVENT,FOLD,2
EVENT,FOLD,3
"""


def test_a_name_with_a_comma_survives() -> None:
    (segment,) = parse_txt_bytes(LOG, source_name="log.txt")
    hand = segment.hands[0]
    assert [p.name for p in hand.players] == ["Ng, Jr.", "Kopyl", "Lin"]
    assert hand.winners == (4,)
    assert hand.final_pot == 3000 + 1500 + 1500


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            LOG.replace(b"GAME,", b"GAMES,"),
            r"log\.txt: line 2: field record type: expected a GAME line first",
        ),
        (
            LOG.replace(b"EVENT,FOLD,3", b"EVENT,MUCK,3"),
            r"line 9: field event type: unknown event type 'MUCK'",
        ),
        (LOG.replace(b"7d 3d", b"7d 3x"), r"line 6: field hole cards: '3x' is not a card"),
        (
            LOG.replace(b",60000,", b",6o000,"),
            r"line 6: field start stack: '6o000' is not an integer",
        ),
        (
            LOG.replace(b"EVENT,FOLD,3", b"EVENT,FOLD,9"),
            r"line 9 \(HAND 7 at line 4\): field PlayerNum: seat 9 acts",
        ),
        (
            LOG.replace(b"PAYOUTS,\nHAND", b"PAYOUTS,\nPLAYER,1,X,0,1,1,\nHAND"),
            r"line 4: field record type: PLAYER line before",
        ),
        (
            LOG.replace(b",1\nPLAYER,2", b"\nPLAYER,2"),
            r"line 4: field HAND: HAND needs 16 fields, got 15",
        ),
        (
            LOG + b"GAME,PokerGFX 3.2,FEATURE_TABLE,\n",
            r"line 10: field HAND: GAME block without a HAND line",
        ),
        (
            LOG.replace(b"HAND,7,1760789415", b"HAND,7,99"),
            r"line 4: field start time: 99 is outside",
        ),
        (b"\xff\xfe", r"not UTF-8"),
    ],
)
def test_bad_logs_say_which_line_and_field(text: bytes, message: str) -> None:
    with pytest.raises(PokerGfxFormatError, match=message):
        parse_txt_bytes(text, source_name="log.txt")
