"""Admin actions on render instructions. Each needs a reason and records the acting user."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi import status as http_status

from wsop_hub.api.deps import PrincipalDep, StateDep
from wsop_hub.api.schemas import (
    BulkRetryBody,
    BulkRetryResult,
    CancelBody,
    ChangePriorityBody,
    RerenderBody,
    RetryBody,
)
from wsop_hub.domain.models import RenderInstruction
from wsop_hub.operations import actions

router = APIRouter(prefix="/actions", tags=["actions"])
CONFLICT = {404: {"description": "unknown instruction"}, 409: {"description": "illegal transition"}}


@router.post(
    "/retry",
    response_model=RenderInstruction,
    responses=CONFLICT,
    summary="Retry a failed or cancelled job",
)
async def retry(body: RetryBody, state: StateDep, principal: PrincipalDep) -> RenderInstruction:
    return await actions.retry(
        state.engine, body.instruction_id, user=principal.name, reason=body.reason
    )


@router.post(
    "/bulk-retry",
    response_model=BulkRetryResult,
    responses=CONFLICT,
    summary="Retry every failed/cancelled job matching a filter",
)
async def bulk_retry(
    body: BulkRetryBody, state: StateDep, principal: PrincipalDep
) -> BulkRetryResult:
    f = body.filter
    ids = await actions.bulk_retry(
        state.engine,
        user=principal.name,
        reason=body.reason,
        statuses=f.status,
        created_after=f.created_after,
        created_before=f.created_before,
        template_name=f.template_name,
        trigger_type=f.trigger_type,
        limit=body.limit,
    )
    return BulkRetryResult(count=len(ids), instruction_ids=ids)


@router.post(
    "/change-priority",
    response_model=RenderInstruction,
    responses=CONFLICT,
    summary="Change the priority of a pending or failed job",
)
async def change_priority(
    body: ChangePriorityBody, state: StateDep, principal: PrincipalDep
) -> RenderInstruction:
    return await actions.change_priority(
        state.engine, body.instruction_id, body.priority, user=principal.name, reason=body.reason
    )


@router.post(
    "/cancel",
    response_model=RenderInstruction,
    responses=CONFLICT,
    summary="Cancel a pending or processing job (idempotent)",
)
async def cancel(body: CancelBody, state: StateDep, principal: PrincipalDep) -> RenderInstruction:
    return await actions.cancel(
        state.engine, body.instruction_id, user=principal.name, reason=body.reason
    )


@router.post(
    "/rerender",
    response_model=RenderInstruction,
    status_code=http_status.HTTP_201_CREATED,
    responses=CONFLICT,
    summary="Render a completed job again, bypassing the render cache (creates a new job)",
)
async def rerender(
    body: RerenderBody, state: StateDep, principal: PrincipalDep
) -> RenderInstruction:
    return await actions.rerender(
        state.engine, body.instruction_id, user=principal.name, reason=body.reason
    )
