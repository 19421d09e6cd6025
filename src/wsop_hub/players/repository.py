"""SQL of the unified players: persons, their source candidates, search and overrides.

The read model is fetched set-wise: one statement returns, for every person of a page,
the candidate value of each source (in-window overrides as one JSON object, the manual
columns, the newest WSOP+ row, the most recently seen PokerGFX row), each through an
index on ``player_id``; :mod:`wsop_hub.players.merge` then picks per field. Listing and
search are keyset/limit queries, so their cost does not grow with the page number.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY, BIGINT, TEXT
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from wsop_hub.errors import NotFound
from wsop_hub.players.merge import FIELD_SOURCES, PlayerField, Source
from wsop_hub.players.models import PlayerSource
from wsop_hub.players.names import SearchTerms, name_key

_IN_WINDOW = (
    "o.active AND (o.valid_from IS NULL OR o.valid_from <= :now)"
    " AND (o.valid_until IS NULL OR o.valid_until > :now)"
)

_CANDIDATES = f"""
SELECT p.id, p.display_name, p.name_key, p.name_korean, p.bio, p.notable_wins,
       p.country_code, p.profile_image, p.created_by, p.created_at, p.updated_at,
       COALESCE(ov.fields, '{{}}'::jsonb) AS override_fields,
       img.file_path AS manual_image,
       w.name AS wsop_name, w.country_code AS wsop_country, w.profile_image_url AS wsop_image,
       g.name AS gfx_name,
       w.name IS NOT NULL AS has_wsop, g.name IS NOT NULL AS has_gfx
  FROM players p
  LEFT JOIN LATERAL (
        SELECT jsonb_object_agg(o.field_name, o.override_value) AS fields
          FROM player_overrides o WHERE o.player_id = p.id AND {_IN_WINDOW}
       ) ov ON TRUE
  LEFT JOIN LATERAL (
        SELECT i.file_path FROM profile_images i
         WHERE i.player_id = p.id AND i.is_primary AND i.image_type = 'profile'
       ) img ON TRUE
  LEFT JOIN LATERAL (
        SELECT wp.name, wp.country_code, wp.profile_image_url FROM wsop_players wp
         WHERE wp.player_id = p.id ORDER BY wp.updated_at DESC, wp.id DESC LIMIT 1
       ) w ON TRUE
  LEFT JOIN LATERAL (
        SELECT COALESCE(NULLIF(btrim(gp.long_name), ''), gp.name) AS name FROM gfx_players gp
         WHERE gp.player_id = p.id ORDER BY gp.last_seen_at DESC, gp.id DESC LIMIT 1
       ) g ON TRUE
"""

#: Each source's candidate for a field as a correlated subquery on ``p`` (for filters: the
#: page query decides which persons qualify before any candidate row is assembled).
_SQL_CANDIDATE: dict[tuple[PlayerField, Source], str] = {
    (PlayerField.COUNTRY_CODE, Source.OVERRIDE): (
        "(SELECT o.override_value FROM player_overrides o WHERE o.player_id = p.id"
        f" AND o.field_name = 'country_code' AND {_IN_WINDOW})"
    ),
    (PlayerField.COUNTRY_CODE, Source.MANUAL): "p.country_code",
    (PlayerField.COUNTRY_CODE, Source.WSOP): (
        "(SELECT wp.country_code FROM wsop_players wp WHERE wp.player_id = p.id"
        " ORDER BY wp.updated_at DESC, wp.id DESC LIMIT 1)"
    ),
}

_HAS_GFX = "EXISTS (SELECT 1 FROM gfx_players gs WHERE gs.player_id = p.id)"
_HAS_WSOP = "EXISTS (SELECT 1 FROM wsop_players ws WHERE ws.player_id = p.id)"

# Written as semi/anti-joins on the player_id indexes rather than on the lateral rows, so a
# rare filter value is found without computing every person's candidates.
_SOURCE_FILTERS: dict[str, str] = {
    "linked": f"{_HAS_GFX} AND {_HAS_WSOP}",
    "unlinked": f"(NOT {_HAS_GFX} OR NOT {_HAS_WSOP})",
    "gfx": _HAS_GFX,
    "wsop": _HAS_WSOP,
    "manual": f"NOT {_HAS_GFX} AND NOT {_HAS_WSOP}",
}

# Only a person one of whose sources names the country can have it as the unified value:
# three flat scans give those ids, newest first, and the page walks them in that order
# checking the priority, so it stops after `limit` hits instead of checking every one.
_COUNTRY_IDS = """(
    SELECT DISTINCT c.id FROM (
        SELECT id FROM players WHERE upper(country_code) = :country
        UNION ALL SELECT player_id FROM wsop_players WHERE upper(country_code) = :country
        UNION ALL SELECT player_id FROM player_overrides
         WHERE field_name = 'country_code' AND active AND upper(override_value) = :country
    ) AS c(id) WHERE c.id IS NOT NULL ORDER BY c.id DESC
) AS cand JOIN players p ON p.id = cand.id"""

_IDS = bindparam("ids", type_=ARRAY(BIGINT))


def _resolved_sql(field: PlayerField) -> str:
    """COALESCE over the field's sources in SPEC §6 order (blank counts as missing)."""
    parts = [f"NULLIF(btrim({_SQL_CANDIDATE[field, s]}), '')" for s in FIELD_SOURCES[field]]
    return f"COALESCE({', '.join(parts)})"


