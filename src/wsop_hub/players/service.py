"""Use cases of the unified players: read, search, manual edits and overrides.

Each write runs in one unit of work, locks the person's row first (so two admins editing
one player queue up instead of racing), and logs a ``player_updated`` event naming the
acting user and what changed: the audit trail of manual data (FACTS §3.1: audit goes to
the activity log).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from wsop_hub.db.uow import UnitOfWork
from wsop_hub.errors import Conflict, InvalidInput
from wsop_hub.players.merge import PlayerField, resolve_field
from wsop_hub.players.models import (
    MatchKind,
    Override,
    OverrideCreate,
    OverridePage,
    PlayerCreate,
    PlayerDetail,
    PlayerPage,
    PlayerPatch,
    PlayerSource,
    SearchHit,
    SearchResult,
)
from wsop_hub.players.names import search_terms
from wsop_hub.players.read_model import (
    candidates_of,
    load_detail,
    load_summaries,
    override_model,
    summary,
)
from wsop_hub.players.repository import PlayerRepository

EVENT_TYPE = "player_updated"

_GRADES: dict[int, MatchKind] = {
    0: "exact",
    1: "prefix",
    2: "word_prefix",
    3: "substring",
    4: "all_words",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


async def _emit(uow: UnitOfWork, player_id: int, action: str, by: str, **data: Any) -> None:
    await uow.emit(EVENT_TYPE, {"player_id": player_id, "action": action, "by": by, **data})


async def get_player(
    engine: AsyncEngine, player_id: int, now: datetime | None = None
) -> PlayerDetail:
    async with UnitOfWork(engine) as uow:
        return await load_detail(uow.connection, player_id, now or utcnow())


async def list_players(
    engine: AsyncEngine,
    *,
    before_id: int | None,
    limit: int,
    source: PlayerSource | None = None,
    country_code: str | None = None,
    now: datetime | None = None,
) -> PlayerPage:
    """Newest first; ``country_code`` and ``source`` filter on the unified record."""
    async with UnitOfWork(engine) as uow:
        rows = await PlayerRepository(uow.connection).page(
            now or utcnow(),
            before_id=before_id,
            limit=limit,
            source=source,
            country_code=country_code,
        )
    items = [summary(row) for row in rows]
    return PlayerPage(items=items, next_before_id=items[-1].id if len(items) == limit else None)


async def search_players(
    engine: AsyncEngine, query: str, *, limit: int, now: datetime | None = None
) -> SearchResult:
    """Case- and accent-insensitive search over manual, WSOP+ and PokerGFX names."""
    terms = search_terms(query)
    if terms is None:
        raise InvalidInput(f"q={query!r} has no letter or digit to search for")
    async with UnitOfWork(engine) as uow:
        hits = await PlayerRepository(uow.connection).search(terms, limit)
        summaries = await load_summaries(
            uow.connection, [hit["player_id"] for hit in hits], now or utcnow()
        )
    items = [
        SearchHit(
            **summaries[hit["player_id"]].model_dump(),
            match=_GRADES[hit["grade"]],
            matched_name_key=hit["name_key"],
        )
        for hit in hits
        if hit["player_id"] in summaries
    ]
    return SearchResult(query_key=terms.key, items=items)


async def create_player(engine: AsyncEngine, body: PlayerCreate, *, user: str) -> PlayerDetail:
    async with UnitOfWork(engine) as uow:
        player_id = await PlayerRepository(uow.connection).insert(
            body.model_dump(mode="json"), created_by=user
        )
        await _emit(uow, player_id, "created", user, name=body.display_name)
        detail = await load_detail(uow.connection, player_id, utcnow())
        await uow.commit()
    return detail


async def update_player(
    engine: AsyncEngine, player_id: int, body: PlayerPatch, *, user: str
) -> PlayerDetail:
    """Change manual columns; clearing the manual name needs another source to name them."""
    changes = body.changes()
    async with UnitOfWork(engine) as uow:
        repo = PlayerRepository(uow.connection)
        await repo.lock(player_id)
        if "display_name" in changes and changes["display_name"] is None:
            gfx_rows, wsop_rows = await repo.source_counts(player_id)
            if gfx_rows == 0 and wsop_rows == 0:
                raise InvalidInput(
                    f"display_name: player {player_id} has no PokerGFX or WSOP+ record, "
                    "so its manual name cannot be cleared"
                )
        await repo.update_manual(player_id, changes)
        await _emit(uow, player_id, "updated", user, changes=changes)
        detail = await load_detail(uow.connection, player_id, utcnow())
        await uow.commit()
    return detail


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


async def set_override(
    engine: AsyncEngine,
    player_id: int,
    body: OverrideCreate,
    *,
    user: str,
    now: datetime | None = None,
) -> Override:
    """Replace the field's active override (kept as inactive history) with a new one.

    ``original_value`` records what the sources said when the override was made.
    """
    now = now or utcnow()
    if body.valid_until is not None and body.valid_until <= now:
        raise InvalidInput(
            f"valid_until {body.valid_until.isoformat()} is in the past: "
            "the override would never take effect"
        )
    field = PlayerField(body.field)
    async with UnitOfWork(engine) as uow:
        repo = PlayerRepository(uow.connection)
        await repo.lock(player_id)
        rows = await repo.candidates([player_id], now)
        original = resolve_field(field, candidates_of(rows[0])[field], skip_override=True)
        replaced = await repo.deactivate_field(player_id, field.value)
        try:
            override_id = await repo.insert_override(
                {
                    "player_id": player_id,
                    "field_name": field.value,
                    "override_value": body.value,
                    "original_value": _as_text(original.value),
                    "reason": body.reason,
                    "valid_from": body.valid_from,
                    "valid_until": body.valid_until,
                    "created_by": user,
                }
            )
        except IntegrityError as exc:
            raise Conflict(
                f"player {player_id} got another active {field.value} override meanwhile; retry"
            ) from exc
        await _emit(
            uow,
            player_id,
            "override_set",
            user,
            field=field.value,
            override_id=override_id,
            replaced_override_ids=replaced,
            reason=body.reason,
        )
        created = await repo.override(player_id, override_id, now)
        await uow.commit()
    return override_model(created)


async def deactivate_override(
    engine: AsyncEngine,
    player_id: int,
    override_id: int,
    *,
    reason: str,
    user: str,
    now: datetime | None = None,
) -> Override:
    now = now or utcnow()
    async with UnitOfWork(engine) as uow:
        repo = PlayerRepository(uow.connection)
        await repo.lock(player_id)
        current = await repo.override(player_id, override_id, now, for_update=True)
        if not current["active"]:
            raise Conflict(f"override {override_id} of player {player_id} is already inactive")
        await repo.deactivate(override_id)
        await _emit(
            uow,
            player_id,
            "override_deactivated",
            user,
            field=current["field_name"],
            override_id=override_id,
            reason=reason,
        )
        updated = await repo.override(player_id, override_id, now)
        await uow.commit()
    return override_model(updated)


async def list_overrides(
    engine: AsyncEngine, player_id: int, now: datetime | None = None
) -> OverridePage:
    """Every override of a player, active and retired, newest first."""
    async with UnitOfWork(engine) as uow:
        repo = PlayerRepository(uow.connection)
        await repo.require(player_id)
        rows = await repo.overrides(player_id, now or utcnow(), active_only=False)
    return OverridePage(items=[override_model(row) for row in rows])
