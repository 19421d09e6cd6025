"""Live events for `WS /ws/dashboard`, fed by PostgreSQL LISTEN/NOTIFY.

Each API process LISTENs on `wsop_events` with one connection and fans every event out to
its own WebSocket clients, so any number of API processes show the same live picture.
Every client has a bounded queue: a client too slow to drain it is dropped, never allowed
to hold the others back.

Browsers cannot set headers on a WebSocket, so besides the Authorization / X-API-Key
headers the socket accepts `?token=`, a short-lived signed token from `POST /api/ws-token`.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import asyncpg

from wsop_hub.dispatch.channels import EVENTS_CHANNEL
from wsop_hub.settings import Settings, asyncpg_url

log = logging.getLogger(__name__)

CLIENT_QUEUE_SIZE = 1000
TOKEN_TTL_S = 300


#: Named channels a client may subscribe to, and the event types each carries. A client
#: with no channel subscription gets every event; `broadcast-{session_id}` carries the
#: events whose data names that PokerGFX session.
CHANNEL_TYPES: dict[str, frozenset[str]] = {
    "render-progress": frozenset(
        {"instruction_updated", "render_progress", "render_completed", "worker_updated"}
    ),
    "sync-status": frozenset({"sync_status", "import_completed", "hand_created"}),
    "notifications": frozenset({"notification", "alert"}),
}
BROADCAST_PREFIX = "broadcast-"


def valid_channel(name: str) -> bool:
    if name in CHANNEL_TYPES:
        return True
    suffix = name.removeprefix(BROADCAST_PREFIX)
    return suffix != name and suffix.isdigit() and len(suffix) <= 20


def event_in_channel(event: dict[str, Any], channel: str) -> bool:
    types = CHANNEL_TYPES.get(channel)
    if types is not None:
        return event.get("type") in types
    data = event.get("data")
    session_id = data.get("session_id") if isinstance(data, dict) else None
    return session_id is not None and str(session_id) == channel.removeprefix(BROADCAST_PREFIX)


@dataclass(eq=False)
class Subscriber:
    """One WebSocket client: its filters and its bounded queue."""

    types: frozenset[str] | None
    channels: set[str] = field(default_factory=set)
    queue: asyncio.Queue[dict[str, Any]] = field(
        default_factory=lambda: asyncio.Queue(maxsize=CLIENT_QUEUE_SIZE)
    )
    dropped: asyncio.Event = field(default_factory=asyncio.Event)

    def wants(self, event: dict[str, Any]) -> bool:
        if self.types is not None and event.get("type") not in self.types:
            return False
        return not self.channels or any(event_in_channel(event, c) for c in self.channels)


class EventFanout:
    """One LISTEN connection, many subscribers."""

    def __init__(self, database_url: str) -> None:
        self._database_url = asyncpg_url(database_url)
        self._subscribers: set[Subscriber] = set()
        self._task: asyncio.Task[None] | None = None
        self._connection: asyncpg.Connection | None = None
        self._fetches: set[asyncio.Task[None]] = set()
        self.listening = asyncio.Event()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="event-fanout")

    async def stop(self) -> None:
        for task in [self._task, *self._fetches]:
            if task is None:
                continue
            task.cancel()
            try:
                await task
            except asyncio.CancelledError:
                pass
        if self._connection is not None and not self._connection.is_closed():
            await self._connection.close()

    def subscribe(
        self, types: frozenset[str] | None = None, channels: set[str] | None = None
    ) -> Subscriber:
        subscriber = Subscriber(types=types, channels=set(channels or ()))
        self._subscribers.add(subscriber)
        return subscriber

    def unsubscribe(self, subscriber: Subscriber) -> None:
        self._subscribers.discard(subscriber)

    @property
    def client_count(self) -> int:
        return len(self._subscribers)

    async def _run(self) -> None:
        delay_s = 0.2
        while True:
            try:
                self._connection = await asyncpg.connect(self._database_url, timeout=5)
                lost = asyncio.Event()
                self._connection.add_termination_listener(lambda _conn, lost=lost: lost.set())
                await self._connection.add_listener(EVENTS_CHANNEL, self._on_notify)
                self.listening.set()
                delay_s = 0.2
                await lost.wait()  # asyncpg delivers notifications until the connection ends
                log.warning("event fan-out: LISTEN connection closed; reconnecting")
            except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
                log.warning("event fan-out: LISTEN connection lost (%s); retrying", exc)
            self.listening.clear()
            await asyncio.sleep(delay_s)
            delay_s = min(delay_s * 2, 5.0)

    def _on_notify(self, _conn: object, _pid: int, _channel: str, payload: str) -> None:
        try:
            event = json.loads(payload)
        except ValueError:
            log.warning("event fan-out: ignoring a malformed payload")
            return
        if event.pop("truncated", False) and isinstance(event.get("id"), int):
            # Too large for NOTIFY: the data is in the log.
            task = asyncio.create_task(self._publish_from_log(event["id"]))
            self._fetches.add(task)
            task.add_done_callback(self._fetches.discard)
            return
        event.setdefault("data", {})
        event.setdefault("timestamp", datetime.now(UTC).isoformat())
        self.publish(event)

    async def _publish_from_log(self, event_id: int) -> None:
        connection = self._connection
        try:
            if connection is None:
                raise ConnectionError("no LISTEN connection")
            row = await connection.fetchrow(
                "SELECT id, type, data::text AS data, created_at FROM event_log WHERE id = $1",
                event_id,
            )
        except (OSError, asyncpg.PostgresError, ConnectionError) as exc:
            log.warning("event fan-out: could not read event %d from the log (%s)", event_id, exc)
            return
        if row is not None:
            self.publish(
                {
                    "id": row["id"],
                    "type": row["type"],
                    "data": json.loads(row["data"]),
                    "timestamp": row["created_at"].isoformat(),
                }
            )

    def publish(self, event: dict[str, Any]) -> None:
        for subscriber in list(self._subscribers):
            if not subscriber.wants(event):
                continue
            try:
                subscriber.queue.put_nowait(event)
            except asyncio.QueueFull:
                log.warning(
                    "event fan-out: dropping a client that fell %d events behind", CLIENT_QUEUE_SIZE
                )
                subscriber.dropped.set()
                self._subscribers.discard(subscriber)


def _token_key(settings: Settings) -> bytes:
    """Every API process derives the same key from the credentials it already shares."""
    material = (
        f"{settings.dashboard_username}\0{settings.dashboard_password}\0{settings.hub_api_keys}"
    )
    return hashlib.sha256(b"wsop-hub-ws-token\0" + material.encode()).digest()


def issue_token(settings: Settings, principal: str, now: float | None = None) -> tuple[str, int]:
    expires = int((now or time.time()) + TOKEN_TTL_S)
    body = f"{principal}|{expires}".encode()
    signature = hmac.new(_token_key(settings), body, hashlib.sha256).hexdigest()
    return base64.urlsafe_b64encode(body + b"|" + signature.encode()).decode(), expires


def check_token(settings: Settings, token: str, now: float | None = None) -> str | None:
    """The principal named by a valid, unexpired token; None otherwise."""
    try:
        principal, expires, signature = (
            base64.urlsafe_b64decode(token.encode()).decode().rsplit("|", 2)
        )
        body = f"{principal}|{expires}".encode()
        expected = hmac.new(_token_key(settings), body, hashlib.sha256).hexdigest()
        if hmac.compare_digest(expected, signature) and int(expires) >= (now or time.time()):
            return principal
    except (ValueError, UnicodeDecodeError):
        return None
    return None
