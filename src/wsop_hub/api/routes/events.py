"""Monitoring events and alerts: list, read, resolve."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from wsop_hub.api.deps import PrincipalDep, StateDep
from wsop_hub.api.schemas import MAX_ID, EventPage, ResolveBody
from wsop_hub.db.uow import UnitOfWork
from wsop_hub.domain.enums import Severity
from wsop_hub.domain.models import MonitoringEvent
from wsop_hub.operations import actions

router = APIRouter(prefix="/events", tags=["events"])


@router.get("", response_model=EventPage, summary="Events, newest first (keyset paging)")
async def list_events(
    state: StateDep,
    severity: Severity | None = None,
    resolved: bool | None = None,
    event_type: Annotated[str | None, Query(max_length=100)] = None,
    before_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> EventPage:
    async with UnitOfWork(state.engine, read_only=True) as uow:
        rows = await uow.monitoring.list_events(
            severity=severity,
            resolved=resolved,
            event_type=event_type,
            before_id=before_id,
            limit=limit,
        )
    items = [MonitoringEvent.model_validate(r) for r in rows]
    return EventPage(items=items, next_before_id=items[-1].id if len(items) == limit else None)


@router.get("/{event_id}", response_model=MonitoringEvent, summary="One event")
async def get_event(
    event_id: Annotated[int, Path(ge=1, le=MAX_ID)], state: StateDep
) -> MonitoringEvent:
    async with UnitOfWork(state.engine, read_only=True) as uow:
        return await uow.events.get(event_id)


@router.post(
    "/{event_id}/resolve", response_model=MonitoringEvent, summary="Resolve an event (idempotent)"
)
async def resolve(
    event_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    body: ResolveBody,
    state: StateDep,
    principal: PrincipalDep,
) -> MonitoringEvent:
    return await actions.resolve_event(
        state.engine, event_id, user=principal.name, notes=body.notes
    )
