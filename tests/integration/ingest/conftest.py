"""Ingest fixtures: the real PokerGFX and WSOP+ sample files shipped in tests/data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from wsop_hub.ingest.service import IngestService
from wsop_hub.settings import Settings

DATA = Path(__file__).resolve().parents[2] / "data"
GFX = DATA / "pokergfx"
WSOP = DATA / "wsop_plus"


def gfx_json_files() -> list[Path]:
    return sorted(p for p in GFX.rglob("PGFX_live_data_export GameID=*.json"))


def gfx_txt_files() -> list[Path]:
    return sorted(GFX.rglob("PGFX_live_data_export.txt"))


def hand_numbers(path: Path) -> tuple[int, set[int]]:
    """(GameID, HandNums) read with the json module: an independent count."""
    data = json.loads(path.read_text(encoding="utf-8-sig"))
    return int(data["ID"]), {int(h["HandNum"]) for h in data["Hands"]}


@pytest.fixture
def service(engine: AsyncEngine, settings: Settings) -> IngestService:
    return IngestService(engine, settings)


async def scalar(engine: AsyncEngine, sql: str, **params: Any) -> Any:
    async with engine.connect() as conn:
        return await conn.scalar(text(sql), params)


async def rows(engine: AsyncEngine, sql: str, **params: Any) -> list[Any]:
    async with engine.connect() as conn:
        return list(await conn.execute(text(sql), params))
