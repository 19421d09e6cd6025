"""Outbox relay: publishes committed outbox rows to the render queue stream.

Woken by LISTEN/NOTIFY (`wsop_outbox`), not a timer; a long safety wait only covers a
notification missed while the listening connection was being re-established. Rows are
locked with SKIP LOCKED, so several relays can run without double-publishing a row. A
publish whose commit is lost is published again later; the claim's compare-and-set makes
the duplicate harmless.
"""

from __future__ import annotations

import asyncio
import logging
import random

import asyncpg
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine

from wsop_hub.dispatch.channels import OUTBOX_CHANNEL
from wsop_hub.dispatch.outage import DB_ERRORS, REDIS_ERRORS, OutageTracker, RedisDown
from wsop_hub.redis_keys import RedisKeys
from wsop_hub.settings import asyncpg_url

log = logging.getLogger(__name__)


#: Retry a lost Redis at least this often: a reconnect attempt is cheap, and every second
#: of delay after Redis returns is a second before recovered jobs are announced.
REDIS_RETRY_CAP_S = 1.0

LOCK_UNPUBLISHED = """
SELECT id, instruction_id FROM outbox
 WHERE published_at IS NULL
 ORDER BY id
 LIMIT $1
 FOR UPDATE SKIP LOCKED
"""
MARK_PUBLISHED = "UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])"


class OutboxRelay:
    def __init__(
        self,
        engine: AsyncEngine,
        redis: Redis,
        keys: RedisKeys,
        database_url: str,
        *,
        batch_size: int = 500,
        safety_wait_s: float = 30.0,
        max_stream_len: int = 100_000,
        name: str = "relay",
    ) -> None:
        self._engine = engine
        self._redis = redis
        self._keys = keys
        self._database_url = asyncpg_url(database_url)
        self._batch_size = batch_size
        self._safety_wait_s = safety_wait_s
        self._max_stream_len = max_stream_len
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._listener: asyncpg.Connection | None = None
        self.redis_outage = OutageTracker(
            engine, who=name, dependency="Redis", event_type="redis_unavailable"
        )
        self.published_total = 0

    async def listening(self) -> bool:
        """True once LISTEN is in place (tests wait on it)."""
        return self._listener is not None and not self._listener.is_closed()

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()

    async def run(self) -> None:
        backoff_s = 0.1
        while not self._stopping.is_set():
            try:
                await self._ensure_listener()
                published = await self.drain()
                backoff_s = 0.1
                if published == 0:
                    await self._wait_for_wake()
            except RedisDown as exc:
                await self.redis_outage.mark_down(
                    exc.cause, "outbox rows kept in PostgreSQL until it returns"
                )
                await self._pause(backoff_s)
                backoff_s = min(backoff_s * 2, REDIS_RETRY_CAP_S)
            except DB_ERRORS as exc:
                log.warning("relay: PostgreSQL error (%s); retrying in %.1f s", exc, backoff_s)
                await self._drop_listener()
                await self._pause(backoff_s)
                backoff_s = min(backoff_s * 2, 10.0)
        await self._drop_listener()

    async def drain(self) -> int:
        """Publish every unpublished row; returns how many were published."""
        total = 0
        while not self._stopping.is_set():
            count = await self._publish_batch()
            total += count
            if count < self._batch_size:
                break
        if total:
            await self.redis_outage.mark_up("relay publishing again")
        return total

    async def _publish_batch(self) -> int:
        """One transaction on the listening connection (raw asyncpg: this is the hot path):
        lock a batch, XADD it, mark it published. A failed XADD rolls the marks back."""
        conn = self._listener
        assert conn is not None
        async with conn.transaction():
            rows = await conn.fetch(LOCK_UNPUBLISHED, self._batch_size)
            if not rows:
                return 0
            pipe = self._redis.pipeline(transaction=False)
            for row in rows:
                pipe.xadd(
                    self._keys.render_queue,
                    {"id": str(row["instruction_id"]), "outbox_id": str(row["id"])},
                    maxlen=self._max_stream_len,
                    approximate=True,
                )
            try:
                await pipe.execute()
            except REDIS_ERRORS as exc:
                raise RedisDown(exc) from exc
            await conn.execute(MARK_PUBLISHED, [row["id"] for row in rows])
        self.published_total += len(rows)
        return len(rows)

    async def _ensure_listener(self) -> None:
        if self._listener is not None and not self._listener.is_closed():
            return
        self._listener = await asyncpg.connect(self._database_url, timeout=5)
        await self._listener.add_listener(OUTBOX_CHANNEL, self._on_notify)
        self._wake.set()  # rows may have arrived while we were not listening

    def _on_notify(self, *_: object) -> None:
        self._wake.set()

    async def _wait_for_wake(self) -> None:
        try:
            await asyncio.wait_for(self._wake.wait(), timeout=self._safety_wait_s)
        except TimeoutError:
            pass
        self._wake.clear()

    async def _pause(self, seconds: float) -> None:
        try:
            await asyncio.wait_for(
                self._stopping.wait(), timeout=seconds * (0.8 + 0.4 * random.random())
            )
        except TimeoutError:
            pass

    async def _drop_listener(self) -> None:
        if self._listener is not None:
            try:
                await self._listener.close(timeout=2)
            except Exception:  # noqa: BLE001 - the connection is already broken
                self._listener.terminate()
            self._listener = None
