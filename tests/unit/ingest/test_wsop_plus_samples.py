"""Every sample file parses completely, with values checked against the file itself."""

import csv
import hashlib
import json
from datetime import date, datetime, time
from pathlib import Path

import pytest

from wsop_hub.ingest.wsop_plus import (
    BroadcastSlot,
    ChipCountRecord,
    EventRecord,
    EventStatus,
    EventType,
    PlayerRecord,
    PlayerStatus,
    StandingEntry,
    TournamentBlindLevel,
    TournamentPayout,
    WsopFormat,
    build_snapshots,
    parse_file,
)

DATA = Path(__file__).parents[2] / "data" / "wsop_plus"

SAMPLES = {
    "tournament_data.csv": WsopFormat.TOURNAMENT_DATA_CSV,
    "player_chips.csv": WsopFormat.PLAYER_CHIPS_CSV,
    "blind_structure.csv": WsopFormat.BLIND_STRUCTURE_CSV,
    "payout_structure.csv": WsopFormat.PAYOUT_STRUCTURE_CSV,
    "broadcast_schedule.csv": WsopFormat.BROADCAST_SCHEDULE_CSV,
    "standings_snapshot_sample.json": WsopFormat.STANDINGS_JSON,
    "chipcount_sheet_pokercaster.csv": WsopFormat.CHIPCOUNT_SHEET_CSV,
    "leaderboard_sheet_day3_top5.csv": WsopFormat.LEADERBOARD_SHEET_CSV,
    "Events.json": WsopFormat.EVENTS_JSON,
    "Players.json": WsopFormat.PLAYERS_JSON,
    "ChipCounts.csv": WsopFormat.CHIP_COUNTS_CSV,
    "Standings.csv": WsopFormat.STANDINGS_CSV,
}


