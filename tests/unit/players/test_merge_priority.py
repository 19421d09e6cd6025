"""SPEC §6 field priority as a pure rule."""

from __future__ import annotations

from typing import Any

import pytest

from wsop_hub.players.merge import (
    FIELD_SOURCES,
    OVERRIDABLE_FIELDS,
    PlayerField,
    Resolved,
    Source,
    resolve,
    resolve_field,
)

OV, M, W, G = Source.OVERRIDE, Source.MANUAL, Source.WSOP, Source.GFX
NAME = PlayerField.NAME


@pytest.mark.parametrize(
    ("candidates", "expected"),
    [
        ({OV: "PHIL IVEY", M: "Phil", W: "Phil Ivey", G: "IVEY"}, Resolved("PHIL IVEY", OV)),
        ({M: "Phil", W: "Phil Ivey", G: "IVEY"}, Resolved("Phil", M)),
        ({M: "  ", W: "Phil Ivey", G: "IVEY"}, Resolved("Phil Ivey", W)),
        ({W: None, G: "IVEY"}, Resolved("IVEY", G)),
        ({}, Resolved(None, None)),
    ],
)
def test_name_goes_override_manual_wsop_gfx(
    candidates: dict[Source, Any], expected: Resolved
) -> None:
    assert resolve_field(NAME, candidates) == expected


def test_fields_ignore_sources_that_may_not_supply_them() -> None:
    resolved = resolve(
        {
            PlayerField.COUNTRY_CODE: {G: "RU"},  # GFX has no country in SPEC §6
            PlayerField.BIO: {W: "from WSOP+"},  # bio is manual only
            PlayerField.CHIP_COUNT: {OV: 1, G: 900_000, W: 1_500_000},
            PlayerField.HAND_DATA: {W: {"hands": 3}, G: {"hands": 12}},
            PlayerField.NOTABLE_WINS: {M: []},
        }
    )
    assert resolved[PlayerField.COUNTRY_CODE] == Resolved(None, None)
    assert resolved[PlayerField.BIO] == Resolved(None, None)
    assert resolved[PlayerField.CHIP_COUNT] == Resolved(1_500_000, W)
    assert resolved[PlayerField.HAND_DATA] == Resolved({"hands": 12}, G)
    assert resolved[PlayerField.NOTABLE_WINS] == Resolved(None, None)


def test_original_value_skips_the_override() -> None:
    candidates = {OV: "XX", M: None, W: "ES"}
    assert resolve_field(PlayerField.COUNTRY_CODE, candidates, skip_override=True) == Resolved(
        "ES", W
    )


def test_live_data_cannot_be_overridden() -> None:
    assert set(OVERRIDABLE_FIELDS) == set(PlayerField) - {
        PlayerField.CHIP_COUNT,
        PlayerField.HAND_DATA,
    }
    assert all(FIELD_SOURCES[f][0] is OV for f in OVERRIDABLE_FIELDS)
