"""PostgreSQL NOTIFY channels and outbox topics (delivered only when the transaction commits)."""

from __future__ import annotations

#: Wakes the outbox relay: a row was written to `outbox`.
OUTBOX_CHANNEL = "wsop_outbox"
#: Domain events for the API's WebSocket fan-out: {"type", "data"}.
EVENTS_CHANNEL = "wsop_events"

#: Outbox topic: announce a pending render instruction on the render queue stream.
TOPIC_RENDER = "render"
