"""Prometheus `/metrics`, computed from PostgreSQL at scrape time.

The truth is in the database, so every API process exposes the same figures and nothing
is lost when a worker dies. Protected like every other route (Prometheus supports Basic).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from wsop_hub.api.deps import StateDep, require_principal
from wsop_hub.db.uow import UnitOfWork

router = APIRouter(tags=["monitoring"], dependencies=[Depends(require_principal)])


class _Snapshot(Collector):
    def __init__(self, snapshot: dict[str, Any]) -> None:
        self._s = snapshot

    def collect(self):  # type: ignore[no-untyped-def]
        depth = GaugeMetricFamily(
            "wsop_queue_depth",
            "Render instructions waiting or running",
            labels=["status", "priority"],
        )
        for status, priority, count in self._s["depth"]:
            depth.add_metric([status, str(priority)], count)
        yield depth
        outcomes = CounterMetricFamily(
            "wsop_job_transitions", "Transitions into an outcome status", labels=["status"]
        )
        for status, count in self._s["outcomes"].items():
            outcomes.add_metric([status], count)
        yield outcomes
        recoveries = CounterMetricFamily(
            "wsop_reaper_recoveries", "Attempts the reaper found stale"
        )
        recoveries.add_metric([], self._s["outcomes"].get("stale", 0))
        yield recoveries
        latency = GaugeMetricFamily(
            "wsop_dispatch_latency_seconds",
            "Created → started, jobs completed in the last 15 minutes",
            labels=["quantile"],
        )
        for quantile, value in zip(("0.5", "0.9", "0.99"), self._s["latency"], strict=False):
            latency.add_metric([quantile], float(value))
        yield latency
        yield GaugeMetricFamily(
            "wsop_workers_alive",
            "Workers with a heartbeat in the last minute",
            value=self._s["workers_alive"],
        )
        events = GaugeMetricFamily(
            "wsop_open_events", "Unresolved monitoring events", labels=["event_type"]
        )
        for event_type, count in self._s["open_events"].items():
            events.add_metric([event_type], count)
        yield events


@router.get(
    "/metrics",
    summary="Prometheus metrics (text exposition format)",
    response_class=Response,
    responses={200: {"content": {CONTENT_TYPE_LATEST: {}}}},
)
async def metrics(state: StateDep) -> Response:
    async with UnitOfWork(state.engine) as uow:
        snapshot = await uow.monitoring.prometheus_snapshot()
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Snapshot(snapshot))
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
