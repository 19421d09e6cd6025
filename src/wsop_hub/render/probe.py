"""What an output file holds, and a PNG preview of it — with the bundled ffmpeg only.

imageio-ffmpeg ships ffmpeg but not ffprobe, so a clip is probed by reading what
`ffmpeg -i FILE -map 0:v:0 -c copy -f null -` prints: the stream line (codec, pixel format,
size) and the final frame count. `-c copy` remuxes without decoding, so probing is fast.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from wsop_hub.domain.enums import OutputFormat
from wsop_hub.render.encoding import ffmpeg_exe

_STREAM = re.compile(
    r"Stream #\d+:\d+.*?: Video: (?P<codec>\w+)[^,]*, (?P<pix_fmt>\w+)(?:\([^)]*\))?,"
    r" (?P<width>\d+)x(?P<height>\d+)"
)
_FPS = re.compile(r", (?P<fps>[\d.]+) (?:fps|tbr)")
_FRAMES = re.compile(r"frame=\s*(?P<frames>\d+)")
_DURATION = re.compile(r"Duration: (?P<h>\d+):(?P<m>\d+):(?P<s>[\d.]+)")
_ALPHA_FORMATS = ("yuva", "ya", "rgba", "bgra", "argb", "abgr", "gbrap")


@dataclass(frozen=True)
class ProbeResult:
    width: int
    height: int
    frame_count: int
    codec: str
    pix_fmt: str
    duration_s: float
    fps: float | None

    @property
    def has_alpha(self) -> bool:
        return self.pix_fmt.startswith(_ALPHA_FORMATS)


class ProbeError(Exception):
    """The file is not a video or image that ffmpeg or Pillow can read."""


def probe(path: Path) -> ProbeResult:
    """Dimensions, frame count, codec, pixel format and duration of an output."""
    if path.is_dir():
        frames = sorted(path.glob("*.png"))
        if not frames:
            raise ProbeError(f"{path}: no PNG frames")
        first = _probe_png(frames[0])
        return ProbeResult(first.width, first.height, len(frames), "png", first.pix_fmt, 0.0, None)
    if path.suffix.lower() == ".png":
        return _probe_png(path)
    return _probe_clip(path)


def _probe_png(path: Path) -> ProbeResult:
    with Image.open(path) as image:
        mode = image.mode
        size = image.size
    pix_fmt = {"RGBA": "rgba", "RGB": "rgb24", "LA": "ya8", "L": "gray", "P": "pal8"}
    return ProbeResult(size[0], size[1], 1, "png", pix_fmt.get(mode, mode.lower()), 0.0, None)


def _probe_clip(path: Path) -> ProbeResult:
    result = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path), "-map", "0:v:0"]
        + ["-c", "copy", "-f", "null", "-"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    text = result.stderr
    stream = _STREAM.search(text)
    if result.returncode != 0 or stream is None:
        raise ProbeError(f"{path}: ffmpeg cannot read it: {text.strip()[-500:]}")
    frames = _FRAMES.findall(text)
    duration = _DURATION.search(text)
    fps = _FPS.search(text[stream.start() :])
    seconds = (
        int(duration["h"]) * 3600 + int(duration["m"]) * 60 + float(duration["s"])
        if duration
        else 0.0
    )
    return ProbeResult(
        width=int(stream["width"]),
        height=int(stream["height"]),
        frame_count=int(frames[-1]) if frames else 0,
        codec=stream["codec"],
        pix_fmt=stream["pix_fmt"],
        duration_s=seconds,
        fps=float(fps["fps"]) if fps else None,
    )


def preview_png(path: Path, output: OutputFormat) -> bytes:
    """A PNG to show for an output (`?preview=1`).

    A still is returned as it is, a PNG sequence gives its last frame, and a clip the last
    frame too: the first frame of every clip is the start of the fade-in, nearly empty, so
    it would preview nothing. The last frame shows the graphic as it holds on air.
    """
    if output is OutputFormat.PNG_SEQUENCE:
        if path.is_dir():
            frames = sorted(path.glob("frame_*.png"))
            if not frames:
                raise ProbeError(f"{path}: no PNG frames")
            return frames[-1].read_bytes()
        return path.read_bytes()
    with tempfile.TemporaryDirectory() as scratch:
        target = Path(scratch) / "preview.png"
        # -sseof seeks to 1 s before the end (or the start of a shorter clip); with -update
        # the image2 muxer overwrites one file per decoded frame, leaving the last one.
        result = subprocess.run(
            [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-sseof", "-1"]
            + ["-i", str(path), "-map", "0:v:0", "-update", "1", "-y", str(target)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if result.returncode != 0 or not target.is_file():
            raise ProbeError(f"{path}: no preview: {result.stderr.strip()[-500:]}")
        return target.read_bytes()
