"""Retry timer: a failed attempt with retries left returns to pending when its backoff is due."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from wsop_hub.db.repositories.instructions import Transition
from wsop_hub.db.uow import UnitOfWork
from wsop_hub.dispatch.service import announce, publish_change
from wsop_hub.domain.enums import RenderStatus

ACTOR = "retry-timer"


async def release_due_retries(engine: AsyncEngine, batch_size: int = 100) -> int:
    async with UnitOfWork(engine) as uow:
        due = await uow.instructions.lock_due_retries(batch_size)
        for job in due:
            retried = await uow.instructions.requeue(
                job.id, RenderStatus.FAILED, consume_retry=True
            )
            assert retried is not None  # row locked above
            await uow.instructions.add_history(
                [
                    Transition(
                        job.id,
                        RenderStatus.FAILED,
                        RenderStatus.PENDING,
                        job.attempt,
                        ACTOR,
                        f"automatic retry {retried.retry_count} of {retried.max_retries} after backoff",
                    )
                ]
            )
            await announce(uow, retried)
            await publish_change(uow, retried)
        await uow.commit()
    return len(due)
