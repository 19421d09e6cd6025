"""Every /api route needs credentials; health routes do not; readiness tells the truth."""

from __future__ import annotations

import asyncio
import base64
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.routing import APIRoute, APIWebSocketRoute
from fastapi.testclient import TestClient

from tests.conftest import TEST_API_KEY, TEST_PASSWORD
from wsop_hub.api.app import create_app
from wsop_hub.db import migrate
from wsop_hub.settings import Settings

PUBLIC = {
    "/healthz",
    "/readyz",
    "/docs",
    "/docs/oauth2-redirect",
    "/openapi.json",
    "/redoc",
    # The dashboard page and its static files: the login form, no data (wsop_hub.web).
    "/",
    "/static",
}


def basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def iter_routes(routes: list[Any], prefix: str = "") -> Iterator[tuple[str, set[str]]]:
    """(path, methods) of every route, through included routers of any FastAPI version."""
    for route in routes:
        original = getattr(route, "original_router", None)
        if original is not None:  # FastAPI ≥ 0.16x keeps included routers lazily
            yield from iter_routes(original.routes, prefix + route.include_context.prefix)
        elif isinstance(route, APIWebSocketRoute):
            continue  # sockets authenticate inside; see test_websocket_refuses_anonymous_clients
        elif isinstance(route, APIRoute):
            yield prefix + route.path, set(route.methods)
        elif hasattr(route, "path"):
            yield prefix + route.path, set(getattr(route, "methods", None) or {"GET"})


def test_no_route_outside_the_public_list_answers_without_credentials(client: TestClient) -> None:
    checked = 0
    for path, methods in iter_routes(client.app.routes):  # type: ignore[attr-defined]
        if path in PUBLIC:
            continue
        for method in methods - {"HEAD", "OPTIONS"}:
            # the failure limiter would answer 429 after a few; each probe starts clean
            client.app.state.hub.authenticator.limiter.record_success("testclient")  # type: ignore[attr-defined]
            response = client.request(method, _concrete(path))
            assert response.status_code == 401, f"{method} {path} answered {response.status_code}"
            checked += 1
    assert checked >= 1
    assert "/api/me" in {path for path, _ in iter_routes(client.app.routes)}  # type: ignore[attr-defined]


def test_basic_and_api_key_both_authenticate(client: TestClient) -> None:
    assert client.get("/api/me", headers=basic("operator", TEST_PASSWORD)).json() == {
        "name": "operator",
        "method": "basic",
    }
    assert client.get("/api/me", headers={"X-API-Key": TEST_API_KEY}).json()["method"] == "api_key"


def test_wrong_credentials_are_refused_then_slowed_down(client: TestClient) -> None:
    responses = [
        client.get("/api/me", headers=basic("operator", "nope")).status_code for _ in range(12)
    ]
    assert responses[0] == 401
    assert responses[-1] == 429
    blocked = client.get("/api/me", headers=basic("operator", TEST_PASSWORD))
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) >= 1


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200, ready.text
    assert ready.json() == {"ready": True, "postgres": "ok", "redis": "ok", "migrations": "ok"}


def test_readiness_says_when_migrations_are_behind(settings: Settings) -> None:
    assert settings.database_url is not None
    asyncio.run(migrate.downgrade_async(settings.database_url, "0001"))
    with TestClient(create_app(settings)) as client:
        ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["migrations"].startswith("behind: database at 0001")


def test_readiness_says_when_redis_is_unreachable(settings: Settings) -> None:
    broken = settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"})
    with TestClient(create_app(broken)) as client:
        ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.json()["redis"].startswith("unreachable")


def test_openapi_documents_the_auth_requirement(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert "X-API-Key" in spec["info"]["description"]
    assert "/api/me" in spec["paths"]
