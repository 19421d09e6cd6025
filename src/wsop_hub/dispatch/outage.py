"""Dependency outages become one log line and one monitoring event per incident, not one per retry."""

from __future__ import annotations

import asyncio
import logging

import asyncpg
from redis.exceptions import RedisError
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from wsop_hub.db.uow import UnitOfWork
from wsop_hub.domain.enums import Severity
from wsop_hub.domain.models import MonitoringEventIn

log = logging.getLogger(__name__)

#: What a lost PostgreSQL connection raises through SQLAlchemy/asyncpg.
DB_ERRORS = (OperationalError, DBAPIError, asyncpg.PostgresError, OSError, asyncio.TimeoutError)
#: What a lost Redis connection raises through redis-py.
REDIS_ERRORS = (RedisError, OSError, asyncio.TimeoutError)


class RedisDown(Exception):
    """A Redis call failed; kept apart from PostgreSQL errors, which share OSError."""

    def __init__(self, cause: BaseException) -> None:
        super().__init__(str(cause))
        self.cause = cause


class OutageTracker:
    """Remembers whether `dependency` is down for `who`; records the switch both ways."""

    def __init__(self, engine: AsyncEngine, *, who: str, dependency: str, event_type: str) -> None:
        self._engine = engine
        self.who = who
        self.dependency = dependency
        self.event_type = event_type
        self.down = False

    @property
    def incident_key(self) -> str:
        return f"{self.event_type}:{self.who}"

    async def mark_down(self, error: BaseException, action: str) -> None:
        if self.down:
            return
        self.down = True
        message = f"{self.dependency} unreachable ({error.__class__.__name__}: {error}); {action}"
        log.warning("%s: %s", self.who, message)
        event = MonitoringEventIn(
            event_type=self.event_type,
            severity=Severity.WARNING,
            source=self.who,
            message=message,
            incident_key=self.incident_key,
        )
        try:
            async with UnitOfWork(self._engine) as uow:
                recorded = await uow.events.record(event)
                if recorded is not None:
                    await uow.emit("alert", recorded.model_dump(mode="json"))
                await uow.commit()
        except Exception:  # noqa: BLE001 - PostgreSQL may be down too; the log line stands
            log.exception("%s: could not record the %s event", self.who, self.event_type)

    async def mark_up(self, action: str) -> None:
        if not self.down:
            return
        self.down = False
        log.warning("%s: %s reachable again; %s", self.who, self.dependency, action)
        try:
            async with UnitOfWork(self._engine) as uow:
                await uow.events.resolve_incident(
                    self.incident_key, "system", f"{self.dependency} back; {action}"
                )
                await uow.commit()
        except Exception:  # noqa: BLE001
            log.exception("%s: could not resolve the %s event", self.who, self.event_type)
