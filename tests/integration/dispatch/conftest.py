"""Dispatch fixtures: in-process relay and workers on the test's database and Redis prefix."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.factories import instruction_in
from wsop_hub.dispatch.backends import RenderBackend, SleepBackend
from wsop_hub.dispatch.claims import ClaimStore, create_pool
from wsop_hub.dispatch.relay import OutboxRelay
from wsop_hub.dispatch.service import create_instruction
from wsop_hub.dispatch.worker import Worker, WorkerConfig
from wsop_hub.domain.models import RenderInstruction
from wsop_hub.redis_keys import RedisKeys
from wsop_hub.runtime.roles import redis_client
from wsop_hub.settings import Settings

FAST = WorkerConfig(
    concurrency=4,
    lease_s=5.0,
    heartbeat_interval_s=0.5,
    retry_backoff_base_s=60.0,
    block_ms=200,
    autoclaim_idle_ms=2000,
    autoclaim_every_s=0.5,
    fallback_poll_s=0.1,
    redis_probe_every_s=0.3,
    shutdown_grace_s=2.0,
)


@pytest.fixture
def keys(settings: Settings) -> RedisKeys:
    return RedisKeys(settings.hub_redis_prefix)


@pytest.fixture
async def fast_redis(redis_url: str) -> AsyncIterator[Redis]:
    client = redis_client(redis_url, read_timeout_s=5)
    yield client
    await client.aclose()


class Harness:
    """Starts relays and workers as tasks; stops them all at the end of the test."""

    def __init__(
        self,
        engine: AsyncEngine,
        redis: Redis,
        keys: RedisKeys,
        database_url: str,
        claims: ClaimStore,
    ) -> None:
        self.engine, self.redis, self.keys, self.database_url = engine, redis, keys, database_url
        self.claims = claims
        self._tasks: list[tuple[Any, asyncio.Task[None]]] = []

    def relay(self, redis: Redis | None = None) -> OutboxRelay:
        relay = OutboxRelay(
            self.engine, redis or self.redis, self.keys, self.database_url, safety_wait_s=2
        )
        self._tasks.append((relay, asyncio.create_task(relay.run())))
        return relay

    def worker(
        self, backend: RenderBackend | None = None, redis: Redis | None = None, **config: Any
    ) -> Worker:
        cfg = WorkerConfig(**{**FAST.__dict__, **config})
        worker = Worker(
            self.engine, redis or self.redis, self.keys, backend or SleepBackend(), cfg, self.claims
        )
        self._tasks.append((worker, asyncio.create_task(worker.run())))
        return worker

    async def stop(self, runner: Any) -> None:
        for item, task in self._tasks:
            if item is runner:
                item.stop()
                await asyncio.wait_for(task, timeout=15)

    async def stop_all(self) -> None:
        for item, _ in self._tasks:
            item.stop()
        results = await asyncio.wait_for(
            asyncio.gather(*(t for _, t in self._tasks), return_exceptions=True), timeout=20
        )
        errors = [r for r in results if isinstance(r, BaseException)]
        assert not errors, f"a dispatch task crashed: {errors!r}"

    async def create(self, **overrides: Any) -> RenderInstruction:
        return await create_instruction(
            self.engine, instruction_in(**overrides), default_max_retries=3, actor="test"
        )

    async def status(self, job_id: int) -> str:
        async with self.engine.connect() as conn:
            return str(
                await conn.scalar(
                    text("SELECT status FROM render_instructions WHERE id = :id"), {"id": job_id}
                )
            )

    async def count(self, sql: str, **params: Any) -> int:
        async with self.engine.connect() as conn:
            return int(await conn.scalar(text(sql), params) or 0)

    async def outbox_drained(self) -> bool:
        return await self.count("SELECT count(*) FROM outbox WHERE published_at IS NULL") == 0

    def all_in(self, status: str, ids: list[int]) -> Callable[[], Awaitable[bool]]:
        async def probe() -> bool:
            n = await self.count(
                "SELECT count(*) FROM render_instructions WHERE status = :s AND id = ANY(:ids)",
                s=status,
                ids=ids,
            )
            return n == len(ids)

        return probe


@pytest.fixture
async def claims(database_url: str) -> AsyncIterator[ClaimStore]:
    pool = await create_pool(database_url, max_size=10)
    yield ClaimStore(pool)
    await pool.close()


@pytest.fixture
async def harness(
    engine: AsyncEngine, fast_redis: Redis, keys: RedisKeys, database_url: str, claims: ClaimStore
) -> AsyncIterator[Harness]:
    h = Harness(engine, fast_redis, keys, database_url, claims)
    yield h
    await h.stop_all()
