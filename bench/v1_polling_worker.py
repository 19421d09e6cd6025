"""The seed's v1 design, for comparison: a worker that polls `status='pending'` every 5 s.

It claims and completes with the same statements and history as the hub (so only the
dispatch mechanism differs); when a poll finds work it keeps claiming until none is left.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal

from wsop_hub.db.engine import create_engine
from wsop_hub.db.repositories.instructions import Transition
from wsop_hub.db.uow import UnitOfWork
from wsop_hub.domain.enums import RenderStatus


async def main(poll_s: float, batch: int) -> None:
    engine = create_engine(os.environ["DATABASE_URL"], pool_size=2)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    worker_id = f"v1-{os.getpid()}"
    while not stop.is_set():
        while True:
            async with UnitOfWork(engine) as uow:
                jobs = await uow.instructions.claim_next(worker_id, 60, batch)
                await uow.instructions.add_history([Transition(
                    j.id, RenderStatus.PENDING, RenderStatus.PROCESSING, j.attempt, worker_id) for j in jobs])
                await uow.commit()
            for job in jobs:
                async with UnitOfWork(engine) as uow:
                    await uow.instructions.complete(job.id, job.attempt)
                    await uow.instructions.add_history([Transition(
                        job.id, RenderStatus.PROCESSING, RenderStatus.COMPLETED, job.attempt, worker_id)])
                    await uow.commit()
            if len(jobs) < batch:
                break
        try:
            await asyncio.wait_for(stop.wait(), timeout=poll_s)
        except TimeoutError:
            pass
    await engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--poll-s", type=float, default=5.0)
    parser.add_argument("--batch", type=int, default=10)
    args = parser.parse_args()
    asyncio.run(main(args.poll_s, args.batch))
