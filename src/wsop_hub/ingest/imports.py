"""The files each source imported, newest first: what an operator checks when a graphic
shows old numbers ("did the 14:30 chip counts arrive, and did every line import?").

PokerGFX files are recorded in `gfx_files` (one row per distinct file; a duplicate writes
nothing), WSOP+ files in `wsop_import_logs` (every attempt, duplicates and failures
included, with the rejected lines). Quarantined files are monitoring events, not here.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

#: Rejected lines returned per WSOP+ import; `errors_total` says how many there were.
ERRORS_SHOWN = 20

_GFX = """
SELECT id, 'gfx' AS source, file_name, format, 'imported' AS status, imported_at AS at,
       file_size, session_id, hands_total, hands_new, hands_updated,
       NULL::int AS rows_total, NULL::int AS rows_imported, NULL::int AS rows_failed,
       '[]'::jsonb AS errors, 0 AS errors_total
  FROM gfx_files
 WHERE (CAST(:before_id AS bigint) IS NULL OR id < :before_id)
 ORDER BY id DESC LIMIT :limit
"""

_WSOP = f"""
SELECT id, 'wsop_plus' AS source, file_name, format, status,
       COALESCE(finished_at, started_at) AS at,
       NULL::bigint AS file_size, NULL::bigint AS session_id, NULL::int AS hands_total,
       NULL::int AS hands_new, NULL::int AS hands_updated, rows_total, rows_imported,
       rows_failed,
       COALESCE((SELECT jsonb_agg(e ORDER BY n) FROM jsonb_array_elements(errors)
                 WITH ORDINALITY AS a(e, n) WHERE n <= {ERRORS_SHOWN}), '[]'::jsonb) AS errors,
       jsonb_array_length(errors) AS errors_total
  FROM wsop_import_logs
 WHERE (CAST(:before_id AS bigint) IS NULL OR id < :before_id)
 ORDER BY id DESC LIMIT :limit
"""


async def recent_imports(
    conn: AsyncConnection, source: str, *, limit: int, before_id: int | None
) -> list[dict[str, Any]]:
    """A page of one source's imports, newest first (keyset on the id)."""
    statement = {"gfx": _GFX, "wsop_plus": _WSOP}[source]
    result = await conn.execute(text(statement), {"before_id": before_id, "limit": limit})
    return [dict(row._mapping) for row in result]
