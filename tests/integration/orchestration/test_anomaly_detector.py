"""Anomaly detector against a real PostgreSQL: each rule fires once per incident, remediates,
and resolves itself when the condition clears; one failure never stops a cycle."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.factories import insert_instruction, make_hand
from tests.integration.orchestration.conftest import (
    RecordingChannel,
    db_now,
    events,
    execute,
    pending_since,
    rows,
    scalar,
    settled_attempts,
)
from tests.waiting import eventually
from wsop_hub.dispatch.scheduler import Scheduler
from wsop_hub.dispatch.service import cancel_instruction
from wsop_hub.orchestration.anomaly_detector import AnomalyDetector
from wsop_hub.orchestration.anomaly_rules import Finding
from wsop_hub.orchestration.notifications import Notifier
from wsop_hub.settings import Settings

MINUTES = timedelta(minutes=1)

# -- delay ------------------------------------------------------------------------------


async def test_a_long_pending_job_is_reported_once_and_raised_one_priority_step(
    engine: AsyncEngine, detector: AnomalyDetector
) -> None:
    job_id = await pending_since(engine, 40 * MINUTES, priority=7)
    for _ in range(3):
        findings = await detector.run_once()
    assert [f.incident_key for f in findings] == [f"anomaly:pending_delay:{job_id}"]
    [event] = await events(engine, "pending_delay")
    assert (event["severity"], event["source"], event["resolved"]) == (
        "warning",
        "anomaly-detector",
        False,
    )
    assert event["payload"]["remediation"] == {
        "action": "priority_raised",
        "from_priority": 7,
        "to_priority": 6,
    }
    assert (
        await scalar(engine, "SELECT priority FROM render_instructions WHERE id = :id", id=job_id)
        == 6
    )
    history = await rows(
        engine,
        "SELECT from_status, to_status, actor, reason FROM instruction_history"
        " WHERE instruction_id = :id",
        id=job_id,
    )
    assert history == [
        {
            "from_status": "pending",
            "to_status": "pending",
            "actor": "anomaly-detector",
            "reason": "priority raised 7→6 by anomaly detector: pending for 40 min",
        }
    ]
    outbox = "SELECT count(*) FROM outbox WHERE instruction_id = :id"
    assert await scalar(engine, outbox, id=job_id) == 1  # re-announced once, not every cycle


async def test_the_delay_incident_resolves_once_the_job_leaves_pending(
    engine: AsyncEngine, detector: AnomalyDetector
) -> None:
    job_id = await pending_since(engine, 40 * MINUTES)
    await detector.run_once()
    await cancel_instruction(engine, job_id, actor="admin:op", reason="not needed on air")
    assert await detector.run_once() == []
    [event] = await events(engine, "pending_delay")
    assert event["resolved"] and event["resolved_by"] == "anomaly-detector"
    assert event["notes"] == "condition cleared"


async def test_a_delayed_job_already_at_priority_1_is_reported_without_a_change(
    engine: AsyncEngine, detector: AnomalyDetector
) -> None:
    job_id = await pending_since(engine, 45 * MINUTES, priority=1)
    await detector.run_once()
    [event] = await events(engine, "pending_delay")
    assert event["payload"]["remediation"]["action"] == "none"
    assert (
        await scalar(engine, "SELECT priority FROM render_instructions WHERE id = :id", id=job_id)
        == 1
    )
    assert await rows(engine, "SELECT * FROM instruction_history") == []


async def test_delay_counts_from_when_the_job_became_pending_not_from_creation(
    engine: AsyncEngine, detector: AnomalyDetector
) -> None:
    job = await insert_instruction(engine)  # e.g. created long ago, retried 5 minutes ago
    await execute(
        engine,
        "UPDATE render_instructions SET created_at = now() - interval '3 hours',"
        " available_at = now() - interval '5 minutes' WHERE id = :id",
        id=job.id,
    )
    assert await detector.run_once() == []
    later = await db_now(engine) + 26 * MINUTES  # the clock is a parameter: no waiting
    assert [f.subject_id for f in await detector.run_once(now=later)] == [job.id]


# -- orphan premium hands ---------------------------------------------------------------


async def test_an_orphan_premium_hand_gets_exactly_one_instruction_across_cycles(
    engine: AsyncEngine, detector: AnomalyDetector
) -> None:
    hand = await make_hand(engine, is_premium=True)
    later = await db_now(engine) + 2 * MINUTES
    for _ in range(3):
        await detector.run_once(now=later)
    [job] = await rows(engine, "SELECT * FROM render_instructions WHERE hand_id = :id", id=hand.id)
    assert (job["template_name"], job["trigger_type"], job["trigger_id"], job["status"]) == (
        "Premium Hand",
        "premium_hand",
        str(hand.id),
        "pending",
    )
    assert job["dedup_key"] == f"premium_hand:{hand.id}"
    # The same gfx_data v3 payload the instruction generator builds (one builder).
    assert job["layer_data"]["single_fields"]["name"] == (hand.winner or "UNKNOWN").upper()
    assert job["layer_data"]["metadata"]["hand_id"] == hand.id
    assert job["priority"] == 2
    created = "SELECT actor, reason FROM instruction_history WHERE instruction_id = :id"
    assert await rows(engine, created, id=job["id"]) == [
        {"actor": "anomaly-detector", "reason": "created"}
    ]
    [event] = await events(engine, "orphan_premium_hand")
    assert event["payload"]["remediation"]["instruction_id"] == job["id"]
    assert event["resolved"] and event["resolved_by"] == "anomaly-detector"


async def test_two_detectors_at_once_still_create_one_instruction_and_one_event(
    engine: AsyncEngine, settings: Settings, detector: AnomalyDetector
) -> None:
    hand = await make_hand(engine, is_premium=True)
    later = await db_now(engine) + 2 * MINUTES
    other = AnomalyDetector(engine, settings, Notifier([]))
    await asyncio.gather(detector.run_once(now=later), other.run_once(now=later))
    count = "SELECT count(*) FROM render_instructions WHERE hand_id = :id"
    assert await scalar(engine, count, id=hand.id) == 1
    assert len(await events(engine, "orphan_premium_hand")) == 1


async def test_an_orphan_whose_instruction_cannot_be_created_is_an_alert_retried_each_cycle(
    engine: AsyncEngine, detector: AnomalyDetector
) -> None:
    hand = await make_hand(engine, is_premium=True)
    # The dedup key is taken by an instruction that no longer points at the hand.
    squatter = await insert_instruction(engine, dedup_key=f"premium_hand:{hand.id}")
    later = await db_now(engine) + 2 * MINUTES
    await detector.run_once(now=later)
    await detector.run_once(now=later)
    [event] = await events(engine, "orphan_premium_hand")
    assert event["severity"] == "error" and not event["resolved"]
    assert event["payload"]["remediation"]["action"] == "none"
    assert (
        f"already belongs to instruction {squatter.id}" in event["payload"]["remediation"]["error"]
    )
    assert await events(engine, "anomaly_detector_error") == []

    await execute(engine, "DELETE FROM render_instructions WHERE id = :id", id=squatter.id)
    await detector.run_once(now=later)  # the retry creates it
    await detector.run_once(now=later)  # no orphan any more: resolved
    count = "SELECT count(*) FROM render_instructions WHERE hand_id = :id"
    assert await scalar(engine, count, id=hand.id) == 1
    [event] = await events(engine, "orphan_premium_hand")
    assert event["resolved"]


async def test_hands_within_grace_non_premium_or_served_are_not_orphans(
    engine: AsyncEngine, detector: AnomalyDetector
) -> None:
    fresh = await make_hand(engine, is_premium=True)
    await make_hand(engine, is_premium=False)
    served = await make_hand(engine, is_premium=True)
    await insert_instruction(engine, hand_id=served.id)
    await execute(engine, "UPDATE hands SET created_at = now() - interval '10 minutes'")
    await execute(engine, "UPDATE hands SET created_at = now() WHERE id = :id", id=fresh.id)
    assert await detector.run_once() == []
    assert await scalar(engine, "SELECT count(*) FROM render_instructions") == 1


# -- error-rate spike -------------------------------------------------------------------


async def test_an_error_rate_spike_is_one_critical_event_until_the_window_moves_on(
    engine: AsyncEngine, detector: AnomalyDetector, slack: RecordingChannel
) -> None:
    await settled_attempts(engine, completed=8, failed=2, ago=10 * MINUTES)
    retrying = await insert_instruction(engine)
    await execute(
        engine,
        "UPDATE render_instructions SET status = 'failed', next_retry_at = now() + interval '1 minute'"
        " WHERE id = :id",
        id=retrying.id,
    )
    await detector.run_once()
    await detector.run_once()
    [event] = await events(engine, "error_rate_spike")
    assert event["severity"] == "critical" and not event["resolved"]
    assert (event["payload"]["failed"], event["payload"]["settled"]) == (2, 10)
    assert event["payload"]["retry_scheduled"] == 1

    async def one_critical_sent() -> bool:
        return [n.title for n in slack.sent if n.severity == "critical"] == ["error_rate_spike"]

    await eventually(one_critical_sent, what="one Slack notification for the incident")

    await detector.run_once(now=await db_now(engine) + 2 * 60 * MINUTES)
    [event] = await events(engine, "error_rate_spike")
    assert event["resolved"] and event["resolved_by"] == "anomaly-detector"


async def test_one_failure_out_of_two_is_not_a_spike(
    engine: AsyncEngine, detector: AnomalyDetector
) -> None:
    await settled_attempts(engine, completed=1, failed=1, ago=5 * MINUTES)
    assert await detector.run_once() == []
    assert await events(engine, "error_rate_spike") == []


# -- throughput drop --------------------------------------------------------------------


async def test_a_throughput_drop_is_one_warning_and_resolves_when_output_recovers(
    engine: AsyncEngine, detector: AnomalyDetector
) -> None:
    await settled_attempts(engine, completed=30, ago=90 * MINUTES)
    await settled_attempts(engine, completed=10, ago=10 * MINUTES)
    await detector.run_once()
    await detector.run_once()
    [event] = await events(engine, "throughput_drop")
    assert event["severity"] == "warning" and not event["resolved"]
    assert (event["payload"]["current"], event["payload"]["previous"]) == (10, 30)

    await settled_attempts(engine, completed=5, ago=5 * MINUTES)  # 15 = 30 x 0.5: recovered
    await detector.run_once()
    [event] = await events(engine, "throughput_drop")
    assert event["resolved"]


# -- failures stay contained ------------------------------------------------------------


class FlakyDetector(AnomalyDetector):
    """Fails to handle the delayed jobs listed in `broken`."""

    broken: set[int]

    async def _raise_and_record(self, finding: Finding) -> None:
        if finding.subject_id in self.broken:
            raise RuntimeError(f"cannot handle {finding.subject_id}")
        await super()._raise_and_record(finding)


async def test_a_failing_record_is_recorded_and_the_cycle_goes_on(
    engine: AsyncEngine, settings: Settings
) -> None:
    bad = await pending_since(engine, 50 * MINUTES)
    good = await pending_since(engine, 40 * MINUTES)
    hand = await make_hand(engine, is_premium=True)
    flaky = FlakyDetector(engine, settings, Notifier([]))
    flaky.broken = {bad}
    later = await db_now(engine) + 2 * MINUTES

    await flaky.run_once(now=later)
    assert [e["payload"]["instruction_id"] for e in await events(engine, "pending_delay")] == [good]
    [error] = await events(engine, "anomaly_detector_error")
    assert error["payload"]["incident_key"] == f"anomaly:pending_delay:{bad}"
    assert error["severity"] == "error" and not error["resolved"]
    hand_jobs = "SELECT count(*) FROM render_instructions WHERE hand_id = :id"
    assert await scalar(engine, hand_jobs, id=hand.id) == 1  # the next rule still ran

    await flaky.run_once(now=later)  # still failing: no second error event
    assert len(await events(engine, "anomaly_detector_error")) == 1

    flaky.broken = set()
    await flaky.run_once(now=later)
    delayed = {e["payload"]["instruction_id"] for e in await events(engine, "pending_delay")}
    assert delayed == {good, bad}
    [error] = await events(engine, "anomaly_detector_error")
    assert error["resolved"]


class BrokenErrorRate(AnomalyDetector):
    async def _error_rate(self, now: object) -> list[Finding]:
        raise RuntimeError("metrics query failed")


async def test_a_failing_rule_does_not_stop_the_other_rules(
    engine: AsyncEngine, settings: Settings
) -> None:
    await settled_attempts(engine, completed=30, ago=90 * MINUTES)
    detector = BrokenErrorRate(engine, settings, Notifier([]))
    findings = await detector.run_once()
    assert [f.event_type for f in findings] == ["throughput_drop"]
    [error] = await events(engine, "anomaly_detector_error")
    assert error["payload"]["rule"] == "error_rate_spike"
    assert "metrics query failed" in error["message"]


# -- wiring -----------------------------------------------------------------------------


async def test_the_scheduler_runs_the_detector_on_its_interval(
    engine: AsyncEngine, redis: Redis, settings: Settings, database_url: str
) -> None:
    job_id = await pending_since(engine, 40 * MINUTES, priority=4)
    fast = settings.model_copy(update={"hub_anomaly_interval_s": 0.2})
    scheduler = Scheduler(engine, redis, fast, database_url)
    task = asyncio.create_task(scheduler.run())
    try:

        async def raised() -> bool:
            priority = "SELECT priority FROM render_instructions WHERE id = :id"
            return await scalar(engine, priority, id=job_id) == 3

        await eventually(raised, what="the scheduler's detector raised the delayed job")
        assert len(await events(engine, "pending_delay")) == 1
    finally:
        scheduler.stop()
        await asyncio.wait_for(task, timeout=10)


# -- notification rules: queue backlog, job failed -----------------------------------------


async def test_a_queue_backlog_is_one_warning_that_clears_only_well_below_the_threshold(
    engine: AsyncEngine, detector: AnomalyDetector
) -> None:
    jobs = [await insert_instruction(engine) for _ in range(11)]
    await detector.run_once()
    await detector.run_once()
    [event] = await events(engine, "queue_backlog")
    assert event["severity"] == "warning" and event["payload"]["pending"] == 11

    async def cancel(count: int) -> None:
        for job in jobs[:count]:
            await cancel_instruction(engine, job.id, actor="admin:op", reason="test")
        del jobs[:count]

    await cancel(3)  # 8 pending: below the threshold, above the clear level
    await detector.run_once()
    [event] = await events(engine, "queue_backlog")
    assert not event["resolved"], "an incident must not flap at the threshold"
    await cancel(3)  # 5 pending: cleared
    await detector.run_once()
    [event] = await events(engine, "queue_backlog")
    assert event["resolved"] and event["resolved_by"] == "anomaly-detector"


async def test_a_final_failure_is_one_error_event_notified_to_slack_until_retried(
    engine: AsyncEngine, detector: AnomalyDetector, slack: RecordingChannel
) -> None:
    final = await insert_instruction(engine)
    retrying = await insert_instruction(engine)
    await execute(
        engine,
        "UPDATE render_instructions SET status = 'failed', attempt = 3, completed_at = now(),"
        " error_message = 'template not found' WHERE id = :id",
        id=final.id,
    )
    await execute(
        engine,
        "UPDATE render_instructions SET status = 'failed', completed_at = now(),"
        " next_retry_at = now() + interval '1 minute' WHERE id = :id",
        id=retrying.id,
    )
    await detector.run_once()
    await detector.run_once()
    [event] = await events(engine, "job_failed")
    assert event["severity"] == "error" and event["payload"]["instruction_id"] == final.id
    assert "template not found" in event["message"] and "3 attempt" in event["message"]

    async def one_error_sent() -> bool:
        return [n.title for n in slack.sent if n.severity == "error"] == ["job_failed"]

    await eventually(one_error_sent, what="one Slack notification for the failed job")

    await execute(
        engine, "UPDATE render_instructions SET status = 'pending' WHERE id = :id", id=final.id
    )
    await detector.run_once()
    [event] = await events(engine, "job_failed")
    assert event["resolved"]


async def test_an_old_final_failure_is_history_not_an_alert(
    engine: AsyncEngine, detector: AnomalyDetector
) -> None:
    job = await insert_instruction(engine)
    await execute(
        engine,
        "UPDATE render_instructions SET status = 'failed', completed_at = now() - interval '2 days'"
        " WHERE id = :id",
        id=job.id,
    )
    await detector.run_once()
    assert await events(engine, "job_failed") == []
