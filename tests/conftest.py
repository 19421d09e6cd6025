"""Fixtures: a fresh PostgreSQL database and a unique Redis key prefix for every test.

TEST_DATABASE_URL / TEST_REDIS_URL point at servers to use (CI: the local services); when
unset, the session starts the same embedded engines `wsop-hub up` uses. A migrated template
database is built once per session and each test gets a clone of it
(`CREATE DATABASE … TEMPLATE …`), dropped afterwards.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import pytest
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine

from wsop_hub.api.app import create_app
from wsop_hub.db import migrate
from wsop_hub.db.engine import create_engine
from wsop_hub.redis_keys import RedisKeys
from wsop_hub.settings import Settings, asyncpg_url

RUN_ID = uuid.uuid4().hex[:8]
TEST_PASSWORD = "test-password-" + RUN_ID
TEST_API_KEY = "test-api-key-" + RUN_ID + "-0123456789"


def with_database(url: str, name: str) -> str:
    parts = urlsplit(asyncpg_url(url))
    return urlunsplit(parts._replace(path="/" + name))


async def _admin(url: str, *statements: str) -> None:
    conn = await asyncpg.connect(asyncpg_url(url), timeout=10)
    try:
        for statement in statements:
            await conn.execute(statement)
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def engines_dir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="wsop-test-engines-") as path:
        yield Path(path)


@pytest.fixture(scope="session")
def pg_admin_url(engines_dir: Path) -> Iterator[str]:
    """A maintenance URL (database `postgres`) on the server tests use."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        yield with_database(url, "postgres")
        return
    from wsop_hub.runtime.embedded import EmbeddedPostgres

    server = EmbeddedPostgres(engines_dir)
    server.start()
    assert server.url is not None
    yield with_database(server.url, "postgres")
    server.stop()


@pytest.fixture(scope="session")
def redis_url(engines_dir: Path) -> Iterator[str]:
    url = os.environ.get("TEST_REDIS_URL")
    if url:
        yield url
        return
    from wsop_hub.runtime.embedded import EmbeddedRedis

    server = EmbeddedRedis(engines_dir)
    yield server.start()
    server.stop()


@pytest.fixture(scope="session")
def template_database(pg_admin_url: str) -> Iterator[str]:
    """A database migrated to head once per session; tests clone it."""
    name = f"wsop_tpl_{RUN_ID}"
    asyncio.run(_admin(pg_admin_url, f'CREATE DATABASE "{name}"'))
    migrate.upgrade(with_database(pg_admin_url, name))
    yield name
    asyncio.run(_admin(pg_admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def empty_database_url(pg_admin_url: str) -> Iterator[str]:
    """A fresh database with no schema at all (migration tests)."""
    name = f"wsop_t_{RUN_ID}_{uuid.uuid4().hex[:8]}"
    asyncio.run(_admin(pg_admin_url, f'CREATE DATABASE "{name}"'))
    yield with_database(pg_admin_url, name)
    asyncio.run(_admin(pg_admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def database_url(pg_admin_url: str, template_database: str) -> Iterator[str]:
    """A fresh database at migration head, cloned from the session template."""
    name = f"wsop_t_{RUN_ID}_{uuid.uuid4().hex[:8]}"
    asyncio.run(_admin(pg_admin_url, f'CREATE DATABASE "{name}" TEMPLATE "{template_database}"'))
    yield with_database(pg_admin_url, name)
    asyncio.run(_admin(pg_admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def redis_prefix(redis_url: str) -> Iterator[str]:
    """A key prefix no other test or running hub uses; its keys are deleted afterwards."""
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


@pytest.fixture
def settings(database_url: str, redis_url: str, redis_prefix: str, tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        hub_env="development",
        database_url=database_url,
        redis_url=redis_url,
        hub_redis_prefix=redis_prefix,
        hub_data_dir=tmp_path / "hub",
        dashboard_username="operator",
        dashboard_password=TEST_PASSWORD,
        hub_api_keys=TEST_API_KEY,
        hub_metrics_cache_s=0,  # tests read what they just wrote
    )


@contextlib.asynccontextmanager
async def asgi_client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The API in this process (its lifespan run) behind an authenticated httpx client."""
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://hub", headers={"X-API-Key": TEST_API_KEY}
        ) as client:
            yield client


@pytest.fixture
async def engine(settings: Settings) -> AsyncIterator[AsyncEngine]:
    assert settings.database_url is not None
    engine = create_engine(settings.database_url, pool_size=5)
    yield engine
    await engine.dispose()


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url)
    yield client
    await client.aclose()
