"""The seed's v1 design, for comparison: a worker that polls `status='pending'` every 5 s.

It claims and completes with the same statements and history as the hub (so only the
dispatch mechanism differs); when a poll finds work it keeps claiming until none is left.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal

from wsop_hub.dispatch.claims import ClaimStore, create_pool


async def main(poll_s: float, batch: int) -> None:
    pool = await create_pool(os.environ["DATABASE_URL"], max_size=2)
    claims = ClaimStore(pool)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    worker_id = f"v1-{os.getpid()}"
    while not stop.is_set():
        while True:
            jobs = await claims.claim_next(worker_id, 60, batch)
            for job in jobs:
                await claims.complete(job, worker_id, None, 0)
            if len(jobs) < batch:
                break
        try:
            await asyncio.wait_for(stop.wait(), timeout=poll_s)
        except TimeoutError:
            pass
    await pool.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--poll-s", type=float, default=5.0)
    parser.add_argument("--batch", type=int, default=10)
    args = parser.parse_args()
    asyncio.run(main(args.poll_s, args.batch))
