"""`./run up --demo` on a fresh data dir: sample sessions replayed, rendered, within 90 s."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from tests.e2e.hubproc import HubProcess, hub_env, wait_for
from wsop_hub.runtime.embedded import free_port

pytestmark = pytest.mark.e2e
PASSWORD = "demo-password-for-tests"


def test_run_up_demo_produces_a_rendered_output_within_90_seconds(tmp_path: Path) -> None:
    env = hub_env(
        HUB_DATA_DIR=str(tmp_path / "hub-data"),
        PORT=str(free_port()),
        DASHBOARD_PASSWORD=PASSWORD,
    )
    started = time.monotonic()
    hub = HubProcess(env, tmp_path / "up.log", args=("up", "--demo"))
    auth = ("admin", PASSWORD)
    try:
        completed: list[dict[str, object]] = []

        def a_render_completed() -> bool:
            hub.ready()  # fails at once if the hub died
            try:
                page = httpx.get(
                    hub.base_url + "/api/instructions",
                    params={"status": "completed", "limit": 5},
                    auth=auth,
                    timeout=5,
                )
            except httpx.HTTPError:
                return False
            if page.status_code != 200:
                return False
            completed[:] = page.json()["items"]
            return bool(completed)

        wait_for(a_render_completed, 90 - (time.monotonic() - started), "a completed render")
        job = completed[0]
        preview = httpx.get(
            f"{hub.base_url}/api/v1/render/{job['id']}/output",
            params={"preview": 1},
            auth=auth,
            timeout=30,
        )
        assert preview.status_code == 200, preview.text
        assert preview.content.startswith(b"\x89PNG")
        hands = httpx.get(hub.base_url + "/api/dashboard", auth=auth, timeout=10)
        assert hands.status_code == 200
        inbox = tmp_path / "hub-data" / "inbox"
        assert any(inbox.rglob("PGFX_live_data_export GameID=*.json")), "the demo fed the inbox"
        assert any((tmp_path / "hub-data" / "outputs").rglob("*.*")), "outputs on disk"
    finally:
        assert hub.stop() == 0, hub.output()
