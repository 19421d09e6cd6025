"""gfx_data → layer values: the binding every renderer consumes (issue 6 item 2).

Two input shapes are accepted:

* gfx_data v3 (FACTS §6.5): `slots: [{slot_index, fields: {name, chips, …}}]` and
  `single_fields: {…}`, values normally pre-formatted strings;
* a raw list under the template's `rows.source` (e.g. `players`), which binding orders,
  filters (sitting-out players leave) and numbers as FACTS §6.3 says.

Either way a raw number is formatted by the field's transform, a string is taken as already
formatted (case transforms still apply: names go on air in capitals).

Binding is strict where the old module was silent: a field that feeds no layer, a slot
beyond the template's count, a missing required value or a value of the wrong type raises
`BindingError` naming the composition, the slot and the field. The old `continueOnMissing`
sent graphics to air with empty layers instead.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from wsop_hub.render import formatting as fmt
from wsop_hub.render.bound import BoundGraphic
from wsop_hub.render.errors import BindingError
from wsop_hub.render.flags import check_media_path, get_flag_path, is_country_code
from wsop_hub.render.templates import FieldSpec, TemplateSpec, Transform

#: Top-level gfx_data keys that describe the payload rather than feed layers.
ENVELOPE_KEYS = frozenset({"$schema", "version", "comp_name", "render_type", "metadata"})

_NUMERIC: dict[Transform, Callable[[Any], str]] = {
    Transform.FORMAT_CHIPS: fmt.format_chips,
    Transform.FORMAT_CHIPS_SHORT: fmt.format_chips_short,
    Transform.FORMAT_BBS: fmt.format_bb_count,
    Transform.FORMAT_CURRENCY: fmt.format_currency,
    Transform.FORMAT_CURRENCY_FROM_INT: fmt.format_currency_from_int,
    Transform.FORMAT_NUMBER: fmt.format_number,
    Transform.FORMAT_PERCENT: fmt.format_percent,
    Transform.ORDINAL: fmt.ordinal,
}
_TEXTUAL: dict[Transform, Callable[[str], str]] = {
    Transform.UPPER: str.upper,
    Transform.LOWER: str.lower,
    Transform.FORMAT_HAND_RANK: fmt.format_hand_rank,
}
#: Dates and times arrive as ISO strings when raw ("2026-01-14", "17:30"), else formatted.
_TEMPORAL: dict[Transform, Callable[[str], str]] = {
    Transform.FORMAT_DATE: fmt.format_date,
    Transform.FORMAT_TIME: fmt.format_time,
}
_SUIT_SYMBOLS = frozenset("\u2660\u2665\u2666\u2663")

#: Values given for one field key, each with the payload key it came under (an alias).
Sources = list[tuple[str, Any]]


@dataclass(frozen=True)
class _Slot:
    where: str
    fields: dict[str, Sources]


def bind(spec: TemplateSpec, gfx_data: Mapping[str, Any]) -> BoundGraphic:
    """Bind gfx_data to `spec`'s layers; raises `BindingError` on anything it cannot place."""
    comp = spec.composition
    if not isinstance(gfx_data, Mapping):
        raise BindingError(f"{comp}: gfx_data must be an object, got {type(gfx_data).__name__}")
    named = gfx_data.get("comp_name")
    if named is not None and named != comp:
        raise BindingError(f"{comp}: gfx_data.comp_name is {named!r}, not this template")
    consumed = set(ENVELOPE_KEYS) | {"single_fields"}
    source = spec.rows.source if spec.rows else None
    if "slots" in gfx_data and source in gfx_data:
        raise BindingError(f"{comp}: give either gfx_data.slots or gfx_data.{source}, not both")
    slots: dict[int, _Slot] = {}
    if "slots" in gfx_data:
        consumed.add("slots")
        slots = _slots_from_v3(spec, gfx_data["slots"])
    elif spec.rows is not None and source in gfx_data:
        consumed.add(spec.rows.source)
        if spec.rows.big_blind_key:
            consumed.add(spec.rows.big_blind_key)
        slots = _slots_from_rows(spec, gfx_data[spec.rows.source], gfx_data)
    leftover = sorted(set(gfx_data) - consumed)
    if leftover:
        accepted = ", ".join(sorted({"slots", "single_fields", *filter(None, [source])}))
        raise BindingError(
            f"{comp}: gfx_data keys {', '.join(leftover)} map to no layer of this template"
            f" (it takes {accepted})"
        )
    if len(slots) < spec.min_slots:
        raise BindingError(f"{comp}: needs at least {spec.min_slots} slot(s), got {len(slots)}")
    singles = _canonical(spec, gfx_data.get("single_fields") or {}, "single_fields", "single")
    texts: dict[str, str] = {}
    images: dict[str, str] = {}
    for n in range(1, spec.slot_count + 1):
        slot = slots.get(n)
        for field in spec.slot_fields():
            layer = field.layer_name(n)
            is_image = field.transform is Transform.GET_FLAG_PATH
            if slot is None:
                if not is_image:
                    texts[layer] = ""
                continue
            value = _render(spec, field, slot.fields.get(field.key, []), slot.where)
            (images if is_image else texts)[layer] = value
    for field in spec.single_fields():
        value = _render(spec, field, singles.get(field.key, []), "single_fields")
        is_image = field.transform is Transform.GET_FLAG_PATH
        (images if is_image else texts)[field.layer_name()] = value
    return BoundGraphic(comp, spec.version, texts=texts, images=images)


