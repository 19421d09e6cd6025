"""The template registry: `templates sync` (idempotent, replaces a changed template) and the
templates API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from PIL import Image
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import TEST_API_KEY, asgi_client
from tests.integration.render.conftest import row, rows
from wsop_hub.cli import main
from wsop_hub.render.flags import default_media_root
from wsop_hub.render.registry import TemplateRegistry, sync_registry
from wsop_hub.render.templates import TemplateSpec, shipped_templates
from wsop_hub.settings import Settings

AUTH = {"X-API-Key": TEST_API_KEY}
SHIPPED_FLAGS = sorted((default_media_root() / "Flag").glob("*.png"))


@pytest.fixture
async def api(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with asgi_client(settings) as client:
        yield client


async def test_sync_loads_every_template_and_flag_and_a_second_sync_changes_nothing(
    engine: AsyncEngine,
) -> None:
    templates = shipped_templates()
    first = await sync_registry(engine)
    assert (first.added, first.replaced, first.unchanged) == (len(templates), 0, 0)
    assert first.media_added == first.media_total == len(SHIPPED_FLAGS) > 20
    stored = await rows(engine, "SELECT name, version, synced_at FROM aep_compositions")
    assert {r["name"]: r["version"] for r in stored} == {
        name: spec.version for name, spec in templates.items()
    }
    layers = await row(engine, "SELECT count(*) AS n FROM aep_layers")
    assert layers["n"] == sum(len(s.placed_layers()) for s in templates.values())
    fields = await row(engine, "SELECT count(*) AS n FROM aep_field_keys")
    assert fields["n"] == sum(len(s.fields) for s in templates.values())

    second = await sync_registry(engine)
    assert (second.added, second.replaced, second.unchanged) == (0, 0, len(templates))
    assert (second.media_added, second.media_updated) == (0, 0)
    assert await rows(engine, "SELECT name, version, synced_at FROM aep_compositions") == stored


async def test_a_template_whose_definition_changed_is_replaced_with_its_layers(
    engine: AsyncEngine,
) -> None:
    await sync_registry(engine)
    registry = TemplateRegistry(engine)
    before = await registry.get("Payouts")
    document = before.spec.model_dump(mode="json")
    document["version"] = "1.1.0"
    document["layers"][0]["x"] += 40  # the panel moves
    changed = {**shipped_templates(), "Payouts": TemplateSpec.model_validate(document)}

    report = await sync_registry(engine, changed)
    assert (report.added, report.replaced, report.unchanged) == (0, 1, len(changed) - 1)
    after = await registry.get("Payouts")
    assert after.spec.version == "1.1.0" and after.digest != before.digest
    panel = await row(
        engine,
        "SELECT l.x FROM aep_layers l JOIN aep_compositions c ON c.id = l.composition_id"
        " WHERE c.name = 'Payouts' AND l.name = 'Panel'",
    )
    assert panel["x"] == before.spec.layers[0].x + 40
    counts = await row(
        engine,
        "SELECT (SELECT count(*) FROM aep_layers l JOIN aep_compositions c"
        "        ON c.id = l.composition_id WHERE c.name = 'Payouts') AS layers,"
        "       (SELECT count(*) FROM aep_field_keys f JOIN aep_compositions c"
        "        ON c.id = f.composition_id WHERE c.name = 'Payouts') AS fields",
    )
    assert counts == {
        "layers": len(after.spec.placed_layers()),
        "fields": len(after.spec.fields),
    }


async def test_flags_are_registered_with_country_and_size(engine: AsyncEngine) -> None:
    await sync_registry(engine)
    sources = {r["file_path"]: r for r in await rows(engine, "SELECT * FROM aep_media_sources")}
    assert {p.name for p in SHIPPED_FLAGS} == {Path(f).name for f in sources}
    korea = sources["Flag/Korea.png"]
    with Image.open(default_media_root() / "Flag" / "Korea.png") as image:
        assert (korea["width"], korea["height"]) == image.size
    assert (korea["category"], korea["country_code"], korea["country_name"]) == (
        "Flag",
        "KR",
        "Korea",
    )
    assert sources["Flag/United Kingdom.png"]["country_code"] == "GB"
    unknown = sources["Flag/Unknown.png"]
    assert (unknown["country_code"], unknown["country_name"]) == (None, None)


async def test_the_templates_api_lists_and_details_the_registry(
    engine: AsyncEngine, api: httpx.AsyncClient
) -> None:
    await sync_registry(engine)
    listing = await api.get("/api/templates")
    assert listing.status_code == 200
    names = [t["name"] for t in listing.json()]
    assert names == sorted(shipped_templates())
    chips = next(t for t in listing.json() if t["name"] == "_MAIN Mini Chip Count")
    assert (chips["slot_count"], chips["width"], chips["height"], chips["version"]) == (
        9,
        1920,
        1080,
        "1.0.0",
    )

    detail = await api.get("/api/templates/_MAIN Mini Chip Count")
    assert detail.status_code == 200
    body = detail.json()
    spec = shipped_templates()["_MAIN Mini Chip Count"]
    assert [layer["name"] for layer in body["layers"]] == [
        layer.name for layer in spec.placed_layers()
    ]
    name_9 = next(layer for layer in body["layers"] if layer["name"] == "Name 9")
    assert (name_9["kind"], name_9["font"]["weight"]) == ("text", "bold")
    name_field = next(f for f in body["field_keys"] if f["field_key"] == "name")
    assert name_field == {
        "field_key": "name",
        "pattern_type": "slot",
        "slot_count": 9,
        "layer_pattern": "Name {n}",
        "transform": "upper",
    }
    missing = await api.get("/api/templates/Leaderboard 3000")
    assert missing.status_code == 404 and "Leaderboard 3000" in missing.json()["detail"]


def test_the_sync_command_is_idempotent(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    count = len(shipped_templates())
    assert main(["templates", "sync"]) == 0
    assert f"templates: {count} ({count} added, 0 replaced, 0 unchanged)" in capsys.readouterr().out
    assert main(["templates", "sync"]) == 0
    assert f"(0 added, 0 replaced, {count} unchanged)" in capsys.readouterr().out
