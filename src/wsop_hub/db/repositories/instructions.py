"""Render instructions: every state change is a compare-and-set (ARCHITECTURE principles 2–4).

Each mutating statement names the state it expects in its WHERE clause (status, and the
attempt for anything a worker does) and returns the rows it changed; zero rows means
someone else won and the caller backs off. `attempt` is the fencing token.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, text
from sqlalchemy.dialects.postgresql import ARRAY, BIGINT
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from wsop_hub.db.tables import instruction_history, render_instructions
from wsop_hub.dispatch.channels import OUTBOX_CHANNEL, TOPIC_RENDER, instruction_event_sql
from wsop_hub.domain.enums import RenderStatus
from wsop_hub.domain.models import HistoryEntry, RenderInstruction, RenderInstructionIn
from wsop_hub.errors import NotFound

_RETURNING = "RETURNING render_instructions.*"


@dataclass(frozen=True)
class Transition:
    """One row of history to write: what changed, for which attempt, by whom, why."""

    instruction_id: int
    from_status: RenderStatus | None
    to_status: RenderStatus
    attempt: int
    actor: str
    reason: str | None = None


_CREATE_ANNOUNCED = text(f"""
WITH created AS (
    INSERT INTO render_instructions (template_name, layer_data, output_settings, priority,
                                     trigger_type, trigger_id, hand_id, dedup_key, max_retries,
                                     force_render)
    VALUES (:template_name, CAST(:layer_data AS jsonb), CAST(:output_settings AS jsonb), :priority,
            :trigger_type, :trigger_id, :hand_id, :dedup_key, :max_retries, :force_render)
    ON CONFLICT (dedup_key) DO NOTHING
    RETURNING *
), history AS (
    INSERT INTO instruction_history (instruction_id, from_status, to_status, attempt, actor, reason)
    SELECT id, NULL, 'pending', attempt, :actor, 'created' FROM created
), announced AS (
    INSERT INTO outbox (topic, instruction_id, payload)
    SELECT '{TOPIC_RENDER}', id, jsonb_build_object('id', id, 'priority', priority) FROM created
)
SELECT created.*,
       pg_notify('{OUTBOX_CHANNEL}', json_build_object('id', created.id)::text) AS _wake,
       {instruction_event_sql("created")} AS _event
  FROM created
""")


_RAISE_PENDING_PRIORITY = text(
    """