def _canonical(
    spec: TemplateSpec,
    raw: Any,
    where: str,
    pattern: str,
    extra: frozenset[str] = frozenset(),
) -> dict[str, Sources]:
    """Payload keys → field keys (through aliases); a key no field takes is an error."""
    if not isinstance(raw, Mapping):
        raise BindingError(f"{spec.composition}: {where} must be an object")
    by_name: dict[str, FieldSpec] = {}
    for field in spec.fields:
        for name in (field.key, *field.aliases):
            by_name[name] = field
    out: dict[str, Sources] = {}
    for key, value in raw.items():
        if key in extra:
            continue
        target = by_name.get(key)
        if target is None or target.pattern != pattern:
            takes = ", ".join(f.key for f in spec.fields if f.pattern == pattern) or "nothing"
            raise BindingError(
                f"{spec.composition}: {where} field {key!r} maps to no layer"
                f" ({pattern} fields of this template: {takes})"
            )
        out.setdefault(target.key, []).append((key, value))
    return out


def _slots_from_v3(spec: TemplateSpec, raw: Any) -> dict[int, _Slot]:
    comp = spec.composition
    if not isinstance(raw, list):
        raise BindingError(f"{comp}: gfx_data.slots must be a list")
    if len(raw) > spec.slot_count:
        raise BindingError(f"{comp}: {len(raw)} slots given, the template has {spec.slot_count}")
    slots: dict[int, _Slot] = {}
    for i, entry in enumerate(raw):
        where = f"slots[{i}]"
        if not isinstance(entry, Mapping) or set(entry) - {"slot_index", "fields"}:
            raise BindingError(f"{comp}: {where} must be {{slot_index, fields}}")
        index = entry.get("slot_index")
        if isinstance(index, bool) or not isinstance(index, int):
            raise BindingError(f"{comp}: {where}.slot_index must be an integer, got {index!r}")
        if not 1 <= index <= spec.slot_count:
            raise BindingError(
                f"{comp}: {where}.slot_index {index} is outside 1..{spec.slot_count}"
            )
        if index in slots:
            raise BindingError(f"{comp}: slot_index {index} is given twice")
        label = f"slot {index}"
        slots[index] = _Slot(label, _canonical(spec, entry.get("fields", {}), label, "slot"))
    return slots


