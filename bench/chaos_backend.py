"""Render backend for the chaos benchmark: records every run as a side effect.

Each run inserts a row into `chaos_runs` (instruction, attempt, worker pid, start) when it
starts and stamps `finished_at` when its render is done; a run killed with its worker keeps
a NULL `finished_at`. The table belongs to the benchmark's own database.
"""

from __future__ import annotations

import asyncio
import os
import random

import asyncpg

from wsop_hub.dispatch.backends import JobContext, RenderResult
from wsop_hub.domain.models import RenderInstruction
from wsop_hub.settings import asyncpg_url

SCHEMA = """
CREATE TABLE IF NOT EXISTS chaos_runs (
    id bigserial PRIMARY KEY,
    instruction_id bigint NOT NULL,
    attempt int NOT NULL,
    pid int NOT NULL,
    started_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    finished_at timestamptz
)
"""


class ChaosBackend:
    def __init__(self) -> None:
        self._pool: asyncpg.Pool | None = None

    async def _conn_pool(self) -> asyncpg.Pool:
        if self._pool is None:
            self._pool = await asyncpg.create_pool(
                asyncpg_url(os.environ["DATABASE_URL"]), min_size=1, max_size=4
            )
        assert self._pool is not None
        return self._pool

    async def render(self, job: RenderInstruction, ctx: JobContext) -> RenderResult | None:
        pool = await self._conn_pool()
        run_id = await pool.fetchval(
            "INSERT INTO chaos_runs (instruction_id, attempt, pid) VALUES ($1, $2, $3) RETURNING id",
            job.id,
            job.attempt,
            os.getpid(),
        )
        await asyncio.sleep(random.uniform(0.05, 0.4))
        await pool.execute(
            "UPDATE chaos_runs SET finished_at = clock_timestamp() WHERE id = $1", run_id
        )
        return None


def factory() -> ChaosBackend:
    return ChaosBackend()
