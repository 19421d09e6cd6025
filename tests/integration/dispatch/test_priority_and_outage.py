"""Priority overtaking, and dispatch through a Redis outage (a redis-server of the test's own)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import insert, text

from tests.integration.dispatch.conftest import Harness
from tests.waiting import eventually
from wsop_hub.db.tables import outbox, render_instructions
from wsop_hub.runtime.embedded import EmbeddedRedis
from wsop_hub.runtime.roles import redis_client


async def test_priority_one_overtakes_a_backlog_of_a_thousand(harness: Harness) -> None:
    harness.relay()
    harness.worker(concurrency=2)
    busy = [await harness.create(priority=8, layer_data={"sleep_s": 0.5}) for _ in range(2)]
    await eventually(harness.all_in("processing", [j.id for j in busy]), what="workers busy")
    async with harness.engine.begin() as conn:  # the backlog, in one transaction
        rows = (
            (
                await conn.execute(
                    insert(render_instructions).returning(render_instructions.c.id),
                    [
                        {
                            "template_name": "Leaderboard",
                            "trigger_type": "leaderboard",
                            "priority": 8,
                            "layer_data": {"sleep_s": 0.0},
                        }
                        for _ in range(1000)
                    ],
                )
            )
            .scalars()
            .all()
        )
        await conn.execute(
            insert(outbox),
            [{"topic": "render", "instruction_id": i, "payload": {"id": i}} for i in rows],
        )
        await conn.execute(text("SELECT pg_notify('wsop_outbox', '{}')"))
    urgent = await harness.create(priority=1, template_name="Premium Hand")
    await eventually(
        lambda: _started(harness, urgent.id), timeout_s=10, what="priority-1 job started"
    )
    async with harness.engine.connect() as conn:
        overtaken_by = await conn.scalar(
            text(
                "SELECT count(*) FROM render_instructions WHERE priority = 8 AND id = ANY(:backlog) AND started_at IS NOT NULL"
                " AND started_at < (SELECT started_at FROM render_instructions WHERE id = :id)"
            ),
            {"backlog": list(rows), "id": urgent.id},
        )
    assert overtaken_by == 0, f"{overtaken_by} backlog jobs started before the priority-1 job"


async def _started(harness: Harness, job_id: int) -> bool:
    return (
        await harness.count(
            "SELECT count(*) FROM render_instructions WHERE id = :id AND started_at IS NOT NULL",
            id=job_id,
        )
        == 1
    )


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[EmbeddedRedis]:
    """A redis-server of this test's own, to stop and start again on the same port."""
    server = EmbeddedRedis(tmp_path)
    server.start()
    yield server
    server.stop()


async def test_redis_outage_falls_back_to_postgres_and_returns(
    harness: Harness, own_redis: EmbeddedRedis
) -> None:
    client = redis_client(own_redis.url, read_timeout_s=3)
    try:
        harness.relay(redis=client)
        worker = harness.worker(redis=client)
        before = await harness.create()
        await eventually(
            harness.all_in("completed", [before.id]), what="completed through the stream"
        )

        own_redis.stop()  # Redis gone, nothing persisted
        during = [await harness.create() for _ in range(5)]  # creation still succeeds
        await eventually(
            harness.all_in("completed", [j.id for j in during]),
            timeout_s=15,
            what="completed in fallback",
        )
        assert worker.in_fallback
        assert (
            await harness.count(
                "SELECT count(*) FROM monitoring_events WHERE event_type = 'dispatch_fallback' AND NOT resolved"
            )
            == 1
        )
        assert await harness.count("SELECT count(*) FROM outbox WHERE published_at IS NULL") >= 5

        own_redis.start()  # returns once it answers PING
        await eventually(
            lambda: _back_on_stream(worker), timeout_s=10, what="worker back on the stream"
        )
        after = await harness.create()
        await eventually(harness.all_in("completed", [after.id]), what="completed after return")
        await eventually(harness.outbox_drained, what="outbox drained once Redis returned")
        open_events = await harness.count(
            "SELECT count(*) FROM monitoring_events WHERE event_type = 'dispatch_fallback' AND NOT resolved"
        )
        resolved_events = await harness.count(
            "SELECT count(*) FROM monitoring_events WHERE event_type = 'dispatch_fallback' AND resolved"
        )
        assert (open_events, resolved_events >= 1) == (0, True)
    finally:
        await harness.stop_all()
        await client.aclose()


async def _back_on_stream(worker: object) -> bool:
    return not worker.in_fallback  # type: ignore[attr-defined]