def csv_dicts(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(newline="", encoding="utf-8-sig") as handle:
        return [row for row in csv.DictReader(handle) if any(value for value in row.values())]


def json_items(name: str, key: str) -> list[dict[str, object]]:
    document = json.loads((DATA / name).read_text(encoding="utf-8"))
    items = document if isinstance(document, list) else document[key]
    assert isinstance(items, list)
    return items


def expected_rows(name: str) -> int:
    if name.endswith(".json"):
        key = {"Events.json": "events", "Players.json": "players"}.get(name, "standings")
        return len(json_items(name, key))
    return len(csv_dicts(name))


def test_every_sample_file_is_covered() -> None:
    on_disk = {path.name for path in DATA.iterdir() if path.is_file()}
    assert on_disk == set(SAMPLES)


@pytest.mark.parametrize(("name", "wsop_format"), SAMPLES.items())
def test_sample_parses_every_row_without_errors(name: str, wsop_format: WsopFormat) -> None:
    result = parse_file(DATA / name)
    rows = expected_rows(name)
    assert rows > 0
    assert result.format is wsop_format
    assert result.errors == ()
    assert result.warnings == ()
    assert result.rows_total == result.rows_imported == len(result.records) == rows
    data = (DATA / name).read_bytes()
    assert result.sha256 == hashlib.sha256(data).hexdigest()
    assert result.size_bytes == len(data)
    assert not result.is_partial


def test_tournament_data_money_is_dollars_turned_into_cents() -> None:
    rows = csv_dicts("tournament_data.csv")
    events = parse_file(DATA / "tournament_data.csv").records
    assert all(isinstance(event, EventRecord) for event in events)
    for row, event in zip(rows, events, strict=True):
        assert isinstance(event, EventRecord)
        assert event.event_id == row["tournament_number"]
        assert event.event_name == row["name"]
        assert event.buy_in_cents == int(row["buy_in"]) * 100
        assert event.total_entries == int(row["registered_players"])
        assert event.players_remaining == int(row["remaining_players"])
        # The prize pool is entries × buy-in in the same unit: the file is in dollars.
        assert event.prize_pool_cents == event.total_entries * event.buy_in_cents
    main = events[0]
    assert isinstance(main, EventRecord)
    assert main.buy_in_cents == 1_000_000
    assert main.rake_cents == 93_000
    assert main.event_type is EventType.MAIN_EVENT
    assert main.status is EventStatus.RUNNING
    assert main.current_level == 32
    assert main.start_date is None


def test_player_chips_eliminated_player_has_no_seat() -> None:
    records = parse_file(DATA / "player_chips.csv").records
    by_name = {
        record.player_name: record for record in records if isinstance(record, ChipCountRecord)
    }
    assert set(by_name) == {row["player_name"] for row in csv_dicts("player_chips.csv")}
    ivey = by_name["Phil Ivey"]
    assert (ivey.event_id, ivey.chip_count, ivey.table_num, ivey.seat_num, ivey.rank) == (
        "1",
        8_750_000,
        15,
        7,
        3,
    )
    assert ivey.is_eliminated is False
    hellmuth = by_name["Phil Hellmuth"]
    assert hellmuth.is_eliminated is True
    assert (hellmuth.chip_count, hellmuth.table_num, hellmuth.seat_num) == (0, None, None)
    assert ivey.recorded_at is None


def test_blind_structure_has_a_break_level() -> None:
    levels = parse_file(DATA / "blind_structure.csv").records
    assert all(isinstance(level, TournamentBlindLevel) for level in levels)
    last = levels[-1]
    assert isinstance(last, TournamentBlindLevel)
    assert (last.level, last.is_break, last.break_name, last.duration_minutes) == (
        4,
        True,
        "Color Up",
        15,
    )
    third = levels[2]
    assert isinstance(third, TournamentBlindLevel)
    assert (third.small_blind, third.big_blind, third.ante, third.bb_ante) == (300, 600, 600, 600)


def test_payout_ranges_and_amounts() -> None:
    rows = csv_dicts("payout_structure.csv")
    payouts = parse_file(DATA / "payout_structure.csv").records
    assert [p.amount_cents for p in payouts if isinstance(p, TournamentPayout)] == [
        int(row["amount"]) * 100 for row in rows
    ]
    five_six = payouts[4]
    assert isinstance(five_six, TournamentPayout)
    assert (five_six.place_start, five_six.place_end, five_six.places) == (5, 6, 2)
    assert five_six.percentage == pytest.approx(2.92)
    winner = payouts[0]
    assert isinstance(winner, TournamentPayout)
    assert winner.is_bracelet and not five_six.is_bracelet


def test_broadcast_schedule_slot_past_midnight_ends_next_day() -> None:
    slots = parse_file(DATA / "broadcast_schedule.csv").records
    late = slots[1]
    assert isinstance(late, BroadcastSlot)
    assert late.event_title == "Main Event Day 3 - Late Night"
    assert late.ends_next_day
    assert late.starts_at == datetime(2026, 7, 15, 20, 0)
    assert late.ends_at == datetime(2026, 7, 16, 2, 0)
    replay = slots[2]
    assert isinstance(replay, BroadcastSlot)
    assert (replay.channel, replay.is_live, replay.ends_next_day) == ("YouTube", False, False)
    assert replay.date == date(2026, 7, 16)
    assert replay.time_start == time(14, 0)


def test_standings_json_sample_values() -> None:
    items = json_items("standings_snapshot_sample.json", "standings")
    entries = parse_file(DATA / "standings_snapshot_sample.json").records
    for item, entry in zip(items, entries, strict=True):
        assert isinstance(entry, StandingEntry)
        assert (entry.rank, entry.player_name, entry.chip_count, entry.country_code) == (
            item["rank"],
            item["player_name"],
            item["chip_count"],
            item["country_code"],
        )
        assert entry.stack_in_bbs == item["stack_in_bbs"]
        assert entry.snapshot_at is None and entry.event_id is None


def test_leaderboard_sheet_reads_thousands_separators() -> None:
    rows = csv_dicts("leaderboard_sheet_day3_top5.csv")
    assert rows[0]["Chipcount"] == "5,510,000"
    entries = parse_file(DATA / "leaderboard_sheet_day3_top5.csv").records
    assert [e.chip_count for e in entries if isinstance(e, StandingEntry)] == [
        int(row["Chipcount"].replace(",", "")) for row in rows
    ]
    first = entries[0]
    assert isinstance(first, StandingEntry)
    assert (first.player_name, first.country_code, first.stack_in_bbs) == ("Jon Kyte", "NO", 69)


def test_pokercaster_chipcount_sheet() -> None:
    (record,) = parse_file(DATA / "chipcount_sheet_pokercaster.csv").records
    assert isinstance(record, ChipCountRecord)
    assert record.player_name == "Vadzim Lipauka"
    assert record.country_code == "BY"
    assert record.chip_count == 2_145_000
    assert (record.table_num, record.seat_num, record.table_name) == (101, 1, "Feature Table")
    assert record.pokercaster_player_id == "12345"
    assert record.rank == 1
    assert record.stack_in_bbs == 53


def test_events_json_main_event_and_inferred_type() -> None:
    items = json_items("Events.json", "events")
    main, mystery = parse_file(DATA / "Events.json").records
    assert isinstance(main, EventRecord) and isinstance(mystery, EventRecord)
    assert main.event_id == items[0]["event_id"] == "WSOP-CYPRUS-2025-ME"
    assert main.buy_in_cents == 550_000
    assert main.prize_pool_cents == 1_500_000_000  # "15,000,000" dollars
    assert (main.start_date, main.end_date) == (date(2025, 10, 15), date(2025, 10, 21))
    assert main.timezone == "Asia/Nicosia"
    assert main.tags == ("main-event", "feature-table")
    assert len(main.blind_structure) == len(items[0]["blind_structure"])  # type: ignore[arg-type]
    assert [level.is_break for level in main.blind_structure].count(True) == 1
    assert [(p.place_start, p.place_end) for p in main.payouts] == [
        (1, 1),
        (2, 2),
        (3, 3),
        (4, 4),
        (5, 6),
        (7, 9),
    ]
    assert mystery.event_type is EventType.MYSTERY_BOUNTY  # inferred from the name
    assert mystery.status is EventStatus.UPCOMING  # "scheduled"
    assert mystery.buy_in_cents == 500_000


def test_players_json_countries_entries_and_name_keys() -> None:
    players = {
        p.wsop_player_id: p
        for p in parse_file(DATA / "Players.json").records
        if isinstance(p, PlayerRecord)
    }
    assert len(players) == len(json_items("Players.json", "players"))
    assert players["100233"].country_code == "AT"  # "at"
    assert players["100234"].country_code == "TR"  # from country_name "Türkiye"
    assert players["100235"].country_code == "CY"  # "Cyprus" written in country_code
    assert players["100240"].country_code == "TR"  # ISO-3 "TUR"
    assert players["100241"].country_code == "LB"  # country_name "Lebanon"
    assert players["100242"].country_code is None
    kyte = players["100231"]
    assert kyte.lifetime_earnings_cents == 183_000_000
    (entry,) = kyte.entries
    assert (entry.event_id, entry.wsop_player_id, entry.status) == (
        "WSOP-CYPRUS-2025-ME",
        "100231",
        PlayerStatus.ACTIVE,
    )
    assert (entry.table_num, entry.seat_num, entry.current_chips) == (1, 4, 5_510_000)
    (busted,) = players["100242"].entries
    assert busted.status is PlayerStatus.ELIMINATED
    assert busted.prize_won_cents == 2_435_000
    assert busted.eliminated_by_player_id == "100231"
    # WSOP+ spells the name with Turkish letters, the chip counts without: one key.
    chip_names = {
        r.name_key
        for r in parse_file(DATA / "ChipCounts.csv").records
        if isinstance(r, ChipCountRecord)
    }
    assert players["100234"].name == "Mehmet Dalkılıç"
    assert players["100234"].name_key in chip_names


def test_chip_counts_csv_two_counts_per_player() -> None:
    rows = csv_dicts("ChipCounts.csv")
    records = [
        r for r in parse_file(DATA / "ChipCounts.csv").records if isinstance(r, ChipCountRecord)
    ]
    assert (
        len({record.recorded_at for record in records})
        == len({row["recorded_at"] for row in rows})
        == 2
    )
    for row, record in zip(rows, records, strict=True):
        assert record.chip_count == int(row["chip_count"])
        assert record.recorded_at == datetime.fromisoformat(row["recorded_at"])
        assert record.big_blind == int(row["big_blind"])
        assert record.stack_in_bbs == pytest.approx(
            int(row["chip_count"]) / int(row["big_blind"]), abs=0.01
        )
    assert all(record.recorded_at and record.recorded_at.utcoffset() for record in records)


def test_standings_csv_builds_two_snapshots() -> None:
    entries = [
        e for e in parse_file(DATA / "Standings.csv").records if isinstance(e, StandingEntry)
    ]
    day3, day4 = build_snapshots(entries)
    assert day3.players_remaining == 24  # stated: the file lists only the top 5
    assert len(day3.entries) == 5
    assert day3.chip_leader.player_name == "Jon Kyte"
    sample = json_items("standings_snapshot_sample.json", "standings")
    stacks = sorted(int(item["chip_count"]) for item in sample)  # type: ignore[call-overload]
    assert day4.players_remaining == len(sample) == 16
    assert day4.total_chips == sum(stacks)
    assert day4.avg_stack == sum(stacks) // len(stacks)
    assert day4.median_stack == (stacks[7] + stacks[8]) // 2
    assert day4.chip_leader.player_name == "Ipekoglu"
    assert [entry.rank for entry in day4.entries] == list(range(1, 17))
    assert (day4.day_number, day4.level_number) == (4, 29)
    assert day4.snapshot_at == datetime.fromisoformat("2025-10-20T22:10:00+03:00")
