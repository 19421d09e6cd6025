import asyncio

import pytest

from tests.waiting import eventually
from wsop_hub.operations.cache import SingleFlightCache


async def test_concurrent_requests_share_one_computation() -> None:
    cache = SingleFlightCache(ttl_s=60)
    calls = 0
    release = asyncio.Event()

    async def compute() -> int:
        nonlocal calls
        calls += 1
        await release.wait()
        return 42

    waiting = [asyncio.create_task(cache.get("k", compute)) for _ in range(10)]

    async def computing() -> bool:
        return calls == 1

    await eventually(computing, what="the one computation under way")
    release.set()
    assert await asyncio.gather(*waiting) == [42] * 10
    assert await cache.get("k", compute) == 42
    assert calls == 1


async def test_failures_are_not_cached_and_reach_every_waiter() -> None:
    cache = SingleFlightCache(ttl_s=60)

    async def broken() -> int:
        raise RuntimeError("db down")

    with pytest.raises(RuntimeError, match="db down"):
        await cache.get("k", broken)

    async def fine() -> int:
        return 7

    assert await cache.get("k", fine) == 7


async def test_zero_ttl_always_computes() -> None:
    cache = SingleFlightCache(ttl_s=0)
    values = iter([1, 2])

    async def compute() -> int:
        return next(values)

    assert (await cache.get("k", compute), await cache.get("k", compute)) == (1, 2)


async def test_an_expired_value_is_served_at_once_while_one_refresh_runs() -> None:
    now = [0.0]
    cache = SingleFlightCache(ttl_s=1, stale_s=60, clock=lambda: now[0])
    release = asyncio.Event()
    calls = 0

    async def compute() -> int:
        nonlocal calls
        calls += 1
        if calls > 1:
            await release.wait()
        return calls

    assert await cache.get("k", compute) == 1
    now[0] = 2.0  # the first value has expired
    stale = [await cache.get("k", compute) for _ in range(5)]
    assert stale == [1] * 5, "nobody waits for the recomputation"

    async def refreshing() -> bool:
        return calls == 2

    await eventually(refreshing, what="the background refresh")
    assert calls == 2, "one refresh, however many readers"
    release.set()

    async def refreshed() -> bool:
        return await cache.get("k", compute) == 2

    await eventually(refreshed, what="the refreshed value")
    assert calls == 2
