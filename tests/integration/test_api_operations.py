"""Monitoring API and admin actions over HTTP, against a real database."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from tests.conftest import TEST_API_KEY
from tests.factories import hand_in
from wsop_hub.api.app import create_app
from wsop_hub.db.engine import create_engine
from wsop_hub.db.uow import UnitOfWork
from wsop_hub.domain.enums import Severity
from wsop_hub.domain.models import MonitoringEventIn
from wsop_hub.settings import Settings

AUTH = {"X-API-Key": TEST_API_KEY}


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def sql(settings: Settings, statement: str, **params: Any) -> Any:
    async def run() -> Any:
        engine = create_engine(settings.database_url or "", pool_size=1)
        try:
            async with engine.begin() as conn:
                result = await conn.execute(text(statement), params)
                return result.scalar() if result.returns_rows else None
        finally:
            await engine.dispose()

    return asyncio.run(run())


def create(client: TestClient, **overrides: Any) -> dict[str, Any]:
    body = {"template_name": "Payouts", "trigger_type": "payouts", **overrides}
    response = client.post("/api/instructions", headers=AUTH, json=body)
    assert response.status_code == 201, response.text
    return response.json()


def fail(settings: Settings, job_id: int, retry_scheduled: bool = False) -> None:
    sql(
        settings,
        "UPDATE render_instructions SET status = 'failed', attempt = 1, completed_at = now(),"
        " error_message = 'boom', next_retry_at = CASE WHEN :r THEN now() + interval '1 hour' END"
        " WHERE id = :id",
        id=job_id,
        r=retry_scheduled,
    )
    sql(
        settings,
        "INSERT INTO instruction_history (instruction_id, from_status, to_status, attempt, actor)"
        " VALUES (:id, 'processing', 'failed', 1, 'w1')",
        id=job_id,
    )


def test_retry_a_failed_job_records_the_user_and_reason(
    client: TestClient, settings: Settings
) -> None:
    job = create(client)
    fail(settings, job["id"])
    retried = client.post(
        "/api/actions/retry",
        headers=AUTH,
        json={"instruction_id": job["id"], "reason": "template fixed"},
    )
    assert retried.status_code == 200, retried.text
    assert retried.json()["status"] == "pending"
    history = client.get(f"/api/instructions/{job['id']}", headers=AUTH).json()["history"]
    assert (history[-1]["actor"], history[-1]["reason"]) == (
        "admin:api-key:test…",
        "template fixed",
    )


def test_retrying_a_completed_job_is_409_with_a_message(
    client: TestClient, settings: Settings
) -> None:
    job = create(client)
    sql(
        settings, "UPDATE render_instructions SET status = 'completed' WHERE id = :id", id=job["id"]
    )
    answer = client.post(
        "/api/actions/retry", headers=AUTH, json={"instruction_id": job["id"], "reason": "again"}
    )
    assert answer.status_code == 409 and "only failed or cancelled" in answer.json()["detail"]


@pytest.mark.parametrize("path", ["/api/actions/retry", "/api/actions/cancel"])
def test_unknown_instruction_is_404(client: TestClient, path: str) -> None:
    answer = client.post(path, headers=AUTH, json={"instruction_id": 987654, "reason": "why not"})
    assert answer.status_code == 404 and "987654 does not exist" in answer.json()["detail"]


@pytest.mark.parametrize(
    "body",
    [
        {"instruction_id": 1},  # no reason
        {"instruction_id": 1, "reason": "x"},  # reason too short
        {"instruction_id": "one", "reason": "because"},  # wrong type
        {"instruction_id": 1, "reason": "because", "extra": True},
        {"instruction_id": 1, "reason": "r" * 10_000},  # huge
    ],
)
def test_malformed_action_bodies_are_422(client: TestClient, body: dict[str, Any]) -> None:
    assert client.post("/api/actions/retry", headers=AUTH, json=body).status_code == 422


def test_cancel_is_idempotent(client: TestClient) -> None:
    job = create(client)
    first = client.post(
        "/api/actions/cancel",
        headers=AUTH,
        json={"instruction_id": job["id"], "reason": "wrong cue"},
    )
    again = client.post(
        "/api/actions/cancel",
        headers=AUTH,
        json={"instruction_id": job["id"], "reason": "wrong cue"},
    )
    assert first.json()["status"] == again.json()["status"] == "cancelled"
    history = client.get(f"/api/instructions/{job['id']}", headers=AUTH).json()["history"]
    assert [h["to_status"] for h in history] == ["pending", "cancelled"]


def test_change_priority_of_pending_and_refuse_completed(
    client: TestClient, settings: Settings
) -> None:
    job = create(client, priority=8)
    changed = client.post(
        "/api/actions/change-priority",
        headers=AUTH,
        json={"instruction_id": job["id"], "priority": 1, "reason": "final table"},
    )
    assert changed.status_code == 200 and changed.json()["priority"] == 1
    history = client.get(f"/api/instructions/{job['id']}", headers=AUTH).json()["history"]
    assert history[-1]["reason"] == "priority 8→1: final table"
    sql(
        settings, "UPDATE render_instructions SET status = 'completed' WHERE id = :id", id=job["id"]
    )
    refused = client.post(
        "/api/actions/change-priority",
        headers=AUTH,
        json={"instruction_id": job["id"], "priority": 3, "reason": "too late"},
    )
    assert refused.status_code == 409


def test_bulk_retry_by_filter_returns_how_many_and_which(
    client: TestClient, settings: Settings
) -> None:
    jobs = [create(client, template_name=name) for name in ("Payouts", "Payouts", "Leaderboard")]
    for job in jobs:
        fail(settings, job["id"])
    answer = client.post(
        "/api/actions/bulk-retry",
        headers=AUTH,
        json={
            "filter": {"status": ["failed"], "template_name": "Payouts"},
            "reason": "render farm back",
        },
    )
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"count": 2, "instruction_ids": [jobs[0]["id"], jobs[1]["id"]]}
    assert (
        client.get(f"/api/instructions/{jobs[2]['id']}", headers=AUTH).json()["instruction"][
            "status"
        ]
        == "failed"
    )


def test_bulk_retry_refuses_completed_status(client: TestClient) -> None:
    answer = client.post(
        "/api/actions/bulk-retry",
        headers=AUTH,
        json={"filter": {"status": ["completed"]}, "reason": "all of them"},
    )
    assert answer.status_code == 409


def test_instruction_listing_filters_and_pages(client: TestClient) -> None:
    ids = [create(client, priority=2 if i % 2 else 7)["id"] for i in range(5)]
    page = client.get("/api/instructions", headers=AUTH, params={"priority": 7, "limit": 2}).json()
    assert [i["id"] for i in page["items"]] == [ids[4], ids[2]]
    rest = client.get(
        "/api/instructions",
        headers=AUTH,
        params={"priority": 7, "limit": 2, "before_id": page["next_before_id"]},
    ).json()
    assert [i["id"] for i in rest["items"]] == [ids[0]] and rest["next_before_id"] is None


def test_metrics_windows_and_queue_depth(client: TestClient, settings: Settings) -> None:
    done, failed, _waiting = create(client), create(client), create(client, priority=1)
    sql(
        settings,
        "UPDATE render_instructions SET status = 'completed', started_at = created_at + interval '2 seconds',"
        " completed_at = created_at + interval '5 seconds' WHERE id = :id",
        id=done["id"],
    )
    sql(
        settings,
        "INSERT INTO instruction_history (instruction_id, from_status, to_status, attempt, actor)"
        " VALUES (:id, 'processing', 'completed', 1, 'w1')",
        id=done["id"],
    )
    fail(settings, failed["id"])
    assert client.get("/api/metrics/throughput?window=15m", headers=AUTH).json()["completed"] == 1
    rate = client.get("/api/metrics/error-rate?window=1h", headers=AUTH).json()
    assert (rate["failed"], rate["settled"], rate["error_rate"]) == (1, 2, 0.5)
    latency = client.get("/api/metrics/latency?window=24h", headers=AUTH).json()
    assert (
        latency["jobs"] == 1
        and round(latency["wait_avg"]) == 2000
        and round(latency["render_avg"]) == 3000
    )
    depth = client.get("/api/metrics/queue-depth", headers=AUTH).json()
    assert depth["pending"] == 1 and depth["pending_by_priority"] == {"1": 1}
    assert client.get("/api/metrics/latency?window=7d", headers=AUTH).status_code == 422


def test_dashboard_and_data_flow(
    client: TestClient, settings: Settings, engine_url_hand: int
) -> None:
    job = create(client, hand_id=engine_url_hand, trigger_type="premium_hand")
    dashboard = client.get("/api/dashboard", headers=AUTH).json()
    assert set(dashboard["projects"]) == {"feature_table", "sub", "ae"}
    assert dashboard["metrics"]["queue_depth"]["pending"] == 1
    assert dashboard["data_flow_health"]["orphan_hands"] == 0
    flow = client.get(f"/api/data-flow?hand_id={engine_url_hand}", headers=AUTH).json()
    assert flow["hand"]["id"] == engine_url_hand
    assert [(i["id"], i["status_chain"]) for i in flow["instructions"]] == [
        (job["id"], ["pending"])
    ]
    assert client.get("/api/data-flow?hand_id=424242", headers=AUTH).status_code == 404


@pytest.fixture
def engine_url_hand(settings: Settings) -> int:
    async def make() -> int:
        engine = create_engine(settings.database_url or "", pool_size=1)
        try:
            async with UnitOfWork(engine) as uow:
                hand, _ = await uow.hands.upsert(hand_in())
                await uow.commit()
            return hand.id
        finally:
            await engine.dispose()

    return asyncio.run(make())


def test_events_list_filter_and_resolve(client: TestClient, settings: Settings) -> None:
    async def record() -> int:
        engine = create_engine(settings.database_url or "", pool_size=1)
        try:
            async with UnitOfWork(engine) as uow:
                event = await uow.events.record(
                    MonitoringEventIn(
                        event_type="error_rate_spike",
                        severity=Severity.CRITICAL,
                        message="12% failed",
                    )
                )
                await uow.events.record(
                    MonitoringEventIn(event_type="delay", severity=Severity.WARNING)
                )
                await uow.commit()
            assert event is not None
            return event.id
        finally:
            await engine.dispose()

    event_id = asyncio.run(record())
    critical = client.get("/api/events?severity=critical&resolved=false", headers=AUTH).json()[
        "items"
    ]
    assert [e["id"] for e in critical] == [event_id]
    resolved = client.post(
        f"/api/events/{event_id}/resolve", headers=AUTH, json={"notes": "render farm rebooted"}
    )
    assert resolved.status_code == 200 and resolved.json()["resolved_by"] == "api-key:test…"
    again = client.post(f"/api/events/{event_id}/resolve", headers=AUTH, json={"notes": "twice"})
    assert again.json()["notes"] == "render farm rebooted", (
        "idempotent: the first resolution stands"
    )
    assert client.get(f"/api/events/{event_id}", headers=AUTH).json()["resolved"] is True
    assert client.get("/api/events/999999", headers=AUTH).status_code == 404
    assert client.get("/api/events?severity=apocalyptic", headers=AUTH).status_code == 422


def test_workers_listing_shows_heartbeat_age(client: TestClient, settings: Settings) -> None:
    sql(
        settings,
        "INSERT INTO workers (id, hostname, pid, heartbeat_at, current_job_ids)"
        " VALUES ('w-1', 'render-01', 42, now() - interval '3 seconds', '[7]'::jsonb)",
    )
    [worker] = client.get("/api/workers", headers=AUTH).json()
    assert (
        worker["id"] == "w-1"
        and worker["current_job_ids"] == [7]
        and worker["heartbeat_age_s"] >= 3
    )
