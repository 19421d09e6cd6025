"""Render worker: stream consumer, PostgreSQL claim, lease heartbeat, fenced settlement.

The stream is a doorbell: each message says "there is pending work". For every message
read, the worker claims the best pending job in PostgreSQL (priority, then age; SKIP
LOCKED), so a priority-1 job overtakes any backlog whatever the stream order. Messages are
acknowledged after the claim commits; a duplicate or stale message claims nothing and is
simply acknowledged. While Redis is unreachable the worker claims straight from PostgreSQL
on a short poll, and returns to the stream when Redis is back.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import socket
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from redis.asyncio import Redis
from redis.exceptions import ResponseError
from sqlalchemy.ext.asyncio import AsyncEngine

from wsop_hub.db.repositories.instructions import Transition
from wsop_hub.db.uow import UnitOfWork
from wsop_hub.dispatch.backends import JobContext, PermanentRenderError, RenderBackend, RenderResult
from wsop_hub.dispatch.claims import ClaimStore
from wsop_hub.dispatch.outage import DB_ERRORS, REDIS_ERRORS, OutageTracker
from wsop_hub.dispatch.service import announce, publish_change
from wsop_hub.domain.enums import RenderStatus
from wsop_hub.domain.models import RenderInstruction
from wsop_hub.domain.transitions import retry_delay_s
from wsop_hub.redis_keys import RENDER_GROUP, RedisKeys

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class WorkerConfig:
    concurrency: int = 4
    lease_s: float = 60.0
    heartbeat_interval_s: float = 10.0
    retry_backoff_base_s: float = 60.0
    block_ms: int = 1000
    autoclaim_idle_ms: int = 15_000
    autoclaim_every_s: float = 5.0
    fallback_poll_s: float = 0.5
    redis_probe_every_s: float = 2.0
    shutdown_grace_s: float = 20.0
    #: Shortest gap between two `render_progress` events of one job (first and last always go).
    progress_interval_s: float = 0.25


class ProgressReporter:
    """`render_progress` events of one job attempt, throttled, in order, off the render path.

    The backend calls it from any thread (the built-in renderer from its render thread);
    each call hops onto the event loop with `call_soon_threadsafe`, where the throttle keeps
    the first report, the last (`done == total`) and at most one per `interval_s` in
    between. A single task writes the kept events through `UnitOfWork.emit`, so a slow
    database delays progress events, never the render. Progress is best-effort: an event
    that cannot be written is logged and dropped; the job's state changes do not depend on it.
    """

    def __init__(
        self,
        engine: AsyncEngine,
        job: RenderInstruction,
        interval_s: float,
        loop: asyncio.AbstractEventLoop,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._engine = engine
        self._job = job
        self._interval_s = interval_s
        self._loop = loop
        self._clock = clock
        self._queue: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()
        self._last_sent_at: float | None = None
        self.done = 0
        self.total = 0
        self.emitted = 0
        self._writer = loop.create_task(self._write(), name=f"progress-{job.id}")

    def __call__(self, done: int, total: int, stage: str = "rendering") -> None:
        try:
            self._loop.call_soon_threadsafe(self._offer, done, total, stage)
        except RuntimeError:
            pass  # the loop is closed: the worker is gone and nobody is listening

    def _offer(self, done: int, total: int, stage: str) -> None:
        self.done, self.total = done, total
        now, previous = self._clock(), self._last_sent_at
        last = total > 0 and done >= total
        if previous is None or last or now - previous >= self._interval_s:
            self._last_sent_at = now
            self._queue.put_nowait(self._event(stage))

    def stage(self, stage: str) -> None:
        """A lifecycle event (`started`, `completed`, `failed`), never throttled; queued
        behind any report the render thread has already handed to the loop."""
        self._loop.call_soon(self._stage, stage)

    def _stage(self, stage: str) -> None:
        if stage == "completed" and self.total:
            self.done = self.total
        self._queue.put_nowait(self._event(stage, 100.0 if stage == "completed" else None))

    def _event(self, stage: str, percent: float | None = None) -> dict[str, Any]:
        if percent is None:
            percent = round(100.0 * self.done / self.total, 1) if self.total else 0.0
        return {
            "instruction_id": self._job.id,
            "attempt": self._job.attempt,
            "frame": self.done,
            "total": self.total,
            "percent": percent,
            "stage": stage,
        }

    async def _write(self) -> None:
        while (event := await self._queue.get()) is not None:
            try:
                async with UnitOfWork(self._engine, single_statement=True) as uow:
                    await uow.emit("render_progress", event)
                self.emitted += 1
            except DB_ERRORS as exc:
                log.warning(
                    "job %d: render_progress %s not sent (%s)", self._job.id, event["stage"], exc
                )

    async def close(self, timeout_s: float = 5.0) -> None:
        """Send what is queued (bounded by `timeout_s`), then stop the writer."""
        self._loop.call_soon(self._queue.put_nowait, None)
        try:
            await asyncio.wait_for(asyncio.shield(self._writer), timeout_s)
        except TimeoutError:
            log.warning("job %d: dropping unsent render_progress events", self._job.id)
            self._writer.cancel()


@dataclass
class RunningJob:
    job: RenderInstruction
    ctx: JobContext
    task: asyncio.Task[None] | None = None
    #: "running", "lost" (cancelled or reaped: write nothing) or "releasing" (shutdown).
    state: str = "running"
    started_monotonic: float = field(default_factory=time.monotonic)
    #: Set when the backend reports progress (`reports_progress = True`).
    progress: ProgressReporter | None = None


def new_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Worker:
    def __init__(
        self,
        engine: AsyncEngine,
        redis: Redis,
        keys: RedisKeys,
        backend: RenderBackend,
        config: WorkerConfig,
        claims: ClaimStore,
        *,
        worker_id: str | None = None,
    ) -> None:
        self._engine = engine
        self._claims = claims
        self._redis = redis
        self._keys = keys
        self._backend = backend
        self.config = config
        self.worker_id = worker_id or new_worker_id()
        self.running: dict[int, RunningJob] = {}
        self._stopping = asyncio.Event()
        self._slot_freed = asyncio.Event()
        self._group_ready = False
        self._last_autoclaim = 0.0
        self._last_reported: tuple[str, list[int]] | None = None
        self._last_redis_probe = 0.0
        self.redis_outage = OutageTracker(
            engine, who=self.worker_id, dependency="Redis", event_type="dispatch_fallback"
        )
        self.completed_count = 0

    # -- lifecycle ------------------------------------------------------------------------

    def stop(self) -> None:
        """Stop taking work; running jobs finish (or are released after the grace period)."""
        self._stopping.set()
        self._slot_freed.set()

    @property
    def in_fallback(self) -> bool:
        return self.redis_outage.down

    async def run(self) -> None:
        await self._with_db_retry(self._register, "register")
        heartbeat = asyncio.create_task(self._heartbeat_loop(), name="heartbeat")
        try:
            while not self._stopping.is_set():
                await self._wait_for_free_slot()
                if self._stopping.is_set():
                    break
                try:
                    if self.in_fallback:
                        await self._fallback_iteration()
                    else:
                        await self._stream_iteration()
                except REDIS_ERRORS as exc:
                    self._group_ready = False
                    await self.redis_outage.mark_down(exc, "claiming straight from PostgreSQL")
                except DB_ERRORS as exc:
                    log.warning(
                        "%s: PostgreSQL error while claiming (%s); backing off", self.worker_id, exc
                    )
                    await self._pause(1.0)
        finally:
            await self._drain_on_shutdown()
            heartbeat.cancel()
            try:
                await heartbeat
            except asyncio.CancelledError:
                pass
            await self._with_db_retry(self._deregister, "deregister", attempts=5)
            close = getattr(self._backend, "aclose", None)
            if close is not None:
                await close()

    async def _wait_for_free_slot(self) -> None:
        while len(self.running) >= self.config.concurrency and not self._stopping.is_set():
            self._slot_freed.clear()
            await self._slot_freed.wait()

    # -- the two ways of finding work -----------------------------------------------------

    async def _ensure_group(self) -> None:
        if self._group_ready:
            return
        try:
            await self._redis.xgroup_create(
                self._keys.render_queue, RENDER_GROUP, id="0", mkstream=True
            )
        except ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise
        self._group_ready = True

    async def _stream_iteration(self) -> None:
        await self._ensure_group()
        free = self.config.concurrency - len(self.running)
        message_ids = await self._read_messages(free)
        if not message_ids:
            return
        jobs = await self._claim(len(message_ids))
        # Acknowledge after the claim committed: a crash before this leaves the messages
        # pending, and XAUTOCLAIM hands them to a live worker.
        await self._redis.xack(self._keys.render_queue, RENDER_GROUP, *message_ids)
        for job in jobs:
            self._start(job)

    async def _read_messages(self, count: int) -> list[str]:
        ids: list[str] = []
        now = time.monotonic()
        if now - self._last_autoclaim >= self.config.autoclaim_every_s:
            self._last_autoclaim = now
            reply = await self._redis.xautoclaim(
                self._keys.render_queue,
                RENDER_GROUP,
                self.worker_id,
                min_idle_time=self.config.autoclaim_idle_ms,
                start_id="0-0",
                count=count,
            )
            # Redis 6.2 answers [next, messages]; 7 adds [deleted ids].
            ids.extend(_ids(reply[1]))
            if ids:
                log.info("%s: took over %d stuck messages", self.worker_id, len(ids))
        if len(ids) < count:
            reply = await self._redis.xreadgroup(
                RENDER_GROUP,
                self.worker_id,
                {self._keys.render_queue: ">"},
                count=count - len(ids),
                block=self.config.block_ms,
            )
            for _stream, messages in reply or []:
                ids.extend(_ids(messages))
        return ids

    async def _fallback_iteration(self) -> None:
        now = time.monotonic()
        if now - self._last_redis_probe >= self.config.redis_probe_every_s:
            self._last_redis_probe = now
            try:
                # Connections pooled before the outage are dead; start from fresh ones.
                await self._redis.connection_pool.disconnect()
                await self._redis.ping()
                await self._ensure_group()
            except REDIS_ERRORS:
                pass
            else:
                await self.redis_outage.mark_up("back to the render queue stream")
                return
        free = self.config.concurrency - len(self.running)
        jobs = await self._claim(free)
        for job in jobs:
            self._start(job)
        if not jobs:
            await self._pause(self.config.fallback_poll_s)

    async def _claim(self, count: int) -> list[RenderInstruction]:
        return await self._claims.claim_next(self.worker_id, self.config.lease_s, count)

    # -- running a job --------------------------------------------------------------------

    def _start(self, job: RenderInstruction) -> None:
        ctx = JobContext(worker_id=self.worker_id, attempt=job.attempt)
        entry = RunningJob(job=job, ctx=ctx)
        if getattr(self._backend, "reports_progress", False):
            entry.progress = ProgressReporter(
                self._engine, job, self.config.progress_interval_s, asyncio.get_running_loop()
            )
            ctx.progress = entry.progress
        self.running[job.id] = entry
        entry.task = asyncio.create_task(self._run_job(entry), name=f"job-{job.id}")

    async def _run_job(self, entry: RunningJob) -> None:
        job, progress = entry.job, entry.progress
        settled: str | None = None
        if progress is not None:
            progress.stage("started")
        try:
            try:
                result = await self._backend.render(job, entry.ctx)
            except asyncio.CancelledError:
                return  # lost the job (cancel/reap) or shutting down: settled elsewhere
            except PermanentRenderError as exc:
                if await self._settle_failure(entry, f"{exc}", retryable=False):
                    settled = "failed"
            except Exception as exc:  # noqa: BLE001 - any render error fails this attempt only
                log.warning(
                    "%s: job %d attempt %d failed: %r", self.worker_id, job.id, job.attempt, exc
                )
                if await self._settle_failure(
                    entry, f"{exc.__class__.__name__}: {exc}", retryable=True
                ):
                    settled = "failed"
            else:
                if await self._settle_success(entry, result):
                    settled = "completed"
        finally:
            if progress is not None:
                if settled is not None:
                    progress.stage(settled)
                await progress.close()
            if entry.state != "releasing":
                self.running.pop(job.id, None)
                self._slot_freed.set()

    async def _settle_success(self, entry: RunningJob, result: RenderResult | None) -> bool:
        """Record the result; False when the attempt was no longer ours (fenced out)."""
        job = entry.job
        duration_ms = int((time.monotonic() - entry.started_monotonic) * 1000)
        done = await self._settle(
            entry,
            lambda: self._claims.complete(job, self.worker_id, result, duration_ms),
            "complete",
        )
        if done is None:
            log.warning(
                "%s: job %d attempt %d no longer ours; result discarded",
                self.worker_id,
                job.id,
                job.attempt,
            )
            discard = getattr(self._backend, "discard", None)
            if result is not None and discard is not None:
                await discard(result)
            return False
        self.completed_count += 1
        return True

    async def _settle_failure(self, entry: RunningJob, error: str, *, retryable: bool) -> bool:
        """Record the failure (with a retry when `retryable` and retries remain); False when
        the attempt was no longer ours."""
        job = entry.job
        retry_in_s = (
            retry_delay_s(self.config.retry_backoff_base_s, job.retry_count)
            if retryable and job.retry_count < job.max_retries
            else None
        )
        failed = await self._settle(
            entry, lambda: self._claims.fail(job, self.worker_id, error, retry_in_s), "fail"
        )
        return failed is not None

    async def _settle(
        self, entry: RunningJob, write: Callable[[], Awaitable[T]], what: str
    ) -> T | None:
        """Write the outcome, retrying through a PostgreSQL outage while the lease could
        still be ours. Past that the reaper settles the job (it runs again: renders are
        idempotent), so nothing is lost."""
        deadline = time.monotonic() + self.config.lease_s * 2
        delay_s = 0.2
        while True:
            try:
                return await write()
            except DB_ERRORS as exc:
                if time.monotonic() > deadline or entry.state == "lost":
                    log.error(
                        "%s: could not %s job %d (%s); leaving it to the reaper",
                        self.worker_id,
                        what,
                        entry.job.id,
                        exc,
                    )
                    return None
                log.warning(
                    "%s: %s of job %d failed (%s); retrying",
                    self.worker_id,
                    what,
                    entry.job.id,
                    exc,
                )
                await asyncio.sleep(delay_s * (0.8 + 0.4 * random.random()))
                delay_s = min(delay_s * 2, 5.0)

    # -- heartbeat ------------------------------------------------------------------------

    async def _heartbeat_loop(self) -> None:
        while True:
            await asyncio.sleep(self.config.heartbeat_interval_s)
            try:
                await self.heartbeat()
            except Exception as exc:  # noqa: BLE001 - the loop must outlive any one failure
                log.warning("%s: heartbeat failed (%s)", self.worker_id, exc)

    async def heartbeat(self) -> None:
        """Extend the lease of every job held; stop the renders whose job is gone."""
        held = [
            (job_id, e.job.attempt) for job_id, e in self.running.items() if e.state == "running"
        ]
        still_held = await self._claims.extend_leases(self.worker_id, held, self.config.lease_s)
        job_ids = [i for i, _ in held]
        worker_status = "stopping" if self._stopping.is_set() else "active"
        async with UnitOfWork(self._engine) as uow:
            registered = await uow.workers.heartbeat(self.worker_id, job_ids, worker_status)
            if not registered:
                await self._register_in(uow)
            elif (worker_status, sorted(job_ids)) != self._last_reported:
                await self._emit_worker_updated(uow, worker_status, job_ids)
            await uow.commit()
        for job_id, attempt in held:
            if (job_id, attempt) not in still_held:
                entry = self.running.get(job_id)
                if entry is not None and entry.state == "running":
                    log.warning(
                        "%s: job %d attempt %d was cancelled or reaped; stopping its render",
                        self.worker_id,
                        job_id,
                        attempt,
                    )
                    entry.state = "lost"
                    entry.ctx.cancelled.set()
                    if entry.task is not None:
                        entry.task.cancel()

    # -- registration and shutdown --------------------------------------------------------

    async def _register(self) -> None:
        async with UnitOfWork(self._engine) as uow:
            await self._register_in(uow)
            await uow.commit()

    async def _register_in(self, uow: UnitOfWork) -> None:
        await uow.workers.register(
            self.worker_id,
            role="ae",
            hostname=socket.gethostname(),
            pid=os.getpid(),
            concurrency=self.config.concurrency,
        )
        await self._emit_worker_updated(uow, "active", list(self.running))

    async def _deregister(self) -> None:
        async with UnitOfWork(self._engine) as uow:
            await uow.workers.deregister(self.worker_id)
            await self._emit_worker_updated(uow, "gone", [])
            await uow.commit()

    async def _emit_worker_updated(
        self, uow: UnitOfWork, worker_status: str, job_ids: list[int]
    ) -> None:
        """`worker_updated` when the worker appears, leaves, or its jobs change; not on
        every heartbeat (the dashboard derives heartbeat age from `GET /api/workers`)."""
        self._last_reported = (worker_status, sorted(job_ids))
        await uow.emit(
            "worker_updated",
            {
                "id": self.worker_id,
                "status": worker_status,
                "current_job_ids": sorted(job_ids),
                "concurrency": self.config.concurrency,
            },
        )

    async def _drain_on_shutdown(self) -> None:
        """Let running jobs finish within the grace period; release the rest to pending."""
        tasks = [e.task for e in self.running.values() if e.task is not None]
        if tasks:
            log.info(
                "%s: stopping; waiting up to %.0f s for %d running jobs",
                self.worker_id,
                self.config.shutdown_grace_s,
                len(tasks),
            )
            await asyncio.wait(tasks, timeout=self.config.shutdown_grace_s)
        leftovers = [e for e in self.running.values() if e.state == "running"]
        for entry in leftovers:
            entry.state = "releasing"
            entry.ctx.cancelled.set()
            if entry.task is not None:
                entry.task.cancel()
        if leftovers:
            await asyncio.gather(
                *(e.task for e in leftovers if e.task is not None), return_exceptions=True
            )
            await self._with_db_retry(lambda: self._release(leftovers), "release", attempts=5)
        self.running.clear()

    async def _release(self, entries: list[RunningJob]) -> None:
        async with UnitOfWork(self._engine) as uow:
            for entry in entries:
                job = await uow.instructions.release(entry.job.id, entry.job.attempt)
                if job is None:
                    continue
                await uow.instructions.add_history(
                    [
                        Transition(
                            job.id,
                            RenderStatus.PROCESSING,
                            RenderStatus.PENDING,
                            entry.job.attempt,
                            self.worker_id,
                            "released: worker shutting down (no retry consumed)",
                        )
                    ]
                )
                await announce(uow, job)
                await publish_change(uow, job)
            await uow.commit()

    async def _with_db_retry(
        self, action: Callable[[], Awaitable[Any]], what: str, attempts: int = 0
    ) -> None:
        """Retry through a PostgreSQL outage with backoff; attempts=0 means until stopped."""
        delay_s, tried = 0.2, 0
        while True:
            try:
                await action()
                return
            except DB_ERRORS as exc:
                tried += 1
                if attempts and tried >= attempts:
                    log.error(
                        "%s: giving up on %s after %d attempts (%s)",
                        self.worker_id,
                        what,
                        tried,
                        exc,
                    )
                    return
                log.warning(
                    "%s: %s failed (%s); retrying in %.1f s", self.worker_id, what, exc, delay_s
                )
                await asyncio.sleep(delay_s)
                delay_s = min(delay_s * 2, 10.0)

    async def _pause(self, seconds: float) -> None:
        try:
            await asyncio.wait_for(self._stopping.wait(), timeout=seconds)
        except TimeoutError:
            pass


def _ids(messages: Any) -> list[str]:
    return [m[0].decode() if isinstance(m[0], bytes) else str(m[0]) for m in messages or [] if m]
