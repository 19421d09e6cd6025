"""`wsop-hub worker` as a real process: SIGTERM releases its job, deregisters, exits 0."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.e2e.hubproc import REPO, wait_for
from tests.factories import instruction_in
from wsop_hub.db.engine import create_engine
from wsop_hub.dispatch.service import create_instruction
from wsop_hub.settings import Settings

pytestmark = pytest.mark.e2e


def _scalar(database_url: str, sql: str) -> object:
    async def query() -> object:
        engine = create_engine(database_url, pool_size=1)
        try:
            async with engine.connect() as conn:
                return await conn.scalar(text(sql))
        finally:
            await engine.dispose()

    return asyncio.run(query())


def test_sigterm_releases_the_running_job_and_exits_zero(
    settings: Settings, tmp_path: Path
) -> None:
    assert settings.database_url and settings.redis_url
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "REDIS_URL": settings.redis_url,
        "HUB_REDIS_PREFIX": settings.hub_redis_prefix,
        "DASHBOARD_PASSWORD": "x" * 16,
        "HUB_SHUTDOWN_GRACE_S": "1",
    }
    log = (tmp_path / "worker.log").open("wb")
    common = [sys.executable, "-m", "wsop_hub"]
    scheduler = subprocess.Popen(
        [*common, "scheduler"], cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    worker = subprocess.Popen(
        [*common, "worker", "--concurrency", "1", "--backend", "sleep"],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:

        async def create() -> int:
            engine = create_engine(settings.database_url or "", pool_size=1)
            try:
                job = await create_instruction(
                    engine,
                    instruction_in(layer_data={"sleep_s": 120}),
                    default_max_retries=3,
                    actor="test",
                )
                return job.id
            finally:
                await engine.dispose()

        job_id = asyncio.run(create())
        wait_for(
            lambda: (
                _scalar(
                    settings.database_url or "",
                    f"SELECT status FROM render_instructions WHERE id = {job_id}",
                )
                == "processing"
            ),
            30,
            "the worker to start the job",
        )
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=60) == 0
        row = _scalar(
            settings.database_url or "",
            f"SELECT status || ':' || retry_count FROM render_instructions WHERE id = {job_id}",
        )
        assert row == "pending:0"
        assert _scalar(settings.database_url or "", "SELECT count(*) FROM workers") == 0
    finally:
        for process in (worker, scheduler):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
        log.close()
    assert scheduler.returncode == 0, (tmp_path / "worker.log").read_text()
