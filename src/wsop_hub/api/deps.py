"""FastAPI dependencies: a route's signature says what it needs.

They are `async def` although none awaits: FastAPI runs a plain `def` dependency in its
thread pool, and three thread hops per request were a tenth of the API's CPU."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from sqlalchemy.ext.asyncio import AsyncEngine

from wsop_hub.api.auth import Authenticator, Principal
from wsop_hub.api.state import HubState

log = logging.getLogger(__name__)


async def get_state(request: Request) -> HubState:
    state: HubState = request.app.state.hub
    return state


StateDep = Annotated[HubState, Depends(get_state)]


async def get_engine(state: StateDep) -> AsyncEngine:
    return state.engine


EngineDep = Annotated[AsyncEngine, Depends(get_engine)]


async def require_principal(request: Request, state: StateDep) -> Principal:
    """Basic or X-API-Key, else 401; a client with too many failures gets 429."""
    auth: Authenticator = state.authenticator
    client = request.client.host if request.client else "unknown"
    wait_s = auth.limiter.blocked_for_s(client)
    if wait_s > 0:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            detail="too many failed authentication attempts; try again later",
            headers={"Retry-After": str(int(wait_s) + 1)},
        )
    principal = auth.authenticate(
        request.headers.get("authorization"), request.headers.get("x-api-key")
    )
    if principal is None:
        auth.limiter.record_failure(client)
        log.warning(
            "authentication failed from %s for %s %s", client, request.method, request.url.path
        )
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail="authentication required: HTTP Basic or X-API-Key",
            headers={"WWW-Authenticate": 'Basic realm="wsop-hub"'},
        )
    auth.limiter.record_success(client)
    return principal


PrincipalDep = Annotated[Principal, Depends(require_principal)]
