"""Korean names render as Hangul, not as .notdef boxes ("tofu")."""

from __future__ import annotations

import pytest
from PIL import Image, ImageDraw

from wsop_hub.dispatch.backends import PermanentRenderError
from wsop_hub.render import fonts
from wsop_hub.render.binding import bind
from wsop_hub.render.compose import compose_graphic
from wsop_hub.render.errors import FontUnavailable
from wsop_hub.render.flags import default_media_root
from wsop_hub.render.fonts import (
    HANGUL_FAMILY,
    LATIN_FAMILY,
    font_chain,
    hangul_font_path,
    has_glyph,
    load_font,
    split_runs,
)
from wsop_hub.render.templates import Weight, get_template

NAMES = ["홍길동", "김철수", "정상현"]


def test_the_hangul_font_is_installed_by_pip() -> None:
    path = hangul_font_path()
    assert "site-packages" in path.parts
    assert load_font(HANGUL_FAMILY, 40).getname()[0] == "Noto Sans CJK KR"


def test_every_hangul_glyph_differs_from_notdef_in_the_hangul_font() -> None:
    font = load_font(HANGUL_FAMILY, 40, Weight.BOLD)
    for char in "".join(NAMES):
        assert has_glyph(font, char), char


def test_the_coverage_check_does_see_tofu_in_a_latin_font() -> None:
    latin = load_font(LATIN_FAMILY, 40)
    assert has_glyph(latin, "A")
    assert not any(has_glyph(latin, char) for char in "".join(NAMES))


def test_a_latin_family_falls_back_to_hangul_per_glyph() -> None:
    chain = font_chain(LATIN_FAMILY, 40, Weight.REGULAR)
    runs = split_runs("KIM 김철수 / 86,500", chain)
    assert [(run.text, run.font is chain[0]) for run in runs] == [
        ("KIM ", True),
        ("김철수", False),
        (" / 86,500", True),
    ]


def _ink(text: str, font_family: str) -> bytes:
    font = load_font(font_family, 48)
    image = Image.new("L", (400, 80))
    ImageDraw.Draw(image).text((10, 10), text, font=font, fill=255)
    return image.tobytes()


def test_a_hangul_name_renders_differently_from_boxes() -> None:
    for name in NAMES:
        assert _ink(name, HANGUL_FAMILY) != _ink(name, LATIN_FAMILY)
    assert _ink(NAMES[0], HANGUL_FAMILY) != _ink(NAMES[1], HANGUL_FAMILY)


def test_a_korean_player_name_in_a_graphic_is_not_tofu() -> None:
    spec = get_template("Elimination")
    layer = next(layer for layer in spec.placed_layers() if layer.name == "Name 1")
    box = (layer.x, layer.y, layer.x + layer.width, layer.y + layer.height)

    def name_region(name: str) -> bytes:
        bound = bind(spec, {"players": [{"name": name, "rank": 9}]})
        image = compose_graphic(spec, bound, spec.width, spec.height, default_media_root())
        return image.crop(box).tobytes()

    tofu = "\U000f0000" * 3
    hangul = name_region(NAMES[0])
    assert hangul != name_region(tofu)
    assert hangul != name_region(NAMES[1])


def test_a_missing_font_package_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fonts, "_VF_PACKAGE", "no_such_font_package")
    with pytest.raises(FontUnavailable, match="pip install 'manimgx-fonts-cjk'") as info:
        hangul_font_path()
    assert isinstance(info.value, PermanentRenderError)
