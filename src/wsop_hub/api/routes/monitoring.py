"""Monitoring: dashboard, metric windows, queue depth, data flow, workers."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from wsop_hub.api.deps import StateDep
from wsop_hub.api.schemas import (
    MAX_ID,
    Dashboard,
    DataFlow,
    ErrorRate,
    Latency,
    QueueDepth,
    Throughput,
    WorkerInfo,
)
from wsop_hub.db.uow import UnitOfWork
from wsop_hub.operations import monitoring
from wsop_hub.operations.monitoring import Window

router = APIRouter(tags=["monitoring"])
WindowQuery = Annotated[Window, Query(description="15m, 1h or 24h")]


@router.get(
    "/dashboard", response_model=Dashboard, summary="Roles, key metrics, alerts, data-flow health"
)
async def dashboard(state: StateDep) -> dict[str, Any]:
    return await state.cache.get("dashboard", lambda: monitoring.dashboard(state.engine))


@router.get(
    "/metrics/throughput", response_model=Throughput, summary="Jobs completed in the window"
)
async def throughput(state: StateDep, window: WindowQuery = Window.H1) -> dict[str, Any]:
    return await state.cache.get(
        f"throughput:{window}", lambda: monitoring.throughput(state.engine, window)
    )


@router.get(
    "/metrics/latency", response_model=Latency, summary="Queue wait and render time in the window"
)
async def latency(state: StateDep, window: WindowQuery = Window.H1) -> dict[str, Any]:
    return await state.cache.get(
        f"latency:{window}", lambda: monitoring.latency(state.engine, window)
    )


@router.get(
    "/metrics/error-rate", response_model=ErrorRate, summary="Failed / settled in the window"
)
async def error_rate(state: StateDep, window: WindowQuery = Window.H1) -> dict[str, Any]:
    return await state.cache.get(
        f"error-rate:{window}", lambda: monitoring.error_rate(state.engine, window)
    )


@router.get(
    "/metrics/queue-depth",
    response_model=QueueDepth,
    summary="Jobs waiting, by status and priority",
)
async def queue_depth(state: StateDep) -> dict[str, Any]:
    return await monitoring.queue_depth(state.engine)


@router.get(
    "/data-flow",
    response_model=DataFlow,
    summary="A hand → its instructions → outputs, with history",
)
async def data_flow(
    state: StateDep, hand_id: Annotated[int, Query(ge=1, le=MAX_ID)]
) -> dict[str, Any]:
    return await monitoring.data_flow(state.engine, hand_id)


@router.get(
    "/workers",
    response_model=list[WorkerInfo],
    summary="Registered workers and their heartbeat age",
)
async def workers(state: StateDep) -> list[dict[str, Any]]:
    async with UnitOfWork(state.engine, read_only=True) as uow:
        return await uow.monitoring.workers()
