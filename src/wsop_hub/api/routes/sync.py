"""Sync status per source and entity, its history, and the manual trigger (SPEC §6)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel

from wsop_hub.api.deps import PrincipalDep, StateDep
from wsop_hub.api.schemas import MAX_ID
from wsop_hub.db.uow import UnitOfWork
from wsop_hub.ingest import sync
from wsop_hub.ingest.imports import ERRORS_SHOWN, recent_imports

router = APIRouter(prefix="/v1/sync", tags=["sync"])

Source = Literal["gfx", "wsop_plus"]


class SyncState(BaseModel):
    source: str
    entity: str
    status: Literal["pending", "in_progress", "synced", "failed", "outdated"]
    interval_s: int
    failure_count: int
    last_started_at: datetime | None
    last_synced_at: datetime | None
    last_error: str | None
    next_run_at: datetime
    details: dict[str, Any]
    updated_at: datetime


class SyncHistoryEntry(BaseModel):
    id: int
    source: str
    entity: str
    from_status: str | None
    to_status: str
    actor: str
    details: dict[str, Any]
    at: datetime


class SyncHistoryPage(BaseModel):
    items: list[SyncHistoryEntry]
    next_before_id: int | None


class ImportLine(BaseModel):
    line: int | None
    message: str
    kind: Literal["error", "warning"]


class ImportEntry(BaseModel):
    """One imported file: PokerGFX counts hands, WSOP+ counts rows (the other source's
    counts are null)."""

    id: int
    source: Source
    file_name: str
    format: str
    status: Literal["imported", "partial", "failed", "duplicate"]
    at: datetime
    file_size: int | None
    session_id: int | None
    hands_total: int | None
    hands_new: int | None
    hands_updated: int | None
    rows_total: int | None
    rows_imported: int | None
    rows_failed: int | None
    errors: list[ImportLine]
    errors_total: int


class ImportPage(BaseModel):
    items: list[ImportEntry]
    next_before_id: int | None


@router.get("/status", response_model=list[SyncState], summary="State of every source and entity")
async def status(state: StateDep) -> list[SyncState]:
    async with UnitOfWork(state.engine) as uow:
        repo = sync.SyncRepository(uow.connection)
        await repo.ensure(sync.DEFAULT_SCHEDULE)
        await uow.commit()
        rows = await repo.list()
    return [SyncState.model_validate(_strip(r)) for r in rows]


@router.post(
    "/{source}/trigger",
    response_model=list[SyncState],
    status_code=202,
    summary="Run a source's sync now (the scheduler role picks it up within seconds)",
)
async def trigger(source: Source, state: StateDep, principal: PrincipalDep) -> list[SyncState]:
    rows = await sync.trigger(state.engine, source, actor=principal.name)
    return [SyncState.model_validate(_strip(r)) for r in rows]


@router.get(
    "/{source}/history", response_model=SyncHistoryPage, summary="Transitions, newest first"
)
async def history(
    source: Annotated[Source, Path()],
    state: StateDep,
    before_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> SyncHistoryPage:
    async with UnitOfWork(state.engine) as uow:
        rows = await sync.SyncRepository(uow.connection).history(source, limit, before_id)
    items = [SyncHistoryEntry.model_validate(r) for r in rows]
    return SyncHistoryPage(
        items=items, next_before_id=items[-1].id if len(items) == limit else None
    )


@router.get(
    "/{source}/imports",
    response_model=ImportPage,
    summary=(
        "Files the source imported, newest first (WSOP+: every attempt, with the first "
        f"{ERRORS_SHOWN} rejected lines; quarantined files are events)"
    ),
)
async def imports(
    source: Annotated[Source, Path()],
    state: StateDep,
    before_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> ImportPage:
    async with state.engine.connect() as conn:
        rows = await recent_imports(conn, source, limit=limit, before_id=before_id)
    items = [ImportEntry.model_validate(r) for r in rows]
    return ImportPage(items=items, next_before_id=items[-1].id if len(items) == limit else None)


def _strip(row: dict[str, Any]) -> dict[str, Any]:
    row.pop("id", None)
    return row
