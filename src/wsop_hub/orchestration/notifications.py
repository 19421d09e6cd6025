"""Alert delivery: which channels a severity reaches, and delivery that never blocks.

SPEC §5 (01-DATA_FLOW §8.2) names the severities: critical goes to e-mail, Slack and the
dashboard; an error (a job failed) is worth a Slack message; warnings and info only show
on the dashboard. Delivery runs in background tasks with bounded retries and backoff, so
a Slack outage or a dead SMTP server never stalls or crashes the anomaly detector: the
monitoring event is already committed, the notification is a courtesy on top of it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import smtplib
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any, Protocol

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from wsop_hub.db.uow import UnitOfWork
from wsop_hub.domain.enums import Severity
from wsop_hub.domain.models import MonitoringEvent
from wsop_hub.settings import Settings

log = logging.getLogger(__name__)

EMAIL, SLACK, DASHBOARD = "email", "slack", "dashboard"

SEVERITY_CHANNELS: Mapping[Severity, frozenset[str]] = {
    Severity.CRITICAL: frozenset({EMAIL, SLACK, DASHBOARD}),
    Severity.ERROR: frozenset({SLACK, DASHBOARD}),
    Severity.WARNING: frozenset({DASHBOARD}),
    Severity.INFO: frozenset({DASHBOARD}),
}

#: pg_notify payloads must stay under 8000 bytes; larger event payloads are left out
#: (the dashboard can fetch the event by id).
_MAX_DASHBOARD_PAYLOAD_BYTES = 4000


@dataclass(frozen=True)
class Notification:
    severity: Severity
    title: str
    message: str
    payload: dict[str, Any] = field(default_factory=dict)
    event_id: int | None = None
    incident_key: str | None = None
    source: str = "hub"

    @classmethod
    def from_event(cls, event: MonitoringEvent) -> Notification:
        return cls(
            severity=event.severity,
            title=event.event_type,
            message=event.message,
            payload=dict(event.payload),
            event_id=event.id,
            incident_key=event.incident_key,
            source=event.source,
        )

    @property
    def headline(self) -> str:
        return f"[{self.severity.value.upper()}] {self.title}: {self.message}"


class DeliveryError(Exception):
    """A delivery that may succeed if tried again (connection refused, 5xx, 429)."""


class PermanentDeliveryError(DeliveryError):
    """A delivery that will fail the same way every time (bad webhook URL, rejected recipient)."""


class Channel(Protocol):
    name: str

    async def send(self, notification: Notification) -> None: ...

    async def aclose(self) -> None: ...


class SlackWebhookChannel:
    """Slack incoming webhook: POST `{"text": ...}` as JSON."""

    name = SLACK

    def __init__(self, webhook_url: str, *, timeout_s: float = 5.0) -> None:
        self._url = webhook_url
        self._client = httpx.AsyncClient(timeout=timeout_s)

    async def send(self, notification: Notification) -> None:
        text = notification.headline
        if notification.event_id is not None:
            text += f" (event {notification.event_id})"
        try:
            response = await self._client.post(self._url, json={"text": text})
        except httpx.HTTPError as exc:
            raise DeliveryError(f"Slack webhook unreachable: {exc!r}") from exc
        if response.status_code == 429 or response.status_code >= 500:
            raise DeliveryError(f"Slack webhook answered {response.status_code}")
        if response.status_code >= 400:
            raise PermanentDeliveryError(
                f"Slack webhook refused the message: {response.status_code} {response.text[:200]}"
            )

    async def aclose(self) -> None:
        await self._client.aclose()


class EmailChannel:
    """SMTP with the standard library, in a thread so the event loop never waits on it."""

    name = EMAIL

    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        recipients: Sequence[str],
        *,
        username: str = "",
        password: str = "",
        starttls: bool = False,
        timeout_s: float = 10.0,
    ) -> None:
        self._host, self._port, self._sender = host, port, sender
        self._recipients = list(recipients)
        self._username, self._password, self._starttls = username, password, starttls
        self._timeout_s = timeout_s

    def _message(self, notification: Notification) -> EmailMessage:
        message = EmailMessage()
        message["Subject"] = f"[WSOP Hub] {notification.headline}"[:250]
        message["From"] = self._sender
        message["To"] = ", ".join(self._recipients)
        body = [notification.message, "", f"severity: {notification.severity.value}"]
        if notification.event_id is not None:
            body.append(f"monitoring event: {notification.event_id}")
        body += ["", json.dumps(notification.payload, indent=2, default=str)]
        message.set_content("\n".join(body))
        return message

    def _send_blocking(self, message: EmailMessage) -> None:
        with smtplib.SMTP(self._host, self._port, timeout=self._timeout_s) as smtp:
            if self._starttls:
                smtp.starttls()
            if self._username:
                smtp.login(self._username, self._password)
            smtp.send_message(message)

    async def send(self, notification: Notification) -> None:
        try:
            await asyncio.to_thread(self._send_blocking, self._message(notification))
        except smtplib.SMTPRecipientsRefused as exc:
            raise PermanentDeliveryError(f"every recipient was refused: {exc}") from exc
        except smtplib.SMTPResponseException as exc:
            if 500 <= exc.smtp_code < 600:
                raise PermanentDeliveryError(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}") from exc
            raise DeliveryError(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}") from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"SMTP server unreachable: {exc!r}") from exc

    async def aclose(self) -> None:
        return None


class DashboardChannel:
    """pg_notify on the events channel; every API process fans it out to its WebSockets."""

    name = DASHBOARD

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def send(self, notification: Notification) -> None:
        data: dict[str, Any] = {
            "severity": notification.severity.value,
            "title": notification.title,
            "message": notification.message[:1000],
            "event_id": notification.event_id,
            "incident_key": notification.incident_key,
            "source": notification.source,
        }
        encoded = json.dumps(notification.payload, default=str)
        if len(encoded.encode()) <= _MAX_DASHBOARD_PAYLOAD_BYTES:
            data["payload"] = notification.payload
        try:
            async with UnitOfWork(self._engine) as uow:
                await uow.emit("notification", data)
                await uow.commit()
        except Exception as exc:  # noqa: BLE001 - any database failure is worth a retry
            raise DeliveryError(f"pg_notify failed: {exc!r}") from exc

    async def aclose(self) -> None:
        return None


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded attempts; delay = base · 2^(attempt-1), capped."""

    max_attempts: int = 5
    base_delay_s: float = 1.0
    max_delay_s: float = 60.0

    def delay_s(self, attempt: int) -> float:
        return min(self.base_delay_s * 2 ** max(attempt - 1, 0), self.max_delay_s)


