"""`WS /ws/dashboard` across two real API processes fed by one PostgreSQL."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets

from tests.conftest import TEST_API_KEY, TEST_PASSWORD
from tests.e2e.hubproc import REPO, wait_for
from wsop_hub.runtime.embedded import free_port
from wsop_hub.settings import Settings

pytestmark = pytest.mark.e2e
AUTH = {"X-API-Key": TEST_API_KEY}


@pytest.fixture
def api_processes(settings: Settings, tmp_path: Path) -> Iterator[list[str]]:
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url or "",
        "REDIS_URL": settings.redis_url or "",
        "HUB_REDIS_PREFIX": settings.hub_redis_prefix,
        "DASHBOARD_USERNAME": "operator",
        "DASHBOARD_PASSWORD": TEST_PASSWORD,
        "HUB_API_KEYS": TEST_API_KEY,
    }
    ports = [free_port(), free_port()]
    log = (tmp_path / "api.log").open("wb")
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "wsop_hub", "api"],
            cwd=REPO,
            env={**env, "PORT": str(port)},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        for port in ports
    ]
    try:
        for port in ports:
            wait_for(lambda p=port: _ready(p), 60, f"API on port {port}")
        yield [f"127.0.0.1:{port}" for port in ports]
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=30)
        log.close()


def _ready(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


async def _next_of_type(socket: Any, event_type: str, timeout_s: float = 10) -> dict[str, Any]:
    async def receive() -> dict[str, Any]:
        while True:
            event = json.loads(await socket.recv())
            if event["type"] == event_type:
                return event

    return await asyncio.wait_for(receive(), timeout=timeout_s)


def test_both_api_processes_deliver_every_event(api_processes: list[str]) -> None:
    first, second = api_processes

    async def scenario() -> None:
        async with (
            websockets.connect(f"ws://{first}/ws/dashboard", additional_headers=AUTH) as a,
            websockets.connect(f"ws://{second}/ws/dashboard", additional_headers=AUTH) as b,
        ):
            for socket in (a, b):
                assert (await _next_of_type(socket, "hello"))["data"]["clients"] >= 1
            async with httpx.AsyncClient() as http:
                created = await http.post(
                    f"http://{first}/api/instructions",
                    headers=AUTH,
                    json={"template_name": "Payouts", "trigger_type": "payouts"},
                )
            job_id = created.json()["id"]
            for socket in (a, b):
                event = await _next_of_type(socket, "instruction_updated")
                assert event["data"]["id"] == job_id and event["data"]["status"] == "pending"
                assert "timestamp" in event

    asyncio.run(scenario())


def test_websocket_refuses_anonymous_clients_and_accepts_a_token(api_processes: list[str]) -> None:
    first, _ = api_processes

    async def scenario() -> None:
        with pytest.raises(websockets.exceptions.InvalidStatus):
            async with websockets.connect(f"ws://{first}/ws/dashboard") as socket:
                await socket.recv()
        with pytest.raises(websockets.exceptions.InvalidStatus):
            async with websockets.connect(f"ws://{first}/ws/dashboard?token=forged") as socket:
                await socket.recv()
        async with httpx.AsyncClient() as http:
            token = (await http.post(f"http://{first}/api/ws-token", headers=AUTH)).json()["token"]
        async with websockets.connect(
            f"ws://{first}/ws/dashboard?token={token}&types=alert"
        ) as socket:
            assert (await _next_of_type(socket, "hello"))["type"] == "hello"

    asyncio.run(scenario())


async def _create(http: httpx.AsyncClient, host: str) -> int:
    response = await http.post(
        f"http://{host}/api/instructions",
        headers=AUTH,
        json={"template_name": "Payouts", "trigger_type": "payouts"},
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def test_a_reconnecting_client_gets_what_it_missed_once(api_processes: list[str]) -> None:
    first, second = api_processes

    async def scenario() -> None:
        async with httpx.AsyncClient() as http:
            async with websockets.connect(
                f"ws://{first}/ws/dashboard", additional_headers=AUTH
            ) as socket:
                last_seen = (await _next_of_type(socket, "hello"))["data"]["last_event_id"]
            missed = [await _create(http, first) for _ in range(3)]
            # Reconnect to the other process: the log is shared, not per process.
            async with websockets.connect(
                f"ws://{second}/ws/dashboard?since={last_seen}&types=instruction_updated",
                additional_headers=AUTH,
            ) as socket:
                await _next_of_type(socket, "hello")
                replayed = [await _next_of_type(socket, "instruction_updated") for _ in missed]
                assert [e["data"]["id"] for e in replayed] == missed
                assert all(e["id"] > last_seen for e in replayed)
                live = await _create(http, first)
                event = await _next_of_type(socket, "instruction_updated")
                assert event["data"]["id"] == live  # the missed ones were not sent twice

    asyncio.run(scenario())


def test_channel_subscriptions_filter_events(api_processes: list[str]) -> None:
    first, _ = api_processes

    async def scenario() -> None:
        async with (
            httpx.AsyncClient() as http,
            websockets.connect(
                f"ws://{first}/ws/dashboard?channels=render-progress", additional_headers=AUTH
            ) as progress,
            websockets.connect(
                f"ws://{first}/ws/dashboard?channels=notifications", additional_headers=AUTH
            ) as alerts,
        ):
            for socket in (progress, alerts):
                await _next_of_type(socket, "hello")
            job_id = await _create(http, first)
            assert (await _next_of_type(progress, "instruction_updated"))["data"]["id"] == job_id
            # Same process, same fan-out call: had `alerts` been sent the event, it would
            # arrive before the pong.
            await alerts.send(json.dumps({"action": "ping"}))
            assert json.loads(await asyncio.wait_for(alerts.recv(), 10))["type"] == "pong"

            await alerts.send(json.dumps({"action": "subscribe", "channels": ["render-progress"]}))
            reply = json.loads(await asyncio.wait_for(alerts.recv(), 10))
            assert reply == {**reply, "type": "subscribed"}
            assert reply["data"]["channels"] == ["notifications", "render-progress"]
            second_job = await _create(http, first)
            assert (await _next_of_type(alerts, "instruction_updated"))["data"]["id"] == second_job

            await alerts.send(json.dumps({"action": "subscribe", "channels": ["nonsense"]}))
            error = json.loads(await asyncio.wait_for(alerts.recv(), 10))
            assert error["type"] == "error" and "nonsense" in error["data"]["message"]

        with pytest.raises(websockets.exceptions.ConnectionClosed) as closed:
            async with websockets.connect(
                f"ws://{first}/ws/dashboard?channels=bogus", additional_headers=AUTH
            ) as socket:
                await socket.recv()
        assert "bogus" in closed.value.rcvd.reason

    asyncio.run(scenario())
