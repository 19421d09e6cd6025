"""The inbox watcher and the scheduled rescan, on real files and a real PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from tests.integration.ingest.conftest import GFX, WSOP, gfx_json_files, hand_numbers, scalar
from tests.waiting import eventually
from wsop_hub.ingest import sync
from wsop_hub.ingest.service import FileResult, IngestService, Outcome
from wsop_hub.ingest.sync_jobs import build_jobs
from wsop_hub.ingest.watcher import InboxWatcher, wait_until_stable
from wsop_hub.settings import Settings


async def test_the_watcher_imports_a_dropped_file_and_goes_on_after_a_bad_one(
    engine: AsyncEngine, service: IngestService, tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    results: list[FileResult] = []
    watcher = InboxWatcher(service, inbox, settle_s=0.3, on_result=results.append)
    task = asyncio.create_task(watcher.run())
    try:
        await asyncio.wait_for(watcher.ready.wait(), 10)
        source = gfx_json_files()[0]
        _, numbers = hand_numbers(source)
        staging = tmp_path / "staging"
        staging.mkdir()
        (staging / source.name).write_bytes(source.read_bytes())
        (inbox / "GG").mkdir(parents=True)  # a new PC folder, a file in it at once
        os.replace(staging / source.name, inbox / "GG" / source.name)  # a finished copy

        async def imported() -> bool:
            return any(r.outcome == Outcome.IMPORTED for r in results)

        await eventually(imported, timeout_s=20, what="the dropped file imported")
        assert [r.outcome for r in results] == [Outcome.IMPORTED], "read once"
        assert await scalar(engine, "SELECT count(*) FROM gfx_hands") == len(numbers)
        assert await scalar(engine, "SELECT gfx_pc_id FROM gfx_sessions") == "GG"

        # A malformed file is quarantined and the watcher goes on with the next one.
        (inbox / "GG" / "PGFX_live_data_export GameID=1.json").write_text("{not json")
        shutil.copy(WSOP / "Events.json", inbox / "Events.json")

        async def both_done() -> bool:
            return len(results) >= 3

        await eventually(both_done, timeout_s=20, what="the next two files handled")
        outcomes = sorted(r.outcome.value for r in results[1:])
        assert outcomes == ["imported", "quarantined"]
        assert not (inbox / "GG" / "PGFX_live_data_export GameID=1.json").exists()
    finally:
        watcher.stop()
        await asyncio.wait_for(task, 10)


async def test_a_file_that_keeps_growing_is_not_read_until_it_settles(tmp_path: Path) -> None:
    growing = tmp_path / "export.json"
    growing.write_text("{")
    looks = 0

    async def writer_still_copying(_settle_s: float) -> None:
        """Between two looks the copy goes on, five times, then stops."""
        nonlocal looks
        looks += 1
        if looks <= 5:
            with growing.open("a") as f:
                f.write(" ")
            os.utime(growing, ns=(0, looks * 1_000_000_000))

    assert await wait_until_stable(growing, settle_s=0.25, pause=writer_still_copying)
    assert growing.stat().st_size == 6, "not settled before the last write"
    assert looks == 6, "one quiet look after the last write settles it"
    assert not await wait_until_stable(tmp_path / "gone.json", settle_s=0.05)


async def test_a_scheduled_rescan_imports_what_the_watcher_missed(
    engine: AsyncEngine, settings: Settings
) -> None:
    inbox = settings.inbox_dir
    (inbox / "GG").mkdir(parents=True)
    source = gfx_json_files()[0]
    shutil.copy(source, inbox / "GG" / source.name)
    shutil.copy(WSOP / "ChipCounts.csv", inbox / "ChipCounts.csv")
    shutil.copy(GFX / "samples" / "gfx_sample_1.json", inbox / "gfx_sample_1.json")
    scheduler = sync.SyncScheduler(engine, build_jobs(engine, settings))
    assert await scheduler.run_due() == 5
    async with engine.connect() as conn:
        states = {r["entity"]: r for r in await sync.SyncRepository(conn).list()}
    assert {s["status"] for s in states.values()} == {"synced"}
    assert states["sessions"]["details"]["imported"] == 2  # the renamed export too
    assert states["chip_counts"]["details"]["rows"] > 0
    assert await scalar(engine, "SELECT count(*) FROM gfx_sessions") == 2
