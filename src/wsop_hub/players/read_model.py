"""The unified player: a person's source candidates merged by SPEC §6 priority.

Rows come from :class:`~wsop_hub.players.repository.PlayerRepository` (one statement per
page); which value wins is decided only in :mod:`wsop_hub.players.merge`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from wsop_hub.errors import NotFound
from wsop_hub.players.link_repository import LinkRepository
from wsop_hub.players.merge import Candidates, PlayerField, Resolved, Source, resolve
from wsop_hub.players.models import (
    ChipCount,
    GfxPlayerRecord,
    HandData,
    LastHand,
    Link,
    ManualRecord,
    Override,
    PlayerDetail,
    PlayerSummary,
    ProfileImage,
    WsopPlayerRecord,
)
from wsop_hub.players.repository import PlayerRepository

SUMMARY_FIELDS = (
    PlayerField.NAME,
    PlayerField.NAME_KOREAN,
    PlayerField.COUNTRY_CODE,
    PlayerField.PROFILE_IMAGE,
)


def manual_name(row: Mapping[Any, Any]) -> str | None:
    """The name an admin typed, or None: an empty ``name_key`` marks a seeded label."""
    return str(row["display_name"]) if row["name_key"] else None


def _wins(value: Any) -> list[dict[str, Any]] | None:
    """An override's notable_wins text (validated JSON when written) as a list."""
    if not isinstance(value, str):
        return None
    try:
        parsed = json.loads(value)
    except ValueError:
        return None
    return parsed if isinstance(parsed, list) else None


def candidates_of(
    row: Mapping[Any, Any],
    *,
    chip_counts: Mapping[Source, ChipCount] | None = None,
    hand_data: HandData | None = None,
) -> Candidates:
    """Field → source → value for one person (a row of the candidates statement)."""
    override = row["override_fields"] or {}
    o, m, w, g = Source.OVERRIDE, Source.MANUAL, Source.WSOP, Source.GFX
    return {
        PlayerField.NAME: {
            o: override.get("name"),
            m: manual_name(row),
            w: row["wsop_name"],
            g: row["gfx_name"],
        },
        PlayerField.NAME_KOREAN: {o: override.get("name_korean"), m: row["name_korean"]},
        PlayerField.BIO: {o: override.get("bio"), m: row["bio"]},
        PlayerField.NOTABLE_WINS: {
            o: _wins(override.get("notable_wins")),
            m: row["notable_wins"],
        },
        PlayerField.COUNTRY_CODE: {
            o: override.get("country_code"),
            m: row["country_code"],
            w: row["wsop_country"],
        },
        PlayerField.PROFILE_IMAGE: {
            o: override.get("profile_image"),
            m: row["profile_image"] or row["manual_image"],
            w: row["wsop_image"],
        },
        PlayerField.CHIP_COUNT: dict(chip_counts or {}),
        PlayerField.HAND_DATA: {g: hand_data},
    }


def _name(row: Mapping[Any, Any], resolved: Mapping[PlayerField, Resolved]) -> str:
    """The resolved name; a person no source names any more keeps its stored label."""
    value = resolved[PlayerField.NAME].value
    return str(value) if value is not None else str(row["display_name"])


def summary(row: Mapping[Any, Any]) -> PlayerSummary:
    resolved = resolve(candidates_of(row))
    return PlayerSummary(
        id=row["id"],
        name=_name(row, resolved),
        name_korean=resolved[PlayerField.NAME_KOREAN].value,
        country_code=resolved[PlayerField.COUNTRY_CODE].value,
        profile_image=resolved[PlayerField.PROFILE_IMAGE].value,
        sources={field: resolved[field].source for field in SUMMARY_FIELDS},
        has_gfx=row["has_gfx"],
        has_wsop=row["has_wsop"],
        linked=row["has_gfx"] and row["has_wsop"],
    )


async def load_summaries(
    conn: AsyncConnection, ids: Sequence[int], now: datetime
) -> dict[int, PlayerSummary]:
    rows = await PlayerRepository(conn).candidates(ids, now)
    return {row["id"]: summary(row) for row in rows}


async def _chip_counts(
    repo: PlayerRepository, player_id: int, last_hand: LastHand | None
) -> dict[Source, ChipCount]:
    counts: dict[Source, ChipCount] = {}
    wsop = await repo.wsop_chip_count(player_id)
    if wsop is not None:
        counts[Source.WSOP] = ChipCount(
            chips=wsop["chips"],
            source=Source.WSOP,
            recorded_at=wsop["recorded_at"],
            wsop_event_id=wsop["event_id"],
        )
    if last_hand is not None:
        counts[Source.GFX] = ChipCount(
            chips=last_hand.end_stack_amt,
            source=Source.GFX,
            recorded_at=last_hand.started_at,
            gfx_hand_id=last_hand.gfx_hand_id,
        )
    return counts


def link_model(row: Mapping[Any, Any]) -> Link:
    return Link.model_validate(dict(row))


def override_model(row: Mapping[Any, Any]) -> Override:
    return Override.model_validate(dict(row))


async def load_detail(conn: AsyncConnection, player_id: int, now: datetime) -> PlayerDetail:
    """Everything about one person: merged fields with their sources, and the raw records
    behind them (source rows, active overrides, images, links)."""
    repo = PlayerRepository(conn)
    rows = await repo.candidates([player_id], now)
    if not rows:
        raise NotFound(f"no player with id {player_id}")
    row: RowMapping = rows[0]
    gfx = [GfxPlayerRecord.model_validate(dict(r)) for r in await repo.gfx_records(player_id)]
    wsop = [WsopPlayerRecord.model_validate(dict(r)) for r in await repo.wsop_records(player_id)]
    hand_data: HandData | None = None
    last_hand: LastHand | None = None
    if gfx:
        hands_played, last = await repo.gfx_hands(player_id)
        last_hand = LastHand.model_validate(dict(last)) if last is not None else None
        hand_data = HandData(hands_played=hands_played, last_hand=last_hand)
    resolved = resolve(
        candidates_of(
            row,
            chip_counts=await _chip_counts(repo, player_id, last_hand),
            hand_data=hand_data,
        )
    )
    links = await LinkRepository(conn).touching([r.id for r in gfx], [r.id for r in wsop])
    return PlayerDetail(
        id=row["id"],
        name=_name(row, resolved),
        name_korean=resolved[PlayerField.NAME_KOREAN].value,
        bio=resolved[PlayerField.BIO].value,
        notable_wins=resolved[PlayerField.NOTABLE_WINS].value or [],
        country_code=resolved[PlayerField.COUNTRY_CODE].value,
        profile_image=resolved[PlayerField.PROFILE_IMAGE].value,
        chip_count=resolved[PlayerField.CHIP_COUNT].value,
        hand_data=resolved[PlayerField.HAND_DATA].value,
        sources={field: r.source for field, r in resolved.items()},
        has_gfx=row["has_gfx"],
        has_wsop=row["has_wsop"],
        linked=row["has_gfx"] and row["has_wsop"],
        manual=ManualRecord(
            display_name=manual_name(row),
            name_korean=row["name_korean"],
            bio=row["bio"],
            notable_wins=row["notable_wins"],
            country_code=row["country_code"],
            profile_image=row["profile_image"],
        ),
        gfx_players=gfx,
        wsop_players=wsop,
        overrides=[
            override_model(r) for r in await repo.overrides(player_id, now, active_only=True)
        ],
        images=[ProfileImage.model_validate(dict(r)) for r in await repo.images(player_id)],
        links=[link_model(r) for r in links],
        created_by=row["created_by"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )
