"""Monitoring read side: dashboard, metrics windows, data flow of a hand."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from wsop_hub.db.uow import UnitOfWork
from wsop_hub.errors import NotFound

DELAYED_AFTER_S = 30 * 60
#: Premium hands older than this are history, not a live orphan (the detector uses 24 h too).
ORPHAN_LOOKBACK_S = 24 * 3600


class Window(StrEnum):
    M15 = "15m"
    H1 = "1h"
    H24 = "24h"

    @property
    def seconds(self) -> int:
        return {"15m": 900, "1h": 3600, "24h": 86400}[self.value]


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


async def throughput(engine: AsyncEngine, window: Window) -> dict[str, Any]:
    async with UnitOfWork(engine, read_only=True) as uow:
        counts = await uow.monitoring.transitions_in_window(window.seconds)
    return {
        "window": window.value,
        "completed": counts["completed"],
        "per_minute": round(counts["completed"] / (window.seconds / 60), 3),
    }


async def error_rate(engine: AsyncEngine, window: Window) -> dict[str, Any]:
    async with UnitOfWork(engine, read_only=True) as uow:
        counts = await uow.monitoring.transitions_in_window(window.seconds)
    settled = counts["completed"] + counts["failed"]
    return {
        "window": window.value,
        "failed": counts["failed"],
        "settled": settled,
        "error_rate": _rate(counts["failed"], settled),
    }


async def latency(engine: AsyncEngine, window: Window) -> dict[str, Any]:
    async with UnitOfWork(engine, read_only=True) as uow:
        figures = await uow.monitoring.latency_in_window(window.seconds)
    return {
        "window": window.value,
        **{k: (round(v, 2) if isinstance(v, float) else v) for k, v in figures.items()},
    }


async def queue_depth(engine: AsyncEngine) -> dict[str, Any]:
    async with UnitOfWork(engine, read_only=True) as uow:
        return await uow.monitoring.queue_depth()


async def dashboard(engine: AsyncEngine) -> dict[str, Any]:
    hour = Window.H1.seconds
    async with UnitOfWork(engine, read_only=True) as uow:
        m = uow.monitoring
        projects = await m.role_activity()
        counts = await m.transitions_in_window(hour)
        wait = await m.latency_in_window(hour)
        depth = await m.queue_depth()
        alerts = await m.list_events(
            severity=None, resolved=False, event_type=None, before_id=None, limit=20
        )
        orphans = await m.count_orphan_premium_hands(ORPHAN_LOOKBACK_S)
        delayed = await m.delayed_pending(DELAYED_AFTER_S)
    settled = counts["completed"] + counts["failed"]
    return {
        "projects": projects,
        "metrics": {
            "throughput_1h": counts["completed"],
            "avg_latency_1h_ms": round(wait["wait_avg"], 2)
            if wait["wait_avg"] is not None
            else None,
            "error_rate_1h": _rate(counts["failed"], settled),
            "queue_depth": {"pending": depth["pending"], "processing": depth["processing"]},
        },
        "active_alerts": [a for a in alerts if a["severity"] != "info"],
        "data_flow_health": {
            "orphan_hands": orphans,
            "delayed_instructions": delayed,
            "completion_rate": _rate(counts["completed"], settled),
        },
    }


async def data_flow(engine: AsyncEngine, hand_id: int) -> dict[str, Any]:
    """hand → its instructions → their outputs, with every transition."""
    async with UnitOfWork(engine) as uow:
        try:
            hand = await uow.hands.get(hand_id)
        except NotFound:
            raise NotFound(f"hand {hand_id} does not exist") from None
        instructions = await uow.monitoring.instructions_of_hand(hand_id)
        ids = [i["id"] for i in instructions]
        outputs = await uow.monitoring.outputs_of(ids)
        history = await uow.instructions.histories(ids)
    chains: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
    for entry in history:
        chains[entry.instruction_id].append(entry.model_dump(mode="json"))
    return {
        "hand": hand.model_dump(mode="json"),
        "instructions": [
            {
                **i,
                "status_chain": [h["to_status"] for h in chains[i["id"]]],
                "history": chains[i["id"]],
            }
            for i in instructions
        ],
        "outputs": outputs,
    }
