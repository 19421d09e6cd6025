"""Peer benchmark: arq (Redis job queue) with its default worker settings.

Run with the peer's own venv (bench/peers/setup_venv.sh arq; arq 0.28 needs redis-py < 6):

    bench/.venvs/arq/bin/python bench/peers/arq_peer.py \
        --jobs 300 --rate 100 --workers 4 --redis-url redis://127.0.0.1:6379/0

Everything lives under a unique prefix `arq:bench:<uuid>` (queue, health-check key, the
jobs' start records) and job ids `bench:<uuid>:<n>` (so arq's own arq:job:/arq:result:/
arq:retry:/arq:in-progress: keys are the run's too); all of it is deleted at the end, so
other users of that Redis are never touched. It starts --workers processes of
`python -m arq arq_peer_worker.WorkerSettings` (arq defaults: max_jobs 10, poll_delay 0.5 s,
keep_result 3600 s, ...), enqueues --jobs no-op jobs from one producer paced at --rate, waits
until arq has stored a result for every job, then stops the workers. Last line: one JSON object.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
import uuid
from importlib.metadata import version
from pathlib import Path

from _common import (
    check_alive,
    cpu_summary,
    cpu_times,
    paced_produce,
    parse_args,
    report,
    sigterm_as_exit,
    spawn,
    stop_all,
)
from arq.connections import ArqRedis, RedisSettings, create_pool
from arq.constants import (
    in_progress_key_prefix,
    job_key_prefix,
    result_key_prefix,
    retry_key_prefix,
)
from arq.jobs import deserialize_result


async def poll_until(probe, deadline: float, what: str, interval_s: float, alive) -> None:  # type: ignore[no-untyped-def]
    while True:
        alive()
        if await probe():
            return
        if time.monotonic() >= deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        await asyncio.sleep(interval_s)


def chunks(items: list[str], size: int = 1000):  # type: ignore[no-untyped-def]
    for i in range(0, len(items), size):
        yield items[i : i + size]


async def count_existing(redis: ArqRedis, keys: list[str]) -> int:
    return sum([int(await redis.exists(*chunk)) for chunk in chunks(keys)])


async def cleanup(redis: ArqRedis, run: str, prefix: str, job_ids: list[str]) -> int:
    keys = [
        f"{prefix}:queue",
        f"{prefix}:queue:health-check",
        f"{prefix}:starts",
        f"{prefix}:ready",
    ]
    for job_id in job_ids:
        keys += [
            job_key_prefix + job_id,
            result_key_prefix + job_id,
            retry_key_prefix + job_id,
            in_progress_key_prefix + job_id,
        ]
    deleted = 0
    for chunk in chunks(keys):
        deleted += int(await redis.delete(*chunk))
    # Belt and braces: anything else carrying this run's uuid (nobody else's keys can).
    leftovers = [k async for k in redis.scan_iter(match=f"*{run}*", count=1000)]
    for chunk in chunks(leftovers):
        deleted += int(await redis.delete(*chunk))
    return deleted


async def run(args, run_id: str, prefix: str, log_path: Path, workers: list) -> None:  # type: ignore[no-untyped-def]
    def alive() -> None:
        check_alive(workers, log_path)

    queue = f"{prefix}:queue"
    job_ids = [f"bench:{run_id}:{i}" for i in range(args.jobs)]
    redis = await create_pool(RedisSettings.from_dsn(args.url), default_queue_name=queue)
    try:
        for _ in range(args.workers):
            workers.append(
                spawn(
                    [sys.executable, "-m", "arq", "arq_peer_worker.WorkerSettings"],
                    {"ARQ_PEER_PREFIX": prefix, "ARQ_PEER_REDIS_URL": args.url},
                    log_path,
                )
            )

        async def ready() -> bool:
            return int(await redis.get(f"{prefix}:ready") or 0) >= args.workers

        await poll_until(ready, time.monotonic() + 60, "workers to start", 0.05, alive)

        async def enqueue(i: int, enqueued_at: float) -> None:
            job = await redis.enqueue_job("bench_noop", enqueued_at, i, _job_id=job_ids[i])
            if job is None:
                raise RuntimeError(f"job id {job_ids[i]} already exists")

        cpu0 = cpu_times()
        first_enqueue, last_enqueue = await paced_produce(args.jobs, args.rate, enqueue, alive)

        result_keys = [result_key_prefix + j for j in job_ids]

        async def finished() -> bool:
            return await count_existing(redis, result_keys) >= args.jobs

        try:
            await poll_until(
                finished, time.monotonic() + args.deadline, "all jobs to complete", 0.1, alive
            )
        except TimeoutError as exc:
            print(f"warning: {exc}; reporting what completed", file=sys.stderr)
        cpu = cpu_summary(cpu0)

        # Completion time = arq's own result record (finish_time, ms resolution); start time =
        # what the job recorded.
        starts = {
            k.decode(): v.decode() for k, v in (await redis.hgetall(f"{prefix}:starts")).items()
        }
        rows: list[tuple[float, float, float]] = []
        failed = 0
        for chunk in chunks(job_ids):
            raw = await redis.mget([result_key_prefix + j for j in chunk])
            for job_id, blob in zip(chunk, raw, strict=True):
                if blob is None:
                    continue
                result = deserialize_result(blob)
                if not result.success or job_id not in starts:
                    failed += 1
                    continue
                enqueued_at, started_at = (float(x) for x in starts[job_id].split())
                rows.append((enqueued_at, started_at, result.finish_time.timestamp()))
    finally:
        try:
            stop_all(workers)
            await cleanup(redis, run_id, prefix, job_ids)
        finally:
            await redis.aclose(close_connection_pool=True)

    report(
        f"arq {version('arq')}",
        args,
        rows,
        first_enqueue,
        last_enqueue,
        {
            "jobs failed": failed,
            "machine CPU, enqueue..done": cpu,
            "redis prefix (deleted)": prefix,
        },
    )


def main() -> int:
    args = parse_args(
        "arq peer benchmark (library defaults)", "--redis-url", "redis://127.0.0.1:6379/0"
    )
    sigterm_as_exit()
    run_id = uuid.uuid4().hex
    prefix = f"arq:bench:{run_id}"
    workers: list = []
    with tempfile.TemporaryDirectory(prefix="arq-peer-") as tmp:
        log_path = Path(tmp) / "workers.log"
        try:
            asyncio.run(run(args, run_id, prefix, log_path, workers))
        finally:
            # Already done on the normal path; here for errors before run() got that far.
            stop_all(workers)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt as exc:
        print(
            f"interrupted ({exc or 'Ctrl-C'}): workers stopped, run's data removed", file=sys.stderr
        )
        sys.exit(130)
