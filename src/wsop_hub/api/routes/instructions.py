"""Render instructions: create (through the dispatch service) and read with history."""

from __future__ import annotations

from fastapi import APIRouter, status
from pydantic import BaseModel

from wsop_hub.api.deps import PrincipalDep, StateDep
from wsop_hub.db.uow import UnitOfWork
from wsop_hub.dispatch.service import create_instruction
from wsop_hub.domain.models import HistoryEntry, RenderInstruction, RenderInstructionIn

router = APIRouter(prefix="/instructions", tags=["instructions"])


class InstructionDetail(BaseModel):
    instruction: RenderInstruction
    history: list[HistoryEntry]


@router.post(
    "",
    response_model=RenderInstruction,
    status_code=status.HTTP_201_CREATED,
    summary="Create a render instruction (pending, published through the outbox)",
)
async def create(
    body: RenderInstructionIn, state: StateDep, principal: PrincipalDep
) -> RenderInstruction:
    return await create_instruction(
        state.engine, body, default_max_retries=state.settings.hub_max_retries, actor=principal.name
    )


@router.get(
    "/{instruction_id}",
    response_model=InstructionDetail,
    summary="One render instruction with its transition history",
)
async def detail(instruction_id: int, state: StateDep) -> InstructionDetail:
    async with UnitOfWork(state.engine) as uow:
        instruction = await uow.instructions.get(instruction_id)
        history = await uow.instructions.history(instruction_id)
    return InstructionDetail(instruction=instruction, history=history)
