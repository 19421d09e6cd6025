"""The scheduled sync jobs (SPEC §6 schedules): a full rescan of the inbox per source.

The watcher imports files as they land; the scheduled run catches whatever it missed (the
hub was down, a NAS share dropped its notifications). Re-reading a file already imported
costs a hash: the same bytes are a no-op. GFX covers sessions, hands and players; WSOP+
reports per entity what its files fed (blind levels, payouts and the broadcast schedule
count with events). A quarantined file does not fail the sync; the details say so.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from wsop_hub.ingest.service import FileKind, IngestService, Outcome, iter_files, kind_of
from wsop_hub.ingest.sync import GFX, WSOP_PLUS, SyncJob
from wsop_hub.settings import Settings

_ENTITY = {
    "events": "events",
    "blind_levels": "events",
    "payouts": "events",
    "broadcast_schedule": "events",
    "players": "players",
    "chip_counts": "chip_counts",
    "standings": "standings",
}


def build_jobs(engine: AsyncEngine, settings: Settings) -> dict[str, SyncJob]:
    service = IngestService(engine, settings)
    inbox = settings.inbox_dir

    async def scan(kinds: set[FileKind]) -> list[Any]:
        inbox.mkdir(parents=True, exist_ok=True)
        results = []
        for path in await asyncio.to_thread(iter_files, inbox):
            if await asyncio.to_thread(kind_of, path) in kinds:
                results.append(await service.ingest(path, inbox=inbox))
        return results

    async def gfx(entities: frozenset[str]) -> Mapping[str, dict[str, Any]]:
        results = await scan({FileKind.GFX_JSON, FileKind.GFX_TXT})
        return {
            entity: {
                "files": len(results),
                "imported": sum(r.outcome == Outcome.IMPORTED for r in results),
                "hands_new": sum(r.hands_new for r in results),
                "hands_updated": sum(r.hands_updated for r in results),
                "quarantined": sum(r.outcome == Outcome.QUARANTINED for r in results),
                "deferred": sum(r.outcome == Outcome.DEFERRED for r in results),
            }
            for entity in entities
        }

    async def wsop(entities: frozenset[str]) -> Mapping[str, dict[str, Any]]:
        results = await scan({FileKind.WSOP})
        details: dict[str, dict[str, Any]] = {
            e: {"files": 0, "rows": 0, "rows_failed": 0, "quarantined": 0} for e in entities
        }
        for r in results:
            entity = _ENTITY.get(r.target or "", None)
            if r.outcome == Outcome.QUARANTINED:
                for d in details.values():
                    d["quarantined"] += 1
                continue
            if entity in details:
                details[entity]["files"] += 1
                details[entity]["rows"] += r.rows_imported
                details[entity]["rows_failed"] += r.rows_failed
        return details

    return {GFX: gfx, WSOP_PLUS: wsop}
