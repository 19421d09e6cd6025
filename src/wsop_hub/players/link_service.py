"""Use cases of gfx ↔ WSOP+ links: suggest by name, and let an admin confirm or reject.

Nothing links players automatically: the suggester only writes ``suggested`` rows. A
confirmation is one transaction that re-points the PokerGFX row to the WSOP+ row's person
and, when that leaves the gfx row's former person with no source at all, moves its manual
data, overrides and images over and deletes it — or refuses (409) when both persons hold
different values for the same field, because picking one silently would lose an admin's
correction.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from wsop_hub.db.uow import UnitOfWork
from wsop_hub.errors import Conflict
from wsop_hub.players.identity import ensure_person
from wsop_hub.players.link_repository import LinkRepository
from wsop_hub.players.matching import (
    GfxCandidate,
    LinkSuggester,
    Match,
    WsopCandidate,
    suggest_all,
)
from wsop_hub.players.merge import has_value
from wsop_hub.players.models import Link, LinkConfirmed, LinkPage, LinkStatus, SuggestResult
from wsop_hub.players.names import name_key
from wsop_hub.players.read_model import link_model, load_detail, manual_name
from wsop_hub.players.repository import PlayerRepository
from wsop_hub.players.service import EVENT_TYPE, utcnow

#: Manual columns carried over when a person is merged into another.
_MANUAL_COLUMNS = ("name_korean", "bio", "notable_wins", "country_code", "profile_image")


async def list_links(
    engine: AsyncEngine, *, status: LinkStatus | None, before_id: int | None, limit: int
) -> LinkPage:
    async with UnitOfWork(engine) as uow:
        rows = await LinkRepository(uow.connection).page(status, before_id, limit)
    items = [link_model(row) for row in rows]
    return LinkPage(items=items, next_before_id=items[-1].id if len(items) == limit else None)


def _gfx_name_key(row: Mapping[Any, Any]) -> str:
    """The long name when there is one: the short name is usually the bare surname, and
    matching on it would pair "Pedro Garcia" with every other Garcia."""
    return name_key(row["long_name"] or "") or name_key(row["name"])


def _compute_suggestions(
    gfx_rows: Sequence[Mapping[Any, Any]],
    wsop_rows: Sequence[Mapping[Any, Any]],
    known: Sequence[tuple[int, int]],
) -> list[Match]:
    suggester = LinkSuggester(
        WsopCandidate(id=r["id"], key=r["name_key"], country_code=r["country_code"])
        for r in wsop_rows
    )
    gfx = [
        GfxCandidate(id=r["id"], keys=(key,), country_code=r["country_code"])
        for r in gfx_rows
        if (key := _gfx_name_key(r))
    ]
    return suggest_all(suggester, gfx, known)


async def suggest_links(engine: AsyncEngine, *, user: str) -> SuggestResult:
    """Name-match every PokerGFX player without a confirmed link against every WSOP+
    player (one already linked may be the same person under another PokerGFX name);
    pairs suggested or decided before are not proposed again."""
    async with UnitOfWork(engine) as uow:
        links = LinkRepository(uow.connection)
        gfx_rows = await links.unlinked_gfx()
        wsop_rows = await links.linkable_wsop()
        known = await links.known_pairs([row["id"] for row in gfx_rows])
        # Scoring thousands of names is CPU work: keep the event loop serving requests.
        matches = await asyncio.to_thread(_compute_suggestions, gfx_rows, wsop_rows, known)
        ids = await links.insert_suggestions(matches)
        created = await links.by_ids(ids)
        if ids:
            await uow.emit(EVENT_TYPE, {"action": "links_suggested", "by": user, "link_ids": ids})
        await uow.commit()
    return SuggestResult(created=len(created), links=[link_model(row) for row in created])


async def reject_link(engine: AsyncEngine, link_id: int, *, user: str, reason: str | None) -> Link:
    """Keep the two players apart; the pair is never suggested again."""
    async with UnitOfWork(engine) as uow:
        links = LinkRepository(uow.connection)
        link = await links.get(link_id, for_update=True)
        if link["status"] != "suggested":
            raise Conflict(
                f"player link {link_id} is {link['status']}; only a suggestion can be rejected"
            )
        await links.decide(link_id, "rejected", user)
        await uow.emit(
            EVENT_TYPE,
            {"action": "link_rejected", "by": user, "link_id": link_id, "reason": reason},
        )
        decided = await links.get(link_id)
        await uow.commit()
    return link_model(decided)


async def confirm_link(
    engine: AsyncEngine,
    link_id: int,
    *,
    user: str,
    reason: str | None,
    now: datetime | None = None,
) -> LinkConfirmed:
    """Make the PokerGFX player and the WSOP+ player one person (a rejected suggestion can
    still be confirmed: the admin changed their mind)."""
    try:
        async with UnitOfWork(engine) as uow:
            result = await _confirm(uow, link_id, user=user, reason=reason, now=now or utcnow())
            await uow.commit()
    except IntegrityError as exc:  # a concurrent confirmation won the unique index
        raise Conflict(f"player link {link_id}: another link was confirmed meanwhile") from exc
    return result


async def _confirm(
    uow: UnitOfWork, link_id: int, *, user: str, reason: str | None, now: datetime
) -> LinkConfirmed:
    conn = uow.connection
    links, players = LinkRepository(conn), PlayerRepository(conn)
    link = await links.get(link_id, for_update=True)
    if link["status"] == "confirmed":
        raise Conflict(f"player link {link_id} is already confirmed")
    other = await links.confirmed_other(link)
    if other is not None:
        raise Conflict(
            f"player link {link_id} cannot be confirmed: link {other['id']} already joins "
            f"gfx player {other['gfx_player_id']} ({other['gfx_name']}) and WSOP+ player "
            f"{other['wsop_player_id']} ({other['wsop_name']})"
        )
    gfx = await links.lock_source_row("gfx_players", link["gfx_player_id"])
    wsop = await links.lock_source_row("wsop_players", link["wsop_player_id"])
    target = wsop["player_id"] or await ensure_person(conn, source="wsop", source_row_id=wsop["id"])
    former = gfx["player_id"] or await ensure_person(conn, source="gfx", source_row_id=gfx["id"])
    merged: int | None = None
    if former != target:
        for person in sorted((former, target)):
            await players.lock(person)
        await links.repoint_gfx(gfx["id"], target)
        if await players.source_counts(former) == (0, 0):
            await _merge_person(conn, former, target)
            await players.delete(former)
            merged = former
    await links.decide(link_id, "confirmed", user)
    superseded = await links.supersede(link, user)
    await uow.emit(
        EVENT_TYPE,
        {
            "player_id": target,
            "action": "link_confirmed",
            "by": user,
            "link_id": link_id,
            "merged_player_id": merged,
            "superseded_link_ids": superseded,
            "reason": reason,
        },
    )
    return LinkConfirmed(
        link=link_model(await links.get(link_id)),
        player=await load_detail(conn, target, now),
        merged_player_id=merged,
    )


def _differs(a: Any, b: Any) -> bool:
    return has_value(a) and has_value(b) and a != b


async def _merge_person(conn: AsyncConnection, source: int, target: int) -> None:
    """Move a person with no source rows left into ``target``, or Conflict naming every
    field both hold different values for (nothing is moved then)."""
    players, links = PlayerRepository(conn), LinkRepository(conn)
    src, dst = await players.lock(source), await players.lock(target)
    conflicts: list[str] = []
    changes: dict[str, Any] = {}
    for column, mine, theirs in [
        ("display_name", manual_name(src), manual_name(dst)),
        *((c, src[c], dst[c]) for c in _MANUAL_COLUMNS),
    ]:
        if _differs(mine, theirs):
            conflicts.append(f"manual {column} ({mine!r} vs {theirs!r})")
        elif has_value(mine) and not has_value(theirs):
            changes[column] = mine
    pairs = await links.active_override_pairs(source, target)
    duplicates = [p["source_id"] for p in pairs if p["source_value"] == p["target_value"]]
    conflicts += [
        f"active {p['field_name']} override ({p['source_value']!r} vs {p['target_value']!r})"
        for p in pairs
        if p["source_value"] != p["target_value"]
    ]
    if conflicts:
        raise Conflict(
            f"player {source} cannot be merged into player {target}: both hold "
            + "; ".join(conflicts)
            + ". Deactivate or clear one side first."
        )
    if changes:
        await players.update_manual(target, changes)
    await links.move_overrides(source, target, duplicates)
    await links.move_images(source, target)
