"""Who the caller is authenticated as."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from wsop_hub.api.deps import PrincipalDep

router = APIRouter(tags=["auth"])


class Me(BaseModel):
    name: str
    method: str


@router.get("/me", response_model=Me, summary="The authenticated principal")
async def me(principal: PrincipalDep) -> Me:
    return Me(name=principal.name, method=principal.method)
