"""Sync state per source and entity, SPEC §6: schedules, the state machine, history.

    pending → in_progress → synced | failed
    failed  → pending            (automatic retry with backoff, at most MAX_AUTO_RETRIES)
    synced  → outdated → pending (its interval passed)

Every transition is a compare-and-set on `sync_status` with a `sync_history` row and a
`sync_status` event (WebSocket channel `sync-status`) in the same transaction. The third
failure in a row raises a critical monitoring event ("sync failed 3+ times": e-mail, Slack
and dashboard) and the entity stays `failed` until an operator triggers it again; the next
success resolves the incident.

The scheduler role runs `SyncScheduler.run_due()` every few seconds: it marks synced
entities whose interval passed as outdated, and runs every due entity's job (the importers
register one job per source). `POST /api/v1/sync/{source}/trigger` only sets the source's
entities to pending and due now, so the sync itself always runs in the scheduler role.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from wsop_hub.db.tables import sync_history, sync_status
from wsop_hub.db.uow import UnitOfWork
from wsop_hub.domain.enums import Severity
from wsop_hub.domain.models import MonitoringEvent, MonitoringEventIn
from wsop_hub.errors import NotFound
from wsop_hub.orchestration.notifications import Notification, Notifier

log = logging.getLogger(__name__)

GFX, WSOP_PLUS = "gfx", "wsop_plus"
MAX_AUTO_RETRIES = 3
RETRY_BACKOFF_S = (30.0, 60.0, 120.0)


@dataclass(frozen=True)
class SyncEntity:
    source: str
    entity: str
    interval_s: int


#: SPEC §6 schedules: GFX every 60 min (the watcher imports as files land; the scheduled
#: run is a full rescan that catches anything missed), WSOP+ events/players every 30 min,
#: chip counts/standings every 15 min.
DEFAULT_SCHEDULE: tuple[SyncEntity, ...] = (
    SyncEntity(GFX, "sessions", 3600),
    SyncEntity(WSOP_PLUS, "events", 1800),
    SyncEntity(WSOP_PLUS, "players", 1800),
    SyncEntity(WSOP_PLUS, "chip_counts", 900),
    SyncEntity(WSOP_PLUS, "standings", 900),
)
SOURCES = frozenset(e.source for e in DEFAULT_SCHEDULE)

#: A source's sync job: runs every due entity of the source at once (one folder scan
#: imports whatever entities it finds) and returns details per entity, e.g.
#: {"events": {"files": 2, "rows": 40}}. An exception fails every due entity.
SyncJob = Callable[[frozenset[str]], Awaitable[Mapping[str, dict[str, Any]]]]


def _row(row: Any) -> dict[str, Any]:
    data = dict(row._mapping)
    for key in ("last_started_at", "last_synced_at", "next_run_at", "updated_at"):
        if isinstance(data.get(key), datetime):
            data[key] = data[key].isoformat()
    return data


def _incident_key(source: str, entity: str) -> str:
    return f"sync_failed:{source}:{entity}"


class SyncRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._conn = connection

    async def ensure(self, schedule: tuple[SyncEntity, ...]) -> None:
        """Create missing rows; an existing row keeps its state but takes the interval."""
        for item in schedule:
            statement = insert(sync_status).values(
                source=item.source, entity=item.entity, interval_s=item.interval_s
            )
            await self._conn.execute(
                statement.on_conflict_do_update(
                    index_elements=[sync_status.c.source, sync_status.c.entity],
                    set_={"interval_s": statement.excluded.interval_s},
                )
            )

    async def list(self, source: str | None = None) -> list[dict[str, Any]]:
        query = select(sync_status).order_by(sync_status.c.source, sync_status.c.entity)
        if source is not None:
            query = query.where(sync_status.c.source == source)
        return [_row(r) for r in await self._conn.execute(query)]

    async def history(self, source: str, limit: int, before_id: int | None) -> list[dict[str, Any]]:
        query = (
            select(sync_history)
            .where(sync_history.c.source == source)
            .order_by(sync_history.c.id.desc())
            .limit(limit)
        )
        if before_id is not None:
            query = query.where(sync_history.c.id < before_id)
        rows = []
        for r in await self._conn.execute(query):
            data = dict(r._mapping)
            data["at"] = data["at"].isoformat()
            rows.append(data)
        return rows

    async def transition(
        self,
        source: str,
        entity: str,
        from_statuses: tuple[str, ...],
        to_status: str,
        *,
        actor: str,
        details: dict[str, Any] | None = None,
        values: dict[str, Any] | None = None,
    ) -> dict[str, Any] | None:
        """Compare-and-set `from_statuses → to_status` with a history row; None if the
        entity was not in one of `from_statuses` (someone else moved it)."""
        current = (
            await self._conn.execute(
                select(sync_status.c.status)
                .where(sync_status.c.source == source, sync_status.c.entity == entity)
                .with_for_update()
            )
        ).scalar_one_or_none()
        if current is None or current not in from_statuses:
            return None
        row = (
            await self._conn.execute(
                update(sync_status)
                .where(sync_status.c.source == source, sync_status.c.entity == entity)
                .values(status=to_status, updated_at=func.now(), **(values or {}))
                .returning(*sync_status.c)
            )
        ).first()
        await self._conn.execute(
            sync_history.insert().values(
                source=source,
                entity=entity,
                from_status=current,
                to_status=to_status,
                actor=actor,
                details=details or {},
            )
        )
        return _row(row)

    async def outdated_candidates(self) -> list[tuple[str, str]]:
        rows = await self._conn.execute(
            select(sync_status.c.source, sync_status.c.entity).where(
                sync_status.c.status == "synced",
                sync_status.c.last_synced_at
                < func.now() - func.make_interval(0, 0, 0, 0, 0, 0, sync_status.c.interval_s),
            )
        )
        return [(r[0], r[1]) for r in rows]

    async def due(self) -> list[tuple[str, str]]:
        """Entities to run now: pending or outdated, or failed with a retry due."""
        rows = await self._conn.execute(
            select(sync_status.c.source, sync_status.c.entity).where(
                sync_status.c.next_run_at <= func.now(),
                or_(
                    sync_status.c.status.in_(("pending", "outdated")),
                    and_(
                        sync_status.c.status == "failed",
                        sync_status.c.failure_count < MAX_AUTO_RETRIES,
                    ),
                ),
            )
        )
        return [(r[0], r[1]) for r in rows]


async def _emit(uow: UnitOfWork, row: dict[str, Any]) -> None:
    await uow.emit(
        "sync_status",
        {k: row[k] for k in ("source", "entity", "status", "failure_count", "last_synced_at")}
        | {"last_error": row.get("last_error")},
    )


class SyncScheduler:
    """Runs due sync jobs and moves each entity through the state machine."""

    def __init__(
        self,
        engine: AsyncEngine,
        jobs: Mapping[str, SyncJob],
        schedule: tuple[SyncEntity, ...] = DEFAULT_SCHEDULE,
        *,
        actor: str = "scheduler",
        notifier: Notifier | None = None,
    ) -> None:
        self._engine = engine
        self._notifier = notifier
        self._jobs = dict(jobs)
        self._schedule = schedule
        self._actor = actor
        self._ensured = False

    async def run_due(self) -> int:
        """One pass; returns how many entities were run."""
        async with UnitOfWork(self._engine) as uow:
            sync = SyncRepository(uow.connection)
            if not self._ensured:
                await sync.ensure(self._schedule)
                self._ensured = True
            for source, entity in await sync.outdated_candidates():
                row = await sync.transition(
                    source, entity, ("synced",), "outdated", actor=self._actor
                )
                if row is not None:
                    await _emit(uow, row)
            due = await sync.due()
            await uow.commit()
        by_source: dict[str, set[str]] = {}
        for source, entity in due:
            if source in self._jobs:
                by_source.setdefault(source, set()).add(entity)
        ran = 0
        for source, entities in sorted(by_source.items()):
            ran += await self._run(source, frozenset(entities))
        return ran

    async def _run(self, source: str, entities: frozenset[str]) -> int:
        started: set[str] = set()
        async with UnitOfWork(self._engine) as uow:
            sync = SyncRepository(uow.connection)
            for entity in sorted(entities):
                row = await sync.transition(
                    source,
                    entity,
                    ("pending", "outdated", "failed"),
                    "in_progress",
                    actor=self._actor,
                    values={"last_started_at": func.now()},
                )
                if row is not None:
                    started.add(entity)
                    await _emit(uow, row)
            await uow.commit()
        if not started:
            return 0
        try:
            results = await self._jobs[source](frozenset(started))
        except Exception as exc:  # noqa: BLE001 - a failed sync is a state, not a crash
            log.exception("sync %s %s failed", source, sorted(started))
            await self._fail(source, started, f"{exc.__class__.__name__}: {exc}"[:2000])
            return len(started)
        await self._succeed(source, started, results)
        return len(started)

    async def _succeed(
        self, source: str, entities: set[str], results: Mapping[str, dict[str, Any]]
    ) -> None:
        async with UnitOfWork(self._engine) as uow:
            sync = SyncRepository(uow.connection)
            for entity in sorted(entities):
                details = dict(results.get(entity, {}))
                row = await sync.transition(
                    source,
                    entity,
                    ("in_progress",),
                    "synced",
                    actor=self._actor,
                    details=details,
                    values={
                        "last_synced_at": func.now(),
                        "failure_count": 0,
                        "last_error": None,
                        "details": details,
                        "next_run_at": func.now()
                        + func.make_interval(0, 0, 0, 0, 0, 0, sync_status.c.interval_s),
                    },
                )
                if row is not None:
                    await _emit(uow, row)
                    await uow.events.resolve_incident(
                        _incident_key(source, entity), self._actor, "sync succeeded"
                    )
            await uow.commit()

    async def _fail(self, source: str, entities: set[str], error: str) -> None:
        raised: list[MonitoringEvent] = []
        async with UnitOfWork(self._engine) as uow:
            sync = SyncRepository(uow.connection)
            for entity in sorted(entities):
                row = await sync.transition(
                    source,
                    entity,
                    ("in_progress",),
                    "failed",
                    actor=self._actor,
                    details={"error": error},
                    values={"failure_count": sync_status.c.failure_count + 1, "last_error": error},
                )
                if row is None:
                    continue
                failures = int(row["failure_count"])
                if failures < MAX_AUTO_RETRIES:
                    delay_s = RETRY_BACKOFF_S[min(failures, len(RETRY_BACKOFF_S)) - 1]
                    await uow.connection.execute(
                        update(sync_status)
                        .where(sync_status.c.source == source, sync_status.c.entity == entity)
                        .values(next_run_at=func.now() + text(f"make_interval(secs => {delay_s})"))
                    )
                else:
                    event = await uow.events.record(
                        MonitoringEventIn(
                            event_type="sync_failed",
                            severity=Severity.CRITICAL,
                            source=f"sync:{source}",
                            message=(
                                f"{source} {entity} sync failed {failures} times in a row: {error}"
                            )[:2000],
                            payload={"source": source, "entity": entity, "failures": failures},
                            incident_key=_incident_key(source, entity),
                        )
                    )
                    if event is not None:
                        raised.append(event)
                        await uow.emit("alert", event.model_dump(mode="json"))
                await _emit(uow, row)
            await uow.commit()
        for event in raised:  # after the commit: e-mail + Slack + dashboard (critical)
            log.error("sync: %s", event.message)
            if self._notifier is not None:
                self._notifier.notify(Notification.from_event(event))


async def trigger(engine: AsyncEngine, source: str, *, actor: str) -> list[dict[str, Any]]:
    """Manual trigger: every entity of the source goes to pending, due now, its failure
    count reset (an operator asking again is the way out of "failed 3+ times")."""
    if source not in SOURCES:
        raise NotFound(f"unknown sync source {source!r}; known: {', '.join(sorted(SOURCES))}")
    async with UnitOfWork(engine) as uow:
        sync = SyncRepository(uow.connection)
        await sync.ensure(tuple(e for e in DEFAULT_SCHEDULE if e.source == source))
        rows = []
        for entity in [e.entity for e in DEFAULT_SCHEDULE if e.source == source]:
            row = await sync.transition(
                source,
                entity,
                ("synced", "outdated", "failed", "pending"),
                "pending",
                actor=actor,
                details={"trigger": "manual"},
                values={"next_run_at": func.now(), "failure_count": 0},
            )
            if row is not None:
                await _emit(uow, row)
                rows.append(row)
        await uow.commit()
    return rows
