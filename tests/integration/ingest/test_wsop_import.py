"""WSOP+ imports against a real PostgreSQL, on the sample files shipped in tests/data."""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import asgi_client
from tests.integration.ingest.conftest import WSOP, gfx_json_files, hand_numbers, rows, scalar
from wsop_hub.ingest.imports import ERRORS_SHOWN
from wsop_hub.ingest.service import IngestService, Outcome
from wsop_hub.settings import Settings


def _csv_rows(path: Path) -> int:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return sum(1 for _ in csv.DictReader(f))


async def test_the_01_data_flow_exports_import_into_every_table(
    engine: AsyncEngine, service: IngestService
) -> None:
    for name in ("Events.json", "Players.json", "ChipCounts.csv", "Standings.csv"):
        result = await service.ingest(WSOP / name)
        assert result.outcome == Outcome.IMPORTED, (name, result.error)
        assert result.rows_failed == 0, (name, result.error)
    chip_rows = _csv_rows(WSOP / "ChipCounts.csv")
    assert await scalar(engine, "SELECT count(*) FROM wsop_chip_counts") == chip_rows
    assert await scalar(engine, "SELECT count(*) FROM wsop_standings") == _csv_rows(
        WSOP / "Standings.csv"
    )
    event = (
        await rows(
            engine,
            "SELECT name, buy_in_cents, status FROM wsop_events"
            " WHERE event_code = 'WSOP-CYPRUS-2025-ME'",
        )
    )[0]
    assert event.buy_in_cents == 5500 * 100 and event.status == "running"
    # tournaments (SPEC §2) follows the events and the latest standings.
    [tournament] = await rows(
        engine,
        "SELECT name, standings, remaining_players FROM tournaments"
        " WHERE event_code = 'WSOP-CYPRUS-2025-ME'",
    )
    assert tournament.name == event.name and tournament.standings[0]["rank"] == 1
    # Every WSOP+ player is a person of the unified players model.
    assert await scalar(engine, "SELECT count(*) FROM wsop_players WHERE player_id IS NULL") == 0
    # Chip counts and standings that changed something produce their graphics, once.
    triggers = dict(
        await rows(engine, "SELECT trigger_type, count(*) FROM render_instructions GROUP BY 1")
    )
    assert triggers == {"chip_count": 1, "leaderboard": 1}
    [(layer_data,)] = await rows(
        engine, "SELECT layer_data FROM render_instructions WHERE trigger_type = 'leaderboard'"
    )
    assert len(layer_data["slots"]) == 9 and layer_data["slots"][0]["fields"]["rank"] == "1"
    with (WSOP / "Standings.csv").open(encoding="utf-8") as f:
        lines = list(csv.DictReader(f))
    latest = max(line["snapshot_at"] for line in lines)
    [leader] = [r for r in lines if r["snapshot_at"] == latest and r["rank"] == "1"]
    assert layer_data["slots"][0]["fields"]["name"] == leader["player_name"].upper()
    events = await scalar(engine, "SELECT count(*) FROM event_log WHERE type = 'import_completed'")
    assert events == 4


async def test_the_same_file_twice_is_logged_as_a_duplicate_and_writes_nothing(
    engine: AsyncEngine, service: IngestService
) -> None:
    await service.ingest(WSOP / "Events.json")
    await service.ingest(WSOP / "ChipCounts.csv")
    before = await scalar(engine, "SELECT count(*) FROM wsop_chip_counts")
    again = await service.ingest(WSOP / "ChipCounts.csv")
    assert again.outcome == Outcome.DUPLICATE
    assert await scalar(engine, "SELECT count(*) FROM wsop_chip_counts") == before
    statuses = await rows(engine, "SELECT status FROM wsop_import_logs ORDER BY id")
    assert [s[0] for s in statuses] == ["imported", "imported", "duplicate"]
    assert await scalar(engine, "SELECT count(*) FROM render_instructions") == 1


async def test_rows_with_errors_are_reported_by_line_and_the_rest_imports(
    engine: AsyncEngine, service: IngestService
) -> None:
    bad = WSOP / "bad" / "ChipCounts_bad_rows.csv"
    result = await service.ingest(bad)
    assert result.outcome == Outcome.IMPORTED and result.rows_failed > 0
    [log] = await rows(
        engine, "SELECT status, rows_imported, rows_failed, errors FROM wsop_import_logs"
    )
    assert log.status == "partial"
    assert log.rows_imported + log.rows_failed == _csv_rows(bad)
    lines = {e["line"] for e in log.errors if e["kind"] == "error"}
    assert 3 in lines and all(line >= 2 for line in lines)
    assert await scalar(engine, "SELECT count(*) FROM wsop_chip_counts") == log.rows_imported


