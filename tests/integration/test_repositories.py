"""Repositories against a real PostgreSQL: uniqueness, idempotency, incident dedup."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.factories import hand_in, insert_instruction, instruction_in, make_hand
from wsop_hub.db.tables import hands
from wsop_hub.db.uow import UnitOfWork
from wsop_hub.domain.enums import RenderStatus, Severity
from wsop_hub.domain.models import MonitoringEventIn
from wsop_hub.errors import NotFound


async def test_reingesting_a_hand_updates_it_instead_of_duplicating(engine: AsyncEngine) -> None:
    first = await make_hand(engine, table_id="T7", hand_number=42, pot_size=100)
    async with UnitOfWork(engine) as uow:
        again, inserted = await uow.hands.upsert(
            hand_in(table_id="T7", hand_number=42, pot_size=900)
        )
        await uow.commit()
    assert not inserted and again.id == first.id and again.pot_size == 900
    async with engine.connect() as conn:
        count = await conn.scalar(select(func.count()).select_from(hands))
    assert count == 1


async def test_uncommitted_unit_of_work_leaves_nothing(engine: AsyncEngine) -> None:
    async with UnitOfWork(engine) as uow:
        await uow.hands.upsert(hand_in(table_id="T8", hand_number=1))
    async with UnitOfWork(engine) as uow:
        with pytest.raises(NotFound):
            await uow.hands.get(1)


async def test_instruction_dedup_key_returns_the_first(engine: AsyncEngine) -> None:
    async with UnitOfWork(engine) as uow:
        first, created = await uow.instructions.insert(instruction_in(dedup_key="hand:1"), 3)
        second, created_again = await uow.instructions.insert(
            instruction_in(dedup_key="hand:1", priority=1), 3
        )
        await uow.commit()
    assert created and not created_again and second.id == first.id and second.priority == 5


async def test_new_instruction_is_pending_with_defaults(engine: AsyncEngine) -> None:
    job = await insert_instruction(engine, priority=2)
    assert job.status is RenderStatus.PENDING
    assert (job.attempt, job.retry_count, job.max_retries, job.priority) == (0, 0, 3, 2)


async def test_database_rejects_an_out_of_range_priority(engine: AsyncEngine) -> None:
    job = await insert_instruction(engine)
    async with engine.begin() as conn:
        with pytest.raises(IntegrityError, match="ck_render_instructions_priority"):
            from sqlalchemy import text

            await conn.execute(
                text("UPDATE render_instructions SET priority = 0 WHERE id = :id"), {"id": job.id}
            )


async def test_one_open_event_per_incident_key(engine: AsyncEngine) -> None:
    event = MonitoringEventIn(event_type="delay", severity=Severity.WARNING, incident_key="delay:7")
    async with UnitOfWork(engine) as uow:
        first = await uow.events.record(event)
        duplicate = await uow.events.record(event)
        await uow.commit()
    assert first is not None and duplicate is None
    async with engine.begin() as conn:
        from sqlalchemy import text

        await conn.execute(
            text("UPDATE monitoring_events SET resolved = true WHERE id = :id"), {"id": first.id}
        )
    async with UnitOfWork(engine) as uow:
        reopened = await uow.events.record(event)
        await uow.commit()
    assert reopened is not None and reopened.id != first.id
