"""Template definitions: one versioned YAML file per composition, validated on load.

A template says two things. Its `fields` say how gfx_data reaches the After Effects layers
(field key → layer name pattern such as `Name {n}`, slot or single, transform); that part
drives Nexrender and binding. Its `layers` say where and how the built-in renderer draws
each layer (box, font, colour, alignment), plus static shapes and labels.

Layer names keep the real AE project's quirks (FACTS §6.1/§6.2: `Name 1`, `Chips 1`,
`BBs 1`, `prize 1`), so one definition serves both backends.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence
from enum import StrEnum
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from wsop_hub.render.errors import BindingError, TemplateError

SLOT_MARK = "{n}"
_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}([0-9A-Fa-f]{2})?$")


class Category(StrEnum):
    """`aep_composition_category` of the original mapping (FACTS §6.2)."""

    CHIP_DISPLAY = "chip_display"
    PAYOUT = "payout"
    EVENT_INFO = "event_info"
    SCHEDULE = "schedule"
    STAFF = "staff"
    PLAYER_INFO = "player_info"
    ELIMINATION = "elimination"
    TRANSITION = "transition"
    OTHER = "other"


class Transform(StrEnum):
    """How a raw gfx_data value becomes layer text (render/formatting.py)."""

    DIRECT = "direct"
    UPPER = "upper"
    LOWER = "lower"
    FORMAT_CHIPS = "format_chips"
    FORMAT_CHIPS_SHORT = "format_chips_short"
    FORMAT_BBS = "format_bbs"
    FORMAT_CURRENCY = "format_currency"
    FORMAT_CURRENCY_FROM_INT = "format_currency_from_int"
    FORMAT_NUMBER = "format_number"
    FORMAT_PERCENT = "format_percent"
    FORMAT_DATE = "format_date"
    FORMAT_TIME = "format_time"
    ORDINAL = "ordinal"
    FORMAT_CARDS = "format_cards"
    FORMAT_HAND_RANK = "format_hand_rank"
    GET_FLAG_PATH = "get_flag_path"


class LayerKind(StrEnum):
    TEXT = "text"
    IMAGE = "image"
    SHAPE = "shape"


class Align(StrEnum):
    LEFT = "left"
    CENTER = "center"
    RIGHT = "right"


class Weight(StrEnum):
    THIN = "thin"
    LIGHT = "light"
    REGULAR = "regular"
    MEDIUM = "medium"
    BOLD = "bold"
    BLACK = "black"


class SlideFrom(StrEnum):
    LEFT = "left"
    RIGHT = "right"
    BOTTOM = "bottom"
    TOP = "top"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


#: Font families the package installs (render/fonts.py): Hangul-capable, and Latin only.
FontFamily = Literal["Noto Sans CJK KR", "Aileron"]


class FontSpec(_Model):
    family: FontFamily = "Noto Sans CJK KR"
    size: int = Field(ge=4, le=400, description="pixels at the template's canvas size")
    weight: Weight = Weight.REGULAR

    @model_validator(mode="after")
    def _weight_exists(self) -> FontSpec:
        if self.family == "Aileron" and self.weight is not Weight.REGULAR:
            raise ValueError("Aileron has only the regular weight")
        return self


class Repeat(_Model):
    """A slot layer drawn `count` times, each `dx`/`dy` pixels after the previous."""

    count: int = Field(ge=1, le=64)
    dx: int = 0
    dy: int = 0


class LayerSpec(_Model):
    """One layer; with `repeat`, a family `Name {n}` standing for `Name 1` … `Name N`."""

    name: str = Field(min_length=1, max_length=255)
    kind: LayerKind
    x: int
    y: int
    width: int = Field(gt=0)
    height: int = Field(gt=0)
    repeat: Repeat | None = None
    slot: int | None = Field(default=None, description="set on expanded slot layers")
    font: FontSpec | None = None
    colour: str = "#FFFFFF"
    align: Align = Align.LEFT
    text: str | None = Field(default=None, description="static text: a label, never bound")
    radius: int = Field(default=0, ge=0, description="corner radius of a shape")

    @field_validator("colour")
    @classmethod
    def _hex_colour(cls, value: str) -> str:
        if not _COLOUR.match(value):
            raise ValueError(f"colour {value!r} must be #RRGGBB or #RRGGBBAA")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> LayerSpec:
        if (SLOT_MARK in self.name) != (self.repeat is not None):
            raise ValueError(f"layer {self.name!r}: a name with {{n}} needs `repeat`, and only it")
        if self.kind is LayerKind.TEXT and self.font is None:
            raise ValueError(f"text layer {self.name!r} needs a `font`")
        if self.kind is not LayerKind.TEXT and (self.font or self.text is not None):
            raise ValueError(f"{self.kind} layer {self.name!r} takes no `font` or `text`")
        return self

    def expand(self) -> Iterator[LayerSpec]:
        """The concrete layers: itself, or one per slot with `{n}` filled in and moved."""
        if self.repeat is None:
            yield self
            return
        for n in range(1, self.repeat.count + 1):
            yield self.model_copy(
                update={
                    "name": self.name.replace(SLOT_MARK, str(n)),
                    "x": self.x + (n - 1) * self.repeat.dx,
                    "y": self.y + (n - 1) * self.repeat.dy,
                    "repeat": None,
                    "slot": n,
                }
            )


class FieldSpec(_Model):
    """A field key of gfx_data and the layer(s) it feeds (`aep_field_keys` + patterns)."""

    key: str = Field(min_length=1, max_length=100)
    pattern: Literal["slot", "single"]
    layer: str = Field(min_length=1, description="layer name, `{n}` = slot number")
    transform: Transform = Transform.DIRECT
    aliases: tuple[str, ...] = Field(
        default=(), description="other keys payloads use for it (`flag_path`, `country_code`)"
    )
    required: bool = Field(default=False, description="an occupied slot / the graphic needs it")
    default: str = Field(default="", description="value for an occupied slot that omits it")

    @model_validator(mode="after")
    def _pattern_matches_layer(self) -> FieldSpec:
        if (self.pattern == "slot") != (SLOT_MARK in self.layer):
            raise ValueError(
                f"field {self.key!r}: a slot field's layer has {{n}}, a single field's has not"
            )
        return self

    def layer_name(self, slot: int | None = None) -> str:
        return self.layer.replace(SLOT_MARK, str(slot)) if slot is not None else self.layer


class RowsSpec(_Model):
    """How a raw list in gfx_data becomes ordered slots (FACTS §6.3)."""

    source: str = Field(description="gfx_data key holding the list, e.g. `players`")
    order_by: str = Field(description="row key to sort on")
    descending: bool = False
    exclude_if: str | None = Field(default=None, description="rows with this key true are left out")
    rank_field: str | None = Field(default=None, description="slot field given 1, 2, 3 …")
    big_blind_key: str | None = Field(
        default=None, description="gfx_data key of the big blind: rows without `bbs` get chips/BB"
    )


class AnimationSpec(_Model):
    """The built-in renderer's intro: slide in while fading in, then hold."""

    intro_s: float = Field(default=0.5, ge=0, le=10)
    slide_from: SlideFrom = SlideFrom.LEFT
    slide_px: int = Field(default=80, ge=0, le=2000)


