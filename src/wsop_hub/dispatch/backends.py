"""The worker's pluggable job handler: a render backend (the render pipeline fills it in).

A backend must be safe to run twice for the same job (a crash can re-run it): write outputs
to a per-attempt temporary path and rename into place; only the fenced completion records
the result.
"""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from wsop_hub.domain.models import RenderInstruction

if TYPE_CHECKING:
    from wsop_hub.settings import Settings


class PermanentRenderError(Exception):
    """Bad data or template: retrying cannot help, so the job fails without a retry."""


@dataclass(frozen=True)
class RenderResult:
    """What a backend produced; the worker's fenced completion records it in render_outputs.

    `cached` marks a cache hit (`output_path` is an earlier render's file); when
    `render_duration_ms` is None the worker records the time from claim to completion.
    """

    output_path: str
    file_size: int | None = None
    frame_count: int | None = None
    cached: bool = False
    data_hash: str | None = None
    render_duration_ms: int | None = None
    template_version: str | None = None


class ProgressSink(Protocol):
    """`progress(done, total, stage=…)`: how far a render is. Safe to call from any thread
    (the built-in renderer reports from its render thread); the worker throttles."""

    def __call__(self, done: int, total: int, stage: str = "rendering") -> None: ...


def _ignore_progress(done: int, total: int, stage: str = "rendering") -> None:
    """The default sink: a context built outside a worker reports to no one."""


@dataclass
class JobContext:
    """What a running render can see: who runs it, whether it must stop, where to report."""

    worker_id: str
    attempt: int
    cancelled: asyncio.Event = field(default_factory=asyncio.Event)
    progress: ProgressSink = field(default=_ignore_progress)


class RenderBackend(Protocol):
    """Renders one job. A backend may also define `reports_progress = True` (the worker then
    emits `started`/`completed`/`failed` progress events around it), `async discard(result)`
    (called when a finished render's completion was fenced out because the job was
    cancelled or reaped meanwhile: nothing will record the output, so it can go) and
    `async aclose()` (called once when the worker stops, to release connections)."""

    async def render(self, job: RenderInstruction, ctx: JobContext) -> RenderResult | None: ...


class NoopBackend:
    """Completes every job at once (benchmarks, dispatch tests)."""

    async def render(self, job: RenderInstruction, ctx: JobContext) -> RenderResult | None:
        return None


class SleepBackend:
    """Sleeps `layer_data.sleep_s` (default `default_s`); `layer_data.fail` raises (tests)."""

    def __init__(self, default_s: float = 0.0) -> None:
        self.default_s = default_s

    async def render(self, job: RenderInstruction, ctx: JobContext) -> RenderResult | None:
        await asyncio.sleep(float(job.layer_data.get("sleep_s", self.default_s)))
        failure = job.layer_data.get("fail")
        if failure == "permanent":
            raise PermanentRenderError("layer_data asks for a permanent failure")
        if failure:
            raise RuntimeError(f"layer_data asks for a failure: {failure}")
        return None


def _builtin(settings: Settings | None) -> RenderBackend:
    # Imported here: the renderer (Pillow, ffmpeg) stays out of processes that never render.
    from wsop_hub.render.backend import BuiltinBackend

    return BuiltinBackend(settings)


def _nexrender(settings: Settings | None) -> RenderBackend:
    from wsop_hub.render.backend import NexrenderBackend

    return NexrenderBackend(settings)


BUILTIN_BACKENDS: dict[str, Callable[[Settings | None], RenderBackend]] = {
    "noop": lambda _settings: NoopBackend(),
    "sleep": lambda _settings: SleepBackend(),
    "builtin": _builtin,
    "nexrender": _nexrender,
}


def load_backend(spec: str, settings: Settings | None = None) -> RenderBackend:
    """`noop`, `sleep`, `builtin`, `nexrender`, or `package.module:factory` for a backend of
    one's own (called without arguments). `settings` configure the render backends; without
    them they read the environment, as the worker itself did."""
    if spec in BUILTIN_BACKENDS:
        return BUILTIN_BACKENDS[spec](settings)
    module_name, sep, attr = spec.partition(":")
    if not sep:
        raise ValueError(
            f"unknown backend {spec!r}: use noop, sleep, builtin, nexrender or module:factory"
        )
    factory = getattr(importlib.import_module(module_name), attr)
    backend: RenderBackend = factory()
    return backend
