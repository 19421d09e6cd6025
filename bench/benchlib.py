"""Shared plumbing for the benchmarks: a throw-away database, an own Redis, hub processes.

Benchmarks use the servers named by DATABASE_URL / REDIS_URL (or TEST_DATABASE_URL /
TEST_REDIS_URL), else the local services at 127.0.0.1; each run creates its own database
and key prefix and removes them at the end. Chaos runs start their own redis-server so they
can stop it.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
from redis.asyncio import Redis

from wsop_hub.db import migrate
from wsop_hub.settings import asyncpg_url

REPO = Path(__file__).resolve().parents[1]
RUN_ID = uuid.uuid4().hex[:8]


def server_urls() -> tuple[str, str]:
    db = (
        os.environ.get("DATABASE_URL")
        or os.environ.get("TEST_DATABASE_URL")
        or "postgresql://postgres@127.0.0.1:5432/postgres"
    )
    redis = (
        os.environ.get("REDIS_URL")
        or os.environ.get("TEST_REDIS_URL")
        or "redis://127.0.0.1:6379/0"
    )
    return db, redis


def with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(asyncpg_url(url))._replace(path="/" + name))


@asynccontextmanager
async def fresh_database(server_url: str, label: str):  # type: ignore[no-untyped-def]
    name = f"wsop_bench_{label}_{RUN_ID}"
    admin = with_database(server_url, "postgres")
    conn = await asyncpg.connect(admin)
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    url = with_database(server_url, name)
    try:
        await migrate.upgrade_async(url)
        yield url
    finally:
        conn = await asyncpg.connect(admin)
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.close()


async def drop_prefix(redis_url: str, prefix: str) -> None:
    client = Redis.from_url(redis_url)
    keys = [k async for k in client.scan_iter(match=prefix + "*")]
    if keys:
        await client.delete(*keys)
    await client.aclose()


def hub_env(database_url: str, redis_url: str, prefix: str, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        HUB_REDIS_PREFIX=prefix,
        DASHBOARD_PASSWORD="bench-password-0123",
        HUB_LOG_LEVEL="WARNING",
        **extra,
    )
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")])
    return env


def spawn(
    args: list[str], env: dict[str, str], log_path: Path | None = None
) -> subprocess.Popen[bytes]:
    out = log_path.open("ab") if log_path else subprocess.DEVNULL
    return subprocess.Popen(
        [sys.executable, *args], env=env, cwd=REPO, stdout=out, stderr=subprocess.STDOUT
    )


def stop_all(processes: list[subprocess.Popen[bytes]], timeout_s: float = 20) -> None:
    for p in processes:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + timeout_s
    for p in processes:
        try:
            p.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(int(round(q / 100 * (len(ordered) - 1))), len(ordered) - 1)
    return ordered[index]


def summary(latencies_ms: list[float], jobs_per_s: float, **extra: Any) -> dict[str, Any]:
    return {
        "p50_ms": round(percentile(latencies_ms, 50), 2),
        "p95_ms": round(percentile(latencies_ms, 95), 2),
        "p99_ms": round(percentile(latencies_ms, 99), 2),
        "max_ms": round(max(latencies_ms), 2) if latencies_ms else None,
        "jobs_per_s": round(jobs_per_s, 1),
        **extra,
    }


async def wait_until(probe, timeout_s: float, what: str, interval_s: float = 0.1) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if await probe():
            return
        await asyncio.sleep(interval_s)
    raise TimeoutError(f"timed out after {timeout_s:.0f} s waiting for {what}")


def print_table(title: str, rows: dict[str, dict[str, Any]], columns: list[str]) -> None:
    print(title)
    print("  " + "system".ljust(16) + "".join(c.rjust(12) for c in columns))
    for name, figures in rows.items():
        cells = "".join(str(figures.get(c, "-")).rjust(12) for c in columns)
        print("  " + name.ljust(16) + cells)


def emit(figures: dict[str, Any]) -> None:
    """The benchmark contract: the last line of output is one JSON object."""
    print(json.dumps(figures), flush=True)
