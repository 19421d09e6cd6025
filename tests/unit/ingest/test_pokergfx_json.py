"""The JSON export parser on every real file: counts, keys, re-exports, times, players."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.unit.ingest.pokergfx_data import (
    JSON_FILES,
    TABLE_JSON_FILES,
    data_file,
    json_session,
    raw_json,
    relative,
    table_sessions,
)
from wsop_hub.domain.enums import SourceType
from wsop_hub.ingest.pokergfx import (
    OBSERVED_LADDER,
    BlindLadder,
    EventType,
    HandKey,
    TableType,
    game_id_to_datetime,
    parse_json_bytes,
    pc_clock_seconds,
    pc_utc_offset,
    player_key,
    video_offset_s,
)

SAMPLE_ALLIN = data_file("samples/gfx_sample_3_allin_showdown_hand.json")
GG_1015_TEST = data_file("table-GG/1015/PGFX_live_data_export GameID=638961224831992165.json")
GG_1017_NEW = data_file("table-GG/1017/new/PGFX_live_data_export GameID=638963043524931047.json")


def test_the_copied_data_is_all_there() -> None:
    assert len(TABLE_JSON_FILES) == 24  # GG 18, pokercaster 6 (some sessions are not shared)
    assert len(JSON_FILES) == 27  # plus the 3 convenience samples


@pytest.mark.parametrize("path", JSON_FILES, ids=relative)
def test_every_real_file_parses_to_one_hand_per_hand_number(path: Path) -> None:
    raw = raw_json(path)
    numbers = Counter(hand["HandNum"] for hand in raw["Hands"])
    session = json_session(path)

    assert session.source is SourceType.RFID
    assert session.game_id == raw["ID"]
    assert session.hand_count == len(numbers)
    assert [hand.hand_num for hand in session.hands] == sorted(numbers)
    assert len(session.superseded_hands) == sum(numbers.values()) - len(numbers)
    assert len(set(session.hand_keys)) == session.hand_count
    assert all(key.game_id == raw["ID"] for key in session.hand_keys)
    assert session.file_sha256 == __import__("hashlib").sha256(path.read_bytes()).hexdigest()
    assert json.loads(session.raw_json or "") == raw


@pytest.mark.parametrize("path", TABLE_JSON_FILES, ids=relative)
def test_the_file_name_game_id_matches_the_json(path: Path) -> None:
    match = re.search(r"GameID=(\d+)", path.name)
    assert match is not None
    assert json_session(path).game_id == int(match.group(1))


def test_the_real_corpus_has_the_documented_number_of_unique_hands() -> None:
    keys = {key for session in table_sessions() for key in session.hand_keys}
    # FACTS §1.1 counts 1,496 unique (GameID, HandNum) pairs over all sessions, some of
    # which are not in the samples; independently recounted here with the json module.
    expected = {
        (raw["ID"], hand["HandNum"])
        for raw in map(raw_json, TABLE_JSON_FILES)
        for hand in raw["Hands"]
    }
    assert keys == {HandKey(*pair) for pair in expected}


def test_re_exports_of_one_game_id_only_grow() -> None:
    by_game: dict[int, list[Path]] = defaultdict(list)
    for path in TABLE_JSON_FILES:
        by_game[raw_json(path)["ID"]].append(path)
    grown = {game: paths for game, paths in by_game.items() if len(paths) > 1}
    assert sorted(len(json_session(p).hands) for p in grown[638964611175191251]) == [1, 2, 82]

    for paths in grown.values():
        sessions = sorted((json_session(path) for path in paths), key=lambda s: s.hand_count)
        for earlier, later in zip(sessions, sessions[1:], strict=False):
            assert set(earlier.hand_keys) <= set(later.hand_keys)
            for hand in earlier.hands:
                again = later.hand(hand.hand_num)
                assert again is not None
                assert (again.started_at, again.board, again.final_pot, again.winners) == (
                    hand.started_at,
                    hand.board,
                    hand.final_pot,
                    hand.winners,
                )
                assert again.players == hand.players


def test_byte_identical_copies_have_the_same_hash() -> None:
    first = json_session(
        data_file("table-GG/1019/PGFX_live_data_export GameID=638964779338222042.json")
    )
    copy = json_session(
        data_file("table-GG/1019/new/PGFX_live_data_export GameID=638964779338222042.json")
    )
    assert first.file_sha256 == copy.file_sha256
    assert first.hand_keys == copy.hand_keys


def test_a_duplicate_hand_number_keeps_the_version_with_events() -> None:
    raw = [hand for hand in raw_json(GG_1017_NEW)["Hands"] if hand["HandNum"] == 106]
    assert [len(hand["Events"]) for hand in raw] == [6, 0]
    session = json_session(GG_1017_NEW)
    kept = session.hand(106)
    assert kept is not None and len(kept.events) == 6
    assert kept.started_at == datetime(2025, 10, 18, 11, 31, 58, 315225, tzinfo=UTC)
    assert [(hand.hand_num, len(hand.events)) for hand in session.superseded_hands] == [(106, 0)]


def test_a_duplicate_hand_number_with_events_twice_keeps_the_later_deal() -> None:
    session = json_session(GG_1015_TEST)
    kept = session.hand(1)
    assert kept is not None
    assert kept.started_at == datetime(2025, 10, 15, 14, 24, 45, 330637, tzinfo=UTC)
    assert [hand.started_at.hour for hand in session.superseded_hands] == [12]


def test_session_fields_come_from_the_root_object() -> None:
    session = json_session(data_file("samples/gfx_sample_2.json"))
    assert session.table_type is TableType.FINAL_TABLE
    assert session.table_id == "FINAL_TABLE_638966318331324926"
    assert session.software_version == "PokerGFX 3.2"
    assert session.event_title == ""
    assert session.payouts == (0,) * 10
    assert session.created_at == datetime(2025, 10, 21, 8, 23, 53, 132492, tzinfo=UTC)
    assert session.started_at is not None and session.ended_at is not None
    assert session.started_at < session.ended_at


@pytest.mark.parametrize("path", TABLE_JSON_FILES, ids=relative)
def test_the_game_id_is_the_creation_time_in_dotnet_ticks(path: Path) -> None:
    session = json_session(path)
    assert session.game_id is not None
    assert game_id_to_datetime(session.game_id) == session.created_at


def test_real_durations_parse_exactly() -> None:
    checked: Counter[int] = Counter()
    for path in TABLE_JSON_FILES:
        session = json_session(path)
        for raw in raw_json(path)["Hands"]:
            match = re.fullmatch(r"PT(?:(\d+)M)?(\d+)\.(\d+)S", raw["Duration"])
            assert match is not None, raw["Duration"]
            minutes, seconds, fraction = match.groups()
            expected = int(minutes or 0) * 60 + int(seconds) + int(fraction[:6].ljust(6, "0")) / 1e6
            hand = session.hand(raw["HandNum"])
            assert hand is not None
            if hand.started_at.isoformat().startswith(raw["StartDateTimeUTC"][:19]):
                assert hand.duration_s == pytest.approx(expected, abs=1e-6)
                checked[len(fraction)] += 1
    # The 4-digit case of FACTS §1.3 is in a session not shared; see test_pokergfx_units.
    assert set(checked) == {5, 6, 7}


def test_recording_offset_is_the_pc_clock_three_or_four_hours_ahead_of_utc() -> None:
    offsets: dict[str, set[timedelta]] = defaultdict(set)
    for path in TABLE_JSON_FILES:
        table = relative(path).split("/")[0]
        for hand in json_session(path).hands:
            assert hand.recording_offset is not None and hand.recording_offset_iso is not None
            offset = pc_utc_offset(hand.recording_offset, hand.started_at)
            offsets[table].add(timedelta(seconds=round(offset.total_seconds())))
    assert offsets == {"table-GG": {timedelta(hours=4)}, "table-pokercaster": {timedelta(hours=3)}}


def test_video_offset_uses_the_per_pc_recording_start() -> None:
    hand = json_session(SAMPLE_ALLIN).hands[0]
    assert hand.recording_offset_iso is not None and hand.recording_offset is not None
    # The hand started 2025-10-18 12:29:59.604 UTC = 15:29:59.604 on the pokercaster PC;
    # that PC's recording started at 15:28:00 on its own clock.
    recording_start = pc_clock_seconds(datetime(2025, 10, 18, 15, 28, 0))
    assert video_offset_s(hand.recording_offset, recording_start) == pytest.approx(
        119.604, abs=1e-3
    )
    assert hand.recording_offset_s == int(hand.recording_offset.total_seconds())


def test_blind_level_is_derived_from_the_blinds_not_the_zero_in_the_file() -> None:
    hand = json_session(SAMPLE_ALLIN).hands[0]
    assert hand.blinds.reported_level == 0
    assert (hand.blinds.small_blind, hand.blinds.big_blind, hand.blinds.ante) == (1500, 3000, 3000)
    assert hand.blinds.derived_level == 11
    test_blinds = json_session(GG_1015_TEST).hands[0].blinds
    assert (test_blinds.small_blind, test_blinds.big_blind) == (80, 800)
    assert test_blinds.derived_level is None


def test_an_event_ladder_from_wsop_plus_rows_numbers_the_levels() -> None:
    ladder = BlindLadder(((20, 1500, 3000), (21, 2000, 4000)))
    session = parse_json_bytes(SAMPLE_ALLIN.read_bytes(), source_name="x.json", blind_ladder=ladder)
    assert session.hands[0].blinds.derived_level == 20
    assert OBSERVED_LADDER.level_of(2000, 4000) == 12


def test_session_blind_levels_list_each_structure_step_once_in_order() -> None:
    session = json_session(
        data_file("table-GG/1020/PGFX_live_data_export GameID=638965452050668708.json")
    )
    assert [(level.small_blind, level.big_blind) for level in session.blind_levels] == [
        (40000, 80000),
        (30000, 60000),
    ]


@pytest.mark.parametrize("path", TABLE_JSON_FILES, ids=relative)
def test_showdown_players_are_the_ones_not_folded_by_the_end(path: Path) -> None:
    session = json_session(path)
    for raw in raw_json(path)["Hands"]:
        hand = session.hand(raw["HandNum"])
        assert hand is not None
        if hand.started_at.isoformat()[:19] != raw["StartDateTimeUTC"][:19]:
            continue  # a superseded duplicate
        folded = {e["PlayerNum"] for e in raw["Events"] if e["EventType"] == "FOLD"}
        in_hand = {
            p["PlayerNum"]
            for p in raw["Players"]
            if p["StartStackAmt"] > 0 and not p["SittingOut"] and p["PlayerNum"] not in folded
        }
        expected = in_hand if len(in_hand) >= 2 and raw["Events"] else set()
        assert {player.seat for player in hand.showdown_players} == expected
        assert hand.showdown_count == len(expected)
        assert hand.is_showdown is bool(expected)


def test_folded_players_keep_their_hole_cards_but_do_not_show_down() -> None:
    hand = json_session(SAMPLE_ALLIN).hands[0]
    folder = hand.player_at(2)
    assert folder is not None
    assert folder.hole_cards == ("kh", "4s") and folder.folded and not folder.showed_down
    assert not folder.has_shown
    assert [player.seat for player in hand.showdown_players] == [4, 5]


def test_unknown_hole_cards_are_none_not_an_empty_hand() -> None:
    raw = raw_json(GG_1015_TEST)["Hands"][1]["Players"][1]
    assert raw["HoleCards"] == [""]
    player = json_session(GG_1015_TEST).hands[0].player_at(raw["PlayerNum"])
    assert player is not None and player.hole_cards is None


def test_final_table_eliminations_and_session_stats_are_carried() -> None:
    path = data_file("table-pokercaster/1017/PGFX_live_data_export GameID=638966318331324926.json")
    raw_players = [p for h in raw_json(path)["Hands"] for p in h["Players"]]
    ranks = {p["EliminationRank"] for p in raw_players}
    parsed = [p for h in json_session(path).hands for p in h.players]
    assert {p.elimination_rank for p in parsed} == {None if r < 0 else r for r in ranks}
    assert {None} < {p.elimination_rank for p in parsed}
    first_raw, first = raw_players[0], parsed[0]
    assert first.cumulative_winnings == first_raw["CumulativeWinningsAmt"]
    assert first.vpip_percent == first_raw["VPIPPercent"]
    assert first.preflop_raise_percent == first_raw["PreFlopRaisePercent"]
    assert first.sitting_out is first_raw["SittingOut"]


def test_event_types_use_the_database_spelling() -> None:
    types = {e.type for s in table_sessions() for h in s.hands for e in h.events}
    assert types == {
        EventType.FOLD,
        EventType.CHECK,
        EventType.CALL,
        EventType.BET,
        EventType.ALL_IN,
        EventType.BOARD_CARD,
    }


def test_player_master_key_merges_case_but_not_different_long_names() -> None:
    assert player_key("asd", "asd") == player_key("ASD", " ASD ")
    garcias = {
        (player.name, player.long_name, player.player_key)
        for session in table_sessions()
        for player in session.players
        if player.name == "Garcia"
    }
    assert {long_name for _, long_name, _ in garcias} == {"Sergio Garcia", "Pedro Garcia"}
    assert len({key for _, _, key in garcias}) == 2


def test_player_masters_deduplicate_a_session() -> None:
    path = data_file("table-GG/1018/PGFX_live_data_export GameID=638963849867159576.json")
    raw = raw_json(path)
    names = {(p["Name"].lower(), p["LongName"].lower()) for h in raw["Hands"] for p in h["Players"]}
    session = json_session(path)
    assert len(session.players) == len(names)
    dealt = Counter(
        player_key(p["Name"], p["LongName"])
        for h in raw["Hands"]
        for p in h["Players"]
        if p["StartStackAmt"] > 0 and not p["SittingOut"]
    )
    assert {m.player_key: m.hands_played for m in session.players if m.hands_played} == dict(dealt)