async def test_the_tournament_management_csvs_fill_events_levels_payouts_and_schedule(
    engine: AsyncEngine, service: IngestService
) -> None:
    for name in (
        "tournament_data.csv",
        "blind_structure.csv",
        "payout_structure.csv",
        "broadcast_schedule.csv",
        "player_chips.csv",
    ):
        result = await service.ingest(WSOP / name)
        assert result.outcome == Outcome.IMPORTED, (name, result.error)
    assert await scalar(engine, "SELECT count(*) FROM wsop_events") == _csv_rows(
        WSOP / "tournament_data.csv"
    )
    assert await scalar(engine, "SELECT count(*) FROM wsop_blind_levels WHERE is_break") == 1
    [payout] = await rows(
        engine, "SELECT prize_cents FROM wsop_payouts WHERE place_from = 1 ORDER BY event_id"
    )
    assert payout.prize_cents == 12_100_000 * 100  # dollars in the file, cents stored
    assert await scalar(engine, "SELECT count(*) FROM broadcast_schedule") == 3
    [tournament] = await rows(
        engine, "SELECT payouts, entries FROM tournaments WHERE event_code = '1'"
    )
    assert tournament.entries == 8569 and tournament.payouts[0]["place_from"] == 1
    eliminated = await scalar(
        engine, "SELECT count(*) FROM wsop_event_players WHERE status = 'eliminated'"
    )
    assert eliminated == 1


async def test_files_that_name_no_event_use_the_configured_current_event(
    engine: AsyncEngine, settings: Settings
) -> None:
    without = IngestService(engine, settings)
    result = await without.ingest(WSOP / "standings_snapshot_sample.json")
    assert result.rows_failed and "no current event" in (result.error or "")
    assert await scalar(engine, "SELECT count(*) FROM wsop_standings") == 0
    configured = IngestService(
        engine, settings.model_copy(update={"hub_wsop_event": "WSOP-CYPRUS-2025-ME"})
    )
    copy = WSOP / "standings_snapshot_sample.json"
    # Nothing of it was imported (status failed): the same bytes may be imported again.
    result = await configured.ingest(copy)
    assert result.outcome == Outcome.IMPORTED and result.rows_failed == 0
    assert await scalar(engine, "SELECT count(*) FROM wsop_standings") > 0


async def test_the_imports_api_lists_each_sources_files_newest_first_with_rejected_lines(
    engine: AsyncEngine, service: IngestService, settings: Settings
) -> None:
    await service.ingest(WSOP / "Events.json")
    bad = WSOP / "bad" / "ChipCounts_bad_rows.csv"
    await service.ingest(bad)
    await service.ingest(bad)  # the same bytes again: logged as a duplicate
    json_exports = gfx_json_files()[:2]
    for path in json_exports:
        await service.ingest(path)
    [log] = await rows(
        engine, "SELECT rows_failed, errors FROM wsop_import_logs WHERE status = 'partial'"
    )
    async with asgi_client(settings) as api:
        wsop = (await api.get("/api/v1/sync/wsop_plus/imports", params={"limit": 2})).json()
        assert [(i["file_name"], i["status"]) for i in wsop["items"]] == [
            (bad.name, "duplicate"),
            (bad.name, "partial"),
        ]
        partial = wsop["items"][1]
        assert partial["rows_failed"] == log.rows_failed > 0 and partial["hands_new"] is None
        assert partial["errors_total"] == len(log.errors)
        assert partial["errors"] == log.errors[: min(len(log.errors), ERRORS_SHOWN)]
        rest = await api.get(
            "/api/v1/sync/wsop_plus/imports", params={"before_id": wsop["next_before_id"]}
        )
        assert [i["file_name"] for i in rest.json()["items"]] == ["Events.json"]
        assert rest.json()["next_before_id"] is None
        gfx = (await api.get("/api/v1/sync/gfx/imports")).json()["items"]
        assert [i["file_name"] for i in gfx] == [p.name for p in reversed(json_exports)]
        for item, path in zip(gfx, reversed(json_exports), strict=True):
            game_id, numbers = hand_numbers(path)
            assert (item["session_id"], item["hands_total"], item["status"]) == (
                game_id,
                len(numbers),
                "imported",
            )
            assert item["file_size"] == path.stat().st_size and item["rows_total"] is None
        assert (await api.get("/api/v1/sync/nas/imports")).status_code == 422
        assert (await api.get("/api/v1/sync/gfx/imports?limit=0")).status_code == 422
        anonymous = await api.get("/api/v1/sync/gfx/imports", headers={"X-API-Key": "wrong"})
        assert anonymous.status_code == 401
