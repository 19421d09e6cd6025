"""Render API v1 (SPEC §9): submit a graphic, follow it, fetch what it rendered.

`POST /api/v1/render` checks the template and binds the gfx_data before anything is stored,
so bad data is a 422 with the binding error instead of a failed job. Status reads the last
`render_progress` event from the event log (any API process answers the same). The output
route streams the latest completed output: a clip or still as a file, a multi-frame PNG
sequence as a zip of its frames, and with `?preview=1` a PNG of the last frame.
"""

from __future__ import annotations

import asyncio
import zipfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path as FilePath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi import status as http_status
from fastapi.responses import FileResponse, Response, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from wsop_hub.api.deps import PrincipalDep, StateDep
from wsop_hub.api.schemas import MAX_ID
from wsop_hub.db.uow import UnitOfWork
from wsop_hub.domain.enums import RenderStatus, TriggerType
from wsop_hub.domain.models import (
    OutputSettings,
    RenderInstruction,
    RenderInstructionIn,
    RenderOutput,
)
from wsop_hub.errors import InvalidInput, NotFound
from wsop_hub.operations.actions import create_render
from wsop_hub.render.backend import RenderStore, preview_bytes
from wsop_hub.render.registry import TemplateRegistry

router = APIRouter(prefix="/v1/render", tags=["render"])

InstructionId = Annotated[int, Path(ge=1, le=MAX_ID, description="render instruction id")]
MEDIA_TYPES = {".mp4": "video/mp4", ".mov": "video/quicktime", ".png": "image/png"}
OUTPUT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "the file: video/mp4, video/quicktime, image/png (a still), "
        "application/zip (a PNG sequence: its frames), or image/png with ?preview=1",
        "content": {"video/mp4": {}, "video/quicktime": {}, "image/png": {}, "application/zip": {}},
    },
    404: {"description": "unknown instruction, or no completed output yet"},
    410: {"description": "the output file is gone (deleted, or not on this machine)"},
}


class RenderRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    template: str = Field(
        min_length=1, max_length=200, description="composition name (GET /api/templates)"
    )
    gfx_data: dict[str, Any] = Field(
        description="gfx_data v3 (`slots`, `single_fields`) or the template's raw rows"
    )
    output_settings: OutputSettings = Field(default_factory=OutputSettings)
    priority: int = Field(default=5, ge=1, le=10, description="1 is highest, 10 lowest")
    force_render: bool = Field(
        default=False, description="render even when an identical output is cached"
    )


class RenderAccepted(BaseModel):
    instruction_id: int
    status: RenderStatus
    template_version: str = Field(description="the registered template version it will use")


class RenderProgress(BaseModel):
    """The last `render_progress` event of the running attempt."""

    stage: str = Field(description="started, rendering (Nexrender: queued, preparing, …)")
    frame: int = Field(description="frames done (Nexrender: percent)")
    total: int
    percent: float
    at: datetime


class RenderStatusView(BaseModel):
    instruction_id: int
    template: str
    status: RenderStatus
    attempt: int
    priority: int
    force_render: bool
    error_message: str | None
    next_retry_at: datetime | None
    created_at: datetime
    started_at: datetime | None
    completed_at: datetime | None
    progress: RenderProgress | None = Field(description="while processing; null otherwise")
    outputs: list[RenderOutput]


async def get_registry(request: Request, state: StateDep) -> TemplateRegistry:
    """One registry per app, so each template definition is validated once."""
    registry: TemplateRegistry | None = getattr(request.app.state, "template_registry", None)
    if registry is None:
        registry = request.app.state.template_registry = TemplateRegistry(state.engine)
    return registry


RegistryDep = Annotated[TemplateRegistry, Depends(get_registry)]


