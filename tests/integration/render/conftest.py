"""Render pipeline fixtures: the dispatch harness (real PostgreSQL + Redis), a synced template
registry, the built-in backend writing under the test's HUB_OUTPUT_DIR, and sample gfx_data
for every shipped template."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.integration.dispatch.conftest import (  # noqa: F401 - fixtures used by these tests
    Harness,
    claims,
    fast_redis,
    harness,
    keys,
)
from tests.waiting import eventually
from wsop_hub.domain.enums import TriggerType
from wsop_hub.domain.models import OutputSettings, RenderInstruction, RenderInstructionIn
from wsop_hub.operations.actions import create_render
from wsop_hub.render.backend import BuiltinBackend
from wsop_hub.render.registry import SyncReport, sync_registry
from wsop_hub.settings import Settings

#: gfx_data for every shipped template, both payload shapes, a Korean name among them.
SAMPLES: dict[str, dict[str, Any]] = {
    "_MAIN Mini Chip Count": {
        "players": [
            {"name": "Lipauka", "chips": 2_225_000, "country_code": "LT"},
            {"name": "홍길동", "chips": 1_625_000, "country_code": "KR"},
            {"name": "Sitting Out", "chips": 9_000_000, "sitting_out": True},
        ],
        "big_blind": 20_000,
        "single_fields": {"AVERAGE STACK": "1,925,000 (96BB)"},
    },
    "Premium Hand": {
        "single_fields": {
            "name": "Phil Ivey",
            "hand": "full_house",
            "cards": "As Ah",
            "pot": 1_500_000,
            "country_code": "US",
        }
    },
    "Elimination": {
        "slots": [
            {"slot_index": 1, "fields": {"name": "Jane Doe", "rank": 9, "prize": 8_200_000}},
        ]
    },
    "Payouts": {
        "payouts": [{"place": p, "amount": 10_000_000 // p} for p in range(1, 10)],
        "single_fields": {"event_name": "Main Event", "total_prize": 50_000_000},
    },
}

#: Small and short, so every template renders in every format within the time budget.
SMALL = {"width": 320, "height": 180, "fps": 30.0, "duration_frames": 6}


@pytest.fixture
async def synced(engine: AsyncEngine) -> SyncReport:
    """The registry as `wsop-hub templates sync` leaves it on a fresh database."""
    return await sync_registry(engine)


@pytest.fixture
async def backend(
    settings: Settings, engine: AsyncEngine, synced: SyncReport
) -> AsyncIterator[BuiltinBackend]:
    backend = BuiltinBackend(settings, engine=engine)
    yield backend
    await backend.aclose()


async def submit(
    engine: AsyncEngine,
    template: str,
    gfx_data: dict[str, Any],
    output: str = "mp4",
    **overrides: Any,
) -> RenderInstruction:
    """A render instruction as the render API creates it (force_render kept)."""
    settings = {**SMALL, "format": output, **overrides.pop("output_settings", {})}
    data = RenderInstructionIn(
        template_name=template,
        layer_data=gfx_data,
        output_settings=OutputSettings.model_validate(settings),
        trigger_type=TriggerType.MANUAL,
        **overrides,
    )
    return await create_render(engine, data, default_max_retries=3, actor="test")


async def row(engine: AsyncEngine, sql: str, **params: Any) -> dict[str, Any]:
    async with engine.connect() as conn:
        found = (await conn.execute(text(sql), params)).mappings().first()
    assert found is not None, f"no row for {sql} {params}"
    return dict(found)


async def rows(engine: AsyncEngine, sql: str, **params: Any) -> list[dict[str, Any]]:
    async with engine.connect() as conn:
        return [dict(r) for r in (await conn.execute(text(sql), params)).mappings()]


async def settled(dispatch: Harness, job_id: int, status: str, timeout_s: float = 20) -> None:
    async def probe() -> bool:
        return await dispatch.status(job_id) == status

    await eventually(probe, timeout_s=timeout_s, what=f"instruction {job_id} {status}")


def files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def size_on_disk(path: Path) -> int:
    """A file's size, or the total of a PNG sequence directory's frames."""
    return sum(p.stat().st_size for p in path.iterdir()) if path.is_dir() else path.stat().st_size


def all_files(paths: list[str]) -> bool:
    return all(Path(p).is_file() for p in paths)
