"""The arq WorkerSettings and no-op job of the peer benchmark (see arq_peer.py).

The workers run `python -m arq arq_peer_worker.WorkerSettings`, configured by environment:
ARQ_PEER_REDIS_URL (server) and ARQ_PEER_PREFIX (the run's unique key prefix, e.g.
`arq:bench:<uuid>`). Only queue_name and redis_settings are set (plus an on_startup hook that
just counts ready workers): every other Worker option keeps arq's default.
"""

from __future__ import annotations

import os
import time
from typing import Any

from arq.connections import RedisSettings

PREFIX = os.environ.get("ARQ_PEER_PREFIX", "arq:bench:unset")
QUEUE = PREFIX + ":queue"  # the run's own queue (a sorted set), not arq's default arq:queue
STARTS = PREFIX + ":starts"  # hash: job id -> "enqueued_at started_at" (time.time() seconds)
READY = PREFIX + ":ready"  # counter: workers that got through start-up


async def bench_noop(ctx: dict[str, Any], enqueued_at: float, seq: int) -> None:
    """The no-op job: note when it started running, in a hash under the run's prefix."""
    started_at = time.time()
    await ctx["redis"].hset(STARTS, ctx["job_id"], f"{enqueued_at!r} {started_at!r}")


async def on_startup(ctx: dict[str, Any]) -> None:
    await ctx["redis"].incr(READY)


class WorkerSettings:
    functions = [bench_noop]
    queue_name = QUEUE
    redis_settings = RedisSettings.from_dsn(
        os.environ.get("ARQ_PEER_REDIS_URL", "redis://127.0.0.1:6379/0")
    )
    on_startup = on_startup
