"""Dispatch latency and throughput: the hub against v1 polling, procrastinate and arq.

Offered load of no-op jobs through 4 worker processes. Latency is enqueue → claim (the
job's created_at → started_at, both PostgreSQL clock); throughput is jobs fully created →
claimed → completed with history per second, from a burst with the workers saturated.

    ./run bench dispatch [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sqlalchemy import text  # noqa: E402

from benchlib import (  # noqa: E402
    REPO,
    RUN_ID,
    drop_prefix,
    emit,
    fresh_database,
    hub_env,
    print_table,
    server_urls,
    spawn,
    stop_all,
    summary,
    wait_until,
)
from wsop_hub.db.engine import create_engine  # noqa: E402
from wsop_hub.dispatch.service import create_instruction  # noqa: E402
from wsop_hub.domain.models import RenderInstructionIn  # noqa: E402

WORKERS = 4


async def produce(engine: Any, count: int, rate: float | None, producers: int = 8) -> list[int]:
    """Create `count` jobs, paced at `rate` per second (None: as fast as possible)."""
    ids: list[int] = []
    next_index = 0
    start = time.monotonic()
    data = RenderInstructionIn(template_name="bench", trigger_type="manual")

    async def producer() -> None:
        nonlocal next_index
        while next_index < count:
            index = next_index
            next_index += 1
            if rate:
                delay = start + index / rate - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
            job = await create_instruction(engine, data, default_max_retries=3, actor="bench")
            ids.append(job.id)

    await asyncio.gather(*(producer() for _ in range(producers)))
    return ids


async def completed_count(engine: Any, ids: list[int]) -> int:
    async with engine.connect() as conn:
        return int(
            await conn.scalar(
                text(
                    "SELECT count(*) FROM render_instructions WHERE status = 'completed' AND id = ANY(:ids)"
                ),
                {"ids": ids},
            )
        )


async def measure(engine: Any, ids: list[int]) -> tuple[list[float], float]:
    async with engine.connect() as conn:
        rows = (
            await conn.execute(
                text(
                    "SELECT extract(epoch FROM started_at - created_at) * 1000,"
                    " extract(epoch FROM created_at), extract(epoch FROM completed_at)"
                    " FROM render_instructions WHERE id = ANY(:ids)"
                ),
                {"ids": ids},
            )
        ).all()
    latencies = [float(r[0]) for r in rows]
    span_s = max(float(r[2]) for r in rows) - min(float(r[1]) for r in rows)
    return latencies, len(rows) / span_s


async def run_system(
    label: str,
    worker_args: list[str],
    with_relay: bool,
    jobs: int,
    rate: float,
    burst: int,
    timeout_s: float,
) -> dict[str, Any]:
    db_server, redis_url = server_urls()
    prefix = f"bench:{RUN_ID}:{label}:"
    async with fresh_database(db_server, label) as url:
        env = hub_env(url, redis_url, prefix)
        processes = []
        if with_relay:
            processes.append(spawn(["-m", "wsop_hub", "scheduler"], env))
        processes += [spawn(worker_args, env) for _ in range(WORKERS)]
        engine = create_engine(url, pool_size=16, pre_ping=False)  # as the ingest role
        try:
            await wait_until(lambda: _workers_ready(engine, label), 30, f"{label} workers")
            ids = await produce(engine, jobs, rate)
            await wait_until(lambda: _all_done(engine, ids), timeout_s, f"{label} latency phase")
            latencies, _ = await measure(engine, ids)
            burst_ids = await produce(engine, burst, None, producers=16)
            await wait_until(lambda: _all_done(engine, burst_ids), timeout_s, f"{label} burst")
            _, jobs_per_s = await measure(engine, burst_ids)
        finally:
            await engine.dispose()
            stop_all(processes)
            await drop_prefix(redis_url, prefix)
    return summary(latencies, jobs_per_s, jobs=jobs + burst)


async def _workers_ready(engine: Any, label: str) -> bool:
    if label != "hub":
        return True
    async with engine.connect() as conn:
        return int(await conn.scalar(text("SELECT count(*) FROM workers"))) >= WORKERS


def _all_done(engine: Any, ids: list[int]):  # type: ignore[no-untyped-def]
    async def probe() -> bool:
        return await completed_count(engine, ids) == len(ids)

    return probe()


def run_peer(name: str, jobs: int, rate: float, burst: int) -> dict[str, Any]:
    """procrastinate / arq, each in its own virtualenv with its own defaults (bench/peers):
    latency from the paced run, jobs/s from an unpaced burst, as for the hub."""
    paced = _peer_run(name, jobs, rate)
    if "error" in paced:
        return paced
    burst_figures = _peer_run(name, burst, 1_000_000.0)
    paced["jobs_per_s"] = burst_figures.get("jobs_per_s")
    paced["jobs"] = jobs + burst
    return paced


def _peer_run(name: str, jobs: int, rate: float) -> dict[str, Any]:
    setup = subprocess.run(
        ["bash", str(REPO / "bench/peers/setup_venv.sh"), name], capture_output=True, text=True
    )
    if setup.returncode != 0:
        return {"error": f"setup failed: {setup.stderr.strip()[-300:]}"}
    python = REPO / f"bench/.venvs/{name}/bin/python"
    db_server, redis_url = server_urls()
    conn_args = (
        ["--database-url", db_server] if name == "procrastinate" else ["--redis-url", redis_url]
    )
    result = subprocess.run(
        [
            str(python),
            str(REPO / f"bench/peers/{name}_peer.py"),
            "--jobs",
            str(jobs),
            "--rate",
            str(rate),
            "--workers",
            str(WORKERS),
            *conn_args,
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    lines = [line for line in result.stdout.strip().splitlines() if line.startswith("{")]
    if result.returncode != 0 or not lines:
        return {"error": (result.stderr or result.stdout).strip()[-300:]}
    figures = json.loads(lines[-1])
    return {
        k: figures.get(k) for k in ("p50_ms", "p95_ms", "p99_ms", "max_ms", "jobs_per_s", "jobs")
    }


async def main(quick: bool, only: set[str]) -> None:
    jobs, rate, burst = (600, 200.0, 1000) if quick else (3000, 200.0, 5000)
    hub_worker = ["-m", "wsop_hub", "worker", "--concurrency", "8", "--backend", "noop"]
    v1_worker = [str(REPO / "bench/v1_polling_worker.py")]
    results: dict[str, dict[str, Any]] = {}
    if "hub" in only:
        results["hub"] = await run_system("hub", hub_worker, True, jobs, rate, burst, 120)
    v1_jobs, v1_burst = (300, 300) if quick else (1500, 1500)
    if "v1_polling" in only:
        results["v1_polling"] = await run_system(
            "v1", v1_worker, False, v1_jobs, rate, v1_burst, 120
        )
    peer_jobs = 300 if quick else jobs
    for peer in ("procrastinate", "arq"):
        if peer in only:
            results[peer] = run_peer(peer, peer_jobs, rate, burst if not quick else 300)
    print_table(
        f"dispatch: offered load {rate:.0f} jobs/s, {WORKERS} worker processes, no-op jobs "
        f"(enqueue → start latency; jobs/s from a saturated burst)",
        results,
        ["p50_ms", "p95_ms", "p99_ms", "max_ms", "jobs_per_s", "jobs"],
    )
    emit(results)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="small run, under a minute")
    parser.add_argument(
        "--only",
        default="hub,v1_polling,procrastinate,arq",
        help="comma-separated systems to measure (default: all)",
    )
    args = parser.parse_args()
    asyncio.run(main(args.quick, set(args.only.split(","))))
