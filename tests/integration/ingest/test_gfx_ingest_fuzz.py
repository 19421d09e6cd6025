"""Mutated and truncated real exports through the whole ingest path, against a real
PostgreSQL: each file is either stored whole or quarantined with nothing of it stored —
never an exception of another kind, never part of a file."""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
from pathlib import Path

from hypothesis import HealthCheck, given
from hypothesis import settings as fuzz_settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.unit.ingest.test_pokergfx_fuzz import JSON_DOCUMENTS, mutate_structure
from wsop_hub.db.engine import create_engine
from wsop_hub.ingest.service import IngestService, Outcome
from wsop_hub.settings import Settings

#: Every table a PokerGFX file writes to, besides the logs of what happened to it.
TABLES = (
    "gfx_sessions",
    "gfx_files",
    "gfx_hands",
    "gfx_hand_players",
    "gfx_events",
    "hand_grades",
    "hands",
    "gfx_players",
    "players",
    "render_instructions",
)
#: Hands of one session lacking a row they must have (a partial file would leave some).
INCOMPLETE = """
SELECT count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM gfx_hand_players s WHERE s.hand_id = h.id))
     + count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM hand_grades g WHERE g.gfx_hand_id = h.id))
     + count(*) FILTER (WHERE h.hub_hand_id IS NULL)
  FROM gfx_hands h WHERE h.session_id = :session
"""
GAME_IDS = itertools.count(700_000_000_000_000_000)

MUTATED = fuzz_settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def _mutated(data: st.DataObject, game_id: int) -> bytes:
    document = copy.deepcopy(data.draw(st.sampled_from(JSON_DOCUMENTS)))
    document["ID"] = game_id
    mutate_structure(document, data, edits=data.draw(st.integers(min_value=0, max_value=3)))
    encoded = json.dumps(document).encode()
    if data.draw(st.booleans()):
        encoded = encoded[: data.draw(st.integers(min_value=0, max_value=len(encoded)))]
    return encoded


async def _counts(engine: AsyncEngine) -> dict[str, int]:
    async with engine.connect() as conn:
        return {t: int(await conn.scalar(text(f"SELECT count(*) FROM {t}"))) for t in TABLES}


async def _ingest_and_check(settings: Settings, path: Path) -> None:
    assert settings.database_url is not None
    engine = create_engine(settings.database_url, pool_size=2)
    service = IngestService(engine, settings)
    try:
        before = await _counts(engine)
        result = await service.ingest(path)
        after = await _counts(engine)
        if result.outcome is Outcome.QUARANTINED:
            assert result.error and path.name in result.error
            assert after == before, "a rejected file left rows behind"
            return
        assert result.outcome is Outcome.IMPORTED, result
        assert after["gfx_files"] == before["gfx_files"] + 1
        assert after["gfx_hands"] - before["gfx_hands"] == result.hands_new
        assert after["hands"] - before["hands"] == result.hands_new
        async with engine.connect() as conn:
            assert await conn.scalar(text(INCOMPLETE), {"session": result.session_id}) == 0
    finally:
        service.close()
        await engine.dispose()


@MUTATED
@given(data=st.data())
def test_a_mutated_export_is_stored_whole_or_not_at_all(
    settings: Settings, tmp_path: Path, data: st.DataObject
) -> None:
    game_id = next(GAME_IDS)
    path = tmp_path / f"PGFX_live_data_export GameID={game_id}.json"
    path.write_bytes(_mutated(data, game_id))
    asyncio.run(_ingest_and_check(settings, path))
