"""Compare-and-set claims and fencing: duplicates are harmless, stale workers cannot write."""

from __future__ import annotations

import asyncio

from sqlalchemy import text

from tests.integration.dispatch.conftest import Harness
from tests.waiting import eventually
from wsop_hub.dispatch.backends import SleepBackend
from wsop_hub.dispatch.reaper import reap_expired_leases
from wsop_hub.redis_keys import RENDER_GROUP


async def _doorbell(harness: Harness, job_id: int) -> None:
    await harness.redis.xadd(harness.keys.render_queue, {"id": str(job_id), "priority": "5"})


async def test_two_workers_one_message_only_one_claims(harness: Harness) -> None:
    harness.relay()
    a = harness.worker()
    b = harness.worker()
    job = await harness.create()
    await _doorbell(harness, job.id)  # a duplicate message for the same job
    await eventually(harness.all_in("completed", [job.id]), what="completed")
    # both messages consumed and acknowledged by now
    await eventually(lambda: _no_pending(harness), what="messages acknowledged")
    assert (
        await harness.count(
            "SELECT count(*) FROM instruction_history WHERE instruction_id = :id AND to_status = 'processing'",
            id=job.id,
        )
        == 1
    )
    assert a.completed_count + b.completed_count == 1
    assert (
        await harness.count("SELECT attempt FROM render_instructions WHERE id = :id", id=job.id)
        == 1
    )


async def _no_pending(harness: Harness) -> bool:
    info = await harness.redis.xpending(harness.keys.render_queue, RENDER_GROUP)
    return info["pending"] == 0 and await harness.redis.xlen(harness.keys.render_queue) >= 2


async def test_concurrent_claims_of_one_job_have_one_winner(harness: Harness) -> None:
    await harness.create()

    async def claim(worker_id: str) -> int:
        return len(await harness.claims.claim_next(worker_id, 30, 1))

    wins = await asyncio.gather(*(claim(f"w{i}") for i in range(10)))
    assert sum(wins) == 1


async def test_stale_message_for_a_completed_job_is_acknowledged_and_ignored(
    harness: Harness,
) -> None:
    harness.relay()
    harness.worker()
    job = await harness.create()
    await eventually(harness.all_in("completed", [job.id]), what="completed")
    await _doorbell(harness, job.id)
    await eventually(lambda: _no_pending(harness), what="stale message acknowledged")
    assert await harness.status(job.id) == "completed"
    assert (
        await harness.count("SELECT attempt FROM render_instructions WHERE id = :id", id=job.id)
        == 1
    )


async def test_a_worker_whose_lease_expired_cannot_complete(harness: Harness) -> None:
    job = await harness.create()
    [first] = await harness.claims.claim_next("old-worker", 30, 1)
    assert first.id == job.id and first.attempt == 1
    await _expire(harness, job.id)
    assert await reap_expired_leases(harness.engine) == 1
    [second] = await harness.claims.claim_next("new-worker", 30, 1)
    assert second.attempt == 2
    assert await harness.claims.complete(first, "old-worker", None, 5) is None, "fenced out"
    assert await harness.claims.fail(first, "old-worker", "late", None) is None
    assert await harness.claims.complete(second, "new-worker", None, 5) is not None
    assert (
        await harness.count(
            "SELECT count(*) FROM instruction_history WHERE instruction_id = :id AND to_status = 'completed'",
            id=job.id,
        )
        == 1
    )


async def _expire(harness: Harness, job_id: int) -> None:
    async with harness.engine.begin() as conn:
        await conn.execute(
            text(
                "UPDATE render_instructions SET lease_expires_at = now() - interval '1 second' WHERE id = :id"
            ),
            {"id": job_id},
        )


async def test_xautoclaim_takes_over_a_dead_consumers_messages(harness: Harness) -> None:
    harness.relay()
    job = await harness.create()
    await eventually(harness.outbox_drained, what="published")
    await harness.redis.xgroup_create(
        harness.keys.render_queue, RENDER_GROUP, id="0", mkstream=True
    )
    # A consumer reads the message and dies before claiming or acknowledging it.
    read = await harness.redis.xreadgroup(
        RENDER_GROUP, "dead-consumer", {harness.keys.render_queue: ">"}, count=1
    )
    assert read and read[0][1]
    harness.worker(autoclaim_idle_ms=300, autoclaim_every_s=0.2)
    await eventually(harness.all_in("completed", [job.id]), what="taken over and completed")
    info = await harness.redis.xpending(harness.keys.render_queue, RENDER_GROUP)
    assert info["pending"] == 0


async def test_heartbeat_keeps_a_long_render_past_its_lease(harness: Harness) -> None:
    harness.relay()
    harness.worker(lease_s=1.0, heartbeat_interval_s=0.2)
    job = await harness.create(layer_data={"sleep_s": 3.0})
    await eventually(harness.all_in("processing", [job.id]), what="started")
    reaped = 0

    async def reap_until_done() -> bool:
        nonlocal reaped
        reaped += await reap_expired_leases(harness.engine)
        return await harness.status(job.id) == "completed"

    await eventually(
        reap_until_done, timeout_s=10, interval_s=0.1, what="completed while reaper runs"
    )
    assert reaped == 0
    assert (
        await harness.count("SELECT attempt FROM render_instructions WHERE id = :id", id=job.id)
        == 1
    )
    assert (
        await harness.count(
            "SELECT count(*) FROM instruction_history WHERE instruction_id = :id AND to_status = 'stale'",
            id=job.id,
        )
        == 0
    )


async def test_sleep_backend_is_the_default(harness: Harness) -> None:
    worker = harness.worker()
    assert isinstance(worker._backend, SleepBackend)
