"""The template registry in PostgreSQL (the "AEP analysis DB" of SPEC §7).

The versioned template files shipped with the package (render/templates/*.yaml, validated
by the Pydantic models of render/templates.py) are loaded into `aep_compositions`,
`aep_layers` and `aep_field_keys` by `sync_registry`, and the shipped flag images into
`aep_media_sources`. Workers and the API then read the templates from the database, so
every process renders and validates against the same definitions, and `GET /api/templates`
shows exactly what will render.

The sync is idempotent and cheap (`wsop-hub templates sync`, and at the start of `up` and
of every worker): a composition whose definition is unchanged is left alone; one whose
definition changed (a new version, or an edit) is replaced together with its layers and
field keys. Concurrent syncs (several workers starting at once) queue on an advisory lock.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from PIL import Image
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import delete, func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from wsop_hub.db.engine import create_engine
from wsop_hub.db.tables import aep_compositions, aep_field_keys, aep_layers, aep_media_sources
from wsop_hub.db.uow import UnitOfWork
from wsop_hub.errors import NotFound
from wsop_hub.render.binding import bind
from wsop_hub.render.errors import BindingError
from wsop_hub.render.flags import COUNTRY_FLAG_NAMES, UNKNOWN_FLAG, default_media_root
from wsop_hub.render.templates import TemplateSpec, shipped_templates

log = logging.getLogger(__name__)

#: Key of the transaction-scoped advisory lock that serialises syncs.
SYNC_LOCK_KEY = 0x57_53_4F_50_74_70_6C  # "WSOPtpl"

#: Footage folder of the country flags under the media root.
FLAG_FOLDER = "Flag"

#: Flag footage name → ISO code; the first code of COUNTRY_FLAG_NAMES wins ("GB", not "UK").
_CODE_BY_COUNTRY = {country: code for code, country in reversed(COUNTRY_FLAG_NAMES.items())}
_MEDIA_COLUMNS = ("file_path", "category", "country_code", "country_name", "width", "height")


class UnknownTemplate(BindingError):
    """A template name the registry does not hold: bad input (422 in the API, a failed
    instruction without retries in the worker)."""


# -- what the templates API answers -------------------------------------------------------


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class TemplateSummary(_Out):
    """One registered composition (a row of `aep_compositions`)."""

    name: str = Field(description="exact After Effects composition name")
    version: str
    category: str
    description: str
    width: int
    height: int
    fps: float
    duration_frames: int
    slot_count: int = Field(description="player/place slots (`Name 1` … `Name N`); 0: none")
    synced_at: datetime = Field(description="when this definition was loaded into the registry")


class TemplateLayer(_Out):
    """A concrete layer (`Name {n}` expanded to `Name 1` …) as the built-in renderer draws it."""

    name: str
    kind: str = Field(description="text, image or shape")
    x: int
    y: int
    width: int
    height: int
    font: dict[str, Any] | None
    colour: str
    align: str


class TemplateFieldKey(_Out):
    """A gfx_data field key and the layer(s) it feeds."""

    field_key: str
    pattern_type: str = Field(description="slot (one layer per slot) or single")
    slot_count: int | None
    layer_pattern: str = Field(description="layer name, `{n}` standing for the slot number")
    transform: str = Field(description="formatting applied to a raw value (FACTS §6.4)")


class TemplateDetail(TemplateSummary):
    layers: list[TemplateLayer]
    field_keys: list[TemplateFieldKey]


@dataclass(frozen=True)
class SyncReport:
    """What a sync changed."""

    added: int
    replaced: int
    unchanged: int
    media_added: int
    media_updated: int
    media_total: int

    def describe(self) -> str:
        templates = self.added + self.replaced + self.unchanged
        return (
            f"templates: {templates} ({self.added} added, {self.replaced} replaced, "
            f"{self.unchanged} unchanged); media sources: {self.media_total} "
            f"({self.media_added} added, {self.media_updated} updated)"
        )


# -- sync ---------------------------------------------------------------------------------


def _layer_rows(composition_id: int, spec: TemplateSpec) -> list[dict[str, Any]]:
    return [
        {
            "composition_id": composition_id,
            "name": layer.name,
            "kind": layer.kind.value,
            "x": layer.x,
            "y": layer.y,
            "width": layer.width,
            "height": layer.height,
            "font": layer.font.model_dump(mode="json") if layer.font else None,
            "colour": layer.colour,
            "align": layer.align.value,
        }
        for layer in spec.placed_layers()
    ]


def _field_rows(composition_id: int, spec: TemplateSpec) -> list[dict[str, Any]]:
    return [
        {
            "composition_id": composition_id,
            "field_key": field.key,
            "pattern_type": field.pattern,
            "slot_count": spec.slot_count if field.pattern == "slot" else None,
            "layer_pattern": field.layer,
            "transform": field.transform.value,
        }
        for field in spec.fields
    ]


def _composition_values(spec: TemplateSpec, document: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": spec.composition,
        "version": spec.version,
        "category": spec.category.value,
        "width": spec.width,
        "height": spec.height,
        "fps": spec.fps,
        "duration_frames": spec.duration_frames,
        "slot_count": spec.slot_count,
        "spec": document,
        "synced_at": func.now(),
    }


async def _sync_compositions(
    conn: AsyncConnection, templates: Mapping[str, TemplateSpec]
) -> tuple[int, int, int]:
    rows = await conn.execute(
        select(aep_compositions.c.id, aep_compositions.c.name, aep_compositions.c.spec)
    )
    existing = {row.name: (row.id, row.spec) for row in rows}
    added = replaced = unchanged = 0
    for spec in templates.values():
        document = spec.model_dump(mode="json")
        values = _composition_values(spec, document)
        current = existing.get(spec.composition)
        if current is not None and current[1] == document:
            unchanged += 1
            continue
        if current is None:
            composition_id = await conn.scalar(
                insert(aep_compositions).values(**values).returning(aep_compositions.c.id)
            )
            added += 1
        else:
            composition_id = current[0]
            await conn.execute(
                update(aep_compositions)
                .where(aep_compositions.c.id == composition_id)
                .values(**values)
            )
            for table in (aep_layers, aep_field_keys):
                await conn.execute(delete(table).where(table.c.composition_id == composition_id))
            replaced += 1
            log.info("template %r replaced (now version %s)", spec.composition, spec.version)
        assert composition_id is not None
        await conn.execute(insert(aep_layers), _layer_rows(composition_id, spec))
        await conn.execute(insert(aep_field_keys), _field_rows(composition_id, spec))
    return added, replaced, unchanged


def media_source_rows(media_root: Path) -> list[dict[str, Any]]:
    """One row per flag image shipped under `media_root/Flag` (sorted by path)."""
    rows = []
    for path in sorted((media_root / FLAG_FOLDER).glob("*.png")):
        relative = f"{FLAG_FOLDER}/{path.name}"
        with Image.open(path) as image:
            width, height = image.size
        unknown = relative == UNKNOWN_FLAG
        rows.append(
            {
                "file_path": relative,
                "category": "Flag",
                "country_code": None if unknown else _CODE_BY_COUNTRY.get(path.stem),
                "country_name": None if unknown else path.stem,
                "width": width,
                "height": height,
            }
        )
    return rows


async def _sync_media(conn: AsyncConnection, media_root: Path) -> tuple[int, int, int]:
    wanted = media_source_rows(media_root)
    columns = [aep_media_sources.c[name] for name in _MEDIA_COLUMNS]
    existing = {row.file_path: dict(row._mapping) for row in await conn.execute(select(*columns))}
    added = updated = 0
    for row in wanted:
        current = existing.get(row["file_path"])
        if current == row:
            continue
        if current is None:
            await conn.execute(insert(aep_media_sources).values(**row))
            added += 1
        else:
            await conn.execute(
                update(aep_media_sources)
                .where(aep_media_sources.c.file_path == row["file_path"])
                .values(**row)
            )
            updated += 1
    return added, updated, len(wanted)


async def sync_registry(
    engine: AsyncEngine,
    templates: Mapping[str, TemplateSpec] | None = None,
    media_root: Path | None = None,
) -> SyncReport:
    """Load `templates` (default: the shipped ones) and the flags under `media_root`
    (default: the shipped media) into the registry, in one transaction."""
    templates = shipped_templates() if templates is None else templates
    async with UnitOfWork(engine) as uow:
        conn = uow.connection
        await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SYNC_LOCK_KEY})
        added, replaced, unchanged = await _sync_compositions(conn, templates)
        media = await _sync_media(conn, media_root or default_media_root())
        await uow.commit()
    return SyncReport(added, replaced, unchanged, *media)


async def sync_registry_at(database_url: str) -> SyncReport:
    """`sync_registry` with an engine of its own (CLI, `up`, worker start)."""
    engine = create_engine(database_url, pool_size=1, application_name="wsop-hub-templates")
    try:
        return await sync_registry(engine)
    finally:
        await engine.dispose()


# -- reading ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegisteredTemplate:
    """A template as the registry holds it. `digest` is the sha256 of its whole definition:
    the render cache keys on it, so a template edited without a version bump cannot serve
    renders of its old layout."""

    spec: TemplateSpec
    digest: str
    synced_at: datetime


def definition_digest(document: Mapping[str, Any]) -> str:
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


class TemplateRegistry:
    """Templates read from the registry; each definition is validated once per process and
    re-read only when a sync replaced it (its `synced_at` changed)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._parsed: dict[str, RegisteredTemplate] = {}

    async def get(self, name: str) -> RegisteredTemplate:
        """The template named `name`; `UnknownTemplate` (listing the known ones) otherwise."""
        async with self._engine.connect() as conn:
            row = (
                await conn.execute(
                    select(aep_compositions.c.synced_at, aep_compositions.c.spec).where(
                        aep_compositions.c.name == name
                    )
                )
            ).first()
            if row is None:
                known = (await conn.scalars(select(aep_compositions.c.name))).all()
        if row is None:
            listing = ", ".join(sorted(known)) or "none: run `wsop-hub templates sync`"
            raise UnknownTemplate(f"unknown template {name!r}; known templates: {listing}")
        cached = self._parsed.get(name)
        if cached is not None and cached.synced_at == row.synced_at:
            return cached
        template = RegisteredTemplate(
            TemplateSpec.model_validate(row.spec), definition_digest(row.spec), row.synced_at
        )
        self._parsed[name] = template
        return template

    async def check(self, name: str, gfx_data: Mapping[str, Any]) -> RegisteredTemplate:
        """The render API's check before anything is stored: the template exists and the
        gfx_data binds to it (`UnknownTemplate`, `BindingError`: both InvalidInput, a 422)."""
        template = await self.get(name)
        bind(template.spec, gfx_data)
        return template


