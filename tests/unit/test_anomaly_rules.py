"""The SPEC §5 anomaly rules on plain numbers: when each fires, and its boundaries."""

from __future__ import annotations

import pytest

from wsop_hub.domain.enums import Severity
from wsop_hub.orchestration import anomaly_rules as rules
from wsop_hub.orchestration.anomaly_rules import (
    AnomalyThresholds,
    PremiumHand,
    WaitingJob,
    error_rate_spike,
    incident_key,
    orphan_premium_hands,
    pending_delay,
    throughput_drop,
)

T = AnomalyThresholds()


# -- delay: pending > 30 min ------------------------------------------------------------


def test_a_job_pending_longer_than_the_delay_is_a_warning_keyed_by_its_id() -> None:
    [finding] = pending_delay([WaitingJob(7, priority=6, waited_s=1801, template_name="LB")], T)
    assert finding.incident_key == "anomaly:pending_delay:7"
    assert finding.severity is Severity.WARNING and finding.subject_id == 7
    assert finding.payload["priority"] == 6 and "pending for 30 min" in finding.message


def test_a_job_pending_exactly_the_delay_is_not_yet_delayed() -> None:
    assert pending_delay([WaitingJob(1, 5, waited_s=1800.0)], T) == []


def test_delayed_jobs_are_reported_oldest_first_and_fresh_ones_ignored() -> None:
    jobs = [WaitingJob(1, 5, 2000), WaitingJob(2, 5, 60), WaitingJob(3, 5, 5000)]
    assert [f.subject_id for f in pending_delay(jobs, T)] == [3, 1]


def test_the_delay_threshold_is_configurable() -> None:
    assert pending_delay([WaitingJob(1, 5, 61)], AnomalyThresholds(pending_delay_s=60)) != []


# -- orphan data: premium hand with no render instruction -------------------------------


def test_an_orphan_premium_hand_past_its_grace_period_is_reported() -> None:
    [finding] = orphan_premium_hands([PremiumHand(42, "T1", 118, age_s=60.0)], T)
    assert finding.incident_key == incident_key("orphan_premium_hand", 42)
    assert finding.payload["hand_number"] == 118 and finding.subject_id == 42


def test_a_premium_hand_within_its_grace_period_is_not_an_orphan_yet() -> None:
    assert orphan_premium_hands([PremiumHand(1, "T1", 1, age_s=59.9)], T) == []


def test_a_premium_hand_older_than_the_lookback_is_left_alone() -> None:
    day = AnomalyThresholds().orphan_lookback_s
    assert orphan_premium_hands([PremiumHand(1, "T1", 1, age_s=day + 1)], T) == []
    assert orphan_premium_hands([PremiumHand(1, "T1", 1, age_s=day)], T) != []


# -- error-rate spike: failed > 10 % over 1 h -------------------------------------------


def test_an_error_rate_above_the_threshold_is_critical() -> None:
    [finding] = error_rate_spike(failed=2, settled=10, t=T, retry_scheduled=1)
    assert finding.incident_key == "anomaly:error_rate_spike"
    assert finding.severity is Severity.CRITICAL
    assert finding.payload["error_rate"] == 0.2 and finding.payload["retry_scheduled"] == 1
    assert "retry timer" in finding.payload["remediation"]


def test_an_error_rate_exactly_at_the_threshold_is_not_a_spike() -> None:
    assert error_rate_spike(failed=1, settled=10, t=T) == []
    assert error_rate_spike(failed=11, settled=100, t=T) != []


def test_one_failure_out_of_two_is_too_small_a_sample_to_be_a_spike() -> None:
    assert error_rate_spike(failed=1, settled=2, t=T) == []
    assert error_rate_spike(failed=9, settled=9, t=T) == []
    assert error_rate_spike(failed=9, settled=10, t=T) != []


def test_no_settled_work_is_no_spike() -> None:
    assert error_rate_spike(failed=0, settled=0, t=AnomalyThresholds(error_min_settled=1)) == []


# -- throughput drop: this hour < previous hour x 0.5 -----------------------------------


def test_completions_below_half_of_the_previous_hour_are_a_drop() -> None:
    [finding] = throughput_drop(current=9, previous=20, t=T)
    assert finding.incident_key == "anomaly:throughput_drop"
    assert finding.severity is Severity.WARNING and finding.payload["ratio"] == 0.45


def test_exactly_half_of_the_previous_hour_is_not_a_drop() -> None:
    assert throughput_drop(current=10, previous=20, t=T) == []


def test_a_quiet_previous_hour_cannot_make_a_drop() -> None:
    assert throughput_drop(current=0, previous=19, t=T) == []
    assert throughput_drop(current=0, previous=20, t=T) != []


def test_the_drop_ratio_is_configurable() -> None:
    strict = AnomalyThresholds(throughput_drop_ratio=0.9)
    assert throughput_drop(current=17, previous=20, t=strict) != []


# -- thresholds -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "values",
    [
        {"error_rate": 0},
        {"error_rate": 1.5},
        {"throughput_drop_ratio": 0},
        {"throughput_drop_ratio": 1.1},
        {"pending_delay_s": 0},
        {"error_min_settled": 0},
    ],
)
def test_nonsense_thresholds_are_refused(values: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        AnomalyThresholds(**values)  # type: ignore[arg-type]


def test_thresholds_are_frozen() -> None:
    with pytest.raises(AttributeError):
        T.error_rate = 0.5  # type: ignore[misc]


def test_queue_backlog_opens_above_the_threshold_and_clears_at_the_lower_level() -> None:
    t = AnomalyThresholds(queue_backlog=10, queue_backlog_clear=5)
    assert rules.queue_backlog(10, t, incident_open=False) == []
    [finding] = rules.queue_backlog(11, t, incident_open=False)
    assert finding.severity == "warning" and finding.payload["pending"] == 11
    assert rules.queue_backlog(6, t, incident_open=True) != []
    assert rules.queue_backlog(5, t, incident_open=True) == []
    with pytest.raises(ValueError, match="queue_backlog_clear"):
        AnomalyThresholds(queue_backlog=10, queue_backlog_clear=11)


def test_job_failures_are_per_job_errors_within_the_lookback() -> None:
    t = AnomalyThresholds(job_failed_lookback_s=3600)
    jobs = [
        rules.FailedJob(1, "Payouts", 3, "boom", age_s=7200),
        rules.FailedJob(2, "Elimination", 1, "template not found", age_s=30),
    ]
    [finding] = rules.job_failures(jobs, t)
    assert finding.incident_key == "anomaly:job_failed:2" and finding.severity == "error"
    assert finding.subject_id == 2
