"""`./run up` on a fresh data dir (embedded engines) and against external URLs."""

from __future__ import annotations

import subprocess
from pathlib import Path

import httpx
import pytest

from tests.e2e.hubproc import REPO, HubProcess, hub_env, wait_for
from wsop_hub.runtime.embedded import free_port

pytestmark = pytest.mark.e2e


def _postmaster_running(data_dir: Path) -> bool:
    return (data_dir / "postgres" / "postmaster.pid").exists()


def test_run_up_embedded_serves_authenticated_api_and_stops_cleanly(tmp_path: Path) -> None:
    data_dir = tmp_path / "hub-data"
    env = hub_env(HUB_DATA_DIR=str(data_dir), PORT=str(free_port()), HUB_ENV="development")
    hub = HubProcess(env, tmp_path / "up.log")
    try:
        hub.wait_ready()
        password = (data_dir / "dashboard-password").read_text().strip()
        assert password in hub.output(), "a generated password is printed once"
        assert httpx.get(hub.base_url + "/api/me").status_code == 401
        answer = httpx.get(hub.base_url + "/api/me", auth=("admin", password))
        assert answer.status_code == 200 and answer.json()["name"] == "admin"
        assert _postmaster_running(data_dir)

        created = httpx.post(
            hub.base_url + "/api/instructions",
            auth=("admin", password),
            json={"template_name": "Payouts", "trigger_type": "payouts"},
        )
        assert created.status_code == 201, created.text
        job_id = created.json()["id"]

        def completed() -> bool:
            detail = httpx.get(
                f"{hub.base_url}/api/instructions/{job_id}", auth=("admin", password)
            )
            return detail.json()["instruction"]["status"] == "completed"

        wait_for(completed, 30, "the hub's own worker to complete a job")
    finally:
        code = hub.stop()
    assert code == 0, hub.output()
    assert not _postmaster_running(data_dir), "embedded PostgreSQL left running"

    # A second `up` reuses the data dir: same password, not printed again, data kept.
    second = HubProcess(env, tmp_path / "up2.log")
    try:
        second.wait_ready()
        assert password not in second.output()
        assert httpx.get(second.base_url + "/api/me", auth=("admin", password)).status_code == 200
    finally:
        assert second.stop() == 0, second.output()


def test_run_up_with_external_urls(tmp_path: Path, database_url: str, redis_url: str) -> None:
    env = hub_env(
        HUB_DATA_DIR=str(tmp_path / "hub-data"),
        PORT=str(free_port()),
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        DASHBOARD_PASSWORD="external-path-password",
    )
    hub = HubProcess(env, tmp_path / "up.log")
    try:
        hub.wait_ready()
        assert httpx.get(hub.base_url + "/api/me").status_code == 401
        assert (
            httpx.get(
                hub.base_url + "/api/me", auth=("admin", "external-path-password")
            ).status_code
            == 200
        )
        assert not (tmp_path / "hub-data" / "postgres").exists(), "no embedded engine with URLs set"
    finally:
        assert hub.stop() == 0, hub.output()


def _hub_cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(REPO / "run"), "hub", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"DATABASE_URL": "postgresql://postgres@127.0.0.1:1/x"}, "cannot reach PostgreSQL"),
        ({"DATABASE_URL": "mysql://root@localhost/x"}, "invalid setting DATABASE_URL"),
        ({"PORT": "not-a-port"}, "invalid setting PORT"),
        (
            {"HUB_ENV": "production", "DASHBOARD_PASSWORD": "admin"},
            "refusing to start in production",
        ),
    ],
)
def test_bad_settings_give_one_clear_line(
    tmp_path: Path, overrides: dict[str, str], message: str
) -> None:
    env = hub_env(**{"HUB_DATA_DIR": str(tmp_path), "PORT": str(free_port()), **overrides})
    result = _hub_cli(env, "up")
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_port_in_use_is_reported(tmp_path: Path) -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        env = hub_env(
            HUB_DATA_DIR=str(tmp_path), PORT=str(port), DASHBOARD_PASSWORD="whatever-pass"
        )
        result = _hub_cli(env, "up")
    assert result.returncode != 0
    assert f"port {port} on 127.0.0.1 is already in use" in result.stderr
    assert "Traceback" not in result.stderr
