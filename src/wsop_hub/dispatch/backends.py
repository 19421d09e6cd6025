"""The worker's pluggable job handler: a render backend (the render pipeline fills it in).

A backend must be safe to run twice for the same job (a crash can re-run it): write outputs
to a per-attempt temporary path and rename into place; only the fenced completion records
the result.
"""

from __future__ import annotations

import asyncio
import importlib
from dataclasses import dataclass, field
from typing import Protocol

from wsop_hub.domain.models import RenderInstruction


class PermanentRenderError(Exception):
    """Bad data or template: retrying cannot help, so the job fails without a retry."""


@dataclass(frozen=True)
class RenderResult:
    output_path: str
    file_size: int | None = None
    frame_count: int | None = None


@dataclass
class JobContext:
    """What a running render can see: who runs it, and whether it must stop."""

    worker_id: str
    attempt: int
    cancelled: asyncio.Event = field(default_factory=asyncio.Event)


class RenderBackend(Protocol):
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


BUILTIN_BACKENDS = {"noop": NoopBackend, "sleep": SleepBackend}


def load_backend(spec: str) -> RenderBackend:
    """`noop`, `sleep`, or `package.module:factory` for a backend of one's own."""
    if spec in BUILTIN_BACKENDS:
        return BUILTIN_BACKENDS[spec]()
    module_name, sep, attr = spec.partition(":")
    if not sep:
        raise ValueError(f"unknown backend {spec!r}: use noop, sleep or module:factory")
    factory = getattr(importlib.import_module(module_name), attr)
    backend: RenderBackend = factory()
    return backend
