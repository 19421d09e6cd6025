"""SQL of gfx ↔ WSOP+ links: suggestions, decisions, and moving a person's data on merge.

A link is between source rows (a ``gfx_players`` and a ``wsop_players`` id), never between
persons: the person behind either row can change, the pair cannot. The database keeps at
most one confirmed link per gfx row (a partial unique index); a WSOP+ row may have several,
since PokerGFX knows one person under every name typed at the table.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY, BIGINT
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from wsop_hub.errors import NotFound
from wsop_hub.players.matching import Match

_LINKS = """
SELECT l.id, l.gfx_player_id, l.wsop_player_id, l.status, l.match_method, l.match_confidence,
       l.match_evidence, l.decided_by, l.decided_at, l.created_at,
       COALESCE(NULLIF(btrim(g.long_name), ''), g.name) AS gfx_name, w.name AS wsop_name
  FROM player_link_mapping l
  JOIN gfx_players g ON g.id = l.gfx_player_id
  JOIN wsop_players w ON w.id = l.wsop_player_id
"""

_IDS = bindparam("ids", type_=ARRAY(BIGINT))
_GFX_IDS = bindparam("gfx_ids", type_=ARRAY(BIGINT))
_WSOP_IDS = bindparam("wsop_ids", type_=ARRAY(BIGINT))


class LinkRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._conn = connection

    async def get(self, link_id: int, *, for_update: bool = False) -> RowMapping:
        rows = await self._rows(
            _LINKS + " WHERE l.id = :id" + (" FOR UPDATE OF l" if for_update else ""), id=link_id
        )
        if not rows:
            raise NotFound(f"no player link with id {link_id}")
        return rows[0]

    async def by_ids(self, ids: Sequence[int]) -> list[RowMapping]:
        statement = text(_LINKS + " WHERE l.id = ANY(:ids) ORDER BY l.id").bindparams(_IDS)
        return list((await self._conn.execute(statement, {"ids": list(ids)})).mappings())

    async def page(self, status: str | None, before_id: int | None, limit: int) -> list[RowMapping]:
        where = ["TRUE"]
        if status is not None:
            where.append("l.status = :status")
        if before_id is not None:
            where.append("l.id < :before_id")
        return await self._rows(
            _LINKS + f" WHERE {' AND '.join(where)} ORDER BY l.id DESC LIMIT :limit",
            status=status,
            before_id=before_id,
            limit=limit,
        )

    async def touching(self, gfx_ids: Sequence[int], wsop_ids: Sequence[int]) -> list[RowMapping]:
        """Links of any status that involve one of these source rows, newest first."""
        statement = text(
            _LINKS + " WHERE l.gfx_player_id = ANY(:gfx_ids) OR l.wsop_player_id = ANY(:wsop_ids)"
            " ORDER BY l.id DESC"
        ).bindparams(_GFX_IDS, _WSOP_IDS)
        params = {"gfx_ids": list(gfx_ids), "wsop_ids": list(wsop_ids)}
        return list((await self._conn.execute(statement, params)).mappings())

    async def confirmed_other(self, link: RowMapping) -> RowMapping | None:
        """A confirmed link, other than ``link``, of its gfx row (a gfx row has one WSOP+
        partner; a WSOP+ player may have several gfx rows: one person, several names)."""
        rows = await self._rows(
            _LINKS + " WHERE l.status = 'confirmed' AND l.id <> :id"
            " AND l.gfx_player_id = :gfx LIMIT 1",
            id=link["id"],
            gfx=link["gfx_player_id"],
        )
        return rows[0] if rows else None

    async def decide(self, link_id: int, status: str, by: str) -> None:
        await self._conn.execute(
            text(
                "UPDATE player_link_mapping SET status = :status, decided_by = :by,"
                " decided_at = now() WHERE id = :id"
            ),
            {"id": link_id, "status": status, "by": by},
        )

    async def supersede(self, link: RowMapping, by: str) -> list[int]:
        """Reject the other open suggestions of a confirmed link's gfx row: it has one
        confirmed partner, so those can no longer be right. Other gfx rows' suggestions
        for the same WSOP+ player stay open: they may be the same person's other names."""
        result = await self._conn.execute(
            text(
                "UPDATE player_link_mapping SET status = 'rejected', decided_by = :by,"
                " decided_at = now(),"
                " match_evidence = match_evidence || jsonb_build_object('superseded_by', :id)"
                " WHERE status = 'suggested' AND id <> :id AND gfx_player_id = :gfx"
                " RETURNING id"
            ),
            {"id": link["id"], "by": by, "gfx": link["gfx_player_id"]},
        )
        return [int(i) for i in result.scalars()]

    # -- suggestion input ----------------------------------------------------------------

    async def unlinked_gfx(self) -> list[RowMapping]:
        """PokerGFX players without a confirmed link."""
        return await self._rows(
            "SELECT g.id, g.name, g.long_name, g.country_code FROM gfx_players g"
            " WHERE NOT EXISTS (SELECT 1 FROM player_link_mapping l"
            "  WHERE l.gfx_player_id = g.id AND l.status = 'confirmed') ORDER BY g.id"
        )

    async def linkable_wsop(self) -> list[RowMapping]:
        """Every WSOP+ player: one already linked can still be another gfx row's person."""
        return await self._rows("SELECT w.id, w.name_key, w.country_code FROM wsop_players w")

    async def known_pairs(self, gfx_ids: Sequence[int]) -> list[tuple[int, int]]:
        """(gfx, wsop) pairs already suggested or decided: never proposed twice."""
        statement = text(
            "SELECT gfx_player_id, wsop_player_id FROM player_link_mapping"
            " WHERE gfx_player_id = ANY(:gfx_ids)"
        ).bindparams(_GFX_IDS)
        rows = await self._conn.execute(statement, {"gfx_ids": list(gfx_ids)})
        return [(int(row.gfx_player_id), int(row.wsop_player_id)) for row in rows]

    async def insert_suggestions(self, matches: Sequence[Match]) -> list[int]:
        if not matches:
            return []
        result = await self._conn.execute(
            text(
                "INSERT INTO player_link_mapping (gfx_player_id, wsop_player_id, status,"
                " match_method, match_confidence, match_evidence)"
                " SELECT m.gfx, m.wsop, 'suggested', m.method, m.confidence, m.evidence"
                " FROM jsonb_to_recordset(CAST(:matches AS jsonb))"
                "  AS m(gfx bigint, wsop bigint, method text, confidence float8, evidence jsonb)"
                " ON CONFLICT (gfx_player_id, wsop_player_id) DO NOTHING RETURNING id"
            ),
            {
                "matches": json.dumps(
                    [
                        {
                            "gfx": m.gfx_player_id,
                            "wsop": m.wsop_player_id,
                            "method": m.method.value,
                            "confidence": m.confidence,
                            "evidence": m.evidence,
                        }
                        for m in matches
                    ]
                )
            },
        )
        return [int(i) for i in result.scalars()]

    # -- source rows and merging persons -------------------------------------------------

    async def lock_source_row(self, table: str, row_id: int) -> RowMapping:
        if table not in ("gfx_players", "wsop_players"):
            raise ValueError(f"{table!r} is not a player source table")
        rows = await self._rows(f"SELECT * FROM {table} WHERE id = :id FOR UPDATE", id=row_id)
        if not rows:
            raise NotFound(f"no {table} row with id {row_id}")
        return rows[0]

    async def repoint_gfx(self, gfx_id: int, person_id: int) -> None:
        await self._conn.execute(
            text("UPDATE gfx_players SET player_id = :person WHERE id = :id"),
            {"id": gfx_id, "person": person_id},
        )

    async def active_override_pairs(self, source: int, target: int) -> list[RowMapping]:
        """Fields with an active override on both persons, with both values."""
        return await self._rows(
            "SELECT s.id AS source_id, s.field_name, s.override_value AS source_value,"
            " t.override_value AS target_value FROM player_overrides s"
            " JOIN player_overrides t ON t.field_name = s.field_name AND t.player_id = :target"
            "  AND t.active WHERE s.player_id = :source AND s.active",
            source=source,
            target=target,
        )

    async def move_overrides(self, source: int, target: int, retire_ids: Sequence[int]) -> None:
        """Move every override (history too) to ``target``; ``retire_ids`` (duplicates of
        the target's active ones) become inactive first, so one stays active per field."""
        if retire_ids:
            statement = text(
                "UPDATE player_overrides SET active = FALSE, updated_at = now()"
                " WHERE id = ANY(:ids)"
            ).bindparams(_IDS)
            await self._conn.execute(statement, {"ids": list(retire_ids)})
        await self._conn.execute(
            text("UPDATE player_overrides SET player_id = :target WHERE player_id = :source"),
            {"source": source, "target": target},
        )

    async def move_images(self, source: int, target: int) -> None:
        """Move images; one the target already has a primary of the same type for stays as a
        secondary image (one primary per player and type)."""
        await self._conn.execute(
            text(
                "UPDATE profile_images s SET player_id = :target,"
                " is_primary = s.is_primary AND NOT EXISTS (SELECT 1 FROM profile_images t"
                "  WHERE t.player_id = :target AND t.image_type = s.image_type AND t.is_primary)"
                " WHERE s.player_id = :source"
            ),
            {"source": source, "target": target},
        )

    async def _rows(self, sql: str, **params: Any) -> list[RowMapping]:
        return list((await self._conn.execute(text(sql), params)).mappings())
