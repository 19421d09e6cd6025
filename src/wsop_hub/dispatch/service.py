"""Dispatch use cases, each one unit of work: create, cancel, retry, re-announce.

Anything that makes a job pending writes an outbox row in the same transaction; the relay
publishes it after commit. Every status change writes a history row.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from wsop_hub.db.repositories.instructions import Transition
from wsop_hub.db.uow import UnitOfWork
from wsop_hub.dispatch.channels import OUTBOX_CHANNEL, TOPIC_RENDER
from wsop_hub.domain.enums import RenderStatus
from wsop_hub.domain.models import RenderInstruction, RenderInstructionIn
from wsop_hub.errors import Conflict


def instruction_event(job: RenderInstruction) -> dict[str, Any]:
    return {
        "type": "instruction_updated",
        "data": {
            "id": job.id,
            "status": job.status.value,
            "priority": job.priority,
            "attempt": job.attempt,
            "template_name": job.template_name,
            "worker_id": job.worker_id,
        },
    }


async def announce(uow: UnitOfWork, job: RenderInstruction) -> None:
    """Outbox row + wake-up for the relay; part of the caller's transaction."""
    await uow.outbox.add(TOPIC_RENDER, job.id, {"id": job.id, "priority": job.priority})
    await uow.notify(OUTBOX_CHANNEL, {"id": job.id})


async def publish_change(uow: UnitOfWork, job: RenderInstruction) -> None:
    event = instruction_event(job)
    await uow.emit(event["type"], event["data"])


async def create_instruction(
    engine: AsyncEngine, data: RenderInstructionIn, *, default_max_retries: int, actor: str
) -> RenderInstruction:
    """Create a pending instruction with its history row and outbox row, atomically.

    With a `dedup_key` seen before, returns the existing instruction and writes nothing.
    """
    job, _ = await create_instruction_once(
        engine, data, default_max_retries=default_max_retries, actor=actor
    )
    return job


async def create_instruction_once(
    engine: AsyncEngine, data: RenderInstructionIn, *, default_max_retries: int, actor: str
) -> tuple[RenderInstruction, bool]:
    """`create_instruction`, also saying whether it was created now (False: its
    `dedup_key` was seen before and the existing instruction is returned)."""
    async with UnitOfWork(engine, single_statement=True) as uow:
        job = await uow.instructions.create_announced(data, default_max_retries, actor)
        created = job is not None
        if job is None:  # dedup_key seen before
            job, _ = await uow.instructions.insert(data, default_max_retries)
        await uow.commit()
    return job, created


async def cancel_instruction(
    engine: AsyncEngine, instruction_id: int, *, actor: str, reason: str
) -> RenderInstruction:
    """pending → cancelled at once; processing → cancelled, and the worker stops at its
    next heartbeat. Idempotent: a cancelled job is returned unchanged (one transaction)."""
    async with UnitOfWork(engine) as uow:
        current = await uow.instructions.get(instruction_id, for_update=True)
        if current.status is RenderStatus.CANCELLED:
            return current
        if current.status not in (RenderStatus.PENDING, RenderStatus.PROCESSING):
            raise Conflict(
                f"render instruction {instruction_id} is {current.status}; only pending or processing jobs can be cancelled"
            )
        job = await uow.instructions.set_status(
            instruction_id, current.status, RenderStatus.CANCELLED
        )
        assert job is not None  # row is locked: the compare-and-set cannot lose
        await uow.instructions.add_history(
            [Transition(job.id, current.status, RenderStatus.CANCELLED, job.attempt, actor, reason)]
        )
        await publish_change(uow, job)
        await uow.commit()
    return job


async def retry_instruction(
    engine: AsyncEngine, instruction_id: int, *, actor: str, reason: str
) -> RenderInstruction:
    """Admin retry: failed or cancelled → pending now (does not count as an automatic retry)."""
    async with UnitOfWork(engine) as uow:
        current = await uow.instructions.get(instruction_id, for_update=True)
        if current.status not in (RenderStatus.FAILED, RenderStatus.CANCELLED):
            raise Conflict(
                f"render instruction {instruction_id} is {current.status}; only failed or cancelled jobs can be retried"
            )
        job = await uow.instructions.requeue(instruction_id, current.status, consume_retry=False)
        assert job is not None
        await uow.instructions.add_history(
            [Transition(job.id, current.status, RenderStatus.PENDING, job.attempt, actor, reason)]
        )
        await announce(uow, job)
        await publish_change(uow, job)
        await uow.commit()
    return job