class Notifier:
    """Sends a notification to the channels its severity calls for, in the background.

    `notify` returns at once; `stats` counts outcomes per channel (`slack:delivered`,
    `email:retried`, `dashboard:failed`, `*:dropped`) for tests and diagnostics. At most
    `max_in_flight` deliveries are pending; beyond that new ones are dropped and logged
    rather than piling up in memory while a channel is down.
    """

    def __init__(
        self,
        channels: Sequence[Channel],
        *,
        routes: Mapping[Severity, frozenset[str]] = SEVERITY_CHANNELS,
        retry: RetryPolicy | None = None,
        max_in_flight: int = 1000,
    ) -> None:
        self._channels = {channel.name: channel for channel in channels}
        self._routes = routes
        self._retry = retry or RetryPolicy()
        self._max_in_flight = max_in_flight
        self._tasks: set[asyncio.Task[None]] = set()
        self.stats: Counter[str] = Counter()

    @property
    def channel_names(self) -> list[str]:
        return sorted(self._channels)

    @property
    def in_flight(self) -> int:
        return len(self._tasks)

    def notify(self, notification: Notification) -> int:
        """Schedule delivery on every configured channel of the severity; returns how many
        deliveries were scheduled. Channels not configured (no webhook, no SMTP) are skipped."""
        scheduled = 0
        for name in sorted(self._routes.get(notification.severity, frozenset())):
            channel = self._channels.get(name)
            if channel is None:
                continue
            if len(self._tasks) >= self._max_in_flight:
                self.stats[f"{name}:dropped"] += 1
                log.warning(
                    "notification to %s dropped (queue full): %s", name, notification.headline
                )
                continue
            task = asyncio.get_running_loop().create_task(self._deliver(channel, notification))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            scheduled += 1
        return scheduled

    async def _deliver(self, channel: Channel, notification: Notification) -> None:
        policy = self._retry
        for attempt in range(1, policy.max_attempts + 1):
            try:
                await channel.send(notification)
            except PermanentDeliveryError as exc:
                self.stats[f"{channel.name}:failed"] += 1
                log.error("%s: giving up on %r: %s", channel.name, notification.title, exc)
                return
            except Exception as exc:  # noqa: BLE001 - a channel bug must not kill the task silently
                if attempt == policy.max_attempts:
                    self.stats[f"{channel.name}:failed"] += 1
                    log.error(
                        "%s: giving up on %r after %d attempts: %s",
                        channel.name,
                        notification.title,
                        attempt,
                        exc,
                    )
                    return
                delay_s = policy.delay_s(attempt)
                self.stats[f"{channel.name}:retried"] += 1
                log.warning(
                    "%s: attempt %d failed (%s); retrying in %.1f s",
                    channel.name,
                    attempt,
                    exc,
                    delay_s,
                )
                await asyncio.sleep(delay_s)
            else:
                self.stats[f"{channel.name}:delivered"] += 1
                return

    async def drain(self, timeout_s: float) -> bool:
        """Wait for every pending delivery to finish; False if some were still running."""
        if not self._tasks:
            return True
        _, pending = await asyncio.wait(set(self._tasks), timeout=timeout_s)
        return not pending

    async def aclose(self, timeout_s: float = 5.0) -> None:
        """Give pending deliveries `timeout_s` to finish, cancel the rest, close channels."""
        if not await self.drain(timeout_s):
            tasks = list(self._tasks)
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            log.warning("notifier closed with undelivered notifications")
        for channel in self._channels.values():
            try:
                await channel.aclose()
            except Exception:  # noqa: BLE001 - closing is best effort
                log.exception("%s: could not close the channel", channel.name)


def build_notifier(engine: AsyncEngine, settings: Settings) -> Notifier:
    """The dashboard channel always; Slack and e-mail only when configured."""
    channels: list[Channel] = [DashboardChannel(engine)]
    if settings.hub_slack_webhook_url is not None:
        channels.append(SlackWebhookChannel(settings.hub_slack_webhook_url.get_secret_value()))
    if settings.hub_smtp_host.strip() and settings.alert_emails:
        channels.append(
            EmailChannel(
                settings.hub_smtp_host.strip(),
                settings.hub_smtp_port,
                settings.hub_smtp_from,
                settings.alert_emails,
                username=settings.hub_smtp_username,
                password=settings.hub_smtp_password.get_secret_value(),
                starttls=settings.hub_smtp_starttls,
            )
        )
    return Notifier(channels)
