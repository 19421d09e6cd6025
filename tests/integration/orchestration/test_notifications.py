"""Alert delivery to real local receivers: an SMTP server, an HTTP webhook, PostgreSQL
LISTEN; a receiver that is down is retried in the background and never blocks the detector."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import asyncpg
import pytest
from aiosmtpd.controller import Controller
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.integration.orchestration.conftest import FAST_RETRY, events, settled_attempts
from tests.waiting import eventually
from wsop_hub.domain.enums import Severity
from wsop_hub.orchestration.anomaly_detector import AnomalyDetector
from wsop_hub.orchestration.notifications import (
    DashboardChannel,
    Notification,
    Notifier,
    RetryPolicy,
    SlackWebhookChannel,
    build_notifier,
)
from wsop_hub.settings import Settings, asyncpg_url


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Inbox:
    """aiosmtpd handler: keeps every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], Message]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content)))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_inbox() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


class Webhook:
    """A Slack stand-in on 127.0.0.1: answers `fail_status` to the first `fail_first` POSTs."""

    def __init__(self, fail_first: int = 0, fail_status: int = 503) -> None:
        self.fail_first, self.fail_status = fail_first, fail_status
        self.attempts = 0
        self.received: list[dict[str, Any]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.attempts += 1
                if outer.attempts <= outer.fail_first:
                    self.send_response(outer.fail_status)
                else:
                    outer.received.append(json.loads(body))
                    self.send_response(200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/services/T0/B0/x"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def webhook() -> Iterator[Webhook]:
    hook = Webhook()
    yield hook
    hook.close()


@pytest.fixture
async def spike(engine: AsyncEngine) -> None:
    """An error-rate spike (critical) waiting to be detected."""
    await settled_attempts(engine, completed=7, failed=3, ago=timedelta(minutes=5))


@pytest.fixture
async def alerting_detector(
    engine: AsyncEngine, settings: Settings, smtp_inbox: tuple[Inbox, int], webhook: Webhook
) -> AsyncIterator[AnomalyDetector]:
    """A detector wired from settings exactly as the scheduler wires it."""
    configured = settings.model_copy(
        update={
            "hub_slack_webhook_url": SecretStr(webhook.url),
            "hub_smtp_host": "127.0.0.1",
            "hub_smtp_port": smtp_inbox[1],
            "hub_smtp_from": "hub@wsop.test",
            "hub_alert_emails": "td@wsop.test, ops@wsop.test",
        }
    )
    detector = AnomalyDetector(engine, configured, build_notifier(engine, configured))
    yield detector
    await detector.aclose()


async def test_a_critical_anomaly_is_emailed_and_posted_to_slack(
    engine: AsyncEngine,
    spike: None,
    alerting_detector: AnomalyDetector,
    smtp_inbox: tuple[Inbox, int],
    webhook: Webhook,
) -> None:
    inbox, _ = smtp_inbox
    await alerting_detector.run_once()
    await alerting_detector.run_once()  # the same incident: no second alert
    [event] = await events(engine, "error_rate_spike")

    async def delivered() -> bool:
        return bool(inbox.messages) and bool(webhook.received)

    await eventually(delivered, what="e-mail and Slack delivery")
    assert await alerting_detector.notifier.drain(5)
    [(recipients, message)] = inbox.messages
    assert recipients == ["td@wsop.test", "ops@wsop.test"]
    assert message["Subject"].startswith("[WSOP Hub] [CRITICAL] error_rate_spike")
    assert message["From"] == "hub@wsop.test"
    assert f"monitoring event: {event['id']}" in message.get_payload()
    [post] = webhook.received
    assert post["text"].startswith("[CRITICAL] error_rate_spike: 3 of 10 render attempts failed")


async def test_a_warning_reaches_neither_email_nor_slack(
    engine: AsyncEngine,
    alerting_detector: AnomalyDetector,
    smtp_inbox: tuple[Inbox, int],
    webhook: Webhook,
) -> None:
    await settled_attempts(engine, completed=25, ago=timedelta(minutes=90))  # throughput drop
    await alerting_detector.run_once()
    assert len(await events(engine, "throughput_drop")) == 1
    assert await alerting_detector.notifier.drain(5)
    assert smtp_inbox[0].messages == [] and webhook.received == []
    assert alerting_detector.notifier.stats["dashboard:delivered"] == 1


async def test_a_webhook_answering_503_is_retried_until_it_accepts(engine: AsyncEngine) -> None:
    hook = Webhook(fail_first=2)
    notifier = Notifier([SlackWebhookChannel(hook.url)], retry=FAST_RETRY)
    try:
        notifier.notify(Notification(Severity.CRITICAL, "error_rate_spike", "40% failed"))

        async def accepted() -> bool:
            return notifier.stats["slack:delivered"] == 1

        await eventually(accepted, what="delivery after two 503s")
        assert hook.attempts == 3 and notifier.stats["slack:retried"] == 2
    finally:
        await notifier.aclose()
        hook.close()


async def test_a_receiver_that_is_down_never_blocks_the_detector(
    engine: AsyncEngine, settings: Settings, spike: None
) -> None:
    down = f"http://127.0.0.1:{free_port()}/hook"  # nothing listens there
    slow_retry = RetryPolicy(max_attempts=4, base_delay_s=0.5, max_delay_s=1.0)
    notifier = Notifier([DashboardChannel(engine), SlackWebhookChannel(down)], retry=slow_retry)
    detector = AnomalyDetector(engine, settings, notifier)
    try:
        findings = await asyncio.wait_for(detector.run_once(), timeout=5)
        assert [f.event_type for f in findings] == ["error_rate_spike"]
        # The cycle is over and the event committed while Slack is still being retried.
        assert notifier.in_flight >= 1 and notifier.stats["slack:delivered"] == 0
        assert len(await events(engine, "error_rate_spike")) == 1

        async def given_up() -> bool:
            return notifier.stats["slack:failed"] == 1

        await eventually(given_up, what="bounded retries to end", timeout_s=15)
        assert notifier.stats["slack:retried"] == 3
        assert notifier.stats["dashboard:delivered"] == 1
        assert await detector.run_once() != []  # and the detector goes on
    finally:
        await detector.aclose()


async def test_a_webhook_refusing_the_message_is_not_retried(engine: AsyncEngine) -> None:
    hook = Webhook(fail_first=99, fail_status=404)  # e.g. a revoked webhook URL
    notifier = Notifier([SlackWebhookChannel(hook.url)], retry=FAST_RETRY)
    try:
        notifier.notify(Notification(Severity.ERROR, "job_failed", "render 17 failed"))

        async def failed() -> bool:
            return notifier.stats["slack:failed"] == 1

        await eventually(failed, what="a permanent failure")
        assert hook.attempts == 1 and notifier.stats["slack:retried"] == 0
    finally:
        await notifier.aclose()
        hook.close()


async def test_the_dashboard_channel_notifies_websocket_listeners(
    engine: AsyncEngine, database_url: str
) -> None:
    received: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    conn = await asyncpg.connect(asyncpg_url(database_url))
    await conn.add_listener("wsop_events", lambda *args: received.put_nowait(json.loads(args[3])))
    notifier = Notifier([DashboardChannel(engine)])
    try:
        notifier.notify(
            Notification(
                Severity.WARNING,
                "pending_delay",
                "instruction 9 pending for 41 min",
                payload={"instruction_id": 9},
                event_id=5,
            )
        )
        message = await asyncio.wait_for(received.get(), timeout=10)
        assert message["type"] == "notification"
        assert message["data"]["severity"] == "warning" and message["data"]["event_id"] == 5
        assert message["data"]["payload"] == {"instruction_id": 9}
    finally:
        await notifier.aclose()
        await conn.close()