WITH raised AS (
    UPDATE render_instructions SET priority = priority - 1, updated_at = now()
     WHERE id = :id AND status = 'pending' AND priority = :expected AND priority > 1
    RETURNING *
), history AS (
    INSERT INTO instruction_history (instruction_id, from_status, to_status, attempt, actor, reason)
    SELECT id, 'pending', 'pending', attempt, :actor, :reason FROM raised
)
SELECT * FROM raised
"""
)


def _instruction(row: Any) -> RenderInstruction:
    return RenderInstruction.model_validate(dict(row))


class InstructionRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._conn = connection

    async def insert(
        self, data: RenderInstructionIn, default_max_retries: int
    ) -> tuple[RenderInstruction, bool]:
        """Insert a pending instruction; with a dedup_key already used, return that one instead."""
        values = data.model_dump(mode="json", exclude={"max_retries"})
        values["max_retries"] = (
            data.max_retries if data.max_retries is not None else default_max_retries
        )
        statement = pg_insert(render_instructions).values(**values)
        if data.dedup_key is not None:
            statement = statement.on_conflict_do_nothing(index_elements=["dedup_key"])
        row = (
            (await self._conn.execute(statement.returning(*render_instructions.c)))
            .mappings()
            .first()
        )
        if row is not None:
            return _instruction(row), True
        existing = (
            (
                await self._conn.execute(
                    select(render_instructions).where(
                        render_instructions.c.dedup_key == data.dedup_key
                    )
                )
            )
            .mappings()
            .one()
        )
        return _instruction(existing), False

    async def create_announced(
        self, data: RenderInstructionIn, default_max_retries: int, actor: str
    ) -> RenderInstruction | None:
        """Insert a pending instruction with its history row, its outbox row and both
        notifications, in one statement (the create hot path). None when the dedup_key
        is already taken."""
        values = data.model_dump(mode="json", exclude={"max_retries"})
        params = {
            **values,
            "layer_data": json.dumps(values["layer_data"]),
            "output_settings": json.dumps(values["output_settings"]),
            "max_retries": data.max_retries
            if data.max_retries is not None
            else default_max_retries,
            "actor": actor,
        }
        row = (await self._conn.execute(_CREATE_ANNOUNCED, params)).mappings().first()
        if row is None:
            return None
        return _instruction({k: v for k, v in row.items() if not k.startswith("_")})

    async def get(self, instruction_id: int, *, for_update: bool = False) -> RenderInstruction:
        statement = select(render_instructions).where(render_instructions.c.id == instruction_id)
        if for_update:
            statement = statement.with_for_update()
        row = (await self._conn.execute(statement)).mappings().first()
        if row is None:
            raise NotFound(f"render instruction {instruction_id} does not exist")
        return _instruction(row)

    async def add_history(self, transitions: Sequence[Transition]) -> None:
        if not transitions:
            return
        await self._conn.execute(
            insert(instruction_history),
            [
                {
                    "instruction_id": t.instruction_id,
                    "from_status": t.from_status.value if t.from_status else None,
                    "to_status": t.to_status.value,
                    "attempt": t.attempt,
                    "actor": t.actor,
                    "reason": t.reason,
                }
                for t in transitions
            ],
        )

    async def histories(self, instruction_ids: Sequence[int]) -> list[HistoryEntry]:
        if not instruction_ids:
            return []
        statement = (
            select(instruction_history)
            .where(instruction_history.c.instruction_id.in_(list(instruction_ids)))
            .order_by(
                instruction_history.c.instruction_id,
                instruction_history.c.at,
                instruction_history.c.id,
            )
        )
        return [
            HistoryEntry.model_validate(dict(r))
            for r in (await self._conn.execute(statement)).mappings()
        ]

    async def set_priority(
        self, instruction_id: int, expected: RenderStatus, priority: int
    ) -> RenderInstruction | None:
        """Compare-and-set of the priority while the job is still in the expected status."""
        statement = text(
            f"""
            UPDATE render_instructions SET priority = :priority, updated_at = now()
             WHERE id = :id AND status = :expected
            {_RETURNING}
            """
        )
        row = (
            (
                await self._conn.execute(
                    statement,
                    {"id": instruction_id, "expected": expected.value, "priority": priority},
                )
            )
            .mappings()
            .first()
        )
        return _instruction(row) if row is not None else None

    async def raise_pending_priority(
        self, instruction_id: int, expected_priority: int, *, actor: str, reason: str
    ) -> RenderInstruction | None:
        """One step towards priority 1 for a job still pending at `expected_priority`,
        with its history row (pending → pending) in the same statement. None when the job
        was claimed, cancelled or re-prioritised meanwhile, or is already at 1: the caller
        lost the compare-and-set and leaves the job alone."""
        row = (
            (
                await self._conn.execute(
                    _RAISE_PENDING_PRIORITY,
                    {
                        "id": instruction_id,
                        "expected": expected_priority,
                        "actor": actor,
                        "reason": reason,
                    },
                )
            )
            .mappings()
            .first()
        )
        return _instruction(row) if row is not None else None

    async def lock_matching(
        self,
        *,
        statuses: Sequence[str],
        created_after: datetime | None,
        created_before: datetime | None,
        template_name: str | None,
        trigger_type: str | None,
        limit: int,
    ) -> list[RenderInstruction]:
        """Instructions matching an admin filter, locked for a bulk action (others skipped)."""
        ri = render_instructions
        conditions = [ri.c.status.in_(list(statuses))]
        if created_after is not None:
            conditions.append(ri.c.created_at >= created_after)
        if created_before is not None:
            conditions.append(ri.c.created_at < created_before)
        if template_name is not None:
            conditions.append(ri.c.template_name == template_name)
        if trigger_type is not None:
            conditions.append(ri.c.trigger_type == trigger_type)
        statement = (
            select(ri)
            .where(*conditions)
            .order_by(ri.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return [_instruction(r) for r in (await self._conn.execute(statement)).mappings()]

    async def history(self, instruction_id: int) -> list[HistoryEntry]:
        statement = (
            select(instruction_history)
            .where(instruction_history.c.instruction_id == instruction_id)
            .order_by(instruction_history.c.at, instruction_history.c.id)
        )
        rows = (await self._conn.execute(statement)).mappings()
        return [HistoryEntry.model_validate(dict(row)) for row in rows]

    # -- worker side (the hot claim/settle statements live in dispatch/claims.py) --------

    async def release(self, instruction_id: int, attempt: int) -> RenderInstruction | None:
        """processing → pending without consuming a retry (graceful worker shutdown)."""
        statement = text(
            f"""
            UPDATE render_instructions
               SET status = 'pending', worker_id = NULL, lease_expires_at = NULL,
                   started_at = NULL, updated_at = now(), available_at = now()
             WHERE id = :id AND status = 'processing' AND attempt = :attempt
            {_RETURNING}
            """
        )
        row = (
            (await self._conn.execute(statement, {"id": instruction_id, "attempt": attempt}))
            .mappings()
            .first()
        )
        return _instruction(row) if row is not None else None

    # -- scheduler side: reaper, retry timer, sweeper ---------------------------------------

    async def lock_expired_leases(self, limit: int) -> list[RenderInstruction]:
        """Processing jobs whose lease ran out, locked for the reaper (others skipped)."""
        statement = text(
            """
            SELECT * FROM render_instructions
             WHERE status = 'processing' AND lease_expires_at < now()
             ORDER BY lease_expires_at
             LIMIT :limit
             FOR UPDATE SKIP LOCKED
            """
        )
        rows = (await self._conn.execute(statement, {"limit": limit})).mappings()
        return [_instruction(r) for r in rows]

    async def seconds_to_next_lease_expiry(self) -> float | None:
        value = await self._conn.scalar(
            text(
                "SELECT extract(epoch FROM min(lease_expires_at) - now()) FROM render_instructions"
                " WHERE status = 'processing'"
            )
        )
        return float(value) if value is not None else None

    async def lock_due_retries(self, limit: int) -> list[RenderInstruction]:
        statement = text(
            """
            SELECT * FROM render_instructions
             WHERE status = 'failed' AND next_retry_at IS NOT NULL AND next_retry_at <= now()
             ORDER BY next_retry_at
             LIMIT :limit
             FOR UPDATE SKIP LOCKED
            """
        )
        rows = (await self._conn.execute(statement, {"limit": limit})).mappings()
        return [_instruction(r) for r in rows]

    async def requeue(
        self,
        instruction_id: int,
        expected: RenderStatus,
        *,
        consume_retry: bool,
        priority: int | None = None,
    ) -> RenderInstruction | None:
        """expected → pending (reaper, retry timer, admin retry); optionally counts a retry."""
        statement = text(
            f"""
            UPDATE render_instructions
               SET status = 'pending', worker_id = NULL, lease_expires_at = NULL,
                   next_retry_at = NULL, started_at = NULL, completed_at = NULL,
                   available_at = now(), updated_at = now(),
                   retry_count = retry_count + CASE WHEN :consume THEN 1 ELSE 0 END,
                   priority = COALESCE(:priority, priority)
             WHERE id = :id AND status = :expected
            {_RETURNING}
            """
        )
        row = (
            (
                await self._conn.execute(
                    statement,
                    {
                        "id": instruction_id,
                        "expected": expected.value,
                        "consume": consume_retry,
                        "priority": priority,
                    },
                )
            )
            .mappings()
            .first()
        )
        return _instruction(row) if row is not None else None

    async def set_status(
        self,
        instruction_id: int,
        expected: RenderStatus,
        target: RenderStatus,
        error: str | None = None,
    ) -> RenderInstruction | None:
        """A plain compare-and-set of the status (cancel, final failure by the reaper)."""
        statement = text(
            f"""
            UPDATE render_instructions
               SET status = :target, updated_at = now(), lease_expires_at = NULL,
                   next_retry_at = NULL,
                   error_message = COALESCE(:error, error_message),
                   completed_at = CASE WHEN :target IN ('completed', 'failed', 'cancelled')
                                       THEN now() ELSE completed_at END
             WHERE id = :id AND status = :expected
            {_RETURNING}
            """
        )
        row = (
            (
                await self._conn.execute(
                    statement,
                    {
                        "id": instruction_id,
                        "expected": expected.value,
                        "target": target.value,
                        "error": error,
                    },
                )
            )
            .mappings()
            .first()
        )
        return _instruction(row) if row is not None else None

    async def pending_unclaimed_since(
        self, older_than_s: float, limit: int
    ) -> list[tuple[int, int]]:
        """(id, priority) of due pending jobs nobody claimed for `older_than_s` (sweeper)."""
        statement = text(
            """
            SELECT id, priority FROM render_instructions
             WHERE status = 'pending' AND available_at <= now()
               AND updated_at < now() - make_interval(secs => :older_than_s)
             ORDER BY priority, created_at, id
             LIMIT :limit
            """
        )
        rows = await self._conn.execute(statement, {"older_than_s": older_than_s, "limit": limit})
        return [(int(r[0]), int(r[1])) for r in rows]

    async def touch(self, ids: Sequence[int]) -> None:
        """Mark pending jobs as just re-announced, so the sweeper waits another bound."""
        if ids:
            await self._conn.execute(
                text(
                    "UPDATE render_instructions SET updated_at = now() WHERE id = ANY(:ids) AND status = 'pending'"
                ).bindparams(bindparam("ids", type_=ARRAY(BIGINT))),
                {"ids": list(ids)},
            )
