"""SPEC §6 field priority: which source's value a unified player shows, field by field.

The rule (FACTS §3.3, reconciled in §10.12): an active override inside its validity window
wins for its field; then the person's own manual columns; then WSOP+; then PokerGFX, each
field listing only the sources that may supply it (GFX has no country, manual has no live
chips). It is one table so that the read model, the list's country filter (SQL built from
the same order) and the override's "original value" can never disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Any


class Source(StrEnum):
    OVERRIDE = "override"
    MANUAL = "manual"
    WSOP = "wsop"
    GFX = "gfx"


class PlayerField(StrEnum):
    NAME = "name"
    NAME_KOREAN = "name_korean"
    BIO = "bio"
    NOTABLE_WINS = "notable_wins"
    COUNTRY_CODE = "country_code"
    PROFILE_IMAGE = "profile_image"
    CHIP_COUNT = "chip_count"
    HAND_DATA = "hand_data"


_O, _M, _W, _G = Source.OVERRIDE, Source.MANUAL, Source.WSOP, Source.GFX

#: Sources of each field, highest priority first.
FIELD_SOURCES: Mapping[PlayerField, tuple[Source, ...]] = MappingProxyType(
    {
        PlayerField.NAME: (_O, _M, _W, _G),
        PlayerField.NAME_KOREAN: (_O, _M),
        PlayerField.BIO: (_O, _M),
        PlayerField.NOTABLE_WINS: (_O, _M),
        PlayerField.COUNTRY_CODE: (_O, _M, _W),
        PlayerField.PROFILE_IMAGE: (_O, _M, _W),
        PlayerField.CHIP_COUNT: (_W, _G),
        PlayerField.HAND_DATA: (_G,),
    }
)

#: Fields an admin may override: those whose first source is an override.
OVERRIDABLE_FIELDS: tuple[PlayerField, ...] = tuple(
    field for field, sources in FIELD_SOURCES.items() if sources[0] is Source.OVERRIDE
)

#: Candidate values of one person: field → source → value (missing or blank = no value).
Candidates = Mapping[PlayerField, Mapping[Source, Any]]


@dataclass(frozen=True)
class Resolved:
    value: Any
    source: Source | None


def has_value(value: Any) -> bool:
    """None, a blank string and an empty list or object say nothing about the field."""
    if value is None:
        return False
    if isinstance(value, str):
        return value.strip() != ""
    if isinstance(value, list | dict):
        return len(value) > 0
    return True


def resolve_field(
    field: PlayerField, candidates: Mapping[Source, Any], *, skip_override: bool = False
) -> Resolved:
    """The first source in priority order that has a value (``skip_override``: the value an
    override would replace, recorded as its ``original_value``)."""
    for source in FIELD_SOURCES[field]:
        if skip_override and source is Source.OVERRIDE:
            continue
        value = candidates.get(source)
        if has_value(value):
            return Resolved(value, source)
    return Resolved(None, None)


def resolve(candidates: Candidates) -> dict[PlayerField, Resolved]:
    """Every field of a unified player, with the source each value came from."""
    return {field: resolve_field(field, candidates.get(field, {})) for field in FIELD_SOURCES}
