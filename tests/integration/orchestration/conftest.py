"""Anomaly-detector fixtures: rows placed at explicit times, a recording notification channel.

Time windows are exercised by writing timestamps relative to the database clock and by
passing `now` to the detector, never by waiting.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.factories import insert_instruction
from wsop_hub.orchestration.anomaly_detector import AnomalyDetector
from wsop_hub.orchestration.notifications import (
    DashboardChannel,
    Notification,
    Notifier,
    RetryPolicy,
)
from wsop_hub.settings import Settings

FAST_RETRY = RetryPolicy(max_attempts=3, base_delay_s=0.05, max_delay_s=0.2)


class RecordingChannel:
    """Stands in for Slack: keeps what it was sent, in memory."""

    name = "slack"

    def __init__(self) -> None:
        self.sent: list[Notification] = []

    async def send(self, notification: Notification) -> None:
        self.sent.append(notification)

    async def aclose(self) -> None:
        return None


@pytest.fixture
def slack() -> RecordingChannel:
    return RecordingChannel()


@pytest.fixture
async def detector(
    engine: AsyncEngine, settings: Settings, slack: RecordingChannel
) -> AsyncIterator[AnomalyDetector]:
    notifier = Notifier([DashboardChannel(engine), slack], retry=FAST_RETRY)
    detector = AnomalyDetector(engine, settings, notifier)
    yield detector
    await detector.aclose()


async def db_now(engine: AsyncEngine) -> datetime:
    async with engine.connect() as conn:
        value = await conn.scalar(text("SELECT now()"))
    assert isinstance(value, datetime)
    return value


async def execute(engine: AsyncEngine, sql: str, **params: Any) -> None:
    async with engine.begin() as conn:
        await conn.execute(text(sql), params)


async def scalar(engine: AsyncEngine, sql: str, **params: Any) -> Any:
    async with engine.connect() as conn:
        return await conn.scalar(text(sql), params)


async def rows(engine: AsyncEngine, sql: str, **params: Any) -> list[dict[str, Any]]:
    async with engine.connect() as conn:
        return [dict(r) for r in (await conn.execute(text(sql), params)).mappings()]


async def pending_since(engine: AsyncEngine, ago: timedelta, **overrides: Any) -> int:
    """A pending instruction that became available `ago` before the database clock."""
    job = await insert_instruction(engine, **overrides)
    await execute(
        engine,
        "UPDATE render_instructions SET available_at = now() - CAST(:ago AS interval), created_at = now() - CAST(:ago AS interval)"
        " WHERE id = :id",
        ago=ago,
        id=job.id,
    )
    return job.id


async def settled_attempts(
    engine: AsyncEngine, *, completed: int = 0, failed: int = 0, ago: timedelta
) -> None:
    """History rows of settled attempts, `ago` before the database clock."""
    job = await insert_instruction(engine)
    outcomes = ["completed"] * completed + ["failed"] * failed
    for n, outcome in enumerate(outcomes, start=1):
        await execute(
            engine,
            "INSERT INTO instruction_history (instruction_id, from_status, to_status, attempt,"
            " actor, at) VALUES (:id, 'processing', :to, :n, 'test-worker', now() - CAST(:ago AS interval))",
            id=job.id,
            to=outcome,
            n=n,
            ago=ago,
        )


async def events(engine: AsyncEngine, event_type: str) -> list[dict[str, Any]]:
    return await rows(
        engine,
        "SELECT * FROM monitoring_events WHERE event_type = :t ORDER BY id",
        t=event_type,
    )
