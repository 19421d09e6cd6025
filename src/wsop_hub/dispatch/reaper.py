"""Zombie hunter: jobs whose lease expired (worker crashed or hung) go back to pending.

The lease, not Redis idle time, is the liveness signal: a healthy worker's heartbeat keeps
extending it however long the render takes.
"""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncEngine

from wsop_hub.db.repositories.instructions import Transition
from wsop_hub.db.uow import UnitOfWork
from wsop_hub.dispatch.service import announce, publish_change
from wsop_hub.domain.enums import RenderStatus

log = logging.getLogger(__name__)

ACTOR = "reaper"
EXHAUSTED = "timeout exceeded max retries"


async def reap_expired_leases(engine: AsyncEngine, batch_size: int = 100) -> int:
    """Recover one batch of expired leases; returns how many jobs were recovered or failed."""
    async with UnitOfWork(engine) as uow:
        expired = await uow.instructions.lock_expired_leases(batch_size)
        for job in expired:
            stale_reason = f"lease expired (worker {job.worker_id}, attempt {job.attempt})"
            history = [
                Transition(
                    job.id,
                    RenderStatus.PROCESSING,
                    RenderStatus.STALE,
                    job.attempt,
                    ACTOR,
                    stale_reason,
                )
            ]
            if job.retry_count < job.max_retries:
                settled = await uow.instructions.requeue(
                    job.id, RenderStatus.PROCESSING, consume_retry=True
                )
                assert settled is not None  # row locked above
                history.append(
                    Transition(
                        job.id,
                        RenderStatus.STALE,
                        RenderStatus.PENDING,
                        job.attempt,
                        ACTOR,
                        f"retry {settled.retry_count} of {settled.max_retries}",
                    )
                )
                await announce(uow, settled)
            else:
                settled = await uow.instructions.set_status(
                    job.id, RenderStatus.PROCESSING, RenderStatus.FAILED, error=EXHAUSTED
                )
                assert settled is not None
                history.append(
                    Transition(
                        job.id,
                        RenderStatus.STALE,
                        RenderStatus.FAILED,
                        job.attempt,
                        ACTOR,
                        EXHAUSTED,
                    )
                )
            await uow.instructions.add_history(history)
            await publish_change(uow, settled)
        await uow.commit()
    if expired:
        log.warning("reaper: recovered %d jobs with expired leases", len(expired))
    return len(expired)


async def seconds_to_next_expiry(engine: AsyncEngine) -> float | None:
    """Seconds until the earliest processing lease expires (None: nothing is processing)."""
    async with UnitOfWork(engine) as uow:
        return await uow.instructions.seconds_to_next_lease_expiry()
