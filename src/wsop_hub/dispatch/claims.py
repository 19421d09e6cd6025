"""The worker's hot statements: claim, lease extension, fenced completion and failure.

Each is ONE statement (data-modifying CTEs), so it is atomic without BEGIN/COMMIT round
trips: the state change, its history row and its `pg_notify` commit together or not at
all. They run on a plain asyncpg pool; everything else goes through SQLAlchemy.

Compare-and-set throughout: the WHERE clause names the expected status and, for anything
a worker settles, the attempt it holds (the fencing token). Zero rows means someone else
won.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import asyncpg

from wsop_hub.dispatch.backends import RenderResult
from wsop_hub.dispatch.channels import instruction_event_sql
from wsop_hub.domain.models import RenderInstruction
from wsop_hub.settings import asyncpg_url

CLAIM_NEXT = f"""
WITH picked AS (
    SELECT id FROM render_instructions
     WHERE status = 'pending' AND available_at <= now()
     ORDER BY priority, created_at, id
     LIMIT $3
     FOR UPDATE SKIP LOCKED
), claimed AS (
    UPDATE render_instructions AS ri
       SET status = 'processing', attempt = ri.attempt + 1, worker_id = $1,
           lease_expires_at = now() + make_interval(secs => $2),
           started_at = now(), updated_at = now(), error_message = NULL
      FROM picked
     WHERE ri.id = picked.id
    RETURNING ri.*
), history AS (
    INSERT INTO instruction_history (instruction_id, from_status, to_status, attempt, actor)
    SELECT id, 'pending', 'processing', attempt, $1 FROM claimed
)
SELECT claimed.*, {instruction_event_sql("claimed")} AS _notified FROM claimed
ORDER BY priority, created_at, id
"""

COMPLETE = f"""
WITH done AS (
    UPDATE render_instructions
       SET status = 'completed', completed_at = now(), updated_at = now(),
           lease_expires_at = NULL, next_retry_at = NULL
     WHERE id = $1 AND status = 'processing' AND attempt = $2
    RETURNING *
), history AS (
    INSERT INTO instruction_history (instruction_id, from_status, to_status, attempt, actor)
    SELECT id, 'processing', 'completed', attempt, $3 FROM done
), output AS (
    INSERT INTO render_outputs (instruction_id, attempt, output_path, file_size, frame_count,
                                render_duration_ms, status, completed_at, data_hash, cached,
                                template_version)
    SELECT id, attempt, $4, $5, $6, $7, 'completed', now(), $8::text, $9::boolean, $10::text
      FROM done WHERE $4::text IS NOT NULL
    RETURNING instruction_id, output_path, cached
)
SELECT done.*, {instruction_event_sql("done")} AS _notified,
       (SELECT count(*) FROM (
            SELECT hub_emit('render_completed', jsonb_build_object(
                'instruction_id', o.instruction_id, 'output_path', o.output_path,
                'cached', o.cached
            )) FROM output AS o) AS sent) AS _outputs
  FROM done
"""

FAIL = f"""
WITH failed AS (
    UPDATE render_instructions
       SET status = 'failed', error_message = $3, updated_at = now(), completed_at = now(),
           lease_expires_at = NULL,
           next_retry_at = CASE WHEN $5::float8 IS NULL THEN NULL
                                ELSE now() + make_interval(secs => $5::float8) END
     WHERE id = $1 AND status = 'processing' AND attempt = $2
    RETURNING *
), history AS (
    INSERT INTO instruction_history (instruction_id, from_status, to_status, attempt, actor, reason)
    SELECT id, 'processing', 'failed', attempt, $4,
           CASE WHEN next_retry_at IS NULL THEN $3
                ELSE $3 || ' (retry ' || (retry_count + 1) || ' at '
                     || to_char(next_retry_at AT TIME ZONE 'UTC', 'HH24:MI:SS') || ' UTC)' END
      FROM failed
)
SELECT failed.*, {instruction_event_sql("failed")} AS _notified FROM failed
"""

EXTEND_LEASES = """
UPDATE render_instructions AS ri
   SET lease_expires_at = now() + make_interval(secs => $2)
  FROM unnest($3::bigint[], $4::int[]) AS h(id, attempt)
 WHERE ri.id = h.id AND ri.attempt = h.attempt
   AND ri.status = 'processing' AND ri.worker_id = $1
RETURNING ri.id, ri.attempt
"""

_EXTRA = ("_notified", "_outputs")


def _instruction(record: asyncpg.Record) -> RenderInstruction:
    row: dict[str, Any] = dict(record)
    for key in _EXTRA:
        row.pop(key, None)
    return RenderInstruction.model_validate(row)


async def _init_connection(conn: asyncpg.Connection) -> None:
    for name in ("json", "jsonb"):
        await conn.set_type_codec(name, encoder=json.dumps, decoder=json.loads, schema="pg_catalog")


async def create_pool(database_url: str, max_size: int) -> asyncpg.Pool:
    pool = await asyncpg.create_pool(
        asyncpg_url(database_url),
        min_size=1,
        max_size=max_size,
        init=_init_connection,
        server_settings={"application_name": "wsop-hub-worker"},
        timeout=5,
    )
    assert pool is not None
    return pool


class ClaimStore:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def claim_next(
        self, worker_id: str, lease_s: float, limit: int
    ) -> list[RenderInstruction]:
        """The best pending jobs (priority, then age) → processing for this worker."""
        if limit <= 0:
            return []
        rows = await self._pool.fetch(CLAIM_NEXT, worker_id, lease_s, limit)
        return [_instruction(r) for r in rows]

    async def complete(
        self, job: RenderInstruction, worker_id: str, result: RenderResult | None, duration_ms: int
    ) -> RenderInstruction | None:
        """processing → completed for the attempt held, with the output row; None if fenced out.

        `duration_ms` (claim → completion) is recorded unless the backend measured the render
        itself (`result.render_duration_ms`)."""
        if result is not None and result.render_duration_ms is not None:
            duration_ms = result.render_duration_ms
        row = await self._pool.fetchrow(
            COMPLETE,
            job.id,
            job.attempt,
            worker_id,
            result.output_path if result else None,
            result.file_size if result else None,
            result.frame_count if result else None,
            duration_ms,
            result.data_hash if result else None,
            result.cached if result else False,
            result.template_version if result else None,
        )
        return _instruction(row) if row is not None else None

    async def fail(
        self, job: RenderInstruction, worker_id: str, error: str, retry_in_s: float | None
    ) -> RenderInstruction | None:
        """processing → failed for the attempt held; `retry_in_s` schedules the retry."""
        row = await self._pool.fetchrow(
            FAIL, job.id, job.attempt, error[:2000], worker_id, retry_in_s
        )
        return _instruction(row) if row is not None else None

    async def extend_leases(
        self, worker_id: str, held: Sequence[tuple[int, int]], lease_s: float
    ) -> set[tuple[int, int]]:
        """Heartbeat: the (id, attempt) pairs still held; a missing pair was cancelled or reaped."""
        if not held:
            return set()
        rows = await self._pool.fetch(
            EXTEND_LEASES, worker_id, lease_s, [i for i, _ in held], [a for _, a in held]
        )
        return {(int(r["id"]), int(r["attempt"])) for r in rows}
