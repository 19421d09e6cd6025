"""Render instructions: create (through the dispatch service), list, read with history."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi import status as http_status
from pydantic import BaseModel

from wsop_hub.api.deps import PrincipalDep, StateDep
from wsop_hub.api.schemas import MAX_ID, InstructionPage
from wsop_hub.db.uow import UnitOfWork
from wsop_hub.dispatch.service import create_instruction
from wsop_hub.domain.enums import RenderStatus, TriggerType
from wsop_hub.domain.models import HistoryEntry, RenderInstruction, RenderInstructionIn

router = APIRouter(prefix="/instructions", tags=["instructions"])


class InstructionDetail(BaseModel):
    instruction: RenderInstruction
    history: list[HistoryEntry]


@router.post(
    "",
    response_model=RenderInstruction,
    status_code=http_status.HTTP_201_CREATED,
    summary="Create a render instruction (pending, published through the outbox)",
)
async def create(
    body: RenderInstructionIn, state: StateDep, principal: PrincipalDep
) -> RenderInstruction:
    return await create_instruction(
        state.engine, body, default_max_retries=state.settings.hub_max_retries, actor=principal.name
    )


@router.get(
    "", response_model=InstructionPage, summary="Instructions, newest first (keyset paging)"
)
async def list_instructions(
    state: StateDep,
    status: RenderStatus | None = None,
    priority: Annotated[int | None, Query(ge=1, le=10)] = None,
    template_name: Annotated[str | None, Query(max_length=200)] = None,
    trigger_type: TriggerType | None = None,
    created_after: datetime | None = None,
    created_before: datetime | None = None,
    before_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> InstructionPage:
    async with UnitOfWork(state.engine, read_only=True) as uow:
        rows = await uow.monitoring.list_instructions(
            status=status,
            priority=priority,
            template_name=template_name,
            trigger_type=trigger_type,
            created_after=created_after,
            created_before=created_before,
            before_id=before_id,
            limit=limit,
        )
    items = [RenderInstruction.model_validate(r) for r in rows]
    return InstructionPage(
        items=items, next_before_id=items[-1].id if len(items) == limit else None
    )


@router.get(
    "/{instruction_id}",
    response_model=InstructionDetail,
    summary="One render instruction with its transition history",
)
async def detail(
    instruction_id: Annotated[int, Path(ge=1, le=MAX_ID)], state: StateDep
) -> InstructionDetail:
    async with UnitOfWork(state.engine) as uow:
        instruction = await uow.instructions.get(instruction_id)
        history = await uow.instructions.history(instruction_id)
    return InstructionDetail(instruction=instruction, history=history)
