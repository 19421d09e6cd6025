"""The event log behind the live WebSocket (migration 0004, `hub_emit`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, exists, func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from wsop_hub.db.tables import event_log


def as_message(row: Any) -> dict[str, Any]:
    """The `{id, type, data, timestamp}` shape the WebSocket sends."""
    return {
        "id": row.id,
        "type": row.type,
        "data": row.data,
        "timestamp": row.created_at.isoformat(),
    }


class EventLogRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._conn = connection

    async def since(self, after_id: int, limit: int) -> list[dict[str, Any]]:
        """Events with an id above `after_id`, oldest first, at most `limit`."""
        rows = await self._conn.execute(
            select(event_log.c.id, event_log.c.type, event_log.c.data, event_log.c.created_at)
            .where(event_log.c.id > after_id)
            .order_by(event_log.c.id)
            .limit(limit)
        )
        return [as_message(row) for row in rows]

    async def get(self, event_id: int) -> dict[str, Any] | None:
        row = (
            await self._conn.execute(
                select(
                    event_log.c.id, event_log.c.type, event_log.c.data, event_log.c.created_at
                ).where(event_log.c.id == event_id)
            )
        ).first()
        return as_message(row) if row is not None else None

    async def covers(self, after_id: int) -> bool:
        """Whether the log still reaches back to `after_id` (nothing after it was pruned).

        Pruning removes the oldest rows, so the log covers `after_id` while some row at or
        below it remains, or while nothing was ever pruned past it (the log is empty or
        starts right after it)."""
        if await self._conn.scalar(select(exists().where(event_log.c.id <= after_id))):
            return True
        oldest = await self._conn.scalar(select(func.min(event_log.c.id)))
        return oldest is None or oldest <= after_id + 1

    async def last_id(self) -> int:
        return int(await self._conn.scalar(select(func.coalesce(func.max(event_log.c.id), 0))))

    async def prune(self, retention_s: float) -> int:
        result = await self._conn.execute(
            delete(event_log).where(
                event_log.c.created_at < func.now() - text("make_interval(secs => :retention_s)")
            ),
            {"retention_s": retention_s},
        )
        return int(result.rowcount or 0)
