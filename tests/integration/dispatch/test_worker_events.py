"""`worker_updated` events and the event log they go through."""

from __future__ import annotations

from sqlalchemy import text

from tests.integration.dispatch.conftest import Harness
from tests.waiting import eventually
from wsop_hub.db.uow import UnitOfWork


async def _worker_events(harness: Harness, worker_id: str) -> list[dict[str, object]]:
    async with harness.engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT data FROM event_log WHERE type = 'worker_updated' "
                "AND data->>'id' = :id ORDER BY id"
            ),
            {"id": worker_id},
        )
        return [row.data for row in rows]


async def test_a_worker_reports_when_it_appears_takes_a_job_and_leaves(harness: Harness) -> None:
    harness.relay()
    worker = harness.worker()
    job = await harness.create(layer_data={"sleep_s": 2.0})
    await eventually(
        lambda: _with_job(harness, worker.worker_id, job.id), what="worker_updated with the job"
    )
    await harness.stop(worker)
    events = await _worker_events(harness, worker.worker_id)
    assert events[0]["status"] == "active"
    assert events[-1] == {
        "id": worker.worker_id,
        "status": "gone",
        "current_job_ids": [],
        "concurrency": worker.config.concurrency,
    }
    # Reported on change only: the many heartbeats in between added nothing.
    states = [(e["status"], e["current_job_ids"]) for e in events]
    assert all(a != b for a, b in zip(states, states[1:], strict=False)), states


async def _with_job(harness: Harness, worker_id: str, job_id: int) -> bool:
    return any(job_id in e["current_job_ids"] for e in await _worker_events(harness, worker_id))


async def test_event_log_keeps_every_emitted_event_with_increasing_ids(harness: Harness) -> None:
    jobs = [await harness.create() for _ in range(3)]
    async with UnitOfWork(harness.engine) as uow:
        big_id = await uow.emit("notification", {"message": "x" * 20_000})
        await uow.commit()
    async with UnitOfWork(harness.engine) as uow:
        replay = await uow.event_log.since(0, 100)
        assert await uow.event_log.covers(0)
        assert await uow.event_log.last_id() == big_id
    created = [e["data"]["id"] for e in replay if e["type"] == "instruction_updated"]
    assert created == [job.id for job in jobs]
    assert [e["id"] for e in replay] == sorted(e["id"] for e in replay)
    assert replay[-1]["data"]["message"] == "x" * 20_000  # the log keeps what NOTIFY cannot
