"""App factory: wires settings, engine, Redis and routes once; tests build their own."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from redis.asyncio import Redis

from wsop_hub import __version__, web
from wsop_hub.api.auth import Authenticator
from wsop_hub.api.deps import require_principal
from wsop_hub.api.realtime import EventFanout
from wsop_hub.api.routes import (
    actions,
    events,
    health,
    instructions,
    me,
    monitoring,
    players,
    prometheus,
    realtime,
    render,
    sync,
    templates,
)
from wsop_hub.api.state import HubState
from wsop_hub.db.engine import create_engine
from wsop_hub.errors import Conflict, HubError, InvalidInput, NotFound, Unavailable
from wsop_hub.operations.cache import SingleFlightCache
from wsop_hub.redis_keys import RedisKeys
from wsop_hub.settings import Settings

_STATUS = {NotFound: 404, Conflict: 409, InvalidInput: 422, Unavailable: 503}


def _safe(value: object) -> object:
    """A validation error's input as JSON can carry it (no lone surrogates, bounded)."""
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
        text.encode("utf-8")
    except (TypeError, ValueError, UnicodeEncodeError):
        return repr(value)[:500]
    return value if len(text) <= 2000 else text[:2000]


def api_router() -> APIRouter:
    """Every route under /api; authentication is a router dependency, so none can skip it."""
    router = APIRouter(prefix="/api", dependencies=[Depends(require_principal)])
    router.include_router(me.router)
    router.include_router(instructions.router)
    router.include_router(monitoring.router)
    router.include_router(events.router)
    router.include_router(actions.router)
    router.include_router(realtime.api_router)
    router.include_router(sync.router)
    router.include_router(players.router)
    router.include_router(templates.router)
    router.include_router(render.router)
    return router


def create_app(settings: Settings) -> FastAPI:
    if settings.database_url is None or settings.redis_url is None:
        raise ValueError("create_app needs resolved DATABASE_URL and REDIS_URL")
    database_url, redis_url = settings.database_url, settings.redis_url

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_engine(
            database_url,
            connect_timeout_s=settings.hub_db_connect_timeout_s,
            application_name="wsop-hub-api",
            # Room for the concurrent requests of a busy dashboard: a request beyond the
            # pool opens (and closes) a connection of its own, a few ms of CPU each.
            pool_size=20,
            # Short reads: a parallel scan's three processes would starve the other
            # requests, and JIT compiling a millisecond query costs more than it runs.
            server_settings={"max_parallel_workers_per_gather": "0", "jit": "off"},
        )
        redis = Redis.from_url(redis_url, socket_timeout=5, socket_connect_timeout=3)
        app.state.hub = HubState(
            settings=settings,
            engine=engine,
            redis=redis,
            keys=RedisKeys(settings.hub_redis_prefix),
            authenticator=Authenticator(settings),
            fanout=EventFanout(database_url),
            cache=SingleFlightCache(settings.hub_metrics_cache_s),
        )
        app.state.hub.fanout.start()
        try:
            yield
        finally:
            await app.state.hub.fanout.stop()
            await redis.aclose()
            await engine.dispose()

    app = FastAPI(
        title="WSOP Automation Hub",
        version=__version__,
        description=(
            "Broadcast-graphics automation for WSOP coverage. Every `/api` route requires "
            "HTTP Basic (DASHBOARD_USERNAME / DASHBOARD_PASSWORD) or an `X-API-Key` header."
        ),
        lifespan=lifespan,
    )

    @app.exception_handler(HubError)
    async def _hub_error(request: Request, exc: HubError) -> JSONResponse:
        status = next((code for cls, code in _STATUS.items() if isinstance(exc, cls)), 500)
        return JSONResponse({"detail": str(exc)}, status_code=status)

    @app.exception_handler(RequestValidationError)
    async def _invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        """FastAPI's default echoes the input back, which cannot be encoded when it holds
        a lone surrogate (`"\\ud800"`): the client got a 500. Inputs are sent as their
        JSON-safe repr instead."""
        errors = [
            {
                "loc": list(error.get("loc", ())),
                "msg": str(error.get("msg", "")),
                "type": str(error.get("type", "")),
                **({"input": _safe(error["input"])} if "input" in error else {}),
            }
            for error in exc.errors()
        ]
        return JSONResponse({"detail": errors}, status_code=422)

    app.include_router(health.router)
    app.include_router(prometheus.router)
    app.include_router(api_router())
    app.include_router(realtime.ws_router)  # authenticates inside: headers or ?token=
    app.include_router(web.router)
    return app
