"""PostgreSQL NOTIFY channels and outbox topics (delivered only when the transaction commits)."""

from __future__ import annotations

#: Wakes the outbox relay: a row was written to `outbox`.
OUTBOX_CHANNEL = "wsop_outbox"
#: Domain events for the API's WebSocket fan-out: {"type", "data"}.
EVENTS_CHANNEL = "wsop_events"

#: Outbox topic: announce a pending render instruction on the render queue stream.
TOPIC_RENDER = "render"


def instruction_event_sql(alias: str) -> str:
    """`hub_emit` of the `instruction_updated` event for row `alias`, for use inside SQL.

    Same shape as wsop_hub.dispatch.service.instruction_event (a test holds them together).
    """
    return (
        f"hub_emit('instruction_updated', "
        f"jsonb_build_object('id', {alias}.id, 'status', {alias}.status, 'priority', {alias}.priority, "
        f"'attempt', {alias}.attempt, 'template_name', {alias}.template_name, "
        f"'worker_id', {alias}.worker_id))"
    )
