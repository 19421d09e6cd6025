"""Reaper, retries with backoff, sweeper, cancel, graceful shutdown."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.integration.dispatch.conftest import Harness
from tests.waiting import eventually
from wsop_hub.db.uow import UnitOfWork
from wsop_hub.dispatch.reaper import reap_expired_leases, seconds_to_next_expiry
from wsop_hub.dispatch.retry_timer import release_due_retries
from wsop_hub.dispatch.scheduler import Scheduler
from wsop_hub.dispatch.service import cancel_instruction, retry_instruction
from wsop_hub.dispatch.sweeper import sweep_unclaimed
from wsop_hub.errors import Conflict
from wsop_hub.settings import Settings


async def _claim_as_dead_worker(harness: Harness, job_id: int) -> None:
    [claimed] = await harness.claims.claim_next("dead-worker", 30, 1)
    assert claimed.id == job_id
    async with harness.engine.begin() as conn:
        await conn.execute(
            text(
                "UPDATE render_instructions SET lease_expires_at = now() - interval '1 second' WHERE id = :id"
            ),
            {"id": job_id},
        )


async def _history(harness: Harness, job_id: int) -> list[tuple[str | None, str, str]]:
    async with harness.engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT from_status, to_status, actor FROM instruction_history WHERE instruction_id = :id ORDER BY id"
            ),
            {"id": job_id},
        )
        return [tuple(r) for r in rows]  # type: ignore[misc]


async def test_reaper_returns_an_expired_job_to_pending_and_republishes(harness: Harness) -> None:
    job = await harness.create()
    await _claim_as_dead_worker(harness, job.id)
    assert await reap_expired_leases(harness.engine) == 1
    async with UnitOfWork(harness.engine) as uow:
        recovered = await uow.instructions.get(job.id)
    assert (
        recovered.status == "pending" and recovered.retry_count == 1 and recovered.worker_id is None
    )
    assert (await _history(harness, job.id))[-2:] == [
        ("processing", "stale", "reaper"),
        ("stale", "pending", "reaper"),
    ]
    assert (
        await harness.count("SELECT count(*) FROM outbox WHERE instruction_id = :id", id=job.id)
        == 2
    )


async def test_reaper_fails_a_job_whose_retries_are_exhausted(harness: Harness) -> None:
    job = await harness.create(max_retries=0)
    await _claim_as_dead_worker(harness, job.id)
    await reap_expired_leases(harness.engine)
    async with UnitOfWork(harness.engine) as uow:
        failed = await uow.instructions.get(job.id)
    assert failed.status == "failed" and failed.error_message == "timeout exceeded max retries"
    assert failed.next_retry_at is None
    assert (await _history(harness, job.id))[-1] == ("stale", "failed", "reaper")


async def test_reaper_leaves_live_leases_alone(harness: Harness) -> None:
    job = await harness.create()
    await harness.claims.claim_next("live-worker", 60, 1)
    assert await reap_expired_leases(harness.engine) == 0
    assert await harness.status(job.id) == "processing"


async def test_failures_back_off_60_120_240_then_fail_for_good(harness: Harness) -> None:
    harness.relay()
    harness.worker(retry_backoff_base_s=60.0)
    job = await harness.create(layer_data={"fail": "boom"}, max_retries=3)
    delays = []
    for retry in range(4):
        await eventually(
            lambda n=retry + 1: _failed_attempt(harness, job.id, n),
            what=f"attempt {retry + 1} failed",
        )
        async with UnitOfWork(harness.engine) as uow:
            failed = await uow.instructions.get(job.id)
        if failed.next_retry_at is None:
            break
        delays.append(round((failed.next_retry_at - failed.completed_at).total_seconds()))
        async with harness.engine.begin() as conn:  # the clock jumps to the retry time
            await conn.execute(
                text("UPDATE render_instructions SET next_retry_at = now() WHERE id = :id"),
                {"id": job.id},
            )
        assert await release_due_retries(harness.engine) == 1
    assert delays == [60, 120, 240]
    async with UnitOfWork(harness.engine) as uow:
        final = await uow.instructions.get(job.id)
    assert final.status == "failed" and final.retry_count == 3 and final.next_retry_at is None
    assert "RuntimeError" in (final.error_message or "")


async def _failed_attempt(harness: Harness, job_id: int, attempt: int) -> bool:
    return (
        await harness.count(
            "SELECT count(*) FROM render_instructions WHERE id = :id AND status = 'failed' AND attempt = :a",
            id=job_id,
            a=attempt,
        )
        == 1
    )


async def test_retry_timer_ignores_retries_not_yet_due(harness: Harness) -> None:
    harness.relay()
    harness.worker()
    job = await harness.create(layer_data={"fail": "boom"})
    await eventually(lambda: _failed_attempt(harness, job.id, 1), what="failed")
    assert await release_due_retries(harness.engine) == 0
    assert await harness.status(job.id) == "failed"


async def test_permanent_failure_is_not_retried(harness: Harness) -> None:
    harness.relay()
    harness.worker()
    job = await harness.create(layer_data={"fail": "permanent"})
    await eventually(lambda: _failed_attempt(harness, job.id, 1), what="failed")
    async with UnitOfWork(harness.engine) as uow:
        failed = await uow.instructions.get(job.id)
    assert failed.next_retry_at is None and failed.retry_count == 0


async def test_sweeper_republishes_pending_jobs_nobody_claimed(harness: Harness) -> None:
    job = await harness.create()
    async with harness.engine.begin() as conn:  # published long ago, message lost since
        await conn.execute(text("UPDATE outbox SET published_at = now()"))
        await conn.execute(
            text("UPDATE render_instructions SET updated_at = now() - interval '10 minutes'")
        )
    assert await sweep_unclaimed(harness.engine, older_than_s=30) == 1
    assert await sweep_unclaimed(harness.engine, older_than_s=30) == 0, (
        "touched: not swept again at once"
    )
    harness.relay()
    harness.worker()
    await eventually(harness.all_in("completed", [job.id]), what="swept job completed")


async def test_cancel_pending_is_immediate_and_never_runs(harness: Harness) -> None:
    job = await harness.create()
    cancelled = await cancel_instruction(
        harness.engine, job.id, actor="alice", reason="wrong graphic"
    )
    assert cancelled.status == "cancelled"
    harness.relay()
    worker = harness.worker()
    other = await harness.create()
    await eventually(harness.all_in("completed", [other.id]), what="the other job ran")
    assert await harness.status(job.id) == "cancelled" and worker.completed_count == 1
    assert (await _history(harness, job.id))[-1] == ("pending", "cancelled", "alice")


async def test_cancel_processing_stops_the_render_and_writes_no_result(harness: Harness) -> None:
    harness.relay()
    harness.worker(heartbeat_interval_s=0.2)
    job = await harness.create(layer_data={"sleep_s": 30})
    await eventually(harness.all_in("processing", [job.id]), what="started")
    await cancel_instruction(harness.engine, job.id, actor="alice", reason="director changed cue")
    await eventually(lambda: _worker_idle(harness), timeout_s=5, what="worker dropped the render")
    assert await harness.status(job.id) == "cancelled"
    chain = [to for _, to, _ in await _history(harness, job.id)]
    assert chain == ["pending", "processing", "cancelled"]


async def _worker_idle(harness: Harness) -> bool:
    return (
        await harness.count("SELECT count(*) FROM workers WHERE current_job_ids = '[]'::jsonb") == 1
    )


async def test_admin_retry_of_a_completed_job_is_a_conflict(harness: Harness) -> None:
    harness.relay()
    harness.worker()
    job = await harness.create()
    await eventually(harness.all_in("completed", [job.id]), what="completed")
    with pytest.raises(Conflict, match="only failed or cancelled"):
        await retry_instruction(harness.engine, job.id, actor="bob", reason="again")


async def test_shutdown_releases_unfinished_jobs_without_consuming_a_retry(
    harness: Harness,
) -> None:
    harness.relay()
    worker = harness.worker(shutdown_grace_s=0.3)
    job = await harness.create(layer_data={"sleep_s": 30})
    await eventually(harness.all_in("processing", [job.id]), what="started")
    await harness.stop(worker)
    async with UnitOfWork(harness.engine) as uow:
        released = await uow.instructions.get(job.id)
    assert released.status == "pending" and released.retry_count == 0 and released.worker_id is None
    assert "released" in (await _history_reasons(harness, job.id))[-1]
    assert await harness.count("SELECT count(*) FROM workers") == 0, "deregistered"


async def _history_reasons(harness: Harness, job_id: int) -> list[str]:
    async with harness.engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT coalesce(reason, '') FROM instruction_history WHERE instruction_id = :id ORDER BY id"
            ),
            {"id": job_id},
        )
        return [r[0] for r in rows]


async def test_shutdown_lets_short_jobs_finish(harness: Harness) -> None:
    harness.relay()
    worker = harness.worker(shutdown_grace_s=5)
    job = await harness.create(layer_data={"sleep_s": 0.5})
    await eventually(harness.all_in("processing", [job.id]), what="started")
    await harness.stop(worker)
    assert await harness.status(job.id) == "completed"


async def test_scheduler_reaps_when_the_lease_expires_not_a_whole_interval_later(
    harness: Harness, settings: Settings, database_url: str
) -> None:
    import asyncio
    import time

    slow = settings.model_copy(update={"hub_reaper_interval_s": 30.0, "hub_lease_s": 1.0})
    scheduler = Scheduler(harness.engine, harness.redis, slow, database_url)
    task = asyncio.create_task(scheduler.run())
    try:
        job = await harness.create()
        [claimed] = await harness.claims.claim_next("doomed-worker", 1.0, 1)  # never heartbeats
        assert claimed.id == job.id
        started = time.monotonic()
        await eventually(
            lambda: _retried(harness, job.id), timeout_s=10, what="reaped after the lease expired"
        )
        assert time.monotonic() - started < 5, "reaper waited for its 30 s interval"
        assert await seconds_to_next_expiry(harness.engine) is None
    finally:
        scheduler.stop()
        await asyncio.wait_for(task, timeout=10)


async def _retried(harness: Harness, job_id: int) -> bool:
    return (
        await harness.count("SELECT retry_count FROM render_instructions WHERE id = :id", id=job_id)
        == 1
    )
