"""Admin actions: each takes a reason, records the acting user in history, checks the
transition, and answers NotFound / Conflict with a message an operator can act on."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from wsop_hub.db.repositories.instructions import Transition
from wsop_hub.db.uow import UnitOfWork
from wsop_hub.dispatch.service import (
    announce,
    cancel_instruction,
    create_instruction,
    publish_change,
    retry_instruction,
)
from wsop_hub.domain.enums import RenderStatus
from wsop_hub.domain.models import MonitoringEvent, RenderInstruction, RenderInstructionIn
from wsop_hub.errors import Conflict

#: Statuses whose priority still matters (the job has not started or will run again).
REPRIORITISABLE = (RenderStatus.PENDING, RenderStatus.FAILED)
BULK_RETRYABLE = (RenderStatus.FAILED, RenderStatus.CANCELLED)


def admin(name: str) -> str:
    return f"admin:{name}"


async def retry(
    engine: AsyncEngine, instruction_id: int, *, user: str, reason: str
) -> RenderInstruction:
    return await retry_instruction(engine, instruction_id, actor=admin(user), reason=reason)


async def _create_forced(
    uow: UnitOfWork, data: RenderInstructionIn, default_max_retries: int, actor: str, reason: str
) -> RenderInstruction:
    """Insert a pending instruction with its history, outbox row and event, in `uow`.

    The dispatch service's one-statement create names its columns and predates
    `force_render`, so an instruction that must bypass the render cache is created here.
    A `dedup_key` seen before returns the existing instruction and writes nothing.
    """
    job, created = await uow.instructions.insert(data, default_max_retries)
    if created:
        await uow.instructions.add_history(
            [Transition(job.id, None, RenderStatus.PENDING, job.attempt, actor, reason)]
        )
        await announce(uow, job)
        await publish_change(uow, job)
    return job


async def create_render(
    engine: AsyncEngine, data: RenderInstructionIn, *, default_max_retries: int, actor: str
) -> RenderInstruction:
    """Create a render instruction; one with `force_render` keeps the flag (see above)."""
    if not data.force_render:
        return await create_instruction(
            engine, data, default_max_retries=default_max_retries, actor=actor
        )
    async with UnitOfWork(engine) as uow:
        job = await _create_forced(
            uow, data, default_max_retries, actor, "created (forced render: cache bypassed)"
        )
        await uow.commit()
    return job


async def rerender(
    engine: AsyncEngine, instruction_id: int, *, user: str, reason: str
) -> RenderInstruction:
    """Render a completed instruction again, bypassing the render cache.

    A NEW instruction copies the old one with `force_render` (the completed one and its
    output stay as history; each records the other in its history).
    """
    async with UnitOfWork(engine) as uow:
        old = await uow.instructions.get(instruction_id)
        if old.status is not RenderStatus.COMPLETED:
            raise Conflict(
                f"render instruction {instruction_id} is {old.status}; only a completed job "
                "can be re-rendered (retry a failed or cancelled one instead)"
            )
        copy = RenderInstructionIn(
            template_name=old.template_name,
            layer_data=old.layer_data,
            output_settings=old.output_settings,
            priority=old.priority,
            trigger_type=old.trigger_type,
            trigger_id=old.trigger_id,
            hand_id=old.hand_id,
            max_retries=old.max_retries,
            force_render=True,
        )
        job = await _create_forced(
            uow, copy, old.max_retries, admin(user), f"re-render of #{old.id}: {reason}"
        )
        await uow.instructions.add_history(
            [
                Transition(
                    old.id,
                    old.status,
                    old.status,
                    old.attempt,
                    admin(user),
                    f"re-rendered as #{job.id}: {reason}",
                )
            ]
        )
        await uow.commit()
    return job


async def cancel(
    engine: AsyncEngine, instruction_id: int, *, user: str, reason: str
) -> RenderInstruction:
    """Idempotent: cancelling a cancelled job returns it unchanged."""
    return await cancel_instruction(engine, instruction_id, actor=admin(user), reason=reason)


async def change_priority(
    engine: AsyncEngine, instruction_id: int, priority: int, *, user: str, reason: str
) -> RenderInstruction:
    async with UnitOfWork(engine) as uow:
        current = await uow.instructions.get(instruction_id, for_update=True)
        if current.priority == priority:
            return current
        if current.status not in REPRIORITISABLE:
            raise Conflict(
                f"render instruction {instruction_id} is {current.status}; "
                "priority can change only while it is pending or failed"
            )
        job = await uow.instructions.set_priority(instruction_id, current.status, priority)
        assert job is not None  # row locked above
        await uow.instructions.add_history(
            [
                Transition(
                    job.id,
                    current.status,
                    current.status,
                    job.attempt,
                    admin(user),
                    f"priority {current.priority}→{priority}: {reason}",
                )
            ]
        )
        if job.status is RenderStatus.PENDING:
            await announce(uow, job)  # a doorbell, so a raised job is claimed promptly
        await publish_change(uow, job)
        await uow.commit()
    return job


async def bulk_retry(
    engine: AsyncEngine,
    *,
    user: str,
    reason: str,
    statuses: list[RenderStatus],
    created_after: datetime | None,
    created_before: datetime | None,
    template_name: str | None,
    trigger_type: str | None,
    limit: int,
) -> list[int]:
    """Retry every failed/cancelled job matching the filter (at most `limit`); returns ids."""
    illegal = [s for s in statuses if s not in BULK_RETRYABLE]
    if illegal:
        raise Conflict(f"only failed or cancelled jobs can be retried, not {', '.join(illegal)}")
    async with UnitOfWork(engine) as uow:
        jobs = await uow.instructions.lock_matching(
            statuses=[s.value for s in statuses],
            created_after=created_after,
            created_before=created_before,
            template_name=template_name,
            trigger_type=trigger_type,
            limit=limit,
        )
        retried: list[int] = []
        for job in jobs:
            queued = await uow.instructions.requeue(job.id, job.status, consume_retry=False)
            if queued is None:
                continue
            await uow.instructions.add_history(
                [
                    Transition(
                        job.id,
                        job.status,
                        RenderStatus.PENDING,
                        job.attempt,
                        admin(user),
                        f"bulk retry: {reason}",
                    )
                ]
            )
            await announce(uow, queued)
            await publish_change(uow, queued)
            retried.append(job.id)
        await uow.commit()
    return retried


async def resolve_event(
    engine: AsyncEngine, event_id: int, *, user: str, notes: str
) -> MonitoringEvent:
    """Idempotent: resolving a resolved event returns it unchanged."""
    async with UnitOfWork(engine) as uow:
        resolved = await uow.events.resolve(event_id, user, notes)
        if resolved is None:
            resolved = await uow.events.get(event_id)  # raises NotFound for an unknown id
        await uow.commit()
    return resolved
