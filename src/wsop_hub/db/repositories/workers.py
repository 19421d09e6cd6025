"""Worker registry: who is alive (heartbeat_at), what each one holds."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, func, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from wsop_hub.db.tables import workers


class WorkerRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._conn = connection

    async def register(
        self, worker_id: str, *, role: str, hostname: str, pid: int, concurrency: int
    ) -> None:
        values = {
            "id": worker_id,
            "role": role,
            "hostname": hostname,
            "pid": pid,
            "concurrency": concurrency,
            "status": "active",
            "current_job_ids": [],
        }
        statement = insert(workers).values(**values)
        statement = statement.on_conflict_do_update(
            index_elements=[workers.c.id],
            set_={
                **{k: statement.excluded[k] for k in values if k != "id"},
                "started_at": func.now(),
                "heartbeat_at": func.now(),
            },
        )
        await self._conn.execute(statement)

    async def heartbeat(
        self, worker_id: str, current_job_ids: Sequence[int], status: str = "active"
    ) -> bool:
        """False when the row is gone (deregistered by someone else): the worker re-registers."""
        result = await self._conn.execute(
            update(workers)
            .where(workers.c.id == worker_id)
            .values(heartbeat_at=func.now(), current_job_ids=list(current_job_ids), status=status)
        )
        return bool(result.rowcount)

    async def deregister(self, worker_id: str) -> None:
        await self._conn.execute(delete(workers).where(workers.c.id == worker_id))
