"""Fonts for the built-in renderer, installed by pip (nothing is downloaded at run time).

Korean player names need a font with Hangul. `manimgx-fonts-cjk` ships Noto Sans CJK
(OFL-1.1, unmodified, as Noto publishes it) as one variable font covering Latin, Cyrillic,
Greek and Hangul in every weight from Thin to Black, and has no dependencies; the KR face is
index 1 of the collection. Pillow's own embedded Aileron is offered as a Latin-only family.

Text is set per glyph: each character uses the first font of the chain that has it, so a
Latin family falls back to Noto Sans CJK KR for Hangul instead of drawing .notdef boxes.

FreeType faces are not safe to share between threads that render at once (two jobs in
`asyncio.to_thread`), so every cache here is per thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from wsop_hub.render.errors import FontUnavailable
from wsop_hub.render.templates import Weight

HANGUL_FAMILY = "Noto Sans CJK KR"
LATIN_FAMILY = "Aileron"
FAMILIES = (HANGUL_FAMILY, LATIN_FAMILY)

_VF_PACKAGE = "manimgx_fonts_cjk"
_VF_FILE = "NotoSansCJK-VF.otf.ttc"
_VF_KR_INDEX = 1
_WEIGHT_AXIS = {
    Weight.THIN: 100,
    Weight.LIGHT: 300,
    Weight.REGULAR: 400,
    Weight.MEDIUM: 500,
    Weight.BOLD: 700,
    Weight.BLACK: 900,
}
#: A private-use code point no font maps: how this font draws a missing glyph.
_NOTDEF_PROBE = "\U000f0000"

_MIN_SIZE = 6

_local = threading.local()


def hangul_font_path() -> Path:
    """The Noto Sans CJK variable font installed by `manimgx-fonts-cjk`."""
    try:
        path = Path(str(files(_VF_PACKAGE) / _VF_FILE))
    except ModuleNotFoundError:
        path = None
    if path is None or not path.is_file():
        raise FontUnavailable(
            "the built-in renderer needs a font with Hangul: pip install 'manimgx-fonts-cjk'"
            " (Noto Sans CJK, OFL) into the hub's environment"
        )
    return path


def _cache(name: str) -> dict[object, object]:
    cache: dict[object, object] | None = getattr(_local, name, None)
    if cache is None:
        cache = {}
        setattr(_local, name, cache)
    return cache


def load_font(family: str, size: int, weight: Weight = Weight.REGULAR) -> ImageFont.FreeTypeFont:
    """A font of a bundled family at `size` pixels (cached per thread)."""
    cache = _cache("fonts")
    key = (family, size, weight)
    font = cache.get(key)
    if font is None:
        font = _open_font(family, size, weight)
        cache[key] = font
    assert isinstance(font, ImageFont.FreeTypeFont)
    return font


def _open_font(family: str, size: int, weight: Weight) -> ImageFont.FreeTypeFont:
    if family == HANGUL_FAMILY:
        font = ImageFont.truetype(str(hangul_font_path()), size, index=_VF_KR_INDEX)
        font.set_variation_by_axes([_WEIGHT_AXIS[weight]])
        return font
    if family == LATIN_FAMILY:
        if weight is not Weight.REGULAR:
            raise ValueError(f"{LATIN_FAMILY} has only the regular weight, not {weight}")
        latin = ImageFont.load_default(size)
        assert isinstance(latin, ImageFont.FreeTypeFont)
        return latin
    raise ValueError(f"unknown font family {family!r}; bundled: {', '.join(FAMILIES)}")


def font_chain(family: str, size: int, weight: Weight) -> tuple[ImageFont.FreeTypeFont, ...]:
    """The requested family first, then the Hangul-capable one for what it lacks."""
    fonts = [load_font(family, size, weight)]
    if family != HANGUL_FAMILY:
        fonts.append(load_font(HANGUL_FAMILY, size, weight))
    return tuple(fonts)


def _glyph_image(font: ImageFont.FreeTypeFont, char: str) -> tuple[tuple[int, ...], bytes]:
    left, top, right, bottom = (int(v) for v in font.getbbox(char))
    mask = Image.new("L", (max(right - left, 1), max(bottom - top, 1)))
    ImageDraw.Draw(mask).text((-left, -top), char, font=font, fill=255)
    return (left, top, right, bottom), mask.tobytes()


def has_glyph(font: ImageFont.FreeTypeFont, char: str) -> bool:
    """Whether `font` draws `char` as itself rather than as its .notdef box."""
    if char.isspace():
        return True
    cache = _cache("coverage")
    key = (id(font), char)
    known = cache.get(key)
    if known is None:
        notdef_key = (id(font), _NOTDEF_PROBE)
        notdef = cache.get(notdef_key)
        if notdef is None:
            notdef = _glyph_image(font, _NOTDEF_PROBE)
            cache[notdef_key] = notdef
        known = _glyph_image(font, char) != notdef
        cache[key] = known
    return bool(known)


@dataclass(frozen=True)
class Run:
    """A stretch of text set in one font of the chain, with its advance width."""

    text: str
    font: ImageFont.FreeTypeFont
    width: float


def split_runs(text: str, chain: tuple[ImageFont.FreeTypeFont, ...]) -> list[Run]:
    """Cut `text` where the covering font changes; a glyph no font has uses the first."""
    pieces: list[tuple[str, ImageFont.FreeTypeFont]] = []
    for char in text:
        font = next((f for f in chain if has_glyph(f, char)), chain[0])
        if pieces and pieces[-1][1] is font:
            pieces[-1] = (pieces[-1][0] + char, font)
        else:
            pieces.append((char, font))
    return [Run(piece, font, font.getlength(piece)) for piece, font in pieces]


def runs_width(runs: list[Run]) -> float:
    return sum(run.width for run in runs)


def fitted_runs(
    text: str,
    width: float,
    make_chain: Callable[[int], tuple[ImageFont.FreeTypeFont, ...]],
    size: int,
) -> tuple[list[Run], int]:
    """Runs at `size`, shrunk so the text fits `width` (long names stay inside their box)."""
    runs = split_runs(text, make_chain(size))
    for _ in range(3):
        measured = runs_width(runs)
        if measured <= width or size <= _MIN_SIZE:
            break
        size = max(_MIN_SIZE, min(size - 1, int(size * width / measured)))
        runs = split_runs(text, make_chain(size))
    return runs, size
