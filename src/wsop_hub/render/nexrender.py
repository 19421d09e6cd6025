"""Render a bound graphic with After Effects through a Nexrender server (SPEC §7, issue 6.4).

`render_via_nexrender` is the backend-shaped entry point: build the job, submit it, follow
it to `finished`, and hand back where the copy action delivered the file. Failures arrive
sorted: `NexrenderPermanentError` (a `PermanentRenderError`: the instruction fails without
a retry) or `NexrenderRetryableError` (the worker's retry path applies); a cancellation
deletes the Nexrender job and raises `NexrenderCancelledError`.

The pieces live beside this module: `nexrender_job` (config, job JSON), `nexrender_client`
(HTTP, state following, progress), `nexrender_errors` (classification).
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from pathlib import Path

from wsop_hub.domain.models import OutputSettings
from wsop_hub.render.bound import BoundGraphic
from wsop_hub.render.nexrender_client import (
    NexrenderClient,
    NexrenderProgress,
    NexrenderStage,
    ProgressCallback,
    progress_for,
)
from wsop_hub.render.nexrender_errors import (
    NexrenderCancelledError,
    NexrenderError,
    NexrenderJobVanishedError,
    NexrenderPermanentError,
    NexrenderRetryableError,
    classify,
)
from wsop_hub.render.nexrender_job import (
    ARTIFACT_EXTENSIONS,
    OUTPUT_EXTENSIONS,
    NexrenderConfig,
    build_job,
    hub_output_path,
    output_target,
)

log = logging.getLogger(__name__)

#: How often a finished job's file is looked for while it appears on a network share.
_OUTPUT_PROBE_S = 0.2


@dataclass(frozen=True)
class NexrenderResult:
    """A finished Nexrender render.

    `output_path` is the delivered file as the hub sees it (under `hub_output_dir`), or as
    the worker wrote it when the hub cannot see that folder (`file_size` is then None).
    `states` lists the Nexrender states observed, in order; `render_duration_ms` runs from
    submission to `finished`, queue time included.
    """

    uid: str
    output_path: str
    file_size: int | None
    states: tuple[str, ...]
    render_duration_ms: int


async def _delivered_size(path: Path, wait_s: float, uid: str) -> int:
    """The size of the delivered file, waiting up to `wait_s` for a share to show it.

    The copy action runs before the worker reports `finished`, so a file that never
    appears means `hub_output_dir` does not map the worker's `output_dir`: a configuration
    error that a retry would repeat. An empty file is a broken copy: worth another try.
    """
    deadline = time.monotonic() + wait_s
    while True:
        try:
            size = (await asyncio.to_thread(path.stat)).st_size
        except FileNotFoundError:
            if time.monotonic() >= deadline:
                raise NexrenderPermanentError(
                    f"nexrender job {uid} finished but its output {path} did not appear within "
                    f"{wait_s:g} s: check that the hub's output folder (hub_output_dir) is the "
                    "worker's output_dir",
                    uid=uid,
                ) from None
            await asyncio.sleep(_OUTPUT_PROBE_S)
            continue
        if size < 1:
            raise NexrenderRetryableError(
                f"nexrender job {uid} finished but its output {path} is empty (a broken copy)",
                uid=uid,
            )
        return size


async def render_via_nexrender(
    bound: BoundGraphic,
    settings: OutputSettings,
    *,
    job_ref: str,
    config: NexrenderConfig,
    client: NexrenderClient,
    on_progress: ProgressCallback | None = None,
    cancelled: asyncio.Event | None = None,
) -> NexrenderResult:
    """Render `bound` on Nexrender and return the delivered file.

    `job_ref` names the output file (`<job_ref>.<ext>`); make it unique per attempt (e.g.
    `<instruction id>-a<attempt>`) so a job the server forgot, still rendering on a worker,
    cannot overwrite a retry's output.
    """
    job = build_job(bound, settings, job_ref=job_ref, config=config)
    if cancelled is not None and cancelled.is_set():
        raise NexrenderCancelledError(f"render {job_ref} cancelled before submission")
    states: list[str] = []

    async def record(progress: NexrenderProgress) -> None:
        if not states or states[-1] != progress.state:
            states.append(progress.state)
        if on_progress is not None:
            result = on_progress(progress)
            if result is not None:
                await result

    started = time.monotonic()
    uid = await client.submit(job)
    await client.follow(uid, record, cancelled)
    render_duration_ms = int((time.monotonic() - started) * 1000)
    local = hub_output_path(config, job_ref, settings.format)
    if local is None:
        output, size = output_target(config, job_ref, settings.format), None
    else:
        output, size = str(local), await _delivered_size(local, config.output_wait_s, uid)
    log.info(
        "nexrender job %s (%s) finished in %d ms: %s",
        uid,
        bound.composition,
        render_duration_ms,
        output,
    )
    return NexrenderResult(uid, output, size, tuple(states), render_duration_ms)


__all__ = [
    "ARTIFACT_EXTENSIONS",
    "OUTPUT_EXTENSIONS",
    "NexrenderCancelledError",
    "NexrenderClient",
    "NexrenderConfig",
    "NexrenderError",
    "NexrenderJobVanishedError",
    "NexrenderPermanentError",
    "NexrenderProgress",
    "NexrenderResult",
    "NexrenderRetryableError",
    "NexrenderStage",
    "ProgressCallback",
    "build_job",
    "classify",
    "hub_output_path",
    "output_target",
    "progress_for",
    "render_via_nexrender",
]
