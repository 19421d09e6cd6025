"""Chaos: kill -9 workers and stop Redis while jobs run; count what was lost or ran twice.

4 worker processes run a backend that records every run (bench/chaos_backend.py). Every
couple of seconds a random worker is killed with SIGKILL and a new one started; once, the
benchmark's own redis-server is stopped for a few seconds. At the end:

- lost: jobs not completed;  completed_twice: jobs with two `completed` history rows;
- ran_twice_concurrently: two runs of one job overlapping in time (a killed run ends at
  its kill);  max_recovery_s: from a kill to the next start of the job the victim held
  (target: within lease + reaper interval).

    ./run bench chaos [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import asyncpg  # noqa: E402

from benchlib import (  # noqa: E402
    REPO,
    RUN_ID,
    emit,
    fresh_database,
    hub_env,
    server_urls,
    spawn,
    stop_all,
)
from chaos_backend import SCHEMA  # noqa: E402
from wsop_hub.db.engine import create_engine  # noqa: E402
from wsop_hub.dispatch.service import create_instruction  # noqa: E402
from wsop_hub.domain.models import RenderInstructionIn  # noqa: E402
from wsop_hub.runtime.embedded import EmbeddedRedis  # noqa: E402
from wsop_hub.settings import asyncpg_url  # noqa: E402

WORKERS = 4
LEASE_S = 3.0
REAPER_INTERVAL_S = 1.0
KILL_EVERY_S = 2.0
REDIS_DOWN_S = 4.0


async def main(quick: bool) -> None:
    jobs, rate = (300, 25.0) if quick else (2000, 40.0)
    db_server, _ = server_urls()
    with tempfile.TemporaryDirectory(prefix="wsop-chaos-") as tmp:
        redis = EmbeddedRedis(Path(tmp))
        redis.start()
        try:
            async with fresh_database(db_server, "chaos") as url:
                figures = await run(url, redis, Path(tmp), jobs, rate)
        finally:
            redis.stop()
    print(
        f"chaos: {figures['jobs']} jobs, {WORKERS} workers, kill -9 every {KILL_EVERY_S:.0f} s "
        f"({figures['kills']} kills), Redis stopped once for {REDIS_DOWN_S:.0f} s"
    )
    for key in (
        "jobs",
        "completed",
        "lost",
        "failed",
        "ran_twice_concurrently",
        "completed_twice",
        "runs",
        "max_recovery_s",
        "recovery_bound_s",
        "slowest_recoveries",
        "redis_down",
        "elapsed_s",
    ):
        print(f"  {key:<24}{figures[key]}")
    emit(
        {
            k: figures[k]
            for k in (
                "jobs",
                "completed",
                "lost",
                "ran_twice_concurrently",
                "completed_twice",
                "max_recovery_s",
                "kills",
                "runs",
                "failed",
            )
        }
    )


async def run(url: str, redis: EmbeddedRedis, tmp: Path, jobs: int, rate: float) -> dict[str, Any]:
    conn = await asyncpg.connect(asyncpg_url(url))
    await conn.execute(SCHEMA)
    await conn.close()
    env = hub_env(
        url,
        redis.url,
        f"chaos:{RUN_ID}:",
        HUB_LEASE_S=str(LEASE_S),
        HUB_HEARTBEAT_INTERVAL_S="0.5",
        HUB_REAPER_INTERVAL_S=str(REAPER_INTERVAL_S),
        HUB_SWEEPER_AFTER_S="5",
        HUB_SHUTDOWN_GRACE_S="1",
    )
    env["PYTHONPATH"] = os.pathsep.join([str(REPO / "bench"), env["PYTHONPATH"]])
    log = tmp / "processes.log"
    worker_args = [
        "-m",
        "wsop_hub",
        "worker",
        "--concurrency",
        "4",
        "--backend",
        "chaos_backend:factory",
    ]
    scheduler = spawn(["-m", "wsop_hub", "scheduler"], env, log)
    workers = [spawn(worker_args, env, log) for _ in range(WORKERS)]
    kills: list[tuple[int, float]] = []
    engine = create_engine(url, pool_size=8, pre_ping=False)
    started = time.time()
    try:
        producer = asyncio.create_task(produce(engine, jobs, rate))
        redis_stopped = False
        redis_down_at = 0.0
        next_kill = time.monotonic() + KILL_EVERY_S
        while not await all_settled(url, jobs) or not producer.done():
            await asyncio.sleep(0.1)
            if time.monotonic() >= next_kill:
                next_kill += KILL_EVERY_S
                victim = random.choice(workers)
                victim.kill()
                victim.wait()
                kills.append((victim.pid, time.time()))
                workers.remove(victim)
                workers.append(spawn(worker_args, env, log))
            if not redis_stopped and time.time() - started > 4:
                redis_stopped = True
                redis_down_at = time.time()
                redis.stop()
                asyncio.get_running_loop().call_later(REDIS_DOWN_S, redis.start)
            if time.time() - started > 600:
                raise TimeoutError("chaos run did not settle within 600 s")
        await producer
    finally:
        stop_all([*workers, scheduler])
        await engine.dispose()
    figures = await analyse(url, jobs, kills)
    figures["elapsed_s"] = round(time.time() - started, 1)
    figures["slowest_recoveries"] = [
        f"{seconds:.2f} s (kill at t={at - started:.1f} s)"
        for seconds, at in figures["slowest_recoveries"]
    ]
    figures["redis_down"] = (
        f"t={redis_down_at - started:.1f}..{redis_down_at - started + REDIS_DOWN_S:.1f} s"
    )
    return figures


async def produce(engine: Any, jobs: int, rate: float) -> None:
    data = RenderInstructionIn(template_name="chaos", trigger_type="manual", max_retries=10)
    start = time.monotonic()
    for index in range(jobs):
        delay = start + index / rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        await create_instruction(engine, data, default_max_retries=10, actor="chaos")


async def all_settled(url: str, jobs: int) -> bool:
    conn = await asyncpg.connect(asyncpg_url(url))
    try:
        settled = await conn.fetchval(
            "SELECT count(*) FROM render_instructions WHERE status IN ('completed', 'cancelled')"
            " OR (status = 'failed' AND next_retry_at IS NULL)"
        )
        return int(settled) >= jobs
    finally:
        await conn.close()


async def analyse(url: str, jobs: int, kills: list[tuple[int, float]]) -> dict[str, Any]:
    conn = await asyncpg.connect(asyncpg_url(url))
    try:
        status = dict(
            await conn.fetch("SELECT status, count(*) FROM render_instructions GROUP BY 1")
        )
        completed_twice = await conn.fetchval(
            "SELECT count(*) FROM (SELECT instruction_id FROM instruction_history"
            " WHERE to_status = 'completed' GROUP BY 1 HAVING count(*) > 1) AS twice"
        )
        runs = await conn.fetch(
            "SELECT instruction_id, pid, extract(epoch FROM started_at) AS start,"
            " extract(epoch FROM finished_at) AS finish FROM chaos_runs ORDER BY instruction_id, started_at"
        )
    finally:
        await conn.close()
    killed_at = dict(kills)
    by_job: dict[int, list[tuple[float, float | None, int]]] = defaultdict(list)
    for r in runs:
        by_job[r["instruction_id"]].append(
            (float(r["start"]), r["finish"] and float(r["finish"]), r["pid"])
        )
    overlapping, recoveries = 0, []
    for job_runs in by_job.values():
        for (_start, finish, pid), (next_start, _, _) in zip(job_runs, job_runs[1:], strict=False):
            end = finish if finish is not None else killed_at.get(pid, float("inf"))
            if next_start < end:
                overlapping += 1
            if finish is None and pid in killed_at:
                recoveries.append((next_start - killed_at[pid], killed_at[pid]))
    completed = int(status.get("completed", 0))
    return {
        "jobs": jobs,
        "completed": completed,
        "lost": jobs - completed,
        "failed": int(status.get("failed", 0)),
        "ran_twice_concurrently": overlapping,
        "completed_twice": int(completed_twice),
        "runs": len(runs),
        "kills": len(kills),
        "max_recovery_s": round(max(recoveries)[0], 2) if recoveries else 0.0,
        "slowest_recoveries": sorted(recoveries, reverse=True)[:3],
        "recovery_bound_s": LEASE_S + REAPER_INTERVAL_S,
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="300 jobs instead of 2,000")
    asyncio.run(main(parser.parse_args().quick))
