"""Small pieces: card notation, time codes, levels, and the JSON parser's error messages."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.unit.ingest.pokergfx_data import data_file
from tests.unit.ingest.pokergfx_factory import action, board, export, hand, parse, player, to_bytes
from wsop_hub.errors import InvalidInput
from wsop_hub.ingest.pokergfx import (
    BlindLadder,
    PokerGfxFormatError,
    game_id_to_datetime,
    parse_card,
    parse_json_bytes,
    to_standard,
)
from wsop_hub.ingest.pokergfx.timecodes import parse_iso_duration, parse_utc_timestamp


@pytest.mark.parametrize(
    ("text", "gfx", "standard"),
    [
        ("10d", "10d", "Td"),
        ("as", "as", "As"),
        ("Td", "10d", "Td"),
        ("QH", "qh", "Qh"),
        ("2c", "2c", "2c"),
    ],
)
def test_cards_are_read_in_either_notation(text: str, gfx: str, standard: str) -> None:
    assert parse_card(text) == gfx
    assert to_standard(text) == standard


@pytest.mark.parametrize("text", ["", "1d", "11d", "10x", "z", "as ", "ahh"])
def test_non_cards_are_refused(text: str) -> None:
    if text == "as ":
        assert parse_card(text) == "as"  # surrounding spaces are not part of a card
        return
    with pytest.raises(ValueError, match="is not a card"):
        parse_card(text)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("PT19.5488032S", 19.548803),
        ("PT1M23.1911258S", 83.191125),
        ("PT35M37.2477537S", 2137.247753),
        ("PT2M3.7197S", 123.7197),  # four fraction digits, as FACTS §1.3 saw once
        ("PT1H2M3S", 3723.0),
        ("P739538DT16H3M20.9005907S", 739538 * 86400 + 16 * 3600 + 3 * 60 + 20.90059),
        ("P739540DT14M9.1S", 739540 * 86400 + 14 * 60 + 9.1),
    ],
)
def test_iso_durations(text: str, seconds: float) -> None:
    assert parse_iso_duration(text).total_seconds() == pytest.approx(seconds, abs=1e-6)


@pytest.mark.parametrize(
    "text", ["", "P", "PT", "PTS", "1M", "PT1.S", "PT-1S", "P1Y", "P999999999DT999999999H"]
)
def test_bad_durations_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_iso_duration(text)


def test_timestamps_keep_microseconds_and_default_to_utc() -> None:
    assert parse_utc_timestamp("2025-10-17T10:10:09.7967686Z") == datetime(
        2025, 10, 17, 10, 10, 9, 796768, tzinfo=UTC
    )
    assert parse_utc_timestamp("2025-10-17T10:10:09") == datetime(
        2025, 10, 17, 10, 10, 9, tzinfo=UTC
    )
    assert parse_utc_timestamp("2025-10-17T13:10:09+03:00").hour == 10
    for bad in ("2025", "9999-12-31T23:59:59Z", "yesterday"):
        with pytest.raises(ValueError):
            parse_utc_timestamp(bad)


def test_game_id_ticks() -> None:
    assert game_id_to_datetime(638962926097967686) == datetime(
        2025, 10, 17, 10, 10, 9, 796768, tzinfo=UTC
    )
    with pytest.raises(ValueError):
        game_id_to_datetime(2**63 - 1)


def test_a_ladder_from_numbered_levels_skips_breaks() -> None:
    ladder = BlindLadder(((1, 100, 200), (2, 200, 400), (3, 300, 600)))
    assert [ladder.level_of(200, 400), ladder.level_of(300, 600), ladder.level_of(1, 2)] == [
        2,
        3,
        None,
    ]
    assert BlindLadder.numbered([(100, 200), (200, 400)], first_level=5).level_of(200, 400) == 6


SAMPLE = json.loads(data_file("samples/gfx_sample_3_allin_showdown_hand.json").read_bytes())


def _mutated(path: tuple[Any, ...], value: Any) -> bytes:
    document = copy.deepcopy(SAMPLE)
    node = document
    for part in path[:-1]:
        node = node[part]
    if value is _DELETE:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return to_bytes(document)


_DELETE = object()


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (
            ("Hands", 0, "Players", 1, "HoleCards"),
            ["7h 5x"],
            r"hand #0 \(HandNum 5\), player #1 \(PlayerNum 3\): field HoleCards: '5x' is not a card",
        ),
        (
            ("Hands", 0, "Players", 1, "HoleCards"),
            ["7h 5s 2c"],
            r"player #1 \(seat 3\): field HoleCards: hold'em needs 2 hole cards, got 3",
        ),
        (
            ("Hands", 0, "Players", 0, "StartStackAmt"),
            -5,
            r"player #0 \(PlayerNum 2\): field StartStackAmt: Input should be greater than or equal to 0",
        ),
        (
            ("Hands", 0, "Players", 0, "StartStackAmt"),
            "59000",
            r"field StartStackAmt: Input should be a valid integer",
        ),
        (
            ("Hands", 0, "Players", 0, "Name"),
            _DELETE,
            r"player #0 \(PlayerNum 2\): field Name: Field required",
        ),
        (
            ("Hands", 0, "Players", 1, "PlayerNum"),
            2,
            r"hand #0 \(HandNum 5\), player #1: field PlayerNum: seat 2 is listed twice",
        ),
        (
            ("Hands", 0, "Players", 1, "PlayerNum"),
            11,
            r"field PlayerNum: Input should be less than or equal to 10",
        ),
        (
            ("Hands", 0, "Events", 2, "EventType"),
            "MUCK",
            r"event #2 \(EventType 'MUCK'\): field EventType: unknown event type 'MUCK'",
        ),
        (
            ("Hands", 0, "Events", 6, "PlayerNum"),
            10,
            r"event #6 \(BET\): field PlayerNum: seat 10 acts but has no player",
        ),
        (
            ("Hands", 0, "Events", 6, "PlayerNum"),
            0,
            r"event #6 \(BET\): field PlayerNum: an action names no seat",
        ),
        (
            ("Hands", 0, "Events", 8, "BoardCards"),
            None,
            r"event #8 \(BOARD_CARD\): field BoardCards: a board card event has no card",
        ),
        (
            ("Hands", 0, "Duration"),
            "3 minutes",
            r"hand #0 \(HandNum 5\): field Duration: '3 minutes' is not an ISO-8601 duration",
        ),
        (
            ("Hands", 0, "StartDateTimeUTC"),
            "2025",
            r"field StartDateTimeUTC: '2025' is not an ISO-8601 timestamp",
        ),
        (("Hands", 0, "GameVariant"), "OMAHA", r"field GameVariant: Input should be 'HOLDEM'"),
        (
            ("Hands", 0, "FlopDrawBlinds", "AnteType"),
            "WEIRD",
            r"field FlopDrawBlinds.AnteType: unknown ante type 'WEIRD'",
        ),
        (
            ("Hands", 0, "HandNum"),
            2**40,
            r"hand #0 \(HandNum 1099511627776\): field HandNum: Input should be less than",
        ),
        (("Hands",), {}, r"field Hands: Input should be a valid (list|array)"),
        (("ID",), 1.5, r"field ID: Input should be a valid integer"),
    ],
)
def test_bad_json_says_which_hand_player_event_and_field(
    path: tuple[Any, ...], value: Any, message: str
) -> None:
    with pytest.raises(PokerGfxFormatError, match=r"^bad\.json: .*" + message) as caught:
        parse_json_bytes(_mutated(path, value), source_name="bad.json")
    assert isinstance(caught.value, InvalidInput)
    assert caught.value.source_name == "bad.json"


def test_more_than_five_board_cards_is_refused() -> None:
    document = export(
        [
            hand(
                [player(2, 100, 100), player(3, 100, 100)],
                board("2c", "3c", "4c", "5c", "6c", "7c"),
            )
        ]
    )
    with pytest.raises(
        PokerGfxFormatError, match=r"event #5 \(BOARD_CARD\): field BoardCards: more than 5"
    ):
        parse(document)


def test_truncated_or_binary_input_is_a_format_error() -> None:
    raw = data_file("samples/gfx_sample_1.json").read_bytes()
    with pytest.raises(
        PokerGfxFormatError, match=r"^cut\.json: is not valid JSON: .*line 1 column"
    ):
        parse_json_bytes(raw[:500], source_name="cut.json")
    with pytest.raises(PokerGfxFormatError, match="is not UTF-8 text"):
        parse_json_bytes(b"\xff" + raw, source_name="bin.json")
    with pytest.raises(PokerGfxFormatError, match="Input should be an object"):
        parse_json_bytes(b"[1, 2]", source_name="list.json")


def test_the_game_id_falls_back_to_the_file_name() -> None:
    document = export([hand([player(2, 100, 100), player(3, 100, 100)], [action("FOLD", 2)])])
    del document["ID"]
    named = parse_json_bytes(
        to_bytes(document), source_name="x/PGFX_live_data_export GameID=638962926097967686.json"
    )
    assert named.game_id == 638962926097967686
    with pytest.raises(PokerGfxFormatError, match=r"field ID: has no session id"):
        parse_json_bytes(to_bytes(document), source_name="export.json")


def test_unknown_keys_and_a_byte_order_mark_are_tolerated() -> None:
    document = copy.deepcopy(SAMPLE)
    document["NewRootKey"] = {"anything": 1}
    document["Hands"][0]["Players"][0]["Country"] = "CY"
    session = parse_json_bytes(b"\xef\xbb\xbf" + to_bytes(document), source_name="x.json")
    assert session.hands[0].final_pot == 99000
    assert session.raw_json is not None and "NewRootKey" in session.raw_json


def test_pc_clock_offset_of_a_constructed_hand() -> None:
    session = parse(export([hand([player(2, 100, 100), player(3, 100, 100)], [action("FOLD", 2)])]))
    recorded = session.hands[0].recording_offset
    assert recorded == timedelta(days=739541, hours=15, seconds=0.5)


def test_the_format_error_survives_a_trip_through_a_process_pool() -> None:
    """The ingest service parses in worker processes: the error must pickle."""
    import pickle

    from wsop_hub.ingest.pokergfx import PokerGfxFormatError

    error = PokerGfxFormatError("x.json", "is not valid JSON", where="hand #0", field="HandNum")
    copy = pickle.loads(pickle.dumps(error))
    assert isinstance(copy, PokerGfxFormatError) and str(copy) == str(error)
    assert (copy.source_name, copy.problem, copy.where, copy.field) == (
        "x.json",
        "is not valid JSON",
        "hand #0",
        "HandNum",
    )
