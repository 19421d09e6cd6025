"""The built-in renderer: real graphics on any machine, no After Effects (issue 6 item 3).

The graphic is composed once (render/compose.py); the intro (slide in while fading in,
then hold) only moves and fades that finished card, so a 150-frame clip costs one
composition plus cheap per-frame work, and the hold frames are byte-identical (encoders
reuse them).

Output is atomic: frames go to a hidden temporary name in `out_dir` that is renamed into
place only when complete. On cancel or error the partial file or directory is removed and
the exception propagates (`RenderCancelled` on cancel). The function is synchronous and
CPU-bound on purpose; the worker runs it with `asyncio.to_thread`.
"""

from __future__ import annotations

import os
import re
import shutil
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from PIL import Image

from wsop_hub.domain.enums import OutputFormat
from wsop_hub.domain.models import OutputSettings
from wsop_hub.render.bound import BoundGraphic
from wsop_hub.render.compose import compose_graphic
from wsop_hub.render.encoding import FfmpegSink, FrameSink, PngSequenceSink, PngStillSink
from wsop_hub.render.errors import RenderCancelled, UnsupportedOutput
from wsop_hub.render.flags import default_media_root
from wsop_hub.render.templates import AnimationSpec, SlideFrom, TemplateSpec

#: Name of the frame directory of a PNG sequence inside `out_dir`.
SEQUENCE_DIR = "frames"

ProgressCallback = Callable[[int, int], None]


class CancelFlag(Protocol):
    """`threading.Event` or `asyncio.Event`: anything with `is_set()`."""

    def is_set(self) -> bool: ...


@dataclass(frozen=True)
class RenderedFile:
    """A finished output. `duration_ms` is the clip's length; `render_ms` the time it took.

    `path` is the file, or for a multi-frame PNG sequence the `frames/` directory;
    `file_size` is then the total of its files.
    """

    path: Path
    file_size: int
    frame_count: int
    duration_ms: int
    format: OutputFormat
    render_ms: int


def output_stem(composition: str) -> str:
    """File-name stem of a composition: "_MAIN Mini Chip Count" → "main-mini-chip-count"."""
    stem = re.sub(r"[^0-9A-Za-z]+", "-", composition).strip("-").lower()
    return stem or "graphic"


def output_path(spec: TemplateSpec, settings: OutputSettings, out_dir: Path) -> Path:
    """Where the finished output of `spec` in `settings.format` lands inside `out_dir`."""
    stem = output_stem(spec.composition)
    if settings.format is OutputFormat.PNG_SEQUENCE:
        return out_dir / (f"{stem}.png" if settings.duration_frames == 1 else SEQUENCE_DIR)
    return out_dir / f"{stem}.{'mp4' if settings.format is OutputFormat.MP4 else 'mov'}"


class IntroAnimation:
    """Frames of the intro: the card slides `slide_px` and fades in, eased, then holds."""

    def __init__(
        self, full: Image.Image, animation: AnimationSpec, fps: float, total: int, scale: float
    ) -> None:
        self.full = full
        self.intro = max(0, min(round(animation.intro_s * fps), total - 1))
        box = full.getbbox() or (0, 0, 1, 1)
        self._origin = box[:2]
        self._card = full.crop(box)
        self._alpha = self._card.getchannel("A")
        distance = round(animation.slide_px * scale)
        self._direction = {
            SlideFrom.LEFT: (-distance, 0),
            SlideFrom.RIGHT: (distance, 0),
            SlideFrom.TOP: (0, -distance),
            SlideFrom.BOTTOM: (0, distance),
        }[animation.slide_from]

    @property
    def distinct(self) -> int:
        """Frames that differ: the intro and the first held frame; the rest repeat it."""
        return self.intro + 1

    def frame(self, index: int) -> Image.Image:
        """Frame `index` (0-based); from `intro` on, the finished card."""
        if index >= self.intro:
            return self.full
        progress = (index + 1) / (self.intro + 1)
        eased = 1 - (1 - progress) ** 3
        lut = [round(value * eased) for value in range(256)]
        card = self._card.copy()
        card.putalpha(self._alpha.point(lut))
        dx, dy = (round(d * (1 - eased)) for d in self._direction)
        frame = Image.new("RGBA", self.full.size, (0, 0, 0, 0))
        frame.paste(card, (self._origin[0] + dx, self._origin[1] + dy))
        return frame


def _open_sink(settings: OutputSettings, temporary: Path, distinct: int) -> FrameSink:
    total = settings.duration_frames
    if settings.format is OutputFormat.PNG_SEQUENCE:
        if total == 1:
            return PngStillSink(temporary)
        return PngSequenceSink(temporary, total)
    if settings.format is OutputFormat.MP4 and (settings.width % 2 or settings.height % 2):
        raise UnsupportedOutput(
            f"mp4 (H.264 4:2:0) needs even dimensions, got {settings.width}x{settings.height}"
        )
    dimensions = (settings.width, settings.height, settings.fps, settings.quality)
    return FfmpegSink(temporary, settings.format, dimensions, total, distinct)


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _publish(temporary: Path, final: Path) -> None:
    """Rename into place; an earlier attempt's output of the same name is replaced."""
    if final.is_dir():
        stale = final.with_name(f".{final.name}.{uuid.uuid4().hex[:8]}.old")
        final.rename(stale)
        os.replace(temporary, final)
        shutil.rmtree(stale, ignore_errors=True)
    else:
        os.replace(temporary, final)


def _size(path: Path) -> int:
    if path.is_dir():
        return sum(item.stat().st_size for item in path.iterdir())
    return path.stat().st_size


def render_graphic(
    spec: TemplateSpec,
    bound: BoundGraphic,
    settings: OutputSettings,
    out_dir: Path,
    *,
    on_progress: ProgressCallback | None = None,
    cancelled: CancelFlag | None = None,
    media_root: Path | None = None,
) -> RenderedFile:
    """Render `bound` with `spec` into `out_dir` per `settings`; see the module docstring.

    `on_progress(frames_done, total)` is called as frames are made, each count once and
    rising to `total` (the caller throttles); `cancelled` is checked before each frame and,
    while ffmpeg writes the held part, every `PROGRESS_POLL_S`.
    """
    started = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    final = output_path(spec, settings, out_dir)
    total = settings.duration_frames
    full = compose_graphic(
        spec, bound, settings.width, settings.height, media_root or default_media_root()
    )
    scale = min(settings.width / spec.width, settings.height / spec.height)
    animation = IntroAnimation(full, spec.animation, settings.fps, total, scale)
    temporary = out_dir / f".{final.name}.{uuid.uuid4().hex[:8]}.part"
    sink = _open_sink(settings, temporary, animation.distinct)

    reported = 0

    def tick(done: int) -> None:
        nonlocal reported
        if cancelled is not None and cancelled.is_set():
            raise RenderCancelled(f"{spec.composition}: cancelled at frame {done}/{total}")
        if on_progress is not None and done > reported:
            reported = done
            on_progress(done, total)

    try:
        for index in range(animation.distinct):
            tick(index)
            sink.write(animation.frame(index))
        tick(animation.distinct)
        sink.finish(tick)
        tick(total)
        _publish(temporary, final)
    except BaseException:
        sink.abort()
        _remove(temporary)
        raise
    return RenderedFile(
        path=final,
        file_size=_size(final),
        frame_count=total,
        duration_ms=round(total / settings.fps * 1000),
        format=settings.format,
        render_ms=round((time.perf_counter() - started) * 1000),
    )
