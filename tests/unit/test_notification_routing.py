"""Which channels a severity reaches, and the retry policy, without any network."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from wsop_hub.db.engine import create_engine
from wsop_hub.domain.enums import Severity
from wsop_hub.orchestration.notifications import (
    DASHBOARD,
    EMAIL,
    SEVERITY_CHANNELS,
    SLACK,
    Notification,
    Notifier,
    RetryPolicy,
    build_notifier,
)
from wsop_hub.settings import Settings


def make(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


def lazy_engine() -> AsyncEngine:
    """An engine that is never connected: building a notifier does no I/O."""
    return create_engine("postgresql://nobody@127.0.0.1:1/none")


def test_critical_reaches_email_slack_and_dashboard() -> None:
    assert SEVERITY_CHANNELS[Severity.CRITICAL] == {EMAIL, SLACK, DASHBOARD}


def test_error_reaches_slack_and_dashboard_but_no_email() -> None:
    assert SEVERITY_CHANNELS[Severity.ERROR] == {SLACK, DASHBOARD}


def test_warning_and_info_only_show_on_the_dashboard() -> None:
    assert SEVERITY_CHANNELS[Severity.WARNING] == {DASHBOARD}
    assert SEVERITY_CHANNELS[Severity.INFO] == {DASHBOARD}


def test_backoff_doubles_and_is_capped() -> None:
    policy = RetryPolicy(max_attempts=6, base_delay_s=1.0, max_delay_s=5.0)
    assert [policy.delay_s(n) for n in range(1, 6)] == [1.0, 2.0, 4.0, 5.0, 5.0]


async def test_unset_slack_and_smtp_leave_only_the_dashboard_channel() -> None:
    notifier = build_notifier(lazy_engine(), make(hub_slack_webhook_url="", hub_smtp_host=""))
    assert notifier.channel_names == [DASHBOARD]
    await notifier.aclose()


async def test_smtp_without_recipients_stays_disabled() -> None:
    settings = make(
        hub_slack_webhook_url="https://hooks.example.invalid/T/B/x",
        hub_smtp_host="smtp.example.invalid",
        hub_alert_emails=" , ",
    )
    notifier = build_notifier(lazy_engine(), settings)
    assert notifier.channel_names == [DASHBOARD, SLACK]
    await notifier.aclose()


def test_alert_emails_are_comma_separated() -> None:
    assert make(hub_alert_emails="a@x.org, b@x.org,,").alert_emails == ["a@x.org", "b@x.org"]


def test_a_notifier_without_channels_schedules_nothing() -> None:
    assert Notifier([]).notify(Notification(Severity.CRITICAL, "t", "m")) == 0
