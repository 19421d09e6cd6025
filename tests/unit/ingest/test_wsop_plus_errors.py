"""Bad rows are skipped with their line; hopeless files raise WsopFormatError; harmless
formatting differences (BOM, CRLF, padding, blank lines) change nothing."""

import csv
import io
import json
from pathlib import Path

import pytest

from wsop_hub.errors import InvalidInput
from wsop_hub.ingest.wsop_plus import (
    ChipCountRecord,
    RowError,
    WsopFormatError,
    parse_bytes,
    parse_file,
)

DATA = Path(__file__).parents[2] / "data" / "wsop_plus"
BAD = DATA / "bad"


def line_of(path: Path, needle: str) -> int:
    """1-based line of the first line containing ``needle`` (what an editor shows)."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path.name}")


def errors_by_line(errors: tuple[RowError, ...]) -> dict[int, str]:
    return {error.line: error.message for error in errors}


def test_chip_count_bad_rows_are_reported_by_line_and_the_rest_imports() -> None:
    path = BAD / "ChipCounts_bad_rows.csv"
    result = parse_file(path)
    errors = errors_by_line(result.errors)
    assert set(errors) == {3, 4, 5, 6, 7, 10, 11}
    assert "chip_count" in errors[line_of(path, ",lots,")] and "'lots'" in errors[3]
    assert errors[line_of(path, ",100233,,")] == "player_name: value is required"
    assert errors[line_of(path, "-5000")].startswith("chip_count:")
    assert "-5000" in errors[5] and "greater than or equal to 0" in errors[5]
    assert errors[6].startswith("seat_num:") and "11" in errors[6]
    assert "no UTC offset" in errors[line_of(path, "2025-10-19 23:50")]
    assert errors[line_of(path, "Haddad,LB")] == "has 5 fields but the header has 12"
    assert errors[11] == "duplicate of line 2"
    # Good rows, including one imported with a warning and one with grouped thousands.
    names = [r.player_name for r in result.records if isinstance(r, ChipCountRecord)]
    assert names == ["Jon Kyte", "Ipekoglu", "Khordbin"]
    ipekoglu, khordbin = result.records[1], result.records[2]
    assert isinstance(ipekoglu, ChipCountRecord) and isinstance(khordbin, ChipCountRecord)
    assert ipekoglu.country_code is None
    assert [w.line for w in result.warnings] == [line_of(path, "Atlantis")]
    assert "Atlantis" in result.warnings[0].message
    assert khordbin.chip_count == 1_234_000
    # The blank line 9 is neither a row nor an error.
    assert result.rows_total == result.rows_imported + result.rows_failed == 10
    assert result.is_partial


def test_player_chips_bad_rows() -> None:
    result = parse_file(BAD / "player_chips_bad_rows.csv")
    errors = errors_by_line(result.errors)
    assert set(errors) == {3, 4, 5, 6}
    assert errors[3].startswith("is_eliminated:")
    assert errors[4] == "player is eliminated but holds 150000 chips"
    assert errors[5].startswith("tournament_number:")
    assert errors[6].startswith("seat_number:")
    # Line 7 repeats Phil Ivey, whose first row (line 3) was rejected: it is not a duplicate.
    assert [r.player_name for r in result.records if isinstance(r, ChipCountRecord)] == [
        "Daniel Negreanu",
        "Phil Ivey",
    ]


def test_bad_json_items_are_reported_by_the_line_they_start_on() -> None:
    path = BAD / "Events_bad_items.json"
    result = parse_file(path)
    errors = errors_by_line(result.errors)
    assert set(errors) == {
        line_of(path, "WSOP-CYPRUS-2025-12"),
        line_of(path, "WSOP-CYPRUS-2025-13"),
        line_of(path, "WSOP-CYPRUS-2025-14"),
        line_of(path, "WSOP-CYPRUS-2025-15"),
    }
    assert errors[line_of(path, "WSOP-CYPRUS-2025-12")].startswith("buy_in:")
    assert errors[line_of(path, "WSOP-CYPRUS-2025-13")] == "start_date: value is required"
    assert "expected an object" in errors[line_of(path, "WSOP-CYPRUS-2025-14")]
    assert (
        "blind_structure: item 1: small_blind 500 is larger than big_blind 250"
        == (errors[line_of(path, "WSOP-CYPRUS-2025-15")])
    )
    assert [record.model_dump()["event_id"] for record in result.records] == ["WSOP-CYPRUS-2025-ME"]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("ChipCounts_latin1.csv", r"line 2: not UTF-8 text \(byte 0xe9"),
        ("ChipCounts_missing_columns.csv", r"missing required column\(s\) recorded_at"),
        ("Events_truncated.json", r"line \d+: not valid JSON"),
        ("production_notes.csv", r"unknown CSV format \(columns found: date, speaker, topic\)"),
        ("Standings_bad_snapshot_time.json", r"snapshot_at: expected an ISO-8601 timestamp"),
    ],
)
def test_hopeless_files_raise_one_error_naming_the_file(name: str, message: str) -> None:
    with pytest.raises(WsopFormatError, match=message) as caught:
        parse_file(BAD / name)
    assert str(caught.value).startswith(name)
    assert caught.value.file_name == name
    assert isinstance(caught.value, InvalidInput)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("ChipCounts.csv", b"", "the file is empty"),
        ("ChipCounts.csv", b"\xef\xbb\xbf\r\n  \r\n", "the file is empty"),
        ("Events.json", b'{"events": {"event_id": "x"}}', "expected a JSON array of events"),
        ("Events.json", b'"just text"', "expected a JSON array of events"),
        ("Players.json", b"[NaN]", "NaN is not valid JSON"),
        ("Players.json", b"[" * 5000 + b"]" * 5000, "not valid JSON"),
        (
            "ChipCounts.csv",
            b"event_id,player_name,player_name,chip_count,recorded_at\n",
            "duplicate column",
        ),
        ("notes.txt", b"hello, world\n", "unknown CSV format"),
        ("data.json", b'[{"a": 1}]', "unknown JSON format"),
    ],
)
def test_more_hopeless_inputs(name: str, data: bytes, message: str) -> None:
    with pytest.raises(WsopFormatError, match=message):
        parse_bytes(data, name)


def test_a_file_with_only_a_header_is_valid_and_empty() -> None:
    result = parse_bytes(b"event_id,player_name,chip_count,recorded_at\n", "ChipCounts.csv")
    assert result.records == () and result.errors == () and result.rows_total == 0


def test_unknown_columns_and_keys_are_ignored_with_a_warning() -> None:
    csv_result = parse_bytes(
        b"event_id,player_name,chip_count,recorded_at,chip_cout\n"
        b"WSOP-CYPRUS-2025-ME,Jon Kyte,5510000,2025-10-19T23:50:00+03:00,1\n",
        "ChipCounts.csv",
    )
    assert csv_result.rows_imported == 1
    assert csv_result.warnings == (RowError(1, "ignored unknown column(s): chip_cout"),)
    json_result = parse_bytes(
        b'[\n{"wsop_player_id": "1", "name": "Jon Kyte"},\n'
        b'{"wsop_player_id": "2", "name": "Andrei Spataru", "favourite_hand": "AK"}\n]',
        "Players.json",
    )
    assert json_result.rows_imported == 2
    assert json_result.warnings == (RowError(3, "ignored unknown key(s): favourite_hand"),)


def _reformat_csv(data: bytes) -> bytes:
    """The same table with a BOM, CRLF line ends, padded cells and trailing blank lines."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([f"  {cell}\t" if cell else cell for cell in row])
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8") + b"\r\n\r\n   \r\n"


