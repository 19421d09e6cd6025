"""Monitoring events: anomalies and alerts, one open event per incident key."""

from __future__ import annotations

from sqlalchemy import func, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from wsop_hub.db.tables import monitoring_events
from wsop_hub.domain.models import MonitoringEvent, MonitoringEventIn
from wsop_hub.errors import NotFound


class EventRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._conn = connection

    async def record(self, event: MonitoringEventIn) -> MonitoringEvent | None:
        """Insert the event; None when an open event with the same incident key exists."""
        statement = (
            insert(monitoring_events)
            .values(**event.model_dump(mode="json"))
            .on_conflict_do_nothing(
                index_elements=[monitoring_events.c.incident_key],
                index_where=text("NOT resolved AND incident_key IS NOT NULL"),
            )
            .returning(*monitoring_events.c)
        )
        row = (await self._conn.execute(statement)).mappings().first()
        return MonitoringEvent.model_validate(dict(row)) if row is not None else None

    async def get(self, event_id: int) -> MonitoringEvent:
        row = (
            (
                await self._conn.execute(
                    select(monitoring_events).where(monitoring_events.c.id == event_id)
                )
            )
            .mappings()
            .first()
        )
        if row is None:
            raise NotFound(f"monitoring event {event_id} does not exist")
        return MonitoringEvent.model_validate(dict(row))

    async def open_incident_keys(self, prefix: str) -> set[str]:
        """Incident keys starting with `prefix` whose event is still open (a detector's
        own incidents, to resolve those whose condition cleared)."""
        rows = await self._conn.execute(
            select(monitoring_events.c.incident_key).where(
                monitoring_events.c.resolved.is_(False),
                monitoring_events.c.incident_key.is_not(None),
                # starts_with, not LIKE: keys contain `_`, a LIKE wildcard.
                func.starts_with(monitoring_events.c.incident_key, prefix),
            )
        )
        return {str(r[0]) for r in rows}

    async def resolve_incident(self, incident_key: str, resolved_by: str, notes: str) -> int:
        """Close the open event of this incident (the condition cleared); returns rows closed."""
        result = await self._conn.execute(
            update(monitoring_events)
            .where(
                monitoring_events.c.incident_key == incident_key,
                monitoring_events.c.resolved.is_(False),
            )
            .values(resolved=True, resolved_at=func.now(), resolved_by=resolved_by, notes=notes)
        )
        return int(result.rowcount or 0)

    async def resolve(self, event_id: int, resolved_by: str, notes: str) -> MonitoringEvent | None:
        """Close one open event; None when it was already resolved."""
        row = (
            (
                await self._conn.execute(
                    update(monitoring_events)
                    .where(
                        monitoring_events.c.id == event_id, monitoring_events.c.resolved.is_(False)
                    )
                    .values(
                        resolved=True, resolved_at=func.now(), resolved_by=resolved_by, notes=notes
                    )
                    .returning(*monitoring_events.c)
                )
            )
            .mappings()
            .first()
        )
        return MonitoringEvent.model_validate(dict(row)) if row is not None else None
