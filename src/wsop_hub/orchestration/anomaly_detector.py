"""Anomaly detector (scheduler role): runs the SPEC §5 rules, records one monitoring event
per incident, remediates what it safely can, resolves incidents whose condition cleared.

One cycle, per rule: gather the inputs (db/repositories/metrics.py), apply the pure rule
(anomaly_rules.py), then compare the findings with the rule's open incidents:

- a finding with no open incident is new: remediate, record the event (payload says what
  was done), commit, then notify (notifications.py; never before the commit);
- a finding whose incident is open is the same condition persisting: nothing is written;
- an open incident with no finding has cleared: it is resolved by `anomaly-detector`.

Remediation (SPEC §4 auto-remediation):
- orphan premium hand → create its instruction (dedup key `premium_hand:{hand_id}`, so
  several cycles or several schedulers never create it twice); if that fails, the event
  is an error ("or alert") and creation is tried again each cycle while it stays open;
- job pending too long → priority one step towards 1, compare-and-set, with a history
  row, in the same transaction as the event (a lost race to another detector rolls both
  back, so the job is raised once per incident);
- failures with retries left → nothing: the dispatch retry timer already re-queues them;
  the error-rate event says how many are scheduled.

A failure in one rule or on one record is logged and recorded as an
`anomaly_detector_error` event, and the cycle goes on with the next one.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from wsop_hub.db.uow import UnitOfWork
from wsop_hub.dispatch.service import announce, create_instruction, publish_change
from wsop_hub.domain.enums import Severity
from wsop_hub.domain.models import (
    MonitoringEvent,
    MonitoringEventIn,
    RenderInstruction,
)
from wsop_hub.errors import Conflict
from wsop_hub.ingest.generator import premium_hand_instruction
from wsop_hub.orchestration import anomaly_rules as rules
from wsop_hub.orchestration.anomaly_rules import AnomalyThresholds, Finding
from wsop_hub.orchestration.notifications import Notification, Notifier
from wsop_hub.settings import Settings

log = logging.getLogger(__name__)

ACTOR = "anomaly-detector"
DETECTOR_ERROR = "anomaly_detector_error"
#: New per-record incidents handled per rule and cycle; the rest wait for the next cycle,
#: so a backlog of thousands of stuck jobs does not become one enormous transaction burst.
MAX_NEW_INCIDENTS_PER_RULE = 100

Handler = Callable[[Finding], Awaitable[None]]


def thresholds_from(settings: Settings) -> AnomalyThresholds:
    return AnomalyThresholds(
        pending_delay_s=settings.hub_pending_delay_s,
        error_rate=settings.hub_error_rate_threshold,
        throughput_drop_ratio=settings.hub_throughput_drop_ratio,
        queue_backlog=settings.hub_queue_backlog_threshold,
        queue_backlog_clear=settings.hub_queue_backlog_threshold // 2,
    )


class AnomalyDetector:
    def __init__(
        self,
        engine: AsyncEngine,
        settings: Settings,
        notifier: Notifier,
        *,
        thresholds: AnomalyThresholds | None = None,
        max_new_per_rule: int = MAX_NEW_INCIDENTS_PER_RULE,
    ) -> None:
        self._engine = engine
        self._settings = settings
        self.notifier = notifier
        self.thresholds = thresholds or thresholds_from(settings)
        self._max_new_per_rule = max_new_per_rule

    async def run_cycle(self) -> int:
        """One cycle for the scheduler loop; returns how many anomalies are current."""
        return len(await self.run_once())

    async def run_once(self, now: datetime | None = None) -> list[Finding]:
        """Run every rule at `now` (None: the database's clock); returns current findings."""
        steps: list[tuple[str, Callable[[datetime | None], Awaitable[list[Finding]]], bool]] = [
            (rules.PENDING_DELAY, self._pending_delay, True),
            (rules.ORPHAN_PREMIUM_HAND, self._orphan_premium_hands, True),
            (rules.ERROR_RATE_SPIKE, self._error_rate, False),
            (rules.THROUGHPUT_DROP, self._throughput, False),
            (rules.QUEUE_BACKLOG, self._queue_backlog, False),
            (rules.JOB_FAILED, self._job_failures, True),
        ]
        handlers: dict[str, Handler] = {
            rules.PENDING_DELAY: self._raise_and_record,
            rules.ORPHAN_PREMIUM_HAND: self._create_and_record,
        }
        persisting: dict[str, Handler] = {rules.ORPHAN_PREMIUM_HAND: self._create_again}
        current: list[Finding] = []
        for event_type, gather, per_record in steps:
            try:
                findings = await gather(now)
                clean = await self._reconcile(
                    event_type,
                    findings,
                    handlers.get(event_type, self._record),
                    per_record,
                    persisting.get(event_type),
                )
            except Exception as exc:  # noqa: BLE001 - one rule failing must not stop the others
                log.exception("anomaly rule %s failed", event_type)
                await self._record_detector_error(event_type, exc)
                continue
            current += findings
            if clean:
                await self._resolve(self._error_key(event_type), "the rule runs cleanly again")
        return current

    async def aclose(self) -> None:
        await self.notifier.aclose()

    # -- inputs -------------------------------------------------------------------------

    async def _pending_delay(self, now: datetime | None) -> list[Finding]:
        async with UnitOfWork(self._engine) as uow:
            rows = await uow.metrics.pending_older_than(self.thresholds.pending_delay_s, now=now)
        jobs = [rules.WaitingJob(r.id, r.priority, r.waited_s, r.template_name) for r in rows]
        return rules.pending_delay(jobs, self.thresholds)

    async def _orphan_premium_hands(self, now: datetime | None) -> list[Finding]:
        async with UnitOfWork(self._engine) as uow:
            rows = await uow.metrics.premium_hands_without_instruction(
                self.thresholds.orphan_lookback_s, now=now
            )
        hands = [rules.PremiumHand(r.id, r.table_id, r.hand_number, r.age_s) for r in rows]
        return rules.orphan_premium_hands(hands, self.thresholds)

    async def _error_rate(self, now: datetime | None) -> list[Finding]:
        async with UnitOfWork(self._engine) as uow:
            failed, settled = await uow.metrics.settled_attempts(
                self.thresholds.error_window_s, now=now
            )
            scheduled = await uow.metrics.retry_scheduled() if failed else 0
        return rules.error_rate_spike(failed, settled, self.thresholds, retry_scheduled=scheduled)

    async def _throughput(self, now: datetime | None) -> list[Finding]:
        async with UnitOfWork(self._engine) as uow:
            current, previous = await uow.metrics.completed_this_and_previous_window(
                self.thresholds.throughput_window_s, now=now
            )
        return rules.throughput_drop(current, previous, self.thresholds)

    async def _queue_backlog(self, now: datetime | None) -> list[Finding]:
        key = rules.incident_key(rules.QUEUE_BACKLOG)
        async with UnitOfWork(self._engine) as uow:
            pending = await uow.metrics.pending_count()
            is_open = key in await uow.events.open_incident_keys(key)
        return rules.queue_backlog(pending, self.thresholds, incident_open=is_open)

    async def _job_failures(self, now: datetime | None) -> list[Finding]:
        async with UnitOfWork(self._engine) as uow:
            rows = await uow.metrics.final_failures(self.thresholds.job_failed_lookback_s, now=now)
        jobs = [
            rules.FailedJob(r.id, r.template_name, r.attempt, r.error_message, r.age_s)
            for r in rows
        ]
        return rules.job_failures(jobs, self.thresholds)

    # -- incidents ----------------------------------------------------------------------

    async def _reconcile(
        self,
        event_type: str,
        findings: list[Finding],
        handle: Handler,
        per_record: bool,
        persisting: Handler | None = None,
    ) -> bool:
        """Handle new incidents (and, with `persisting`, open ones seen again), resolve
        cleared ones; False if any record failed."""
        key = rules.incident_key(event_type)
        async with UnitOfWork(self._engine) as uow:
            open_keys = await uow.events.open_incident_keys(f"{key}:" if per_record else key)
        seen = {f.incident_key for f in findings}
        work = [(f, handle) for f in findings if f.incident_key not in open_keys]
        if persisting is not None:
            work += [(f, persisting) for f in findings if f.incident_key in open_keys]
        clean = True
        for finding, handler in work[: self._max_new_per_rule]:
            try:
                await handler(finding)
            except Exception as exc:  # noqa: BLE001 - one bad record must not stop the rest
                log.exception("anomaly %s: could not handle it", finding.incident_key)
                await self._record_detector_error(event_type, exc, finding)
                clean = False
        for cleared in sorted(open_keys - seen):
            await self._resolve(cleared, "condition cleared")
        return clean

    async def _record(self, finding: Finding, payload: dict[str, Any] | None = None) -> None:
        async with UnitOfWork(self._engine) as uow:
            event = await uow.events.record(self._event(finding, payload))
            await uow.commit()
        self._announce(event)

    async def _raise_and_record(self, finding: Finding) -> None:
        """Delayed job: raise its priority one step and record the event, atomically."""
        assert finding.subject_id is not None
        expected = int(finding.payload["priority"])
        async with UnitOfWork(self._engine) as uow:
            raised = None
            if expected > 1:
                raised = await uow.instructions.raise_pending_priority(
                    finding.subject_id,
                    expected,
                    actor=ACTOR,
                    reason=f"priority raised {expected}→{expected - 1} by anomaly detector: "
                    f"pending for {int(finding.payload['waited_s'] // 60)} min",
                )
            if raised is not None:
                await announce(uow, raised)  # a doorbell, so the raised job is claimed promptly
                await publish_change(uow, raised)
                remediation = {
                    "action": "priority_raised",
                    "from_priority": expected,
                    "to_priority": raised.priority,
                }
            elif expected <= 1:
                remediation = {"action": "none", "reason": "already at the highest priority"}
            else:
                remediation = {
                    "action": "none",
                    "reason": f"no longer pending at priority {expected} (claimed or changed)",
                }
            event = await uow.events.record(self._event(finding, {"remediation": remediation}))
            if event is None:
                return  # another detector owns this incident; leaving rolls the raise back
            await uow.commit()
        if raised is not None:
            log.info("raised instruction %s to priority %s", raised.id, raised.priority)
        self._announce(event)

    async def _create_premium_instruction(self, hand_id: int) -> RenderInstruction:
        """Create (or find, by dedup key) the instruction of a premium hand."""
        async with UnitOfWork(self._engine) as uow:
            hand = await uow.hands.get(hand_id)
        job = await create_instruction(
            self._engine,
            premium_hand_instruction(hand),
            default_max_retries=self._settings.hub_max_retries,
            actor=ACTOR,
        )
        if job.hand_id != hand_id:  # the key was taken by an instruction no longer linked
            raise Conflict(f"dedup key {job.dedup_key} already belongs to instruction {job.id}")
        return job

    async def _create_and_record(self, finding: Finding) -> None:
        """Orphan premium hand: create its instruction, then record what was done."""
        assert finding.subject_id is not None
        try:
            job = await self._create_premium_instruction(finding.subject_id)
        except Exception as exc:  # noqa: BLE001 - SPEC §5: "auto-create instruction, or alert"
            log.exception("could not create the instruction of premium hand %s", finding.subject_id)
            remediation: dict[str, Any] = {
                "action": "none",
                "error": f"{exc.__class__.__name__}: {exc}"[:500],
                "retry": "tried again every cycle while the hand stays an orphan",
            }
            alert = replace(
                finding,
                severity=Severity.ERROR,
                message=finding.message + "; creating its instruction failed",
            )
            await self._record(alert, {"remediation": remediation})
            return
        log.info("created instruction %s for premium hand %s", job.id, finding.subject_id)
        await self._record(
            finding,
            {
                "remediation": {
                    "action": "instruction_created",
                    "instruction_id": job.id,
                    "template_name": job.template_name,
                    "dedup_key": job.dedup_key,
                }
            },
        )

    async def _create_again(self, finding: Finding) -> None:
        """An orphan whose incident is open means creating its instruction failed before:
        try again (idempotent by dedup key); the next cycle resolves the incident. A new
        failure only logs: the open error event already says the hand has no graphic."""
        assert finding.subject_id is not None
        try:
            job = await self._create_premium_instruction(finding.subject_id)
        except Exception as exc:  # noqa: BLE001
            log.warning("premium hand %s still has no instruction: %s", finding.subject_id, exc)
            return
        log.info("created instruction %s for premium hand %s on retry", job.id, job.hand_id)

    async def _resolve(self, incident_key: str, notes: str) -> None:
        async with UnitOfWork(self._engine) as uow:
            closed = await uow.events.resolve_incident(incident_key, ACTOR, notes)
            await uow.commit()
        if closed:
            log.info("incident %s resolved: %s", incident_key, notes)
            self.notifier.notify(
                Notification(
                    severity=Severity.INFO,
                    title="incident resolved",
                    message=f"{incident_key}: {notes}",
                    incident_key=incident_key,
                    source=ACTOR,
                )
            )

    async def _record_detector_error(
        self, event_type: str, exc: Exception, finding: Finding | None = None
    ) -> None:
        """One open error event per rule, however often it fails; best effort."""
        payload: dict[str, Any] = {"rule": event_type, "error": exc.__class__.__name__}
        if finding is not None:
            payload["incident_key"] = finding.incident_key
        event = MonitoringEventIn(
            event_type=DETECTOR_ERROR,
            severity=Severity.ERROR,
            source=ACTOR,
            message=f"anomaly rule {event_type} failed: {exc.__class__.__name__}: {exc}"[:2000],
            payload=payload,
            incident_key=self._error_key(event_type),
        )
        try:
            async with UnitOfWork(self._engine) as uow:
                recorded = await uow.events.record(event)
                await uow.commit()
        except Exception:  # noqa: BLE001 - PostgreSQL may be the reason; the log line stands
            log.exception("could not record the failure of anomaly rule %s", event_type)
            return
        self._announce(recorded)

    @staticmethod
    def _error_key(event_type: str) -> str:
        return rules.incident_key(f"{DETECTOR_ERROR}:{event_type}")

    @staticmethod
    def _event(finding: Finding, extra: dict[str, Any] | None) -> MonitoringEventIn:
        return MonitoringEventIn(
            event_type=finding.event_type,
            severity=finding.severity,
            source=ACTOR,
            message=finding.message[:2000],
            payload={**finding.payload, **(extra or {})},
            incident_key=finding.incident_key,
        )

    def _announce(self, event: MonitoringEvent | None) -> None:
        """Notify after the commit; None means the incident was already open (a race with
        another detector), and its notification went out then."""
        if event is not None:
            log.warning("anomaly: %s", event.message)
            self.notifier.notify(Notification.from_event(event))
