from datetime import datetime

from wsop_hub.ingest.wsop_plus import StandingEntry, build_snapshots, infer_event_type
from wsop_hub.ingest.wsop_plus.vocabulary import EventType

AT = datetime.fromisoformat("2025-10-19T23:50:00+03:00")
LATER = datetime.fromisoformat("2025-10-20T22:10:00+03:00")


def entry(rank: int, name: str, chips: int, at: datetime = AT, **extra: object) -> StandingEntry:
    return StandingEntry(
        event_id="WSOP-CYPRUS-2025-ME",
        snapshot_at=at,
        rank=rank,
        player_name=name,
        chip_count=chips,
        **extra,  # type: ignore[arg-type]
    )


def test_snapshots_are_grouped_by_time_and_ordered_by_rank() -> None:
    entries = [
        entry(2, "Andrei Spataru", 4_905_000),
        entry(1, "Ipekoglu", 12_430_000, at=LATER),
        entry(1, "Jon Kyte", 5_510_000),
        entry(3, "Daniel Rezaei", 4_700_000),
    ]
    day3, day4 = build_snapshots(entries)
    assert day3.snapshot_at == AT and day4.snapshot_at == LATER
    assert [e.player_name for e in day3.entries] == ["Jon Kyte", "Andrei Spataru", "Daniel Rezaei"]
    assert day3.players_remaining == 3
    assert day3.total_chips == 15_115_000
    assert day3.avg_stack == 5_038_333
    assert day3.median_stack == 4_905_000
    assert day3.chip_leader.player_name == "Jon Kyte"
    assert len(day4.entries) == 1


def test_stated_field_size_beats_the_number_of_lines() -> None:
    (snapshot,) = build_snapshots(
        [entry(1, "Jon Kyte", 5_510_000, players_remaining=24, day_number=3, level_number=24)]
    )
    assert snapshot.players_remaining == 24
    assert (snapshot.day_number, snapshot.level_number) == (3, 24)


def test_no_entries_no_snapshots() -> None:
    assert build_snapshots([]) == []


def test_event_type_inference_from_names() -> None:
    assert infer_event_type("WSOP Main Event") is EventType.MAIN_EVENT
    assert infer_event_type("Event #12: $5,000 MEGA MYSTERY BOUNTY RAFFLE") is (
        EventType.MYSTERY_BOUNTY
    )
    assert infer_event_type("Main Event Mega Satellite") is EventType.SATELLITE
    assert infer_event_type("$25,000 High-Roller") is EventType.HIGH_ROLLER
    assert infer_event_type("$1500 NLHE") is EventType.OTHER
