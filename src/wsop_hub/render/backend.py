"""The render backends the worker runs (`--backend builtin`, `--backend nexrender`), the render
cache, and the reads of render outputs and progress the API serves.

Both backends run the same pipeline (SPEC §7): the template from the registry (an unknown
one fails the instruction without retries), gfx_data bound to its layers (a `BindingError`
likewise), the data hash, and the cache: a completed output with the same hash whose file
still exists is returned at once as a new, `cached` output row pointing to the same file,
unless the instruction asks for a forced re-render. Only then does the renderer run:

* `builtin` draws with Pillow and encodes with the bundled ffmpeg (render/builtin.py) into
  `HUB_OUTPUT_DIR/<YYYY-MM-DD>/<instruction id>/` (the UTC day the instruction was
  created, so every attempt of one instruction writes the same folder), atomically under a
  per-attempt temporary name;
* `nexrender` sends the job to a Nexrender server (render/nexrender.py); After Effects
  writes `<instruction id>-a<attempt>.<ext>` into NEXRENDER_OUTPUT_DIR.

Progress goes to `ctx.progress`, which the worker throttles into `render_progress` events.
A cancel (the worker sets `ctx.cancelled` and cancels the task) stops the render thread
at its next frame and removes everything this attempt wrote.
"""

from __future__ import annotations

import abc
import asyncio
import hashlib
import json
import shutil
import time
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from wsop_hub.db.engine import create_engine
from wsop_hub.db.tables import event_log, render_outputs
from wsop_hub.dispatch.backends import JobContext, RenderResult
from wsop_hub.domain.enums import OutputFormat
from wsop_hub.domain.models import OutputSettings, RenderInstruction, RenderOutput
from wsop_hub.errors import ConfigError
from wsop_hub.render.binding import bind
from wsop_hub.render.bound import BoundGraphic
from wsop_hub.render.builtin import render_graphic
from wsop_hub.render.errors import RenderCancelled
from wsop_hub.render.nexrender import (
    NexrenderClient,
    NexrenderConfig,
    NexrenderProgress,
    NexrenderStage,
    render_via_nexrender,
)
from wsop_hub.render.probe import ProbeError, preview_png
from wsop_hub.render.registry import RegisteredTemplate, TemplateRegistry
from wsop_hub.settings import Settings

#: How many earlier outputs with the same hash are looked at for one whose file still exists.
CACHE_CANDIDATES = 20