@router.post(
    "",
    response_model=RenderAccepted,
    status_code=http_status.HTTP_201_CREATED,
    responses={422: {"description": "unknown template, or gfx_data that does not bind"}},
    summary="Render a graphic: template + gfx_data → a pending render instruction",
)
async def submit(
    body: RenderRequest, registry: RegistryDep, state: StateDep, principal: PrincipalDep
) -> RenderAccepted:
    template = await registry.check(body.template, body.gfx_data)
    try:
        data = RenderInstructionIn(
            template_name=body.template,
            layer_data=body.gfx_data,
            output_settings=body.output_settings,
            priority=body.priority,
            trigger_type=TriggerType.MANUAL,
            force_render=body.force_render,
        )
    except ValidationError as exc:
        raise InvalidInput(f"gfx_data: {exc.errors()[0]['msg']}") from None
    job = await create_render(
        state.engine, data, default_max_retries=state.settings.hub_max_retries, actor=principal.name
    )
    return RenderAccepted(
        instruction_id=job.id, status=job.status, template_version=template.spec.version
    )


@router.get(
    "/{instruction_id}/status",
    response_model=RenderStatusView,
    responses={404: {"description": "unknown instruction"}},
    summary="Status, progress while rendering, and outputs of a render",
)
async def render_status(instruction_id: InstructionId, state: StateDep) -> RenderStatusView:
    store = RenderStore(state.engine)
    async with UnitOfWork(state.engine) as uow:
        job = await uow.instructions.get(instruction_id)
    return RenderStatusView(
        instruction_id=job.id,
        template=job.template_name,
        status=job.status,
        attempt=job.attempt,
        priority=job.priority,
        force_render=job.force_render,
        error_message=job.error_message,
        next_retry_at=job.next_retry_at,
        created_at=job.created_at,
        started_at=job.started_at,
        completed_at=job.completed_at,
        progress=await _progress(store, job),
        outputs=await store.outputs(job.id),
    )


async def _progress(store: RenderStore, job: RenderInstruction) -> RenderProgress | None:
    if job.status is not RenderStatus.PROCESSING or job.started_at is None:
        return None
    last = await store.last_progress(job.id, job.attempt, job.started_at)
    if last is None:
        return None
    event, at = last
    return RenderProgress.model_validate({**event, "at": at})


@router.get(
    "/{instruction_id}/output",
    response_class=Response,
    responses=OUTPUT_RESPONSES,
    summary="The latest completed output (a PNG of its last frame with ?preview=1)",
)
async def output(
    instruction_id: InstructionId,
    state: StateDep,
    preview: Annotated[
        bool,
        Query(
            description="a PNG of the output's LAST frame: the graphic as it holds on air "
            "(a clip's first frame is the start of its fade-in, nearly empty)"
        ),
    ] = False,
) -> Response:
    async with UnitOfWork(state.engine) as uow:
        job = await uow.instructions.get(instruction_id)
    completed = [
        o for o in await RenderStore(state.engine).outputs(job.id) if o.status == "completed"
    ]
    if not completed:
        raise NotFound(f"render instruction {job.id} has no completed output yet ({job.status})")
    path = FilePath(completed[-1].output_path)
    if not await asyncio.to_thread(path.exists):
        raise HTTPException(
            http_status.HTTP_410_GONE,
            detail=f"output {path} of render instruction {job.id} is gone "
            "(deleted, or on a share this machine cannot see)",
        )
    if preview:
        png = await asyncio.to_thread(preview_bytes, path, job.output_settings.format)
        return Response(png, media_type="image/png")
    if await asyncio.to_thread(path.is_dir):
        return StreamingResponse(
            _zip_frames(path),
            media_type="application/zip",
            headers={"Content-Disposition": f'attachment; filename="render-{job.id}-frames.zip"'},
        )
    media_type = MEDIA_TYPES.get(path.suffix.lower(), "application/octet-stream")
    return FileResponse(path, media_type=media_type, filename=path.name)


class _Chunks:
    """A write-only file for zipfile: it collects what is written for the response.

    With no `tell`/`seek`, zipfile writes a streamable archive (data descriptors), so the
    frames are sent as they are read instead of building the archive first."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        """Nothing buffered beyond `_parts`."""

    def close(self) -> None:
        """Nothing to release: the response takes the last part."""

    def take(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        return data


def _zip_frames(directory: FilePath) -> Iterator[bytes]:
    """The PNG frames of a sequence as a zip, stored (PNG is compressed already)."""
    sink = _Chunks()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_STORED) as archive:
        for frame in sorted(directory.glob("*.png")):
            archive.write(frame, frame.name)
            yield sink.take()
    yield sink.take()
