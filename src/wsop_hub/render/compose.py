"""Draw one graphic: a template's layers with bound values on a transparent canvas.

Everything is composited with straight alpha "over" (`Image.alpha_composite`), never drawn
into the canvas directly: Pillow's drawing replaces pixels, which would punch holes where a
translucent row stripe lies on the panel and give text dark fringes on transparent areas.
Geometry is scaled from the template's canvas to the output size, so a 640×360 preview is
drawn at that size rather than shrunk from 1920×1080.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw

from wsop_hub.render.bound import BoundGraphic
from wsop_hub.render.flags import resolve_media
from wsop_hub.render.fonts import Run, fitted_runs, font_chain, runs_width
from wsop_hub.render.templates import Align, LayerKind, LayerSpec, TemplateSpec


@dataclass(frozen=True)
class Box:
    x: int
    y: int
    width: int
    height: int


@dataclass(frozen=True)
class _Scale:
    sx: float
    sy: float

    def box(self, layer: LayerSpec) -> Box:
        x, y = round(layer.x * self.sx), round(layer.y * self.sy)
        width = max(1, round((layer.x + layer.width) * self.sx) - x)
        height = max(1, round((layer.y + layer.height) * self.sy) - y)
        return Box(x, y, width, height)

    def length(self, value: int) -> int:
        return max(1, round(value * min(self.sx, self.sy)))


def parse_colour(value: str) -> tuple[int, int, int, int]:
    """ "#RRGGBB" or "#RRGGBBAA" (validated by the template model) → RGBA."""
    digits = value[1:]
    alpha = int(digits[6:8], 16) if len(digits) == 8 else 255
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16), alpha


def compose_graphic(
    spec: TemplateSpec, bound: BoundGraphic, width: int, height: int, media_root: Path
) -> Image.Image:
    """The fully shown graphic as an RGBA image of `width` × `height`."""
    canvas = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    scale = _Scale(width / spec.width, height / spec.height)
    for layer in spec.placed_layers():
        box = scale.box(layer)
        if layer.kind is LayerKind.SHAPE:
            _shape(canvas, box, layer.colour, scale.length(layer.radius) if layer.radius else 0)
        elif layer.kind is LayerKind.IMAGE:
            media = bound.images.get(layer.name)
            if media:
                _image(canvas, box, resolve_media(media, media_root))
        else:
            text = layer.text if layer.text is not None else bound.texts.get(layer.name, "")
            if text:
                _text(canvas, box, layer, text, scale)
    return canvas


def _over(canvas: Image.Image, tile: Image.Image, x: int, y: int) -> None:
    """Composite `tile` at (x, y), clipped to the canvas (layers may hang over an edge)."""
    left, top = max(x, 0), max(y, 0)
    right, bottom = min(x + tile.width, canvas.width), min(y + tile.height, canvas.height)
    if right <= left or bottom <= top:
        return
    canvas.alpha_composite(tile, (left, top), (left - x, top - y, right - x, bottom - y))


def _shape(canvas: Image.Image, box: Box, colour: str, radius: int) -> None:
    tile = Image.new("RGBA", (box.width, box.height), (0, 0, 0, 0))
    ImageDraw.Draw(tile).rounded_rectangle(
        (0, 0, box.width - 1, box.height - 1), radius=radius, fill=parse_colour(colour)
    )
    _over(canvas, tile, box.x, box.y)


@functools.lru_cache(maxsize=256)
def _fitted_image(path: Path, width: int, height: int) -> Image.Image:
    """A media file scaled to fit the box, aspect kept (cached: flags repeat constantly)."""
    with Image.open(path) as source:
        image = source.convert("RGBA")
    image.thumbnail((width, height), Image.Resampling.LANCZOS)
    if image.width < width and image.height < height:
        factor = min(width / image.width, height / image.height)
        size = (max(1, round(image.width * factor)), max(1, round(image.height * factor)))
        image = image.resize(size, Image.Resampling.LANCZOS)
    return image


def _image(canvas: Image.Image, box: Box, path: Path) -> None:
    image = _fitted_image(path, box.width, box.height)
    x = box.x + (box.width - image.width) // 2
    y = box.y + (box.height - image.height) // 2
    _over(canvas, image, x, y)


def _text(canvas: Image.Image, box: Box, layer: LayerSpec, text: str, scale: _Scale) -> None:
    assert layer.font is not None
    family, weight = layer.font.family, layer.font.weight
    runs, size = fitted_runs(
        text,
        box.width,
        lambda px: font_chain(family, px, weight),
        scale.length(layer.font.size),
    )
    primary = font_chain(family, size, weight)[0]
    cap_top = primary.getbbox("H", anchor="ls")[1]
    baseline = box.height / 2 - cap_top / 2
    width = runs_width(runs)
    if layer.align is Align.CENTER:
        x = (box.width - width) / 2
    elif layer.align is Align.RIGHT:
        x = box.width - width
    else:
        x = 0.0
    margin = size
    mask = Image.new("L", (box.width + 2 * margin, box.height + 2 * margin), 0)
    _draw_runs(mask, runs, x + margin, baseline + margin)
    red, green, blue, alpha = parse_colour(layer.colour)
    if alpha < 255:
        mask = mask.point(lambda v: v * alpha // 255)
    tile = Image.new("RGBA", mask.size, (red, green, blue, 255))
    tile.putalpha(mask)
    _over(canvas, tile, box.x - margin, box.y - margin)


def _draw_runs(mask: Image.Image, runs: list[Run], x: float, baseline: float) -> None:
    draw = ImageDraw.Draw(mask)
    for run in runs:
        draw.text((x, baseline), run.text, font=run.font, fill=255, anchor="ls")
        x += run.width