def data_hash(
    template: RegisteredTemplate, bound: BoundGraphic, settings: OutputSettings, renderer: str
) -> str:
    """sha256 over what decides the pixels: the template (name, version and its whole
    definition), the bound texts and images (sorted), the output settings and the renderer
    (After Effects and the built-in renderer draw the same data differently)."""
    material = {
        "template": template.spec.composition,
        "version": template.spec.version,
        "definition": template.digest,
        "texts": sorted(bound.texts.items()),
        "images": sorted(bound.images.items()),
        "output": settings.model_dump(mode="json"),
        "renderer": renderer,
    }
    canonical = json.dumps(material, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def job_output_dir(root: Path, job: RenderInstruction) -> Path:
    """`root/<YYYY-MM-DD>/<instruction id>`, the day being the instruction's creation (UTC)."""
    return root / job.created_at.astimezone(UTC).strftime("%Y-%m-%d") / str(job.id)


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _discard(published: Path | None, out_dir: Path | None) -> None:
    """Remove an abandoned attempt's output, and its instruction folder when nothing else
    is in it."""
    if published is not None:
        _remove(published)
    if out_dir is not None:
        try:
            out_dir.rmdir()  # only when empty: an earlier attempt's file stays
        except OSError:
            pass


def _first_existing(paths: list[str]) -> str | None:
    return next((path for path in paths if Path(path).exists()), None)


# -- reads of render_outputs and progress ---------------------------------------------------


@dataclass(frozen=True)
class CachedOutput:
    output_path: str
    file_size: int | None
    frame_count: int | None


class RenderStore:
    """The render pipeline's queries: the cache lookup (worker) and what the render API
    reads back (outputs, the last progress event)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def cached_output(self, digest: str) -> CachedOutput | None:
        """The newest completed output with this data hash whose file still exists."""
        async with self._engine.connect() as conn:
            rows = (
                await conn.execute(
                    select(
                        render_outputs.c.output_path,
                        render_outputs.c.file_size,
                        render_outputs.c.frame_count,
                    )
                    .where(
                        render_outputs.c.data_hash == digest,
                        render_outputs.c.status == "completed",
                    )
                    .order_by(render_outputs.c.id.desc())
                    .limit(CACHE_CANDIDATES)
                )
            ).all()
        found = await asyncio.to_thread(_first_existing, [row.output_path for row in rows])
        for row in rows:
            if row.output_path == found:
                return CachedOutput(row.output_path, row.file_size, row.frame_count)
        return None

    async def outputs(self, instruction_id: int) -> list[RenderOutput]:
        """Every output row of an instruction, oldest first."""
        async with self._engine.connect() as conn:
            rows = await conn.execute(
                select(render_outputs)
                .where(render_outputs.c.instruction_id == instruction_id)
                .order_by(render_outputs.c.id)
            )
            return [RenderOutput.model_validate(dict(row._mapping)) for row in rows]

    async def last_progress(
        self, instruction_id: int, attempt: int, since: datetime
    ) -> tuple[dict[str, Any], datetime] | None:
        """The newest `render_progress` event of this attempt, with its time.

        Read from the event log, so any API process answers alike whichever worker renders;
        `since` (the attempt's start) bounds the scan through the log's created_at index.
        """
        async with self._engine.connect() as conn:
            row = (
                await conn.execute(
                    select(event_log.c.data, event_log.c.created_at)
                    .where(
                        event_log.c.type == "render_progress",
                        event_log.c.created_at >= since,
                        event_log.c.data["instruction_id"].astext == str(instruction_id),
                        event_log.c.data["attempt"].astext == str(attempt),
                    )
                    .order_by(event_log.c.id.desc())
                    .limit(1)
                )
            ).first()
        return (row.data, row.created_at) if row is not None else None


def preview_bytes(path: Path, output: OutputFormat) -> bytes:
    """A PNG of an output: its last frame (the graphic as it holds on air; the first frame
    of a clip is the start of the fade-in). A zipped PNG sequence (Nexrender's delivery)
    gives its last frame too."""
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as archive:
            frames = sorted(n for n in archive.namelist() if n.lower().endswith(".png"))
            if not frames:
                raise ProbeError(f"{path}: no PNG frames in the archive")
            return archive.read(frames[-1])
    return preview_png(path, output)


# -- the backends -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Produced:
    """What a renderer made: where, how big, how many frames, how long it took."""

    output_path: str
    file_size: int | None
    frame_count: int | None
    render_ms: int


class PipelineBackend(abc.ABC):
    """Template → binding → data hash → cache → renderer; subclasses supply the renderer.

    `settings` default to the environment (the worker CLI builds backends without passing
    its settings). `engine` defaults to a small pool of the backend's own on DATABASE_URL.
    """

    #: The worker emits `started`/`completed`/`failed` progress events around this backend.
    reports_progress: ClassVar[bool] = True
    #: Part of the data hash: each renderer caches only its own outputs.
    renderer: ClassVar[str]

    def __init__(self, settings: Settings | None = None, *, engine: AsyncEngine | None = None):
        self.settings = settings or Settings()
        self._engine = engine
        self._owns_engine = engine is None
        self._registry: TemplateRegistry | None = None
        self._store: RenderStore | None = None

    def _database(self) -> tuple[TemplateRegistry, RenderStore]:
        if self._registry is None or self._store is None:
            if self._engine is None:
                if self.settings.database_url is None:
                    raise ConfigError("the render backend needs DATABASE_URL")
                self._engine = create_engine(
                    self.settings.database_url,
                    pool_size=2,
                    application_name="wsop-hub-render",
                    pre_ping=False,
                )
            self._registry = TemplateRegistry(self._engine)
            self._store = RenderStore(self._engine)
        return self._registry, self._store

    async def render(self, job: RenderInstruction, ctx: JobContext) -> RenderResult:
        started = time.perf_counter()
        registry, store = self._database()
        template = await registry.get(job.template_name)
        bound = bind(template.spec, job.layer_data)
        digest = data_hash(template, bound, job.output_settings, self.renderer)
        version = template.spec.version
        if not job.force_render:
            hit = await store.cached_output(digest)
            if hit is not None:
                return RenderResult(
                    output_path=hit.output_path,
                    file_size=hit.file_size,
                    frame_count=hit.frame_count,
                    cached=True,
                    data_hash=digest,
                    render_duration_ms=round((time.perf_counter() - started) * 1000),
                    template_version=version,
                )
        produced = await self.produce(job, ctx, template, bound)
        return RenderResult(
            output_path=produced.output_path,
            file_size=produced.file_size,
            frame_count=produced.frame_count,
            data_hash=digest,
            render_duration_ms=produced.render_ms,
            template_version=version,
        )

    @abc.abstractmethod
    async def produce(
        self,
        job: RenderInstruction,
        ctx: JobContext,
        template: RegisteredTemplate,
        bound: BoundGraphic,
    ) -> Produced:
        """Render `bound` (a cache miss) and say where the output is."""

    async def aclose(self) -> None:
        """Release the backend's own database pool (the worker calls this as it stops)."""
        if self._owns_engine and self._engine is not None:
            await self._engine.dispose()
            self._engine = None
            self._registry = self._store = None


class BuiltinBackend(PipelineBackend):
    """Real graphics on any machine: Pillow frames, bundled ffmpeg (the default backend)."""

    renderer = "builtin"

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        engine: AsyncEngine | None = None,
        media_root: Path | None = None,
    ) -> None:
        super().__init__(settings, engine=engine)
        self.media_root = media_root

    async def produce(
        self,
        job: RenderInstruction,
        ctx: JobContext,
        template: RegisteredTemplate,
        bound: BoundGraphic,
    ) -> Produced:
        out_dir = job_output_dir(self.settings.output_dir, job)
        render = asyncio.ensure_future(
            asyncio.to_thread(
                render_graphic,
                template.spec,
                bound,
                job.output_settings,
                out_dir,
                on_progress=ctx.progress,
                cancelled=ctx.cancelled,
                media_root=self.media_root,
            )
        )
        try:
            rendered = await asyncio.shield(render)
        except asyncio.CancelledError:
            await self._abandon(render, ctx, out_dir)
            raise
        except RenderCancelled as exc:
            # `ctx.cancelled` without a task cancel: the job is no longer ours either way.
            raise asyncio.CancelledError(str(exc)) from exc
        return Produced(
            str(rendered.path), rendered.file_size, rendered.frame_count, rendered.render_ms
        )

    async def discard(self, result: RenderResult) -> None:
        """Remove the output of a render whose job was cancelled or reaped as it finished
        (and its folder, if empty). A cache hit's file belongs to an earlier instruction."""
        if not result.cached:
            path = Path(result.output_path)
            await asyncio.to_thread(_discard, path, path.parent)

    @staticmethod
    async def _abandon(render: asyncio.Future[Any], ctx: JobContext, out_dir: Path) -> None:
        """Stop the render thread and remove what this attempt wrote.

        The thread checks `ctx.cancelled` before each frame (and while ffmpeg writes the
        hold), deletes its temporary file and raises; a render that finished in the same
        instant has published a file no completion will record, so it goes too.
        """
        ctx.cancelled.set()
        try:
            finished = await render
        except BaseException:  # noqa: BLE001 - RenderCancelled, or the error it died of
            finished = None
        await asyncio.to_thread(_discard, finished.path if finished else None, out_dir)


def nexrender_config(settings: Settings) -> NexrenderConfig:
    """The Nexrender client's configuration from NEXRENDER_* settings; ConfigError names
    what is missing or wrong."""
    required = {
        "NEXRENDER_TEMPLATE_SRC": settings.nexrender_template_src,
        "NEXRENDER_MEDIA_ROOT": settings.nexrender_media_root,
        "NEXRENDER_OUTPUT_DIR": settings.nexrender_output_dir,
    }
    missing = [name for name, value in required.items() if not value.strip()]
    if missing:
        raise ConfigError(f"the nexrender backend needs {', '.join(missing)}")
    try:
        return NexrenderConfig(
            base_url=settings.nexrender_url,
            secret=settings.nexrender_secret,
            template_src=settings.nexrender_template_src,
            media_root=settings.nexrender_media_root,
            output_dir=settings.nexrender_output_dir,
            hub_output_dir=settings.nexrender_hub_output_dir,
            output_module_alpha=settings.nexrender_output_module_alpha,
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        name = "NEXRENDER_URL" if field == "base_url" else f"NEXRENDER_{field.upper()}"
        raise ConfigError(f"invalid {name}: {first['msg']}") from None


#: Nexrender stages reported as progress; the end states are the worker's own events.
_NEXRENDER_PROGRESS_STAGES = frozenset(
    {
        NexrenderStage.QUEUED,
        NexrenderStage.PREPARING,
        NexrenderStage.RENDERING,
        NexrenderStage.FINISHING,
    }
)


class NexrenderBackend(PipelineBackend):
    """After Effects through a Nexrender server. Progress is Nexrender's percent, so its
    `render_progress` events count 0–100 (`total` 100) rather than frames."""

    renderer = "nexrender"

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        engine: AsyncEngine | None = None,
        config: NexrenderConfig | None = None,
    ) -> None:
        super().__init__(settings, engine=engine)
        self.config = config or nexrender_config(self.settings)
        self._client: NexrenderClient | None = None

    async def produce(
        self,
        job: RenderInstruction,
        ctx: JobContext,
        template: RegisteredTemplate,
        bound: BoundGraphic,
    ) -> Produced:
        if self._client is None:
            self._client = NexrenderClient(self.config)

        def on_progress(progress: NexrenderProgress) -> None:
            if progress.stage in _NEXRENDER_PROGRESS_STAGES:
                ctx.progress(round(progress.percent), 100, stage=progress.stage.value)

        result = await render_via_nexrender(
            bound,
            job.output_settings,
            job_ref=f"{job.id}-a{job.attempt}",
            config=self.config,
            client=self._client,
            on_progress=on_progress,
            cancelled=ctx.cancelled,
        )
        return Produced(result.output_path, result.file_size, None, result.render_duration_ms)

    async def discard(self, result: RenderResult) -> None:
        """Remove a delivered file whose job was cancelled or reaped as it finished, when
        this machine sees the output share."""
        if not result.cached and self.config.hub_output_dir is not None:
            await asyncio.to_thread(_discard, Path(result.output_path), None)

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None
        await super().aclose()
