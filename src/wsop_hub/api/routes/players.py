"""Unified players, overrides and gfx ↔ WSOP+ links (SPEC §6, §9). Writes record the user."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from fastapi import status as http_status

from wsop_hub.api.deps import PrincipalDep, StateDep
from wsop_hub.api.schemas import MAX_ID
from wsop_hub.errors import InvalidInput
from wsop_hub.ingest.wsop_plus.identity import normalize_country
from wsop_hub.players import link_service, service
from wsop_hub.players.models import (
    Link,
    LinkConfirmed,
    LinkDecision,
    LinkPage,
    LinkStatus,
    Override,
    OverrideCreate,
    OverridePage,
    PlayerCreate,
    PlayerDetail,
    PlayerPage,
    PlayerPatch,
    PlayerSource,
    ReasonBody,
    SearchResult,
    SuggestResult,
)

router = APIRouter(prefix="/v1/players", tags=["players"])

PlayerId = Annotated[int, Path(ge=1, le=MAX_ID, description="player (person) id")]
OverrideId = Annotated[int, Path(ge=1, le=MAX_ID)]
LinkId = Annotated[int, Path(ge=1, le=MAX_ID)]
BeforeId = Annotated[int | None, Query(ge=1, le=MAX_ID)]
UNKNOWN: dict[int | str, dict[str, Any]] = {404: {"description": "unknown player"}}
OVERRIDE_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"description": "unknown player or override"},
    409: {"description": "override already inactive"},
}
LINK_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"description": "unknown link"},
    409: {
        "description": "already decided; or (confirm) the PokerGFX player already has a "
        "confirmed WSOP+ player, or the two persons hold different manual values"
    },
}


@router.get("", response_model=PlayerPage, summary="Unified players, newest first (keyset)")
async def list_players(
    state: StateDep,
    source: PlayerSource | None = None,
    country: Annotated[str | None, Query(max_length=60, description="ISO-2 code")] = None,
    before_id: BeforeId = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> PlayerPage:
    try:
        country_code = normalize_country(country) if country is not None else None
    except ValueError as exc:
        raise InvalidInput(f"country: {exc}") from None
    return await service.list_players(
        state.engine, before_id=before_id, limit=limit, source=source, country_code=country_code
    )


@router.get(
    "/search", response_model=SearchResult, summary="Search by name (case/accent-insensitive)"
)
async def search(
    state: StateDep,
    q: Annotated[str, Query(min_length=1, max_length=200)],
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> SearchResult:
    return await service.search_players(state.engine, q, limit=limit)


@router.get("/links", response_model=LinkPage, summary="gfx ↔ WSOP+ links, newest first")
async def list_links(
    state: StateDep,
    status: LinkStatus | None = None,
    before_id: BeforeId = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> LinkPage:
    return await link_service.list_links(
        state.engine, status=status, before_id=before_id, limit=limit
    )


@router.post(
    "/links/suggest",
    response_model=SuggestResult,
    summary="Suggest links for unlinked PokerGFX players by name (never confirms)",
)
async def suggest_links(state: StateDep, principal: PrincipalDep) -> SuggestResult:
    return await link_service.suggest_links(state.engine, user=principal.name)


@router.post(
    "/links/{link_id}/confirm",
    response_model=LinkConfirmed,
    responses=LINK_ERRORS,
    summary="Confirm a link: the PokerGFX player joins the WSOP+ player's person",
)
async def confirm_link(
    link_id: LinkId, state: StateDep, principal: PrincipalDep, body: LinkDecision | None = None
) -> LinkConfirmed:
    reason = body.reason if body is not None else None
    return await link_service.confirm_link(
        state.engine, link_id, user=principal.name, reason=reason
    )


@router.post(
    "/links/{link_id}/reject",
    response_model=Link,
    responses=LINK_ERRORS,
    summary="Reject a suggestion: the pair stays apart and is not suggested again",
)
async def reject_link(
    link_id: LinkId, state: StateDep, principal: PrincipalDep, body: LinkDecision | None = None
) -> Link:
    reason = body.reason if body is not None else None
    return await link_service.reject_link(state.engine, link_id, user=principal.name, reason=reason)


@router.post(
    "",
    response_model=PlayerDetail,
    status_code=http_status.HTTP_201_CREATED,
    summary="Create a manual player",
)
async def create_player(
    body: PlayerCreate, state: StateDep, principal: PrincipalDep
) -> PlayerDetail:
    return await service.create_player(state.engine, body, user=principal.name)


@router.get(
    "/{player_id}",
    response_model=PlayerDetail,
    responses=UNKNOWN,
    summary="Unified record, the source of each field, source records, overrides, links",
)
async def get_player(player_id: PlayerId, state: StateDep) -> PlayerDetail:
    return await service.get_player(state.engine, player_id)


@router.patch(
    "/{player_id}", response_model=PlayerDetail, responses=UNKNOWN, summary="Edit manual fields"
)
async def update_player(
    player_id: PlayerId, body: PlayerPatch, state: StateDep, principal: PrincipalDep
) -> PlayerDetail:
    return await service.update_player(state.engine, player_id, body, user=principal.name)


@router.get(
    "/{player_id}/overrides",
    response_model=OverridePage,
    responses=UNKNOWN,
    summary="All overrides of a player, active and retired, newest first",
)
async def list_overrides(player_id: PlayerId, state: StateDep) -> OverridePage:
    return await service.list_overrides(state.engine, player_id)


@router.post(
    "/{player_id}/override",
    response_model=Override,
    status_code=http_status.HTTP_201_CREATED,
    responses=UNKNOWN,
    summary="Override one field (replaces its active override, which is kept as history)",
)
async def set_override(
    player_id: PlayerId, body: OverrideCreate, state: StateDep, principal: PrincipalDep
) -> Override:
    return await service.set_override(state.engine, player_id, body, user=principal.name)


@router.post(
    "/{player_id}/override/{override_id}/deactivate",
    response_model=Override,
    responses=OVERRIDE_ERRORS,
    summary="Deactivate an override (kept as history)",
)
async def deactivate_override(
    player_id: PlayerId,
    override_id: OverrideId,
    body: ReasonBody,
    state: StateDep,
    principal: PrincipalDep,
) -> Override:
    return await service.deactivate_override(
        state.engine, player_id, override_id, reason=body.reason, user=principal.name
    )