_SEARCH = """
WITH hits AS (
    SELECT p.id AS player_id, p.name_key FROM players p
     WHERE p.name_key <> '' AND strpos(p.name_key, :first_token) > 0
    UNION ALL
    SELECT wp.player_id, wp.name_key FROM wsop_players wp
     WHERE wp.player_id IS NOT NULL AND strpos(wp.name_key, :first_token) > 0
    UNION ALL
    SELECT gp.player_id, gp.name_key FROM gfx_players gp
     WHERE gp.player_id IS NOT NULL AND strpos(gp.name_key, :first_token) > 0
), graded AS (
    SELECT player_id, name_key,
           CASE WHEN name_key = :key THEN 0
                WHEN left(name_key, length(:key)) = :key THEN 1
                WHEN strpos(' ' || name_key, ' ' || :key) > 0 THEN 2
                WHEN strpos(name_key, :key) > 0 THEN 3
                ELSE 4 END AS grade
      FROM hits
     WHERE NOT EXISTS (SELECT 1 FROM unnest(:tokens) t WHERE strpos(hits.name_key, t) = 0)
), best AS (
    SELECT DISTINCT ON (player_id) player_id, name_key, grade
      FROM graded ORDER BY player_id, grade, length(name_key), name_key
)
SELECT player_id, name_key, grade FROM best
 ORDER BY grade, length(name_key), name_key, player_id
 LIMIT :limit
"""


class PlayerRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._conn = connection

    # -- persons -------------------------------------------------------------------------

    async def lock(self, player_id: int) -> RowMapping:
        """The person's row, locked for this transaction; NotFound if there is none."""
        row = (
            (
                await self._conn.execute(
                    text("SELECT * FROM players WHERE id = :id FOR UPDATE"), {"id": player_id}
                )
            )
            .mappings()
            .first()
        )
        if row is None:
            raise NotFound(f"no player with id {player_id}")
        return row

    async def require(self, player_id: int) -> None:
        """NotFound unless the person exists (no lock: for reads)."""
        found = await self._conn.execute(
            text("SELECT 1 FROM players WHERE id = :id"), {"id": player_id}
        )
        if found.first() is None:
            raise NotFound(f"no player with id {player_id}")

    async def insert(self, values: dict[str, Any], *, created_by: str) -> int:
        result = await self._conn.execute(
            text(
                "INSERT INTO players (display_name, name_key, name_korean, bio, notable_wins,"
                " country_code, profile_image, created_by)"
                " VALUES (:display_name, :name_key, :name_korean, :bio,"
                " CAST(:notable_wins AS jsonb), :country_code, :profile_image, :created_by)"
                " RETURNING id"
            ),
            {
                **values,
                "name_key": name_key(values["display_name"]),
                "notable_wins": json.dumps(values.get("notable_wins") or []),
                "created_by": created_by,
            },
        )
        return int(result.scalar_one())

    async def update_manual(self, player_id: int, changes: dict[str, Any]) -> None:
        """Write manual columns; ``display_name: None`` empties the manual name (the label
        stays, the key goes) so the sources name the person again."""
        assignments: list[str] = ["updated_at = now()"]
        params: dict[str, Any] = {"id": player_id}
        for column, value in changes.items():
            if column == "display_name":
                if value is None:
                    assignments.append("name_key = ''")
                else:
                    assignments += ["display_name = :display_name", "name_key = :name_key"]
                    params.update(display_name=value, name_key=name_key(value))
            elif column == "notable_wins":
                assignments.append("notable_wins = CAST(:notable_wins AS jsonb)")
                params["notable_wins"] = json.dumps(value or [])
            elif column in ("name_korean", "bio", "country_code", "profile_image"):
                assignments.append(f"{column} = :{column}")
                params[column] = value
            else:
                raise ValueError(f"{column!r} is not a manual column of players")
        await self._conn.execute(
            text(f"UPDATE players SET {', '.join(assignments)} WHERE id = :id"), params
        )

    async def delete(self, player_id: int) -> None:
        await self._conn.execute(text("DELETE FROM players WHERE id = :id"), {"id": player_id})

    async def source_counts(self, player_id: int) -> tuple[int, int]:
        """(gfx rows, wsop rows) pointing at the person."""
        row = (
            await self._conn.execute(
                text(
                    "SELECT (SELECT count(*) FROM gfx_players WHERE player_id = :id) AS gfx,"
                    " (SELECT count(*) FROM wsop_players WHERE player_id = :id) AS wsop"
                ),
                {"id": player_id},
            )
        ).one()
        return int(row.gfx), int(row.wsop)

    # -- read model ----------------------------------------------------------------------

    async def candidates(self, ids: Sequence[int], now: datetime) -> list[RowMapping]:
        """Candidate values of the given persons, in the order of ``ids``."""
        if not ids:
            return []
        statement = text(_CANDIDATES + " WHERE p.id = ANY(:ids)").bindparams(_IDS)
        rows = (await self._conn.execute(statement, {"ids": list(ids), "now": now})).mappings()
        by_id = {row["id"]: row for row in rows}
        return [by_id[i] for i in ids if i in by_id]

    async def page(
        self,
        now: datetime,
        *,
        before_id: int | None,
        limit: int,
        source: PlayerSource | None,
        country_code: str | None,
    ) -> list[RowMapping]:
        """Candidates of a page of persons, newest first, filtered on the unified values.

        Two statements: the page of ids (filters only, so a rare filter value costs index
        probes and flat scans, not a candidate row per person scanned), then its candidates.
        """
        where: list[str] = []
        params: dict[str, Any] = {"now": now, "limit": limit}
        if before_id is not None:
            where.append("p.id < :before_id")
            params["before_id"] = before_id
        if source is not None:
            where.append(_SOURCE_FILTERS[source])
        source_table = "players p"
        if country_code is not None:
            source_table = _COUNTRY_IDS
            where.append(f"upper({_resolved_sql(PlayerField.COUNTRY_CODE)}) = :country")
            params["country"] = country_code.upper()
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        page = text(f"SELECT p.id FROM {source_table}{clause} ORDER BY p.id DESC LIMIT :limit")
        ids = [int(i) for i in (await self._conn.execute(page, params)).scalars()]
        return await self.candidates(ids, now)

    async def search(self, terms: SearchTerms, limit: int) -> list[RowMapping]:
        """Persons whose manual, WSOP+ or PokerGFX name key contains every query word,
        best first: exact key, key prefix, word prefix, substring, words in another order."""
        statement = text(_SEARCH).bindparams(bindparam("tokens", type_=ARRAY(TEXT)))
        params = {
            "key": terms.key,
            "first_token": max(terms.tokens, key=len),
            "tokens": list(terms.tokens),
            "limit": limit,
        }
        return list((await self._conn.execute(statement, params)).mappings())

    async def wsop_chip_count(self, player_id: int) -> RowMapping | None:
        return (
            (
                await self._conn.execute(
                    text(
                        "SELECT c.chips, c.recorded_at, c.event_id FROM wsop_chip_counts c"
                        " JOIN wsop_players wp ON wp.id = c.player_id"
                        " WHERE wp.player_id = :id ORDER BY c.recorded_at DESC, c.id DESC LIMIT 1"
                    ),
                    {"id": player_id},
                )
            )
            .mappings()
            .first()
        )

    async def gfx_hands(self, player_id: int) -> tuple[int, RowMapping | None]:
        """(hands played, the latest hand by start time with the end stack)."""
        count = await self._conn.execute(
            text(
                "SELECT count(*) FROM gfx_hand_players hp"
                " JOIN gfx_players gp ON gp.id = hp.player_id"
                " WHERE gp.player_id = :id AND NOT hp.sitting_out"
            ),
            {"id": player_id},
        )
        last = await self._conn.execute(
            text(
                "SELECT h.id AS gfx_hand_id, h.session_id, h.hand_num, h.started_at,"
                " hp.end_stack_amt FROM gfx_hand_players hp"
                " JOIN gfx_players gp ON gp.id = hp.player_id"
                " JOIN gfx_hands h ON h.id = hp.hand_id"
                " WHERE gp.player_id = :id"
                " ORDER BY h.started_at DESC NULLS LAST, h.id DESC LIMIT 1"
            ),
            {"id": player_id},
        )
        return int(count.scalar_one()), last.mappings().first()

    async def gfx_records(self, player_id: int) -> list[RowMapping]:
        return await self._rows(
            "SELECT id, player_key, name, long_name, name_key, country_code, hands_played,"
            " first_seen_at, last_seen_at FROM gfx_players WHERE player_id = :id ORDER BY id",
            id=player_id,
        )

    async def wsop_records(self, player_id: int) -> list[RowMapping]:
        return await self._rows(
            "SELECT id, wsop_player_id, name, name_key, country_code, hometown,"
            " profile_image_url, updated_at FROM wsop_players WHERE player_id = :id ORDER BY id",
            id=player_id,
        )

    async def images(self, player_id: int) -> list[RowMapping]:
        return await self._rows(
            "SELECT id, image_type, file_path, mime_type, width, height, is_primary,"
            " uploaded_by, created_at FROM profile_images WHERE player_id = :id"
            " ORDER BY is_primary DESC, id DESC",
            id=player_id,
        )

    # -- overrides -----------------------------------------------------------------------

    async def overrides(
        self, player_id: int, now: datetime, *, active_only: bool
    ) -> list[RowMapping]:
        """The person's overrides, newest first, each saying whether it is in effect now."""
        return await self._rows(
            f"SELECT o.*, ({_IN_WINDOW}) AS in_effect FROM player_overrides o"
            " WHERE o.player_id = :id"
            + (" AND o.active" if active_only else "")
            + " ORDER BY o.id DESC",
            id=player_id,
            now=now,
        )

    async def deactivate_field(self, player_id: int, field: str) -> list[int]:
        """Retire the active override of a field (kept as history); the ids retired."""
        result = await self._conn.execute(
            text(
                "UPDATE player_overrides SET active = FALSE, updated_at = now()"
                " WHERE player_id = :id AND field_name = :field AND active RETURNING id"
            ),
            {"id": player_id, "field": field},
        )
        return [int(i) for i in result.scalars()]

    async def insert_override(self, values: dict[str, Any]) -> int:
        result = await self._conn.execute(
            text(
                "INSERT INTO player_overrides (player_id, field_name, override_value,"
                " original_value, reason, valid_from, valid_until, created_by)"
                " VALUES (:player_id, :field_name, :override_value, :original_value, :reason,"
                " :valid_from, :valid_until, :created_by) RETURNING id"
            ),
            values,
        )
        return int(result.scalar_one())

    async def override(
        self, player_id: int, override_id: int, now: datetime, *, for_update: bool = False
    ) -> RowMapping:
        rows = await self._rows(
            f"SELECT o.*, ({_IN_WINDOW}) AS in_effect FROM player_overrides o"
            " WHERE o.id = :override_id AND o.player_id = :id"
            + (" FOR UPDATE" if for_update else ""),
            id=player_id,
            override_id=override_id,
            now=now,
        )
        if not rows:
            raise NotFound(f"player {player_id} has no override with id {override_id}")
        return rows[0]

    async def deactivate(self, override_id: int) -> None:
        await self._conn.execute(
            text("UPDATE player_overrides SET active = FALSE, updated_at = now() WHERE id = :id"),
            {"id": override_id},
        )

    async def _rows(self, sql: str, **params: Any) -> list[RowMapping]:
        return list((await self._conn.execute(text(sql), params)).mappings())
