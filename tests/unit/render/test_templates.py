"""The shipped template files: they load, follow the AE layer names, and bad files fail clearly."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from wsop_hub.dispatch.backends import PermanentRenderError
from wsop_hub.render.errors import BindingError, TemplateError
from wsop_hub.render.templates import (
    Category,
    LayerKind,
    Transform,
    get_template,
    load_template_file,
    load_templates,
)

REQUIRED = {"_MAIN Mini Chip Count", "Premium Hand", "Elimination", "Payouts"}


def test_the_four_required_templates_ship_with_versions() -> None:
    templates = load_templates()
    assert REQUIRED <= set(templates)
    for spec in templates.values():
        assert spec.version.count(".") == 2


def test_mini_chip_count_has_nine_slots_named_as_in_the_ae_project() -> None:
    spec = get_template("_MAIN Mini Chip Count")
    assert spec.category is Category.CHIP_DISPLAY
    assert spec.slot_count == 9
    names = {layer.name for layer in spec.placed_layers()}
    for n in range(1, 10):
        assert {f"Name {n}", f"Chips {n}", f"BBs {n}", f"Rank {n}", f"Flag {n}"} <= names
    assert "Name 10" not in names
    assert {f.key for f in spec.slot_fields()} == {"name", "chips", "bbs", "rank", "flag"}
    assert "AVERAGE STACK" in {f.key for f in spec.single_fields()}
    flag = next(f for f in spec.fields if f.key == "flag")
    assert flag.transform is Transform.GET_FLAG_PATH
    assert flag.default == "Flag/Unknown.png"
    assert next(layer for layer in spec.placed_layers() if layer.name == "Flag 9").kind is (
        LayerKind.IMAGE
    )


def test_payouts_and_elimination_keep_the_lower_case_prize_layers() -> None:
    payouts = get_template("Payouts")
    assert payouts.slot_count == 9
    assert {f.layer for f in payouts.slot_fields()} == {"Rank {n}", "prize {n}"}
    elimination = get_template("Elimination")
    assert elimination.slot_count == 2
    assert {f.layer for f in elimination.slot_fields()} == {
        "Name {n}",
        "Rank {n}",
        "prize {n}",
        "Flag {n}",
    }
    assert [f.key for f in elimination.single_fields()] == ["text_제목"]


def test_slot_layers_are_placed_one_step_apart() -> None:
    layers = {layer.name: layer for layer in get_template("Payouts").placed_layers()}
    step = layers["prize 2"].y - layers["prize 1"].y
    assert step > layers["prize 1"].height
    assert layers["prize 9"].y == layers["prize 1"].y + 8 * step
    assert layers["prize 9"].slot == 9


def test_unknown_template_is_a_permanent_binding_error_naming_the_known_ones() -> None:
    with pytest.raises(BindingError, match="unknown template 'Leaderboard'.*Payouts") as info:
        get_template("Leaderboard")
    assert isinstance(info.value, PermanentRenderError)


def _write(tmp_path: Path, body: str, name: str = "bad.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


GOOD = """\
    composition: "Tiny"
    version: "1.0.0"
    category: other
    slot_count: 2
    fields:
      - {key: name, pattern: slot, layer: "Name {n}", transform: upper}
    layers:
      - name: "Name {n}"
        kind: text
        x: 0
        y: 0
        width: 100
        height: 20
        font: {size: 12}
        repeat: {count: 2, dy: 30}
"""


def test_a_minimal_template_loads(tmp_path: Path) -> None:
    spec = load_template_file(_write(tmp_path, GOOD))
    assert [layer.name for layer in spec.placed_layers()] == ["Name 1", "Name 2"]


def test_a_field_feeding_a_missing_layer_names_file_and_line(tmp_path: Path) -> None:
    body = GOOD.replace('layer: "Name {n}", transform', 'layer: "Player {n}", transform')
    path = _write(tmp_path, body)
    with pytest.raises(TemplateError, match=r"bad\.yaml:1: .*'Player 1', which is not defined"):
        load_template_file(path)


def test_a_bad_value_is_reported_at_its_own_line(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD.replace("size: 12", "size: 0"))
    with pytest.raises(TemplateError, match=r"bad\.yaml:14: layers\.0\.font\.size"):
        load_template_file(path)


def test_a_text_layer_without_field_or_static_text_is_refused(tmp_path: Path) -> None:
    body = GOOD.replace("slot_count: 2", "slot_count: 1").replace("count: 2", "count: 3")
    with pytest.raises(TemplateError, match="layer 'Name 2' has no field"):
        load_template_file(_write(tmp_path, body))


def test_an_unbundled_font_family_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD.replace("font: {size: 12}", "font: {size: 12, family: Arial}"))
    with pytest.raises(TemplateError, match="family"):
        load_template_file(path)


def test_the_same_composition_twice_is_refused(tmp_path: Path) -> None:
    _write(tmp_path, GOOD, "a.yaml")
    _write(tmp_path, GOOD, "b.yaml")
    with pytest.raises(TemplateError, match="b.yaml: composition 'Tiny' is defined twice"):
        load_templates(tmp_path)


def test_broken_yaml_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="bad.yaml: not valid YAML"):
        load_template_file(_write(tmp_path, "composition: [unclosed\n"))
