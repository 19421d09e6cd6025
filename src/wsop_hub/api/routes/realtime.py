"""`WS /ws/dashboard` and the short-lived token browsers use to open it."""

from __future__ import annotations

import asyncio
import contextlib
import json
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect, status
from pydantic import BaseModel

from wsop_hub.api.deps import PrincipalDep, StateDep
from wsop_hub.api.realtime import Subscriber, check_token, issue_token, valid_channel
from wsop_hub.api.state import HubState
from wsop_hub.db.uow import UnitOfWork

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


#: Most events a reconnecting client is sent from the log; further behind, it is told to
#: reload its state instead (`resync_required`).
REPLAY_LIMIT = 1000
_CLOSED = {"type": "_closed"}


def _csv(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


@ws_router.websocket("/ws/dashboard")
async def dashboard_socket(websocket: WebSocket) -> None:
    """Pushes `{id, type, data, timestamp}` for every domain event.

    Query parameters: `types=a,b` limits the event types; `channels=render-progress,…`
    subscribes to named channels (render-progress, sync-status, notifications,
    broadcast-{session_id}); `since=<event id>` first replays what the client missed.
    Client messages `{"action": "subscribe"|"unsubscribe", "channels": [...]}` change the
    channels while connected.
    """
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
    types = frozenset(_csv(websocket.query_params.get("types"))) or None
    channels = _csv(websocket.query_params.get("channels"))
    since_param = websocket.query_params.get("since")
    bad = [c for c in channels if not valid_channel(c)]
    since: int | None = None
    if since_param is not None:
        since = int(since_param) if since_param.isdigit() and len(since_param) < 19 else -1
    if bad or (since is not None and since < 0):
        await websocket.accept()
        reason = f"unknown channel {bad[0]!r}" if bad else "since must be an event id"
        await websocket.close(code=status.WS_1003_UNSUPPORTED_DATA, reason=reason)
        return
    await websocket.accept()
    subscriber = state.fanout.subscribe(types, set(channels))  # before the replay: no gap
    receiver = asyncio.create_task(_receive(websocket, subscriber))
    try:
        async with UnitOfWork(state.engine) as uow:
            last_id = await uow.event_log.last_id()
            replay: list[dict[str, Any]] = []
            resync = False
            if since is not None:
                resync = not await uow.event_log.covers(since)
                if not resync:
                    replay = await uow.event_log.since(since, REPLAY_LIMIT + 1)
                    resync = len(replay) > REPLAY_LIMIT
        await websocket.send_json(
            {
                "type": "hello",
                "data": {
                    "clients": state.fanout.client_count,
                    "last_event_id": last_id,
                    "channels": sorted(subscriber.channels),
                },
                "timestamp": datetime.now(UTC).isoformat(),
            }
        )
        replayed_up_to = 0
        if resync:
            await websocket.send_json(
                {
                    "type": "resync_required",
                    "data": {"since": since, "reason": "too far behind; reload the state"},
                    "timestamp": datetime.now(UTC).isoformat(),
                }
            )
        else:
            for event in replay:
                if subscriber.wants(event):
                    await websocket.send_json(event)
                replayed_up_to = event["id"]
        while True:
            event = await subscriber.queue.get()
            if event is _CLOSED or subscriber.dropped.is_set():
                break
            if event.get("id", replayed_up_to + 1) <= replayed_up_to:
                continue  # already sent from the log
            await websocket.send_text(json.dumps(event, default=str))
        if subscriber.dropped.is_set():
            await websocket.close(code=status.WS_1013_TRY_AGAIN_LATER, reason="too slow; reconnect")
    except (WebSocketDisconnect, RuntimeError, OSError):
        pass
    finally:
        state.fanout.unsubscribe(subscriber)
        receiver.cancel()
        with contextlib.suppress(asyncio.CancelledError, WebSocketDisconnect, RuntimeError):
            await receiver


async def _receive(websocket: WebSocket, subscriber: Subscriber) -> None:
    """Handles client frames (channel subscriptions); ends the stream on disconnect."""
    try:
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                return
            reply = _handle_client_message(message.get("text"), subscriber)
            with contextlib.suppress(asyncio.QueueFull):
                subscriber.queue.put_nowait(reply)
    finally:
        with contextlib.suppress(asyncio.QueueFull):
            subscriber.queue.put_nowait(_CLOSED)


def _handle_client_message(text: str | None, subscriber: Subscriber) -> dict[str, Any]:
    now = datetime.now(UTC).isoformat()
    try:
        message = json.loads(text or "")
        action = message["action"]
        channels = message.get("channels", [])
        if action not in ("subscribe", "unsubscribe", "ping") or not isinstance(channels, list):
            raise ValueError(action)
    except (ValueError, KeyError, TypeError):
        return {
            "type": "error",
            "data": {
                "message": 'expected {"action": "subscribe"|"unsubscribe"|"ping", "channels": [...]}'
            },
            "timestamp": now,
        }
    if action == "ping":
        return {"type": "pong", "data": {}, "timestamp": now}
    bad = [c for c in channels if not isinstance(c, str) or not valid_channel(c)]
    if bad:
        return {
            "type": "error",
            "data": {"message": f"unknown channel {bad[0]!r}"},
            "timestamp": now,
        }
    if action == "subscribe":
        subscriber.channels.update(channels)
    else:
        subscriber.channels.difference_update(channels)
    return {
        "type": "subscribed",
        "data": {"channels": sorted(subscriber.channels)},
        "timestamp": now,
    }
