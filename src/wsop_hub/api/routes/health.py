"""Liveness and readiness: unauthenticated by design (load balancers, `up`)."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from wsop_hub.api.deps import StateDep
from wsop_hub.db.migrate import current_revision, head_revision

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str


class Readiness(BaseModel):
    ready: bool
    postgres: str
    redis: str
    migrations: str


@router.get("/healthz", response_model=Health, summary="The process is alive")
async def healthz() -> Health:
    return Health(status="ok")


@router.get(
    "/readyz",
    response_model=Readiness,
    summary="PostgreSQL and Redis reachable, migrations at head",
    responses={503: {"model": Readiness}},
)
async def readyz(state: StateDep) -> JSONResponse:
    postgres, migrations = "ok", "ok"
    try:
        current = await asyncio.wait_for(current_revision(state.engine), timeout=3)
        head = head_revision()
        if current != head:
            migrations = f"behind: database at {current or 'empty'}, code expects {head}; run `wsop-hub db upgrade`"
    except Exception as exc:  # noqa: BLE001 - any failure means not ready; say which
        postgres = f"unreachable: {exc.__class__.__name__}: {exc}"
        migrations = "unknown"
    try:
        await asyncio.wait_for(state.redis.ping(), timeout=3)
        redis = "ok"
    except Exception as exc:  # noqa: BLE001
        redis = f"unreachable: {exc.__class__.__name__}: {exc}"
    ready = postgres == "ok" and redis == "ok" and migrations == "ok"
    body = Readiness(ready=ready, postgres=postgres, redis=redis, migrations=migrations)
    return JSONResponse(body.model_dump(), status_code=200 if ready else 503)
