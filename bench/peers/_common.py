"""Stdlib-only plumbing shared by the peer benchmarks (they run in their own venvs).

Same figures and percentile rule as bench/benchlib.py, so peer numbers line up with the hub's.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def parse_args(description: str, url_flag: str, url_default: str) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--jobs", type=int, default=300, help="total jobs to enqueue")
    p.add_argument(
        "--rate", type=float, default=100.0, help="offered load, jobs/s (one paced producer)"
    )
    p.add_argument("--workers", type=int, default=4, help="worker processes to start")
    p.add_argument(url_flag, default=url_default, dest="url", help="server to use")
    p.add_argument(
        "--deadline", type=float, default=300.0, help="max seconds to wait for completion"
    )
    p.add_argument(
        "--dump-csv", metavar="PATH", help="also write enqueued,started,completed per job"
    )
    args = p.parse_args()
    if args.jobs < 1 or args.rate <= 0 or args.workers < 1:
        p.error("--jobs, --rate and --workers must be positive")
    return args


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(int(round(q / 100 * (len(ordered) - 1))), len(ordered) - 1)
    return ordered[index]


def sigterm_as_exit() -> None:
    """Make SIGTERM unwind the stack like Ctrl-C, so `finally` blocks stop workers and clean up."""

    def handler(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, handler)


def spawn(argv: list[str], env_extra: dict[str, str], log_path: Path) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    env.update(env_extra)
    env["PYTHONPATH"] = str(HERE) + (
        os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else ""
    )
    env["PYTHONUNBUFFERED"] = "1"
    out = log_path.open("ab")
    try:
        return subprocess.Popen(
            argv, env=env, cwd=HERE, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
    finally:
        out.close()


def stop_all(processes: list[subprocess.Popen[bytes]], timeout_s: float = 15.0) -> None:
    """SIGTERM every worker, wait up to timeout_s for all of them, then SIGKILL the rest."""
    for p in processes:
        if p.poll() is None:
            try:
                p.send_signal(signal.SIGTERM)
            except ProcessLookupError:
                pass
    deadline = time.monotonic() + timeout_s
    for p in processes:
        try:
            p.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            print(
                f"worker pid {p.pid} ignored SIGTERM for {timeout_s:.0f} s: killing",
                file=sys.stderr,
            )
            p.kill()
            p.wait()


def check_alive(processes: list[subprocess.Popen[bytes]], log_path: Path) -> None:
    dead = [p for p in processes if p.poll() is not None]
    if dead:
        tail = log_path.read_text(errors="replace")[-3000:] if log_path.exists() else ""
        raise RuntimeError(
            f"{len(dead)} worker(s) exited early (rc={[p.returncode for p in dead]}); "
            f"log tail:\n{tail}"
        )


PRODUCER_CONCURRENCY = 8  # enqueues in flight at once, as bench/dispatch.py's producer does


async def paced_produce(
    n: int, rate: float, enqueue: Callable[[int, float], Awaitable[None]], check: Callable[[], None]
) -> tuple[float, float]:
    """One producer, paced: job i is due at t0 + i/rate and enqueued then (at once when behind).

    Up to PRODUCER_CONCURRENCY enqueues are in flight, so one slow round trip does not lower the
    offered rate. `enqueue(i, enqueued_at)` puts enqueued_at = time.time() just before the call
    into the job's payload. Returns the first and last enqueue times.
    """
    next_index = 0
    t0 = time.time() + 0.05
    stamps: list[float] = []

    async def lane() -> None:
        nonlocal next_index
        while next_index < n:
            index = next_index
            next_index += 1
            delay = t0 + index / rate - time.time()
            if delay > 0:
                await asyncio.sleep(delay)
            enqueued_at = time.time()
            stamps.append(enqueued_at)
            await enqueue(index, enqueued_at)
            if index % 200 == 0:
                check()

    await asyncio.gather(*(lane() for _ in range(min(PRODUCER_CONCURRENCY, n))))
    return min(stamps), max(stamps)


def cpu_times() -> list[int] | None:
    """The machine's aggregate CPU counters (Linux /proc/stat), to show how busy a run kept it."""
    try:
        with open("/proc/stat") as f:
            return [int(x) for x in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None


def cpu_summary(before: list[int] | None) -> str:
    after = cpu_times()
    if not before or not after:
        return "n/a"
    d = [a - b for a, b in zip(after, before, strict=False)]
    total = sum(d[:8]) or 1
    idle = d[3] + d[4]  # idle + iowait
    steal = d[7] if len(d) > 7 else 0
    return f"busy {100 * (total - idle) / total:.0f}%, steal {100 * steal / total:.1f}%"


def report(
    name: str,
    args: argparse.Namespace,
    rows: list[tuple[float, float, float]],
    first_enqueue: float,
    last_enqueue: float,
    extra: dict[str, Any],
) -> None:
    """rows: (enqueued_at, started_at, completed_at) per completed job, all time.time() seconds."""
    rows = sorted(rows)
    if args.dump_csv:
        with open(args.dump_csv, "w") as f:
            f.write("enqueued_at,started_at,completed_at\n")
            f.writelines(f"{e!r},{s!r},{c!r}\n" for e, s, c in rows)
    latencies = [(s - e) * 1000.0 for e, s, _ in rows]
    completed = len(rows)
    last_completion = max((c for _, _, c in rows), default=first_enqueue)
    span = last_completion - first_enqueue
    jobs_per_s = completed / span if span > 0 else 0.0
    offered = (
        (args.jobs - 1) / (last_enqueue - first_enqueue)
        if args.jobs > 1 and last_enqueue > first_enqueue
        else float("nan")
    )
    figures = {
        "p50_ms": round(percentile(latencies, 50), 2),
        "p95_ms": round(percentile(latencies, 95), 2),
        "p99_ms": round(percentile(latencies, 99), 2),
        "max_ms": round(max(latencies), 2) if latencies else None,
        "jobs_per_s": round(jobs_per_s, 1),
        "jobs": args.jobs,
        "completed": completed,
    }
    print(
        f"{name}: {args.jobs} no-op jobs at {args.rate:g}/s offered, {args.workers} worker processes (library defaults)"
    )
    table = [
        ("enqueue->start p50 (ms)", figures["p50_ms"]),
        ("enqueue->start p95 (ms)", figures["p95_ms"]),
        ("enqueue->start p99 (ms)", figures["p99_ms"]),
        ("enqueue->start max (ms)", figures["max_ms"]),
        (
            "enqueue->start mean (ms)",
            round(sum(latencies) / len(latencies), 2) if latencies else None,
        ),
        ("throughput (jobs/s)", figures["jobs_per_s"]),
        ("achieved enqueue rate (jobs/s)", round(offered, 1)),
        ("completed / jobs", f"{completed} / {args.jobs}"),
        *extra.items(),
    ]
    width = max(len(k) for k, _ in table)
    for k, v in table:
        print(f"  {k.ljust(width)}  {v}")
    print(json.dumps(figures), flush=True)
