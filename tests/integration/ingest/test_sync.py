"""Sync state machine (SPEC §6) against a real PostgreSQL; time moved by SQL, never slept."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import TEST_API_KEY
from tests.integration.orchestration.conftest import FAST_RETRY, RecordingChannel
from tests.waiting import eventually
from wsop_hub.api.app import create_app
from wsop_hub.ingest import sync
from wsop_hub.orchestration.notifications import Notifier
from wsop_hub.settings import Settings

AUTH = {"X-API-Key": TEST_API_KEY}


class Job:
    """A source's sync job that succeeds, or fails while `failures_left` > 0."""

    def __init__(self, failures_left: int = 0) -> None:
        self.failures_left = failures_left
        self.calls: list[frozenset[str]] = []

    async def __call__(self, entities: frozenset[str]) -> Mapping[str, dict[str, Any]]:
        self.calls.append(entities)
        if self.failures_left > 0:
            self.failures_left -= 1
            raise OSError("WSOP+ drop folder unreadable")
        return {entity: {"files": 1} for entity in entities}


async def _states(engine: AsyncEngine, source: str) -> dict[str, dict[str, Any]]:
    async with engine.connect() as conn:
        rows = await sync.SyncRepository(conn).list(source)
    return {r["entity"]: r for r in rows}


async def _sql(engine: AsyncEngine, statement: str) -> Any:
    async with engine.begin() as conn:
        result = await conn.execute(text(statement))
        return result.all() if result.returns_rows else None


async def _make_due(engine: AsyncEngine) -> None:
    await _sql(engine, "UPDATE sync_status SET next_run_at = now() - interval '1 second'")


async def test_a_due_source_runs_once_and_every_entity_is_synced_with_history(
    engine: AsyncEngine,
) -> None:
    job = Job()
    scheduler = sync.SyncScheduler(engine, {"wsop_plus": job, "gfx": Job()})
    assert await scheduler.run_due() == 5
    assert job.calls == [frozenset({"events", "players", "chip_counts", "standings"})]
    states = await _states(engine, "wsop_plus")
    assert {s["status"] for s in states.values()} == {"synced"}
    assert states["events"]["details"] == {"files": 1}
    # Not due again until its interval passed.
    assert await scheduler.run_due() == 0
    history = await _sql(
        engine,
        "SELECT from_status, to_status FROM sync_history"
        " WHERE source = 'wsop_plus' AND entity = 'events' ORDER BY id",
    )
    assert [tuple(h) for h in history] == [("pending", "in_progress"), ("in_progress", "synced")]
    kinds = await _sql(engine, "SELECT count(*) FROM event_log WHERE type = 'sync_status'")
    assert kinds[0][0] == 10  # two transitions for each of the five entities


async def test_a_synced_entity_becomes_outdated_after_its_interval_and_runs_again(
    engine: AsyncEngine,
) -> None:
    job = Job()
    scheduler = sync.SyncScheduler(engine, {"wsop_plus": job})
    await scheduler.run_due()
    await _sql(
        engine,
        "UPDATE sync_status SET last_synced_at = now() - interval '16 minutes',"
        " next_run_at = now() - interval '1 minute' WHERE entity = 'chip_counts'",
    )
    assert await scheduler.run_due() == 1
    assert job.calls[-1] == frozenset({"chip_counts"})
    history = await _sql(
        engine,
        "SELECT to_status FROM sync_history WHERE entity = 'chip_counts' ORDER BY id",
    )
    assert [h[0] for h in history][-3:] == ["outdated", "in_progress", "synced"]


async def test_three_failures_in_a_row_raise_one_critical_event_until_a_manual_trigger(
    engine: AsyncEngine,
) -> None:
    job = Job(failures_left=5)
    slack = RecordingChannel()
    notifier = Notifier([slack], retry=FAST_RETRY)
    scheduler = sync.SyncScheduler(engine, {"gfx": job}, notifier=notifier)
    for attempt in range(1, 4):
        assert await scheduler.run_due() == 1, f"attempt {attempt} should run"
        state = (await _states(engine, "gfx"))["sessions"]
        assert state["status"] == "failed" and state["failure_count"] == attempt
        assert "unreadable" in state["last_error"]
        assert await scheduler.run_due() == 0  # backoff: not due again at once
        await _make_due(engine)
    assert await scheduler.run_due() == 0  # three failures: no more automatic retries
    events = await _sql(
        engine, "SELECT severity, resolved FROM monitoring_events WHERE event_type = 'sync_failed'"
    )
    assert [tuple(e) for e in events] == [("critical", False)]

    async def notified_once() -> bool:  # SPEC §5: critical → e-mail + Slack + dashboard
        return [n.title for n in slack.sent] == ["sync_failed"]

    await eventually(notified_once, what="one critical notification")
    await notifier.aclose()

    await sync.trigger(engine, "gfx", actor="admin:op")
    job.failures_left = 0
    assert await scheduler.run_due() == 1
    assert (await _states(engine, "gfx"))["sessions"]["status"] == "synced"
    events = await _sql(engine, "SELECT resolved FROM monitoring_events")
    assert [e[0] for e in events] == [True]


def test_sync_api_status_trigger_and_history(settings: Settings) -> None:
    with TestClient(create_app(settings)) as client:
        status = client.get("/api/v1/sync/status", headers=AUTH)
        assert status.status_code == 200
        assert {(s["source"], s["entity"]) for s in status.json()} == {
            (e.source, e.entity) for e in sync.DEFAULT_SCHEDULE
        }
        triggered = client.post("/api/v1/sync/wsop_plus/trigger", headers=AUTH)
        assert triggered.status_code == 202
        assert {s["entity"] for s in triggered.json()} == {
            "events",
            "players",
            "chip_counts",
            "standings",
        }
        history = client.get("/api/v1/sync/wsop_plus/history?limit=2", headers=AUTH).json()
        assert len(history["items"]) == 2 and history["next_before_id"] is not None
        assert history["items"][0]["actor"] == f"api-key:{TEST_API_KEY[:4]}…"  # who asked
        assert client.post("/api/v1/sync/nas/trigger", headers=AUTH).status_code == 422
        assert client.get("/api/v1/sync/status").status_code == 401


@pytest.mark.parametrize("source", ["gfx", "wsop_plus"])
async def test_a_trigger_does_not_disturb_a_running_sync(engine: AsyncEngine, source: str) -> None:
    async with engine.begin() as conn:
        await sync.SyncRepository(conn).ensure(sync.DEFAULT_SCHEDULE)
    await _sql(engine, f"UPDATE sync_status SET status = 'in_progress' WHERE source = '{source}'")
    assert await sync.trigger(engine, source, actor="admin:op") == []
    assert {s["status"] for s in (await _states(engine, source)).values()} == {"in_progress"}
