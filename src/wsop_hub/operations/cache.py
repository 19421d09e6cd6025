"""A short-lived, single-flight, stale-while-revalidate cache for the read side.

Fifty operators polling the dashboard see the same figures; computing them once per
`ttl_s` instead of once per request keeps PostgreSQL free for the work that matters.
Concurrent requests for the same key share one computation. Once a value has expired, it
is still served for up to `stale_s` while ONE background computation refreshes it, so no
request waits for the recomputation (the one that would otherwise be every request's
p99); only a key never computed, or left unasked for longer than `stale_s`, is waited for.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

log = logging.getLogger(__name__)


class SingleFlightCache:
    def __init__(
        self,
        ttl_s: float,
        stale_s: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl_s = ttl_s
        self._clock = clock
        self.stale_s = 10 * ttl_s if stale_s is None else stale_s
        self._values: dict[str, tuple[float, Any]] = {}
        self._inflight: dict[str, asyncio.Future[Any]] = {}

    async def get(self, key: str, compute: Callable[[], Awaitable[Any]]) -> Any:
        if self.ttl_s <= 0:
            return await compute()
        now = self._clock()
        cached = self._values.get(key)
        if cached is not None and cached[0] > now:
            return cached[1]
        if cached is not None and cached[0] + self.stale_s > now:
            if key not in self._inflight:
                refresh = asyncio.ensure_future(self._run(key, compute, self._claim(key)))
                refresh.add_done_callback(_log_failure)
            return cached[1]
        running = self._inflight.get(key)
        if running is not None:
            return await asyncio.shield(running)
        return await self._run(key, compute, self._claim(key))

    def _claim(self, key: str) -> asyncio.Future[Any]:
        """Mark `key` as being computed, synchronously, before anyone else can look."""
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._inflight[key] = future
        return future

    async def _run(
        self, key: str, compute: Callable[[], Awaitable[Any]], future: asyncio.Future[Any]
    ) -> Any:
        try:
            value = await compute()
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: waiters re-raise it, nobody logs it as lost
            raise
        else:
            future.set_result(value)
            self._values[key] = (self._clock() + self.ttl_s, value)
            return value
        finally:
            del self._inflight[key]


def _log_failure(task: asyncio.Future[Any]) -> None:
    """A background refresh that failed: the stale value stays; the next request retries."""
    if not task.cancelled() and task.exception() is not None:
        log.warning("cache refresh failed: %r", task.exception())
