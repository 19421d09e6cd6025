"""Unit of work: one connection, one transaction, the repositories that share it.

The transaction boundary is visible in the service (`async with UnitOfWork(engine) as uow:
... await uow.commit()`); leaving the block without commit rolls back.
"""

from __future__ import annotations

import json
from types import TracebackType
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncTransaction

from wsop_hub.db.repositories.event_log import EventLogRepository
from wsop_hub.db.repositories.events import EventRepository
from wsop_hub.db.repositories.hands import HandRepository
from wsop_hub.db.repositories.instructions import InstructionRepository
from wsop_hub.db.repositories.metrics import MetricsRepository
from wsop_hub.db.repositories.monitoring import MonitoringRepository
from wsop_hub.db.repositories.outbox import OutboxRepository
from wsop_hub.db.repositories.workers import WorkerRepository


class UnitOfWork:
    hands: HandRepository
    instructions: InstructionRepository
    events: EventRepository
    event_log: EventLogRepository
    outbox: OutboxRepository
    workers: WorkerRepository
    monitoring: MonitoringRepository
    metrics: MetricsRepository

    def __init__(
        self, engine: AsyncEngine, *, single_statement: bool = False, read_only: bool = False
    ) -> None:
        """`single_statement=True`: the use case is one atomic statement, so it runs in
        autocommit and saves the BEGIN/COMMIT round trips (the create hot path).
        `read_only=True`: reads whose statements need no common snapshot (a metric, a
        listing page) run in autocommit too, without the BEGIN/ROLLBACK round trips."""
        self._engine = engine
        self._single_statement = single_statement or read_only
        self._connection: AsyncConnection | None = None
        self._transaction: AsyncTransaction | None = None

    @property
    def connection(self) -> AsyncConnection:
        assert self._connection is not None, "UnitOfWork used outside `async with`"
        return self._connection

    async def __aenter__(self) -> UnitOfWork:
        self._connection = await self._engine.connect()
        if self._single_statement:
            await self._connection.execution_options(isolation_level="AUTOCOMMIT")
        else:
            self._transaction = await self._connection.begin()
        conn = self._connection
        self.hands = HandRepository(conn)
        self.instructions = InstructionRepository(conn)
        self.events = EventRepository(conn)
        self.event_log = EventLogRepository(conn)
        self.outbox = OutboxRepository(conn)
        self.workers = WorkerRepository(conn)
        self.monitoring = MonitoringRepository(conn)
        self.metrics = MetricsRepository(conn)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if self._transaction is not None and self._transaction.is_active:
                await self._transaction.rollback()
        finally:
            if self._connection is not None:
                await self._connection.close()
            self._connection = None
            self._transaction = None

    async def commit(self) -> None:
        if self._single_statement:
            return  # each statement committed on its own
        assert self._transaction is not None
        await self._transaction.commit()

    async def rollback(self) -> None:
        assert self._transaction is not None
        await self._transaction.rollback()

    async def emit(self, event_type: str, data: dict[str, Any]) -> int:
        """Log a domain event and NOTIFY the API processes, inside the transaction.

        Listeners see it only if the transaction commits; its id lets a WebSocket client
        that reconnects ask for what it missed.
        """
        result = await self.connection.execute(
            text("SELECT hub_emit(:event_type, CAST(:data AS jsonb))"),
            {"event_type": event_type, "data": json.dumps(data, default=str)},
        )
        return int(result.scalar_one())

    async def notify(self, channel: str, payload: dict[str, Any]) -> None:
        """pg_notify inside the transaction: delivered to listeners only if it commits."""
        await self.connection.execute(
            select(func.pg_notify(channel, json.dumps(payload, default=str)))
        )
