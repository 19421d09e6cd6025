"""`WS /ws/dashboard` and the short-lived token browsers use to open it."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime

from fastapi import APIRouter, WebSocket, WebSocketDisconnect, status
from pydantic import BaseModel

from wsop_hub.api.deps import PrincipalDep, StateDep
from wsop_hub.api.realtime import check_token, issue_token
from wsop_hub.api.state import HubState

api_router = APIRouter(tags=["realtime"])
ws_router = APIRouter()


class WsToken(BaseModel):
    token: str
    expires_at: datetime


@api_router.post(
    "/ws-token", response_model=WsToken, summary="A short-lived token for ?token= on /ws/dashboard"
)
async def ws_token(state: StateDep, principal: PrincipalDep) -> WsToken:
    token, expires = issue_token(state.settings, principal.name)
    return WsToken(token=token, expires_at=datetime.fromtimestamp(expires, UTC))


def _authenticate(websocket: WebSocket, state: HubState) -> str | None:
    token = websocket.query_params.get("token")
    if token:
        return check_token(state.settings, token)
    principal = state.authenticator.authenticate(
        websocket.headers.get("authorization"), websocket.headers.get("x-api-key")
    )
    return principal.name if principal else None


@ws_router.websocket("/ws/dashboard")
async def dashboard_socket(websocket: WebSocket) -> None:
    """Pushes `{type, data, timestamp}`; `?types=a,b` limits the event types sent."""
    state: HubState = websocket.app.state.hub
    client = websocket.client.host if websocket.client else "unknown"
    if (
        state.authenticator.limiter.blocked_for_s(client) > 0
        or _authenticate(websocket, state) is None
    ):
        state.authenticator.limiter.record_failure(client)
        await websocket.close(
            code=status.WS_1008_POLICY_VIOLATION, reason="authentication required"
        )
        return
    types_param = websocket.query_params.get("types")
    types = (
        frozenset(t.strip() for t in types_param.split(",") if t.strip()) if types_param else None
    )
    await websocket.accept()
    subscriber = state.fanout.subscribe(types)
    receiver = asyncio.create_task(_drain_client(websocket))
    try:
        await websocket.send_json(
            {
                "type": "hello",
                "data": {"clients": state.fanout.client_count},
                "timestamp": datetime.now(UTC).isoformat(),
            }
        )
        while not receiver.done():
            getter = asyncio.create_task(subscriber.queue.get())
            dropped = asyncio.create_task(subscriber.dropped.wait())
            done, pending = await asyncio.wait(
                {getter, dropped, receiver}, return_when=asyncio.FIRST_COMPLETED
            )
            for task in pending - {receiver}:
                task.cancel()
            if getter in done:
                await websocket.send_json(getter.result())
            elif dropped in done:
                await websocket.close(
                    code=status.WS_1013_TRY_AGAIN_LATER, reason="too slow; reconnect"
                )
                break
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        state.fanout.unsubscribe(subscriber)
        receiver.cancel()
        with contextlib.suppress(asyncio.CancelledError, WebSocketDisconnect, RuntimeError):
            await receiver


async def _drain_client(websocket: WebSocket) -> None:
    """Reads (and ignores) client frames; returns when the client goes away."""
    while True:
        message = await websocket.receive()
        if message["type"] == "websocket.disconnect":
            return
