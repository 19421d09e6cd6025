"""Create → outbox → relay → stream → worker → completed, with history at every step."""

from __future__ import annotations

from sqlalchemy import text

from tests.integration.dispatch.conftest import Harness
from tests.waiting import eventually
from wsop_hub.redis_keys import RENDER_GROUP


async def test_create_writes_instruction_history_and_outbox_in_one_transaction(
    harness: Harness,
) -> None:
    job = await harness.create(priority=3)
    assert job.status == "pending"
    assert (
        await harness.count(
            "SELECT count(*) FROM outbox WHERE instruction_id = :id AND published_at IS NULL",
            id=job.id,
        )
        == 1
    )
    assert (
        await harness.count(
            "SELECT count(*) FROM instruction_history WHERE instruction_id = :id AND to_status = 'pending' AND actor = 'test'",
            id=job.id,
        )
        == 1
    )


async def test_outbox_rows_committed_while_no_relay_ran_are_published_when_one_starts(
    harness: Harness,
) -> None:
    # Simulates a crash between commit and publish: rows exist, nobody published them.
    jobs = [await harness.create() for _ in range(5)]
    assert await harness.redis.exists(harness.keys.render_queue) == 0
    harness.relay()
    await eventually(harness.outbox_drained, what="outbox drained")
    assert await harness.redis.xlen(harness.keys.render_queue) == len(jobs)


async def test_relay_is_woken_by_notify_for_new_rows(harness: Harness) -> None:
    relay = harness.relay()
    await eventually(relay.listening, what="relay listening")
    job = await harness.create()
    # The relay's safety wait is 2 s; a publish well inside 1 s shows NOTIFY woke it.
    await eventually(
        lambda: harness.count(
            "SELECT count(*) FROM outbox WHERE instruction_id = :id AND published_at IS NOT NULL",
            id=job.id,
        ),
        timeout_s=1.0,
        what="publish after NOTIFY",
    )


async def test_concurrent_relays_never_publish_a_row_twice(harness: Harness) -> None:
    for _ in range(300):
        await harness.create()
    relays = [harness.relay() for _ in range(3)]
    await eventually(harness.outbox_drained, what="all published")
    assert await harness.redis.xlen(harness.keys.render_queue) == 300
    assert sum(r.published_total for r in relays) == 300


async def test_jobs_flow_to_completed_with_full_history(harness: Harness) -> None:
    harness.relay()
    worker = harness.worker()
    jobs = [await harness.create(layer_data={"n": i}) for i in range(20)]
    ids = [j.id for j in jobs]
    await eventually(harness.all_in("completed", ids), what="all completed")
    async with harness.engine.connect() as conn:
        chains = (
            await conn.execute(
                text(
                    "SELECT instruction_id, string_agg(to_status, '>' ORDER BY id) FROM instruction_history GROUP BY 1"
                )
            )
        ).all()
    assert {chain for _, chain in chains} == {"pending>processing>completed"}
    assert worker.completed_count == 20
    pending = await harness.redis.xpending(harness.keys.render_queue, RENDER_GROUP)
    assert pending["pending"] == 0, "every message acknowledged"


async def test_sql_built_and_python_built_instruction_events_have_one_shape(
    harness: Harness, database_url: str
) -> None:
    """The hot path builds `instruction_updated` in SQL, the rest in Python: same shape."""
    import json

    import asyncpg

    from wsop_hub.dispatch.channels import EVENTS_CHANNEL
    from wsop_hub.dispatch.service import instruction_event
    from wsop_hub.settings import asyncpg_url

    received: list[dict[str, object]] = []
    listener = await asyncpg.connect(asyncpg_url(database_url))
    await listener.add_listener(EVENTS_CHANNEL, lambda *args: received.append(json.loads(args[3])))
    try:
        job = await harness.create(priority=2)
        [event] = await eventually(lambda: _events(received), what="the create event")
    finally:
        await listener.close()
    assert isinstance(event.pop("id"), int)  # the event log's id, for reconnect catch-up
    assert event.pop("timestamp")
    assert event == instruction_event(job)


async def _events(received: list[dict[str, object]]) -> list[dict[str, object]]:
    return list(received)
