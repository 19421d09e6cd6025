"""Browser tests: one real hub API process and one Chromium for the whole module.

The API runs as a subprocess (`python -m wsop_hub api`, as in tests/e2e/test_websocket.py)
against the module's own database, cloned from the session's migrated template. The browser
is Debian's Chromium driven by Playwright for Python (`apt-get install chromium`; no browser
download). Tests create their data through the HTTP API, or through SQL where no API
exists (a failed job, an alert, a worker row).
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from playwright import sync_api  # noqa: E402 - the test extra installs it
from redis.asyncio import Redis

from tests.conftest import RUN_ID, TEST_API_KEY, TEST_PASSWORD, with_database
from tests.e2e.hubproc import REPO, wait_for
from wsop_hub.redis_keys import RedisKeys
from wsop_hub.runtime.embedded import free_port
from wsop_hub.settings import asyncpg_url

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 720}
ARTIFACTS = Path(__file__).parent / "artifacts"
USERNAME = "operator"


def _in_thread(coroutine: Any) -> Any:
    """Runs a coroutine to completion on a fresh loop in another thread.

    Playwright's sync API keeps its own event loop running on the test's thread, so
    `asyncio.run` there would refuse to start.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


class Sql:
    """Statements against the module's database, for state the API cannot create."""

    def __init__(self, url: str) -> None:
        self.url = asyncpg_url(url)

    async def _fetchrow(self, statement: str, *args: Any) -> dict[str, Any] | None:
        conn = await asyncpg.connect(self.url, timeout=10)
        try:
            row = await conn.fetchrow(statement, *args)
            return dict(row) if row is not None else None
        finally:
            await conn.close()

    def fetchrow(self, statement: str, *args: Any) -> dict[str, Any] | None:
        return _in_thread(self._fetchrow(statement, *args))

    def emit(self, event_type: str, data: dict[str, Any]) -> int:
        """Publishes a live event exactly as the hub's services do (`hub_emit`)."""
        row = self.fetchrow(
            "SELECT hub_emit($1, CAST($2 AS jsonb)) AS id",
            event_type,
            json.dumps(data, default=str),
        )
        assert row is not None
        return int(row["id"])


class ApiProcess:
    """`python -m wsop_hub api` on a fixed port, so a restart comes back at the same URL."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.port = free_port()
        self.env = {**env, "PORT": str(self.port)}
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _ready(self) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            raise AssertionError(
                f"API exited with {self.process.returncode}:\n{self.log_path.read_text()}"
            )
        try:
            return httpx.get(self.base_url + "/readyz", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def start(self) -> None:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "wsop_hub", "api"],
                cwd=REPO,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_for(self._ready, 60, f"the API on port {self.port}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)
        self.process = None


class HubClient:
    """The hub's HTTP API with an API key: how tests create jobs."""

    def __init__(self, base_url: str) -> None:
        self.http = httpx.Client(base_url=base_url, headers={"X-API-Key": TEST_API_KEY})

    def create_job(self, **fields: Any) -> dict[str, Any]:
        body = {"template_name": f"Lower third {uuid.uuid4().hex[:6]}", "trigger_type": "manual"}
        response = self.http.post("/api/instructions", json={**body, **fields})
        assert response.status_code == 201, response.text
        return dict(response.json())

    def job(self, job_id: int) -> dict[str, Any]:
        response = self.http.get(f"/api/instructions/{job_id}")
        assert response.status_code == 200, response.text
        return dict(response.json())

    def event(self, event_id: int) -> dict[str, Any]:
        response = self.http.get(f"/api/events/{event_id}")
        assert response.status_code == 200, response.text
        return dict(response.json())


async def _admin(url: str, statement: str) -> None:
    conn = await asyncpg.connect(asyncpg_url(url), timeout=10)
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


@pytest.fixture(scope="module")
def browser_database_url(pg_admin_url: str, template_database: str) -> Iterator[str]:
    """One database for the module: its API process lives as long as the module."""
    name = f"wsop_b_{RUN_ID}_{uuid.uuid4().hex[:8]}"
    asyncio.run(_admin(pg_admin_url, f'CREATE DATABASE "{name}" TEMPLATE "{template_database}"'))
    yield with_database(pg_admin_url, name)
    asyncio.run(_admin(pg_admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="module")
def browser_redis_prefix(redis_url: str) -> Iterator[str]:
    prefix = f"test:{RUN_ID}:{uuid.uuid4().hex[:8]}:"
    yield prefix

    async def cleanup() -> None:
        client = Redis.from_url(redis_url)
        try:
            keys = [key async for key in client.scan_iter(match=RedisKeys(prefix).matching_all())]
            if keys:
                await client.delete(*keys)
        finally:
            await client.aclose()

    asyncio.run(cleanup())


@pytest.fixture(scope="module")
def hub(
    browser_database_url: str,
    redis_url: str,
    browser_redis_prefix: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[ApiProcess]:
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}},
        "DATABASE_URL": browser_database_url,
        "REDIS_URL": redis_url,
        "HUB_REDIS_PREFIX": browser_redis_prefix,
        "HUB_DATA_DIR": str(tmp_path_factory.mktemp("hub")),
        "DASHBOARD_USERNAME": USERNAME,
        "DASHBOARD_PASSWORD": TEST_PASSWORD,
        "HUB_API_KEYS": TEST_API_KEY,
        "HUB_METRICS_CACHE_S": "0",
        "HUB_LOG_LEVEL": "WARNING",
    }
    api = ApiProcess(env, tmp_path_factory.mktemp("logs") / "api.log")
    api.start()
    try:
        yield api
    finally:
        api.stop()


@pytest.fixture(scope="module")
def hub_client(hub: ApiProcess) -> Iterator[HubClient]:
    client = HubClient(hub.base_url)
    yield client
    client.http.close()


@pytest.fixture(scope="module")
def sql(browser_database_url: str) -> Sql:
    return Sql(browser_database_url)


@pytest.fixture(scope="module")
def browser(hub: ApiProcess) -> Iterator[Any]:
    """Chromium, launched once per module (the hub first: its database is set up before)."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does)")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def browser_context(browser: Any, hub: ApiProcess) -> Iterator[Any]:
    """One context per module (creating one costs half a second); tabs keep tests apart."""
    context = browser.new_context(viewport=VIEWPORT, base_url=hub.base_url)
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(browser_context: Any) -> Iterator[Any]:
    """A fresh tab (its own sessionStorage, so signed out) at 1280×720; fails the test on
    any uncaught error in the page or anything the Content-Security-Policy blocked."""
    tab = browser_context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.on(
        "console",
        lambda message: (
            errors.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    yield tab
    tab.close()
    assert not errors, f"uncaught errors in the page: {errors}"


def log_in(tab: Any, password: str = TEST_PASSWORD) -> None:
    tab.get_by_test_id("login-username").fill(USERNAME)
    tab.get_by_test_id("login-password").fill(password)
    tab.get_by_test_id("login-submit").click()


@pytest.fixture
def dashboard(page: Any) -> Any:
    """A tab signed in with the dashboard credentials and a live WebSocket."""
    page.goto("/")
    log_in(page)
    sync_api.expect(page.get_by_test_id("ws-status")).to_have_text("live")
    return page


@pytest.fixture(scope="module")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