class TemplateSpec(_Model):
    composition: str = Field(min_length=1, max_length=255, description="exact AE comp name")
    version: str = Field(pattern=r"^\d+\.\d+\.\d+$")
    category: Category
    description: str = ""
    width: int = Field(default=1920, ge=16)
    height: int = Field(default=1080, ge=16)
    fps: float = Field(default=30.0, gt=0, le=120)
    duration_frames: int = Field(default=150, ge=1)
    slot_count: int = Field(default=0, ge=0)
    min_slots: int = Field(default=0, ge=0)
    rows: RowsSpec | None = None
    animation: AnimationSpec = AnimationSpec()
    layers: tuple[LayerSpec, ...]
    fields: tuple[FieldSpec, ...]

    @model_validator(mode="after")
    def _fields_cover_layers(self) -> TemplateSpec:
        placed = {layer.name: layer for layer in self.placed_layers()}
        if len(placed) != len(self.placed_layers()):
            names = [layer.name for layer in self.placed_layers()]
            dupes = sorted({n for n in names if names.count(n) > 1})
            raise ValueError(f"duplicate layer names {dupes}")
        keys = [f.key for f in self.fields] + [a for f in self.fields for a in f.aliases]
        if len(keys) != len(set(keys)):
            raise ValueError("field keys and aliases must be unique")
        if self.min_slots > self.slot_count:
            raise ValueError(f"min_slots {self.min_slots} > slot_count {self.slot_count}")
        fed: set[str] = set()
        for spec in self.fields:
            fed |= self._check_field(spec, placed)
        for layer in placed.values():
            bindable = layer.kind is not LayerKind.SHAPE and layer.text is None
            if bindable and layer.name not in fed:
                raise ValueError(f"layer {layer.name!r} has no field and no static `text`")
        self._check_rows()
        return self

    def _check_field(self, spec: FieldSpec, placed: dict[str, LayerSpec]) -> set[str]:
        wanted = LayerKind.IMAGE if spec.transform is Transform.GET_FLAG_PATH else LayerKind.TEXT
        slots: Sequence[int | None] = (
            range(1, self.slot_count + 1) if spec.pattern == "slot" else [None]
        )
        if spec.pattern == "slot" and self.slot_count == 0:
            raise ValueError(f"slot field {spec.key!r} in a template with slot_count 0")
        names = set()
        for slot in slots:
            name = spec.layer_name(slot)
            layer = placed.get(name)
            if layer is None:
                raise ValueError(f"field {spec.key!r} feeds layer {name!r}, which is not defined")
            if layer.kind is not wanted or layer.text is not None:
                raise ValueError(f"field {spec.key!r} needs an unlabelled {wanted} layer {name!r}")
            names.add(name)
        return names

    def _check_rows(self) -> None:
        if self.rows is None:
            return
        slot_keys = {f.key for f in self.slot_fields()}
        if self.rows.rank_field is not None and self.rows.rank_field not in slot_keys:
            raise ValueError(f"rows.rank_field {self.rows.rank_field!r} is not a slot field")
        if self.rows.big_blind_key is not None and not {"chips", "bbs"} <= slot_keys:
            raise ValueError("rows.big_blind_key needs slot fields `chips` and `bbs`")

    @functools.cached_property
    def _placed(self) -> tuple[LayerSpec, ...]:
        return tuple(concrete for layer in self.layers for concrete in layer.expand())

    def placed_layers(self) -> tuple[LayerSpec, ...]:
        """Every concrete layer in drawing order (`Name {n}` expanded to `Name 1` …)."""
        return self._placed

    def slot_fields(self) -> list[FieldSpec]:
        return [f for f in self.fields if f.pattern == "slot"]

    def single_fields(self) -> list[FieldSpec]:
        return [f for f in self.fields if f.pattern == "single"]


