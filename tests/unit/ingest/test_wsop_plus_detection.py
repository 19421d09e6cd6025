from pathlib import Path, PurePath

import pytest

from wsop_hub.ingest.wsop_plus import FileType, WsopFormat, WsopFormatError, detect_format

DATA = Path(__file__).parents[2] / "data" / "wsop_plus"

CHIP_COUNTS_HEADER = b"event_id,player_name,chip_count,recorded_at\n"
STANDINGS_HEADER = b"event_id,snapshot_at,rank,player_name,chip_count\n"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("tournament_data.csv", WsopFormat.TOURNAMENT_DATA_CSV),
        ("player_chips.csv", WsopFormat.PLAYER_CHIPS_CSV),
        ("blind_structure.csv", WsopFormat.BLIND_STRUCTURE_CSV),
        ("payout_structure.csv", WsopFormat.PAYOUT_STRUCTURE_CSV),
        ("broadcast_schedule.csv", WsopFormat.BROADCAST_SCHEDULE_CSV),
        ("standings_snapshot_sample.json", WsopFormat.STANDINGS_JSON),
        ("chipcount_sheet_pokercaster.csv", WsopFormat.CHIPCOUNT_SHEET_CSV),
        ("leaderboard_sheet_day3_top5.csv", WsopFormat.LEADERBOARD_SHEET_CSV),
        ("Events.json", WsopFormat.EVENTS_JSON),
        ("Players.json", WsopFormat.PLAYERS_JSON),
        ("ChipCounts.csv", WsopFormat.CHIP_COUNTS_CSV),
        ("Standings.csv", WsopFormat.STANDINGS_CSV),
    ],
)
def test_samples_are_recognised_by_content_alone(name: str, expected: WsopFormat) -> None:
    head = (DATA / name).read_bytes()[:4096]
    suffix = PurePath(name).suffix
    assert detect_format(DATA / name, head) is expected
    # Renamed to something meaningless, the content still decides.
    assert detect_format(f"export-0042{suffix}", head) is expected


def test_content_wins_over_a_misleading_name() -> None:
    assert detect_format("Standings.csv", CHIP_COUNTS_HEADER) is WsopFormat.CHIP_COUNTS_CSV
    assert detect_format("ChipCounts.csv", STANDINGS_HEADER) is WsopFormat.STANDINGS_CSV


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ChipCounts_2025-10-19_2350.csv", WsopFormat.CHIP_COUNTS_CSV),
        ("chip-counts (2).csv", WsopFormat.CHIP_COUNTS_CSV),
        ("STANDINGS.CSV", WsopFormat.STANDINGS_CSV),
        ("standings-day4.json", WsopFormat.STANDINGS_JSON),
        ("events_export.json", WsopFormat.EVENTS_JSON),
        ("Players 2025-10-19.json", WsopFormat.PLAYERS_JSON),
        ("chipcount_sheet.csv", WsopFormat.CHIPCOUNT_SHEET_CSV),
    ],
)
def test_the_name_decides_when_the_content_matches_nothing(name: str, expected: WsopFormat) -> None:
    # A header missing required columns: the name picks the format so the parser can say
    # which columns are missing.
    assert detect_format(name, b"something\n1\n") is expected


def test_a_chipcount_sheet_header_is_not_mistaken_for_a_leaderboard() -> None:
    sheet = b"Rank,PlayerName,Nationality,Chipcount,TableNo,SeatNo\n"
    leaderboard = b"Rank,PlayerName,Nationality,Chipcount,BB\n"
    assert detect_format("x.csv", sheet) is WsopFormat.CHIPCOUNT_SHEET_CSV
    assert detect_format("x.csv", leaderboard) is WsopFormat.LEADERBOARD_SHEET_CSV


def test_json_envelopes_and_record_keys_identify_the_format() -> None:
    assert detect_format("a.json", b'{"exported_at": "x", "events": [') is WsopFormat.EVENTS_JSON
    assert detect_format("a.json", b'{"players": [{"wsop') is WsopFormat.PLAYERS_JSON
    assert detect_format("a.json", b'[{"wsop_player_id": "1", "name"') is WsopFormat.PLAYERS_JSON
    assert detect_format("a.json", b'[{"rank": 1, "chip_count": 5') is WsopFormat.STANDINGS_JSON
    assert detect_format("a.json", b'[{"event_id": "x", "event_name"') is WsopFormat.EVENTS_JSON


def test_family_comes_from_content_when_the_extension_says_nothing() -> None:
    assert detect_format("export", b'  [{"event_name": 1}]') is WsopFormat.EVENTS_JSON
    assert detect_format("export.txt", CHIP_COUNTS_HEADER) is WsopFormat.CHIP_COUNTS_CSV


def test_a_multibyte_character_cut_by_the_head_sample_is_fine() -> None:
    head = CHIP_COUNTS_HEADER + "WSOP,Mehmet Dalkılıç".encode()
    cut = head[: head.index("ı".encode()) + 1]
    assert detect_format("ChipCounts.csv", cut) is WsopFormat.CHIP_COUNTS_CSV


@pytest.mark.parametrize(
    ("name", "head", "message"),
    [
        ("ChipCounts.csv", b"", "the file is empty"),
        ("notes.csv", b"a,b,c\n", "unknown CSV format"),
        ("notes.json", b'{"a": 1}', "unknown JSON format"),
        ("ChipCounts.csv", b"\xff\xfeW\x00S\x00", "not UTF-8"),
    ],
)
def test_undetectable_input_raises_the_format_error(name: str, head: bytes, message: str) -> None:
    with pytest.raises(WsopFormatError, match=message):
        detect_format(name, head)


def test_format_metadata_for_import_logs() -> None:
    assert WsopFormat.CHIP_COUNTS_CSV.file_type is FileType.CSV
    assert WsopFormat.PLAYERS_JSON.file_type is FileType.JSON
    assert WsopFormat.PLAYER_CHIPS_CSV.target == "chip_counts"
    assert WsopFormat.LEADERBOARD_SHEET_CSV.target == "standings"
    assert {fmt.target for fmt in WsopFormat} >= {"events", "players", "chip_counts", "standings"}


def test_a_header_fitting_two_formats_needs_the_name_to_decide() -> None:
    both = b"event_id,player_name,chip_count,recorded_at,snapshot_at,rank\n"
    assert detect_format("Standings.csv", both) is WsopFormat.STANDINGS_CSV
    assert detect_format("ChipCounts.csv", both) is WsopFormat.CHIP_COUNTS_CSV
    with pytest.raises(WsopFormatError, match="ambiguous: the content fits chip_counts_csv"):
        detect_format("export.csv", both)
