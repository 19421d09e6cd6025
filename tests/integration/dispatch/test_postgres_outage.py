"""PostgreSQL outage: a PostgreSQL of the test's own is stopped mid-render and started again."""

from __future__ import annotations

import asyncio
from pathlib import Path

from redis.asyncio import Redis
from sqlalchemy import text

from tests.factories import instruction_in
from tests.waiting import eventually
from wsop_hub.db import migrate
from wsop_hub.db.engine import create_engine
from wsop_hub.dispatch.backends import JobContext, RenderResult, SleepBackend
from wsop_hub.dispatch.claims import ClaimStore, create_pool
from wsop_hub.dispatch.relay import OutboxRelay
from wsop_hub.dispatch.service import create_instruction
from wsop_hub.dispatch.worker import Worker, WorkerConfig
from wsop_hub.domain.models import RenderInstruction
from wsop_hub.redis_keys import RedisKeys
from wsop_hub.runtime.embedded import EmbeddedPostgres


async def test_worker_settles_a_render_across_a_postgres_restart(
    tmp_path: Path, fast_redis: Redis, keys: RedisKeys
) -> None:
    server = EmbeddedPostgres(tmp_path)
    url = await asyncio.to_thread(server.start)
    try:
        await migrate.upgrade_async(url)
        engine = create_engine(url, pool_size=3, pre_ping=False)
        pool = await create_pool(url, max_size=4)
        config = WorkerConfig(
            concurrency=2,
            lease_s=30,
            heartbeat_interval_s=0.3,
            block_ms=200,
            fallback_poll_s=0.1,
            shutdown_grace_s=1,
        )
        backend = RecordingBackend()
        worker = Worker(engine, fast_redis, keys, backend, config, ClaimStore(pool))
        relay = OutboxRelay(engine, fast_redis, keys, url, safety_wait_s=1)
        tasks = [asyncio.create_task(worker.run()), asyncio.create_task(relay.run())]

        async def status(job_id: int) -> str | None:
            try:
                async with engine.connect() as conn:
                    return await conn.scalar(
                        text("SELECT status FROM render_instructions WHERE id = :id"),
                        {"id": job_id},
                    )
            except Exception:  # noqa: BLE001 - the server may be restarting
                return None

        job = await create_instruction(
            engine, instruction_in(layer_data={"sleep_s": 1.5}), default_max_retries=3, actor="test"
        )
        await eventually(lambda: _is(status, job.id, "processing"), timeout_s=10, what="rendering")

        await asyncio.to_thread(server.stop)  # PostgreSQL goes away while the render runs
        server = EmbeddedPostgres(tmp_path)
        await eventually(
            lambda: _contains(backend.finished, job.id), timeout_s=10, what="render finished"
        )
        await asyncio.to_thread(server.start)  # the worker's completion retries get through

        await eventually(
            lambda: _is(status, job.id, "completed"), timeout_s=30, what="completed after restart"
        )
        later = await create_instruction(
            engine, instruction_in(), default_max_retries=3, actor="test"
        )
        await eventually(
            lambda: _is(status, later.id, "completed"), timeout_s=30, what="dispatch resumed"
        )

        worker.stop()
        relay.stop()
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=20)
        await pool.close()
        await engine.dispose()
    finally:
        await asyncio.to_thread(server.stop)


async def _is(status, job_id: int, expected: str) -> bool:  # type: ignore[no-untyped-def]
    return await status(job_id) == expected


async def _contains(collection: set[int], item: int) -> bool:
    return item in collection


class RecordingBackend(SleepBackend):
    """Sleeps like SleepBackend and remembers which renders finished."""

    def __init__(self) -> None:
        super().__init__()
        self.finished: set[int] = set()

    async def render(self, job: RenderInstruction, ctx: JobContext) -> RenderResult | None:
        result = await super().render(job, ctx)
        self.finished.add(job.id)
        return result
