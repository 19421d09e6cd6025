"""Every source player belongs to a person: the importers' entry point into `players`.

A PokerGFX or WSOP+ player row gets its own ``players`` row (its person) the first time
it is seen; confirming a gfx ↔ WSOP+ link later re-points the gfx row to the WSOP+ row's
person. The importers call :func:`ensure_person` / :func:`ensure_people` inside their own
transaction, so a source row is never committed without a person.

A person opened here has no manual name: its ``display_name`` is only a label copied from
the source (the column is NOT NULL) and its ``name_key`` is empty, which is how the read
model tells "no manual name, ask WSOP+ / PokerGFX" from a name an admin typed. The
``created_by`` of such a person is ``ingest:gfx`` or ``ingest:wsop``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from sqlalchemy import bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY, BIGINT
from sqlalchemy.ext.asyncio import AsyncConnection

from wsop_hub.errors import NotFound

SourceName = Literal["gfx", "wsop"]

#: Table and label (the name a person is listed under until a manual name is set) per source.
_SOURCES: dict[str, tuple[str, str]] = {
    "gfx": ("gfx_players", "COALESCE(NULLIF(btrim(s.long_name), ''), s.name)"),
    "wsop": ("wsop_players", "s.name"),
}


def seeded_by(source: SourceName) -> str:
    """``created_by`` of a person the hub opened for a source row."""
    return f"ingest:{source}"


def _statement(source: SourceName, *, every_unlinked: bool) -> str:
    table, label = _SOURCES[source]
    selection = "TRUE" if every_unlinked else "s.id = ANY(:ids)"
    # Person ids are drawn from the sequence up front so that the new person and the source
    # row's pointer are written by one statement, without a round trip per row.
    return f"""
WITH todo AS (
    SELECT s.id AS source_row_id, {label} AS label,
           nextval(pg_get_serial_sequence('players', 'id')) AS person_id
      FROM {table} s
     WHERE s.player_id IS NULL AND {selection}
     ORDER BY s.id
       FOR UPDATE OF s
), created AS (
    INSERT INTO players (id, display_name, name_key, created_by)
    SELECT person_id, label, '', :created_by FROM todo
), pointed AS (
    UPDATE {table} s SET player_id = todo.person_id
      FROM todo WHERE s.id = todo.source_row_id
)
SELECT source_row_id, person_id FROM todo
"""


async def ensure_people(
    conn: AsyncConnection,
    *,
    source: SourceName,
    source_row_ids: Sequence[int] | None = None,
) -> dict[int, int]:
    """Give each source row a person; return source row id → person id.

    ``source_row_ids=None`` covers every row of the source that has no person yet. Ids that
    name no row are left out of the result; rows that already have a person keep it.
    """
    if source not in _SOURCES:
        raise ValueError(f"unknown player source {source!r}: expected 'gfx' or 'wsop'")
    every = source_row_ids is None
    table, _ = _SOURCES[source]
    ids = [] if every else list(dict.fromkeys(source_row_ids or ()))
    create = text(_statement(source, every_unlinked=every))
    mapping = text(
        f"SELECT id, player_id FROM {table} WHERE player_id IS NOT NULL"
        + ("" if every else " AND id = ANY(:ids)")
    )
    params: dict[str, object] = {}
    if not every:
        create = create.bindparams(bindparam("ids", type_=ARRAY(BIGINT)))
        mapping = mapping.bindparams(bindparam("ids", type_=ARRAY(BIGINT)))
        params["ids"] = ids
    await conn.execute(create, {**params, "created_by": seeded_by(source)})
    return {row.id: row.player_id for row in await conn.execute(mapping, params)}


async def ensure_person(conn: AsyncConnection, *, source: SourceName, source_row_id: int) -> int:
    """The person of one source row, created if the row has none; NotFound for no row."""
    people = await ensure_people(conn, source=source, source_row_ids=[source_row_id])
    if source_row_id not in people:
        raise NotFound(f"no {source} player with id {source_row_id}")
    return people[source_row_id]
