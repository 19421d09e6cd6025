"""Role runners for `wsop-hub worker` and `wsop-hub scheduler`: wiring plus signal handling."""

from __future__ import annotations

import asyncio
import logging
import signal

from redis.asyncio import Redis
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

from wsop_hub.db.engine import create_engine
from wsop_hub.dispatch.backends import load_backend
from wsop_hub.dispatch.claims import ClaimStore, create_pool
from wsop_hub.dispatch.scheduler import Scheduler
from wsop_hub.dispatch.worker import Worker, WorkerConfig
from wsop_hub.redis_keys import RedisKeys
from wsop_hub.settings import Settings

log = logging.getLogger(__name__)


def redis_client(url: str, *, read_timeout_s: float = 10.0) -> Redis:
    """A client that fails fast when Redis is gone, so dispatch can fall back quickly."""
    return Redis.from_url(
        url,
        socket_connect_timeout=2,
        socket_timeout=read_timeout_s,
        retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), 1),
    )


def worker_config(settings: Settings, concurrency: int) -> WorkerConfig:
    return WorkerConfig(
        concurrency=concurrency,
        lease_s=settings.hub_lease_s,
        heartbeat_interval_s=settings.hub_heartbeat_interval_s,
        retry_backoff_base_s=settings.hub_retry_backoff_base_s,
        shutdown_grace_s=settings.hub_shutdown_grace_s,
    )


def _on_stop_signals(stop: object) -> None:
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop)  # type: ignore[arg-type]


async def run_worker(
    settings: Settings, database_url: str, redis_url: str, *, concurrency: int, backend: str
) -> int:
    engine = create_engine(
        database_url, pool_size=2, application_name="wsop-hub-worker", pre_ping=False
    )
    pool = await create_pool(database_url, max_size=concurrency + 2)
    config = worker_config(settings, concurrency)
    redis = redis_client(redis_url, read_timeout_s=config.block_ms / 1000 + 5)
    keys = RedisKeys(settings.hub_redis_prefix)
    worker = Worker(engine, redis, keys, load_backend(backend, settings), config, ClaimStore(pool))
    _on_stop_signals(worker.stop)
    log.info("worker %s: concurrency %d, backend %s", worker.worker_id, concurrency, backend)
    try:
        await worker.run()
    finally:
        await redis.aclose()
        await pool.close()
        await engine.dispose()
    log.info("worker %s stopped", worker.worker_id)
    return 0


async def run_scheduler(settings: Settings, database_url: str, redis_url: str) -> int:
    engine = create_engine(
        database_url, pool_size=4, application_name="wsop-hub-scheduler", pre_ping=False
    )
    redis = redis_client(redis_url)
    scheduler = Scheduler(engine, redis, settings, database_url)
    _on_stop_signals(scheduler.stop)
    try:
        await scheduler.run()
    finally:
        await redis.aclose()
        await engine.dispose()
    return 0
