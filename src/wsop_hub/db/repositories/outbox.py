"""Transactional outbox: rows written with the change they announce, published after commit."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, insert, text
from sqlalchemy.ext.asyncio import AsyncConnection

from wsop_hub.db.tables import outbox


class OutboxRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._conn = connection

    async def add(self, topic: str, instruction_id: int | None, payload: dict[str, Any]) -> int:
        statement = (
            insert(outbox)
            .values(topic=topic, instruction_id=instruction_id, payload=payload)
            .returning(outbox.c.id)
        )
        return int((await self._conn.execute(statement)).scalar_one())

    async def prune_published(self, retention_s: float) -> int:
        result = await self._conn.execute(
            delete(outbox).where(
                outbox.c.published_at < func.now() - text("make_interval(secs => :retention_s)")
            ),
            {"retention_s": retention_s},
        )
        return int(result.rowcount or 0)