@pytest.mark.parametrize(
    "name",
    sorted(path.name for path in DATA.glob("*.csv")),
)
def test_bom_crlf_padding_and_trailing_blank_lines_change_nothing(name: str) -> None:
    original = (DATA / name).read_bytes()
    plain = parse_bytes(original, name)
    variant = parse_bytes(_reformat_csv(original), name)
    assert variant.format is plain.format
    assert variant.records == plain.records
    assert variant.errors == () and variant.warnings == ()
    assert variant.sha256 != plain.sha256


def test_line_numbers_count_quoted_line_breaks_and_crlf() -> None:
    data = (
        b"date,time_start,time_end,event_title,channel,tournament_number,is_live\r\n"
        b'2025-10-19,18:00,23:00,"Main Event Day 3\r\nFeature Table",WSOP+,1,true\r\n'
        b"2025-10-20,25:00,23:00,Main Event Day 4,WSOP+,1,true\r\n"
    )
    result = parse_bytes(data, "broadcast_schedule.csv")
    assert result.rows_imported == 1
    assert result.errors == (RowError(4, "time_start: '25:00' is not a time of day"),)


def test_pretty_and_minified_json_report_the_same_items() -> None:
    items = json.loads((DATA / "standings_snapshot_sample.json").read_text(encoding="utf-8"))
    items[3]["chip_count"] = -1
    pretty = parse_bytes(json.dumps(items, indent=2).encode(), "standings.json")
    minified = parse_bytes(json.dumps(items).encode(), "standings.json")
    assert pretty.records == minified.records
    assert len(pretty.records) == len(items) - 1
    assert [error.line for error in minified.errors] == [1]
    assert [error.line for error in pretty.errors] == [2 + 3 * 7]  # "[" then 7 lines per item