def _node_line(node: yaml.Node | None, loc: Sequence[int | str]) -> int | None:
    """1-based line of the YAML node at a pydantic error location, as deep as it exists."""
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            node = node.value[part] if part < len(node.value) else None
        else:
            node = None
        if node is None:
            break
        line = node.start_mark.line + 1
    return line


def load_template_file(path: Path) -> TemplateSpec:
    """One template file, validated; errors name the file, the line and the field."""
    text = path.read_text(encoding="utf-8")
    try:
        data: Any = yaml.safe_load(text)
        root = yaml.compose(text)
    except yaml.YAMLError as exc:
        raise TemplateError(f"{path}: not valid YAML: {exc}") from exc
    try:
        return TemplateSpec.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            where = ".".join(str(p) for p in error["loc"]) or "(top level)"
            line = _node_line(root, error["loc"])
            problems.append(f"{path}:{line}: {where}: {error['msg']}")
        raise TemplateError("\n".join(problems)) from exc


def default_template_dir() -> Path:
    return Path(str(files("wsop_hub.render") / "templates"))


def load_templates(directory: Path | None = None) -> dict[str, TemplateSpec]:
    """Every `*.yaml` in `directory` (default: the shipped ones), keyed by composition."""
    directory = directory or default_template_dir()
    templates: dict[str, TemplateSpec] = {}
    for path in sorted(directory.glob("*.yaml")):
        spec = load_template_file(path)
        if spec.composition in templates:
            raise TemplateError(f"{path}: composition {spec.composition!r} is defined twice")
        templates[spec.composition] = spec
    return templates


@functools.cache
def shipped_templates() -> dict[str, TemplateSpec]:
    """The package's templates, loaded once per process (they cannot change at run time)."""
    return load_templates()


def get_template(name: str) -> TemplateSpec:
    """The shipped template for a composition name; an unknown name is a binding error."""
    templates = shipped_templates()
    try:
        return templates[name]
    except KeyError:
        known = ", ".join(sorted(templates))
        raise BindingError(f"unknown template {name!r}; known templates: {known}") from None
