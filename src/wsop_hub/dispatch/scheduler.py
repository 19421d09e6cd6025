"""`wsop-hub scheduler`: the outbox relay, the periodic recovery loops, the anomaly detector
and the sync schedules (SPEC §6).

Each loop is independent: one failing iteration is logged (and recorded as a monitoring
event when PostgreSQL is there to take it) and the loop goes on.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine

from wsop_hub.db.uow import UnitOfWork
from wsop_hub.dispatch.outage import DB_ERRORS
from wsop_hub.dispatch.reaper import reap_expired_leases, seconds_to_next_expiry
from wsop_hub.dispatch.relay import OutboxRelay
from wsop_hub.dispatch.retry_timer import release_due_retries
from wsop_hub.dispatch.sweeper import prune_logs, sweep_unclaimed
from wsop_hub.domain.enums import Severity
from wsop_hub.domain.models import MonitoringEventIn
from wsop_hub.ingest.sync import SyncScheduler
from wsop_hub.ingest.sync_jobs import build_jobs
from wsop_hub.orchestration.anomaly_detector import AnomalyDetector
from wsop_hub.orchestration.notifications import build_notifier
from wsop_hub.redis_keys import RedisKeys
from wsop_hub.settings import Settings

log = logging.getLogger(__name__)

RETRY_TIMER_INTERVAL_S = 1.0
PRUNE_INTERVAL_S = 3600.0
#: How often the scheduler looks for due syncs (a manual trigger waits at most this long).
SYNC_CHECK_INTERVAL_S = 5.0


class Scheduler:
    def __init__(
        self, engine: AsyncEngine, redis: Redis, settings: Settings, database_url: str
    ) -> None:
        self._engine = engine
        self._settings = settings
        self._stopping = asyncio.Event()
        self.relay = OutboxRelay(engine, redis, RedisKeys(settings.hub_redis_prefix), database_url)
        notifier = build_notifier(engine, settings)
        self.anomaly_detector = AnomalyDetector(engine, settings, notifier)
        self.sync = SyncScheduler(engine, build_jobs(engine, settings), notifier=notifier)

    def stop(self) -> None:
        self._stopping.set()
        self.relay.stop()

    async def run(self) -> None:
        s = self._settings
        loops = [
            self.relay.run(),
            self._every(
                "reaper",
                s.hub_reaper_interval_s,
                lambda: reap_expired_leases(self._engine),
                wake_hint=self._next_reap_in_s,
            ),
            self._every(
                "retry-timer", RETRY_TIMER_INTERVAL_S, lambda: release_due_retries(self._engine)
            ),
            self._every(
                "sweeper",
                max(s.hub_sweeper_after_s / 2, 1.0),
                lambda: sweep_unclaimed(self._engine, s.hub_sweeper_after_s),
            ),
            self._every("prune", PRUNE_INTERVAL_S, lambda: prune_logs(self._engine)),
            self._every(
                "anomaly-detector", s.hub_anomaly_interval_s, self.anomaly_detector.run_cycle
            ),
            self._every("sync", SYNC_CHECK_INTERVAL_S, self.sync.run_due),
        ]
        try:
            await asyncio.gather(*loops)
        finally:
            await self.anomaly_detector.aclose()  # lets pending alerts go out, then gives up

    async def _next_reap_in_s(self) -> float:
        """When the earliest lease expires; with nothing processing, a job claimed now
        expires one lease from now at the soonest."""
        next_expiry_s = await seconds_to_next_expiry(self._engine)
        return self._settings.hub_lease_s if next_expiry_s is None else next_expiry_s

    async def _every(
        self,
        name: str,
        interval_s: float,
        action: Callable[[], Awaitable[int]],
        wake_hint: Callable[[], Awaitable[float | None]] | None = None,
    ) -> None:
        """Run `action` every `interval_s`; `wake_hint` may bring the next run forward
        (the reaper wakes when the earliest lease expires, not up to a whole interval later)."""
        while not self._stopping.is_set():
            sleep_s = interval_s
            try:
                await action()
                hint_s = await wake_hint() if wake_hint is not None else None
                if hint_s is not None:
                    sleep_s = min(interval_s, max(hint_s + 0.02, 0.02))
            except DB_ERRORS as exc:
                log.warning(
                    "%s: PostgreSQL unavailable (%s); next try in %.0f s", name, exc, interval_s
                )
            except Exception as exc:  # noqa: BLE001 - a loop never dies on one bad iteration
                log.exception("%s: iteration failed", name)
                await self._record_failure(name, exc)
            try:
                await asyncio.wait_for(self._stopping.wait(), timeout=sleep_s)
            except TimeoutError:
                pass

    async def _record_failure(self, name: str, exc: Exception) -> None:
        try:
            async with UnitOfWork(self._engine) as uow:
                await uow.events.record(
                    MonitoringEventIn(
                        event_type="scheduler_error",
                        severity=Severity.ERROR,
                        source=name,
                        message=f"{exc.__class__.__name__}: {exc}"[:2000],
                    )
                )
                await uow.commit()
        except Exception:  # noqa: BLE001
            log.exception("%s: could not record the failure", name)