def test_standings_envelope_values_apply_to_every_entry() -> None:
    data = json.dumps(
        {
            "event_id": "WSOP-CYPRUS-2025-ME",
            "snapshot_at": "2025-10-20T22:10:00+03:00",
            "players_remaining": 16,
            "standings": [
                {"rank": 1, "player_name": "Ipekoglu", "chip_count": 12430000},
                {
                    "rank": 2,
                    "player_name": "Khordbin",
                    "chip_count": 7720000,
                    "players_remaining": 15,
                },
            ],
        }
    ).encode()
    first, second = parse_bytes(data, "Standings.json").records
    assert first.model_dump()["event_id"] == "WSOP-CYPRUS-2025-ME"
    assert first.model_dump()["players_remaining"] == 16
    assert second.model_dump()["players_remaining"] == 15  # an entry's own value wins


def test_missing_file_is_an_os_error_not_a_format_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        parse_file(tmp_path / "ChipCounts.csv")


def test_payout_rows_of_one_tournament_must_not_pay_a_place_twice() -> None:
    data = (
        b"tournament_number,place_start,place_end,amount\n"
        b"1,1,1,12100000\n"
        b"1,2,4,4500000\n"
        b"2,2,4,450000\n"
        b"1,4,6,2500000\n"
        b"1,7,5,1750000\n"
    )
    result = parse_bytes(data, "payout_structure.csv")
    assert result.rows_imported == 3
    assert result.errors == (
        RowError(5, "places 4-6 overlap places 2-4"),
        RowError(6, "place_end 5 is before place_start 7"),
    )


def test_a_blind_level_listed_twice_is_rejected_the_second_time() -> None:
    data = (
        b"tournament_number,level,small_blind,big_blind,duration_minutes\n"
        b"1,1,100,200,60\n"
        b"1,1,200,400,60\n"
        b"2,1,100,200,60\n"
    )
    result = parse_bytes(data, "blind_structure.csv")
    assert result.rows_imported == 2
    assert result.errors == (RowError(3, "duplicate of line 2"),)


def test_events_with_overlapping_nested_payouts_are_rejected() -> None:
    data = json.dumps(
        [
            {
                "event_id": "WSOP-CYPRUS-2025-ME",
                "event_name": "Main Event",
                "start_date": "2025-10-15",
                "buy_in": 5500,
                "payouts": [
                    {"place": 1, "amount": 1500000},
                    {"place_start": 1, "place_end": 2, "amount": 1},
                ],
            }
        ]
    ).encode()
    result = parse_bytes(data, "Events.json")
    assert result.records == ()
    assert result.errors == (RowError(1, "payouts: places 1-2 overlap places 1-1"),)
