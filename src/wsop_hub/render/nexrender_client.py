"""HTTP client of a Nexrender server (`@nexrender/server` 1.38 API) and job following.

Facts of the real server this client relies on (checked against its source):
- every route but `/api/v1/health` needs the `nexrender-secret` header, else 403;
- `POST /api/v1/jobs` answers the stored job (with `uid`, state `queued`), 400 with the
  validator's assertion for a malformed job;
- `GET /api/v1/jobs/{uid}` answers an unknown uid with **200 and an empty body**;
- `DELETE /api/v1/jobs/{uid}` always answers 200, known uid or not;
- a worker moves a job through `picked` (pickup), `started`, `render:<step>` (the
  reference worker only reports `render:dorender`, with each progress update), then
  `finished` or `error` (with `error` a list of messages). `renderProgress` is a percent,
  0–100 (`@nexrender/core` tasks/render.js: `Math.ceil(elapsed * 100 / duration)`), not
  the 0–1 fraction the old module assumed.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from types import TracebackType
from typing import Any

import httpx

from wsop_hub.render.nexrender_errors import (
    NexrenderCancelledError,
    NexrenderError,
    NexrenderJobVanishedError,
    NexrenderRetryableError,
    error_for,
    error_for_status,
)
from wsop_hub.render.nexrender_job import NexrenderConfig

log = logging.getLogger(__name__)


class NexrenderStage(StrEnum):
    """Our coarse view of a Nexrender state, for the lifecycle and the dashboard."""

    QUEUED = "queued"
    PREPARING = "preparing"
    RENDERING = "rendering"
    FINISHING = "finishing"
    FINISHED = "finished"
    FAILED = "failed"


#: Nexrender state → (stage, overall percent at the start of that state). Rendering
#: (`render:dorender`) spans 20 → 95 %, scaled by the job's own `renderProgress`.
STATE_PROGRESS: dict[str, tuple[NexrenderStage, float]] = {
    "created": (NexrenderStage.QUEUED, 0.0),
    "queued": (NexrenderStage.QUEUED, 0.0),
    "picked": (NexrenderStage.PREPARING, 2.0),
    "started": (NexrenderStage.PREPARING, 5.0),
    "render:setup": (NexrenderStage.PREPARING, 8.0),
    "render:predownload": (NexrenderStage.PREPARING, 10.0),
    "render:download": (NexrenderStage.PREPARING, 12.0),
    "render:postdownload": (NexrenderStage.PREPARING, 15.0),
    "render:prerender": (NexrenderStage.PREPARING, 18.0),
    "render:script": (NexrenderStage.PREPARING, 19.0),
    "render:dorender": (NexrenderStage.RENDERING, 20.0),
    "render:postrender": (NexrenderStage.FINISHING, 96.0),
    "render:cleanup": (NexrenderStage.FINISHING, 98.0),
    "finished": (NexrenderStage.FINISHED, 100.0),
    "error": (NexrenderStage.FAILED, 0.0),
}
_RENDER_SPAN = (20.0, 95.0)
_WAITING_STATES = frozenset({"created", "queued"})


@dataclass(frozen=True)
class NexrenderProgress:
    """One observed step of a job: the raw Nexrender `state`, our `stage`, the overall
    `percent` (0–100, never decreasing within one follow) and, while After Effects renders,
    its own `render_percent` (0–100)."""

    state: str
    stage: NexrenderStage
    percent: float
    render_percent: float | None = None


def progress_for(state: str, render_progress: Any, previous_percent: float) -> NexrenderProgress:
    """Map a Nexrender state and `renderProgress` (a 0–100 percent) to our progress.

    The percent never goes back: a worker that is interrupted puts its job back to
    `queued`, late progress updates can arrive out of order, and a failure reports how far
    the job got. States unknown to this table (a newer Nexrender) keep the percent.
    """
    stage, base = STATE_PROGRESS.get(state, (NexrenderStage.PREPARING, previous_percent))
    render_percent: float | None = None
    percent = base
    if state == "render:dorender":
        try:
            render_percent = min(max(float(render_progress or 0), 0.0), 100.0)
        except (TypeError, ValueError):
            render_percent = 0.0
        low, high = _RENDER_SPAN
        percent = low + (high - low) * render_percent / 100.0
    percent = max(percent, previous_percent)
    return NexrenderProgress(state, stage, round(percent, 1), render_percent)


def job_error_message(job: dict[str, Any]) -> str:
    """The failure text of an `error` job: a list of messages (current workers), a string,
    or an object (old workers serialise the Error itself)."""
    error = job.get("error")
    if isinstance(error, list):
        message = "\n".join(str(item) for item in error if item)
    elif isinstance(error, dict):
        message = str(error.get("message") or (json.dumps(error) if error else ""))
    else:
        message = str(error or "")
    return message.strip() or "Nexrender reported an error without a message"


ProgressCallback = Callable[[NexrenderProgress], Awaitable[None] | None]


class NexrenderClient:
    """Submit, read, cancel and follow jobs on one Nexrender server.

    Pass `http` to share a connection pool (tests pass one bound to their transport);
    otherwise the client owns its `httpx.AsyncClient` and closes it in `aclose`.
    """

    def __init__(
        self,
        config: NexrenderConfig,
        *,
        http: httpx.AsyncClient | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config
        self._owns_http = http is None
        self._http = http or httpx.AsyncClient(timeout=config.request_timeout_s)
        self._clock = clock
        self._headers = {"content-type": "application/json"}
        secret = config.secret.get_secret_value()
        if secret:
            self._headers["nexrender-secret"] = secret

    async def __aenter__(self) -> NexrenderClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    async def _request(
        self, method: str, path: str, what: str, body: dict[str, Any] | None = None
    ) -> httpx.Response:
        url = f"{self.config.base_url}/api/v1{path}"
        try:
            response = await self._http.request(
                method,
                url,
                headers=self._headers,
                content=None if body is None else json.dumps(body),
                timeout=self.config.request_timeout_s,
            )
        except httpx.TransportError as exc:
            raise NexrenderRetryableError(
                f"Nexrender server {self.config.base_url} unreachable during {what}: "
                f"{type(exc).__name__}: {exc}"
            ) from exc
        if not response.is_success:
            raise error_for_status(response, what)
        return response

    @staticmethod
    def _json(response: httpx.Response, what: str) -> Any:
        if not response.content.strip():
            return None
        try:
            return response.json()
        except ValueError as exc:
            raise NexrenderRetryableError(
                f"Nexrender server answered {what} with something that is not JSON: "
                f"{response.text[:200]!r}"
            ) from exc

    async def submit(self, job: dict[str, Any]) -> str:
        """`POST /api/v1/jobs`; the uid the server gave the job."""
        response = await self._request("POST", "/jobs", "job submission", job)
        stored = self._json(response, "job submission")
        uid = stored.get("uid") if isinstance(stored, dict) else None
        if not isinstance(uid, str) or not uid:
            raise NexrenderRetryableError(
                f"Nexrender server accepted a job but answered without a uid: {stored!r:.200}"
            )
        log.info("nexrender job %s submitted (%s)", uid, job.get("template", {}).get("composition"))
        return uid

    async def get(self, uid: str) -> dict[str, Any] | None:
        """`GET /api/v1/jobs/{uid}`; None when the server does not know the uid (it answers
        200 with an empty body, not 404)."""
        response = await self._request("GET", f"/jobs/{uid}", f"reading job {uid}")
        job = self._json(response, f"reading job {uid}")
        if job is None:
            return None
        if not isinstance(job, dict):
            raise NexrenderRetryableError(f"Nexrender server answered job {uid} with {job!r:.200}")
        return job

    async def cancel(self, uid: str) -> None:
        """`DELETE /api/v1/jobs/{uid}`. A worker already rendering it keeps going, but its
        next state update is rejected (the server cannot validate a job it no longer has)."""
        await self._request("DELETE", f"/jobs/{uid}", f"cancelling job {uid}")
        log.info("nexrender job %s deleted from the server", uid)

    async def health(self) -> None:
        """Raise unless the server is reachable and accepts our secret.

        Reads a uid that cannot exist: the server answers it with 200 and an empty body,
        so this checks the network and the secret without transferring the job list.
        """
        await self._request("GET", "/jobs/wsop-hub-health-probe", "health check")

    async def _cancel_quietly(self, uid: str, why: str) -> None:
        """Delete a job we give up on; failing to delete must not hide the real outcome."""
        try:
            await asyncio.wait_for(self.cancel(uid), self.config.request_timeout_s)
        except (NexrenderError, TimeoutError) as exc:
            log.warning("nexrender job %s: could not delete it after %s: %s", uid, why, exc)

    async def follow(
        self,
        uid: str,
        on_state: ProgressCallback | None = None,
        cancelled: asyncio.Event | None = None,
    ) -> dict[str, Any]:
        """Poll job `uid` until it is `finished` (returned) or fails (raised).

        `on_state` gets a `NexrenderProgress` whenever the state or percent changes. When
        `cancelled` is set, or the calling task is cancelled, the job is deleted from the
        server before the cancellation propagates, so no worker renders it to air later;
        so is a job we stop following because `on_state` itself failed.
        """
        try:
            return await self._follow(uid, on_state, cancelled or asyncio.Event())
        except NexrenderCancelledError:
            raise
        except asyncio.CancelledError:
            await asyncio.shield(self._cancel_quietly(uid, "the render task was cancelled"))
            raise
        except NexrenderError:
            raise  # the job failed, vanished, or was already deleted on a deadline
        except Exception as exc:
            await self._cancel_quietly(uid, f"following it failed ({exc!r})")
            raise

    async def _follow(
        self, uid: str, on_state: ProgressCallback | None, cancelled: asyncio.Event
    ) -> dict[str, Any]:
        now = self._clock()
        watch = _Watch(started=now, last_reached=now, waiting_since=now)
        while True:
            if cancelled.is_set():
                await self._cancel_quietly(uid, "the hub cancelled the render")
                raise NexrenderCancelledError(
                    f"render cancelled; nexrender job {uid} deleted", uid=uid
                )
            job = await self._poll(uid, watch)
            if job is not None and await self._observe(uid, job, watch, on_state):
                return job
            if self._clock() - watch.started > self.config.timeout_s:
                await self._cancel_quietly(uid, "the render timed out")
                raise NexrenderRetryableError(
                    f"nexrender job {uid} timeout: not finished after "
                    f"{self.config.timeout_s:g} s (last state {watch.last_state}); "
                    "the job was deleted",
                    uid=uid,
                )
            try:
                await asyncio.wait_for(cancelled.wait(), self.config.poll_interval_s)
            except TimeoutError:
                pass

    async def _poll(self, uid: str, watch: _Watch) -> dict[str, Any] | None:
        """The job, or None while the server is briefly unreachable (a restart, a network
        blip); past `unreachable_grace_s` without an answer the render fails retryably."""
        try:
            job = await self.get(uid)
        except NexrenderRetryableError as exc:
            grace_s = self.config.unreachable_grace_s
            if self._clock() - watch.last_reached > grace_s:
                raise NexrenderRetryableError(
                    f"lost the Nexrender server for more than {grace_s:g} s while following "
                    f"job {uid}: {exc}",
                    uid=uid,
                ) from exc
            log.warning("nexrender job %s: poll failed, will retry: %s", uid, exc)
            return None
        watch.last_reached = self._clock()
        if job is None:
            raise NexrenderJobVanishedError(
                f"nexrender job {uid} vanished from the server (it answers the uid with an "
                "empty body: restarted without its store, or removed by hand); the render "
                "will be resubmitted",
                uid=uid,
            )
        return job

    async def _observe(
        self,
        uid: str,
        job: dict[str, Any],
        watch: _Watch,
        on_state: ProgressCallback | None,
    ) -> bool:
        """Report the job's progress; True once it is finished, raise when it failed."""
        state = str(job.get("state") or "")
        previous = watch.last.percent if watch.last else 0.0
        progress = progress_for(state, job.get("renderProgress"), previous)
        if progress != watch.last:
            watch.last = progress
            await _notify(on_state, progress)
        if state == "finished":
            return True
        if state == "error":
            raise error_for(job_error_message(job), uid=uid, prefix=f"nexrender job {uid} failed: ")
        # A job can return to `queued` (an interrupted worker requeues it), so the pickup
        # deadline runs from when it last started waiting.
        if state not in _WAITING_STATES:
            watch.waiting_since = None
        elif watch.waiting_since is None:
            watch.waiting_since = self._clock()
        pickup_timeout_s = self.config.pickup_timeout_s
        if watch.waiting_since is not None and pickup_timeout_s is not None:
            waited_s = self._clock() - watch.waiting_since
            if waited_s > pickup_timeout_s:
                await self._cancel_quietly(uid, "nobody picked it up")
                raise NexrenderRetryableError(
                    f"nexrender job {uid} still queued after {waited_s:.0f} s: no Nexrender "
                    "worker is taking jobs (unavailable); the job was deleted",
                    uid=uid,
                )
        return False


@dataclass
class _Watch:
    """What following one job remembers between polls (times from the client's clock)."""

    started: float
    last_reached: float
    waiting_since: float | None
    last: NexrenderProgress | None = None

    @property
    def last_state(self) -> str:
        return self.last.state if self.last else "unknown"


async def _notify(on_state: ProgressCallback | None, progress: NexrenderProgress) -> None:
    if on_state is None:
        return
    result = on_state(progress)
    if inspect.isawaitable(result):
        await result
