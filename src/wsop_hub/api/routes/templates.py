"""The template registry (SPEC §7): what `wsop-hub templates sync` loaded, as renderers see it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from wsop_hub.api.deps import StateDep
from wsop_hub.render.registry import (
    TemplateDetail,
    TemplateSummary,
    list_templates,
    template_detail,
)

router = APIRouter(prefix="/templates", tags=["templates"])


@router.get(
    "",
    response_model=list[TemplateSummary],
    summary="Registered templates (compositions), by name",
)
async def templates(state: StateDep) -> list[TemplateSummary]:
    return await list_templates(state.engine)


@router.get(
    "/{name}",
    response_model=TemplateDetail,
    responses={404: {"description": "no template of that name in the registry"}},
    summary="One template with its layers and gfx_data field keys",
)
async def template(
    name: Annotated[str, Path(min_length=1, max_length=255, description="composition name")],
    state: StateDep,
) -> TemplateDetail:
    return await template_detail(state.engine, name)