def _slots_from_rows(spec: TemplateSpec, raw: Any, gfx_data: Mapping[str, Any]) -> dict[int, _Slot]:
    """A raw list ordered, filtered and numbered by the template's rows rule (FACTS §6.3)."""
    rows_spec = spec.rows
    assert rows_spec is not None
    comp, source = spec.composition, rows_spec.source
    if not isinstance(raw, list):
        raise BindingError(f"{comp}: gfx_data.{source} must be a list")
    control = frozenset(filter(None, [rows_spec.exclude_if, rows_spec.order_by]))
    field_keys = {f.key for f in spec.slot_fields()}
    kept: list[tuple[str, dict[str, Sources], Any]] = []
    for i, row in enumerate(raw):
        where = f"{source}[{i}]"
        fields = _canonical(spec, row, where, "slot", extra=control - field_keys)
        if rows_spec.exclude_if is not None:
            flag = row.get(rows_spec.exclude_if, False)
            if not isinstance(flag, bool):
                raise BindingError(f"{comp}: {where}.{rows_spec.exclude_if} must be true/false")
            if flag:
                continue
        order = fields.get(rows_spec.order_by, [(rows_spec.order_by, row.get(rows_spec.order_by))])
        key = order[0][1]
        if isinstance(key, bool) or not isinstance(key, int | float):
            raise BindingError(
                f"{comp}: {where}.{rows_spec.order_by} must be a number to order the slots,"
                f" got {key!r}"
            )
        kept.append((where, fields, key))
    if len(kept) > spec.slot_count:
        raise BindingError(
            f"{comp}: {len(kept)} {source} to show, the template has {spec.slot_count} slots"
        )
    kept.sort(key=lambda item: item[2], reverse=rows_spec.descending)
    big_blind = gfx_data.get(rows_spec.big_blind_key) if rows_spec.big_blind_key else None
    slots: dict[int, _Slot] = {}
    for n, (where, fields, _) in enumerate(kept, start=1):
        if rows_spec.rank_field and rows_spec.rank_field not in fields:
            fields[rows_spec.rank_field] = [("(position)", n)]
        if rows_spec.big_blind_key and "bbs" not in fields and "chips" in fields:
            chips = fields["chips"][0][1]
            try:
                fields["bbs"] = [("(chips / big blind)", fmt.format_bbs(chips, big_blind))]
            except TypeError as exc:
                raise BindingError(f"{comp}: {where} bbs from chips and big blind: {exc}") from exc
        slots[n] = _Slot(f"{where} (slot {n})", fields)
    return slots


def _render(spec: TemplateSpec, field: FieldSpec, sources: Sources, where: str) -> str:
    """The layer value for a field; values given under several aliases must agree."""
    if not sources:
        sources = [(field.key, None)]
    results = {_render_one(spec, field, key, value, where): key for key, value in sources}
    if len(results) > 1:
        given = ", ".join(f"{key}={value!r}" for key, value in sources)
        raise BindingError(
            f"{spec.composition}: {where} field {field.key!r} is given twice and the values"
            f" disagree ({given})"
        )
    return next(iter(results))


def _render_one(spec: TemplateSpec, field: FieldSpec, key: str, value: Any, where: str) -> str:
    label = f"{spec.composition}: {where} field {key!r}"
    if value is None or value == "":
        if field.required:
            raise BindingError(f"{label} is required")
        return field.default
    transform = field.transform
    try:
        if transform is Transform.GET_FLAG_PATH:
            return _flag(value, key)
        if isinstance(value, str):
            return _from_text(transform, value)
        if isinstance(value, list) and transform is Transform.FORMAT_CARDS:
            return fmt.format_cards(value)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError(f"a {type(value).__name__} cannot be shown")
        if transform is Transform.DIRECT:
            return str(value)
        if transform not in _NUMERIC:
            raise TypeError(f"{transform} takes text, got the number {value!r}")
        return _NUMERIC[transform](value)
    except (TypeError, ValueError) as exc:
        raise BindingError(f"{label}: {exc}") from exc


def _from_text(transform: Transform, value: str) -> str:
    """Strings are pre-formatted (v3) except for the case and wording transforms."""
    if transform in _TEXTUAL:
        return _TEXTUAL[transform](value)
    if transform in _TEMPORAL:
        try:
            return _TEMPORAL[transform](value)
        except ValueError:
            return value
    if transform is Transform.FORMAT_CARDS and not _SUIT_SYMBOLS & set(value):
        return fmt.format_cards(value)
    return value


def _flag(value: Any, key: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"a flag is a country code or a path like 'Flag/Korea.png', got {value!r}")
    if is_country_code(value):
        return get_flag_path(value)
    if key == "country_code":
        raise ValueError(f"{value!r} is not a two-letter country code")
    return check_media_path(value)
