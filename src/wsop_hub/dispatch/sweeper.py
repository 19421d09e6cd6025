"""Sweeper: re-announces pending jobs nobody claimed within a bound.

Covers a stream message that never arrived or was lost: Redis restarted without
persistence, the stream was trimmed, a publish was dropped. A duplicate announcement is
harmless (the claim is a compare-and-set).
"""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncEngine

from wsop_hub.db.uow import UnitOfWork
from wsop_hub.dispatch.channels import OUTBOX_CHANNEL, TOPIC_RENDER

log = logging.getLogger(__name__)

OUTBOX_RETENTION_S = 24 * 3600
EVENT_LOG_RETENTION_S = 24 * 3600


async def sweep_unclaimed(engine: AsyncEngine, older_than_s: float, batch_size: int = 500) -> int:
    async with UnitOfWork(engine) as uow:
        stuck = await uow.instructions.pending_unclaimed_since(older_than_s, batch_size)
        for job_id, priority in stuck:
            await uow.outbox.add(
                TOPIC_RENDER, job_id, {"id": job_id, "priority": priority, "sweep": True}
            )
        if stuck:
            await uow.instructions.touch([job_id for job_id, _ in stuck])
            await uow.notify(OUTBOX_CHANNEL, {"sweep": len(stuck)})
        await uow.commit()
    if stuck:
        log.warning(
            "sweeper: re-announced %d pending jobs nobody claimed for %.0f s",
            len(stuck),
            older_than_s,
        )
    return len(stuck)


async def prune_logs(engine: AsyncEngine, retention_s: float = OUTBOX_RETENTION_S) -> int:
    """Published outbox rows are only an audit trail, and the event log only serves
    WebSocket clients catching up after a reconnect: keep a day of each."""
    async with UnitOfWork(engine) as uow:
        pruned = await uow.outbox.prune_published(retention_s)
        pruned += await uow.event_log.prune(EVENT_LOG_RETENTION_S)
        await uow.commit()
    return pruned
