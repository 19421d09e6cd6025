"""The anomaly and notification rules of SPEC §5 as pure functions: numbers and records in,
findings out (the four anomaly rules, plus "render queue > 10 → warning" and "job failed →
error" from its notification rules).

No I/O here, so each rule and its boundaries are unit-tested without a database; the
detector (anomaly_detector.py) gathers the inputs with SQL and acts on the findings.

A finding carries an `incident_key`: the same condition seen again on the next cycle
yields the same key, which is what lets the detector record one event per incident and
resolve it when the key stops appearing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from wsop_hub.domain.enums import Severity

#: Every incident key the detector owns starts with this, so it can find its open events.
INCIDENT_PREFIX = "anomaly:"

PENDING_DELAY = "pending_delay"
ORPHAN_PREMIUM_HAND = "orphan_premium_hand"
ERROR_RATE_SPIKE = "error_rate_spike"
THROUGHPUT_DROP = "throughput_drop"
QUEUE_BACKLOG = "queue_backlog"
JOB_FAILED = "job_failed"

#: Rules that report one incident per record (instruction, hand) rather than one overall.
PER_RECORD_RULES = (PENDING_DELAY, ORPHAN_PREMIUM_HAND, JOB_FAILED)


def incident_key(event_type: str, subject_id: int | None = None) -> str:
    base = f"{INCIDENT_PREFIX}{event_type}"
    return base if subject_id is None else f"{base}:{subject_id}"


@dataclass(frozen=True)
class AnomalyThresholds:
    """When a rule fires. Minimum volumes keep small samples from raising false alarms:
    one failure out of two jobs is not an error-rate spike, and three completions after
    five is not a throughput drop."""

    pending_delay_s: float = 1800.0
    #: A premium hand gets this long for its instruction to appear before it is an orphan
    #: (the instruction generator may simply not have run yet).
    orphan_grace_s: float = 60.0
    #: Older premium hands are not looked at: a graphic for a hand from yesterday is of no
    #: use on air, and the bound keeps the query on the recent part of the index.
    orphan_lookback_s: float = 24 * 3600.0
    error_rate: float = 0.10
    error_window_s: float = 3600.0
    error_min_settled: int = 10
    throughput_drop_ratio: float = 0.5
    throughput_window_s: float = 3600.0
    throughput_min_previous: int = 20
    #: SPEC §5 "render queue > 10 → warning". An open backlog incident clears only once
    #: the queue is down to `queue_backlog_clear`, so a queue hovering around the
    #: threshold raises one incident, not one per crossing.
    queue_backlog: int = 10
    queue_backlog_clear: int = 5
    #: Jobs that failed for good longer ago than this are history, not alerts.
    job_failed_lookback_s: float = 24 * 3600.0

    def __post_init__(self) -> None:
        if not 0 < self.error_rate < 1:
            raise ValueError(f"error_rate must be between 0 and 1 (got {self.error_rate})")
        if not 0 < self.throughput_drop_ratio <= 1:
            raise ValueError(
                f"throughput_drop_ratio must be in (0, 1] (got {self.throughput_drop_ratio})"
            )
        if min(self.pending_delay_s, self.error_window_s, self.throughput_window_s) <= 0:
            raise ValueError("delays and windows must be positive")
        if self.error_min_settled < 1 or self.throughput_min_previous < 1:
            raise ValueError("minimum sample sizes must be at least 1")
        if not 0 <= self.queue_backlog_clear <= self.queue_backlog:
            raise ValueError(
                f"queue_backlog_clear must be between 0 and queue_backlog "
                f"(got {self.queue_backlog_clear} and {self.queue_backlog})"
            )


@dataclass(frozen=True)
class Finding:
    """One anomaly, ready to become a monitoring event."""

    incident_key: str
    event_type: str
    severity: Severity
    message: str
    payload: dict[str, Any] = field(default_factory=dict)
    #: The instruction or hand the finding is about (per-record rules), for remediation.
    subject_id: int | None = None


@dataclass(frozen=True)
class WaitingJob:
    """A pending render instruction and how long it has been waiting to be claimed."""

    id: int
    priority: int
    waited_s: float
    template_name: str = ""


@dataclass(frozen=True)
class PremiumHand:
    """A premium hand that has no render instruction, and its age since ingest."""

    id: int
    table_id: str
    hand_number: int
    age_s: float


def _minutes(seconds: float) -> int:
    return int(seconds // 60)


def pending_delay(jobs: Sequence[WaitingJob], t: AnomalyThresholds) -> list[Finding]:
    """SPEC §5 "delay": a job pending for more than `pending_delay_s` (strictly) is a
    warning, one incident per job, oldest first."""
    delayed = sorted((j for j in jobs if j.waited_s > t.pending_delay_s), key=lambda j: -j.waited_s)
    return [
        Finding(
            incident_key=incident_key(PENDING_DELAY, job.id),
            event_type=PENDING_DELAY,
            severity=Severity.WARNING,
            message=(
                f"render instruction {job.id} ({job.template_name or 'untitled'}, priority "
                f"{job.priority}) has been pending for {_minutes(job.waited_s)} min"
            ),
            payload={
                "instruction_id": job.id,
                "priority": job.priority,
                "waited_s": round(job.waited_s, 1),
                "threshold_s": t.pending_delay_s,
            },
            subject_id=job.id,
        )
        for job in delayed
    ]


def orphan_premium_hands(hands: Sequence[PremiumHand], t: AnomalyThresholds) -> list[Finding]:
    """SPEC §5 "orphan data": a premium hand older than the grace period (and within the
    lookback) with no render instruction, one incident per hand, oldest first."""
    orphans = sorted(
        (h for h in hands if t.orphan_grace_s <= h.age_s <= t.orphan_lookback_s),
        key=lambda h: -h.age_s,
    )
    return [
        Finding(
            incident_key=incident_key(ORPHAN_PREMIUM_HAND, hand.id),
            event_type=ORPHAN_PREMIUM_HAND,
            severity=Severity.WARNING,
            message=(
                f"premium hand {hand.id} (table {hand.table_id}, hand #{hand.hand_number}) "
                f"has no render instruction after {int(hand.age_s)} s"
            ),
            payload={
                "hand_id": hand.id,
                "table_id": hand.table_id,
                "hand_number": hand.hand_number,
                "age_s": round(hand.age_s, 1),
            },
            subject_id=hand.id,
        )
        for hand in orphans
    ]


def error_rate_spike(
    failed: int, settled: int, t: AnomalyThresholds, *, retry_scheduled: int = 0
) -> list[Finding]:
    """SPEC §5 "error-rate spike": failed attempts above `error_rate` (strictly) of the
    attempts settled in the window, once at least `error_min_settled` settled. Critical,
    because the SPEC asks for the admin to be notified (e-mail)."""
    if settled < t.error_min_settled or settled <= 0:
        return []
    rate = failed / settled
    if rate <= t.error_rate:
        return []
    return [
        Finding(
            incident_key=incident_key(ERROR_RATE_SPIKE),
            event_type=ERROR_RATE_SPIKE,
            severity=Severity.CRITICAL,
            message=(
                f"{failed} of {settled} render attempts failed in the last "
                f"{_minutes(t.error_window_s)} min ({rate:.0%}, threshold {t.error_rate:.0%})"
            ),
            payload={
                "failed": failed,
                "settled": settled,
                "error_rate": round(rate, 4),
                "threshold": t.error_rate,
                "window_s": t.error_window_s,
                # Remediation is the dispatch retry timer's job; the event only says so.
                "retry_scheduled": retry_scheduled,
                "remediation": (
                    f"{retry_scheduled} failed job(s) with retries left will be retried "
                    "automatically by the retry timer"
                ),
            },
        )
    ]


def throughput_drop(current: int, previous: int, t: AnomalyThresholds) -> list[Finding]:
    """SPEC §5 "throughput drop": completions in this window below `throughput_drop_ratio`
    (strictly) of the previous window, once the previous window saw at least
    `throughput_min_previous` completions."""
    if previous < t.throughput_min_previous:
        return []
    floor = previous * t.throughput_drop_ratio
    if current >= floor:
        return []
    return [
        Finding(
            incident_key=incident_key(THROUGHPUT_DROP),
            event_type=THROUGHPUT_DROP,
            severity=Severity.WARNING,
            message=(
                f"{current} renders completed in the last {_minutes(t.throughput_window_s)} min, "
                f"down from {previous} in the window before (below {t.throughput_drop_ratio:.0%})"
            ),
            payload={
                "current": current,
                "previous": previous,
                "ratio": round(current / previous, 4),
                "threshold_ratio": t.throughput_drop_ratio,
                "window_s": t.throughput_window_s,
            },
        )
    ]


@dataclass(frozen=True)
class FailedJob:
    """A render instruction that failed with no retry left."""

    id: int
    template_name: str
    attempt: int
    error_message: str
    age_s: float


def queue_backlog(pending: int, t: AnomalyThresholds, *, incident_open: bool) -> list[Finding]:
    """SPEC §5 notification rule "render queue > 10 → warning": more pending jobs than
    `queue_backlog` (strictly) opens the incident; it stays open until the queue is down
    to `queue_backlog_clear` (hysteresis against flapping)."""
    limit = t.queue_backlog_clear if incident_open else t.queue_backlog
    if pending <= limit:
        return []
    return [
        Finding(
            incident_key=incident_key(QUEUE_BACKLOG),
            event_type=QUEUE_BACKLOG,
            severity=Severity.WARNING,
            message=f"{pending} render instructions are waiting (threshold {t.queue_backlog})",
            payload={
                "pending": pending,
                "threshold": t.queue_backlog,
                "clears_at": t.queue_backlog_clear,
            },
        )
    ]


def job_failures(jobs: Sequence[FailedJob], t: AnomalyThresholds) -> list[Finding]:
    """SPEC §5 notification rule "job failed → error": one incident per job that failed
    with no retry left, within the lookback; it resolves when the job leaves `failed`
    (an operator retried it). Failures with a retry scheduled are not alerts yet."""
    recent = sorted((j for j in jobs if j.age_s <= t.job_failed_lookback_s), key=lambda j: j.age_s)
    return [
        Finding(
            incident_key=incident_key(JOB_FAILED, job.id),
            event_type=JOB_FAILED,
            severity=Severity.ERROR,
            message=(
                f"render instruction {job.id} ({job.template_name}) failed after "
                f"{job.attempt} attempt(s): {job.error_message}"
            )[:2000],
            payload={
                "instruction_id": job.id,
                "template_name": job.template_name,
                "attempt": job.attempt,
                "error": job.error_message[:1000],
            },
            subject_id=job.id,
        )
        for job in recent
    ]