def _summary_values(row: Any) -> dict[str, Any]:
    return {
        "name": row.name,
        "version": row.version,
        "category": row.category,
        "description": row.spec.get("description", ""),
        "width": row.width,
        "height": row.height,
        "fps": row.fps,
        "duration_frames": row.duration_frames,
        "slot_count": row.slot_count,
        "synced_at": row.synced_at,
    }


async def list_templates(engine: AsyncEngine) -> list[TemplateSummary]:
    """Every registered composition, by name."""
    async with UnitOfWork(engine) as uow:
        rows = await uow.connection.execute(
            select(aep_compositions).order_by(aep_compositions.c.name)
        )
        return [TemplateSummary(**_summary_values(row)) for row in rows]


async def template_detail(engine: AsyncEngine, name: str) -> TemplateDetail:
    """One composition with its layers (drawing order) and field keys; NotFound if unknown."""
    async with UnitOfWork(engine) as uow:
        conn = uow.connection
        row = (
            await conn.execute(select(aep_compositions).where(aep_compositions.c.name == name))
        ).first()
        if row is None:
            raise NotFound(f"template {name!r} is not in the registry")
        layers = await conn.execute(
            select(aep_layers)
            .where(aep_layers.c.composition_id == row.id)
            .order_by(aep_layers.c.id)
        )
        fields = await conn.execute(
            select(aep_field_keys)
            .where(aep_field_keys.c.composition_id == row.id)
            .order_by(aep_field_keys.c.id)
        )
        return TemplateDetail(
            **_summary_values(row),
            layers=[TemplateLayer.model_validate(layer, from_attributes=True) for layer in layers],
            field_keys=[
                TemplateFieldKey.model_validate(field, from_attributes=True) for field in fields
            ],
        )
