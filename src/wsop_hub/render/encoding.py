"""Frame sinks: where the built-in renderer's RGBA frames go (ffmpeg or PNG files).

ffmpeg is the binary bundled by `imageio-ffmpeg` (no system ffmpeg needed), fed raw RGBA
over stdin. For alpha in a .mov, QuickTime Animation (qtrle, ARGB) is used rather than
ProRes 4444: on this 2-core machine a 5 s 1080p clip takes ~0.8 s with qtrle against ~27 s
with prores_ks, and qtrle is lossless; files are larger, which a graphic playout accepts.

A sink receives the distinct frames (the intro and the first held frame) and then makes
the rest of the clip from the last one: the PNG sequence rewrites its bytes, ffmpeg clones
it with `tpad`, so the hold costs neither drawing nor piping.
"""

from __future__ import annotations

import contextlib
import io
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import IO, Protocol

import imageio_ffmpeg  # type: ignore[import-untyped]
from PIL import Image

from wsop_hub.domain.enums import OutputFormat
from wsop_hub.render.errors import RenderFailed

#: PNG zlib level: 1 encodes a 1080p frame ~30 % faster than the default 6; files are larger.
PNG_COMPRESS_LEVEL = 1
#: Longest wait for ffmpeg to finish writing after the last frame.
FFMPEG_FINISH_TIMEOUT_S = 600.0
#: How often the held part of a clip reports progress and looks for a cancel.
PROGRESS_POLL_S = 0.05


def ffmpeg_exe() -> str:
    """The ffmpeg binary shipped inside the imageio-ffmpeg wheel."""
    return str(imageio_ffmpeg.get_ffmpeg_exe())


def crf_for_quality(quality: int) -> int:
    """OutputSettings.quality 1..100 → x264 CRF 40..12 (90, the default, gives 15)."""
    return round(40 - (quality - 1) * 28 / 99)


def frame_rate(fps: float) -> str:
    """ffmpeg's frame rate as an exact fraction (30 → 30/1, 29.97 → 2997/100)."""
    rate = Fraction(fps).limit_denominator(1001)
    return f"{rate.numerator}/{rate.denominator}"


#: Called with the number of frames done so far; raises to stop (a cancel).
Tick = Callable[[int], None]


class FrameSink(Protocol):
    """Takes the distinct frames, then repeats the last one until `total` frames exist."""

    def write(self, frame: Image.Image) -> None: ...

    def finish(self, tick: Tick) -> None: ...

    def abort(self) -> None: ...


def flatten(frame: Image.Image) -> Image.Image:
    """An RGBA frame composited over black: what a player shows of it without alpha."""
    black = Image.new("RGB", frame.size, (0, 0, 0))
    black.paste(frame, mask=frame.getchannel("A"))
    return black


def encode_png(frame: Image.Image) -> bytes:
    buffer = io.BytesIO()
    frame.save(buffer, format="PNG", compress_level=PNG_COMPRESS_LEVEL)
    return buffer.getvalue()


class PngStillSink:
    """One frame → one PNG file (`png_sequence` with `duration_frames == 1`)."""

    def __init__(self, target: Path) -> None:
        self.target = target

    def write(self, frame: Image.Image) -> None:
        self.target.write_bytes(encode_png(frame))

    def finish(self, tick: Tick) -> None:
        """Nothing to add: the one frame was written whole."""

    def abort(self) -> None:
        """Nothing running; the caller removes the partial file."""


class PngSequenceSink:
    """Numbered PNGs in a directory: `frame_00001.png`, `frame_00002.png` …"""

    def __init__(self, directory: Path, total: int) -> None:
        self.directory = directory
        self.total = total
        directory.mkdir()
        self._count = 0
        self._last = b""

    def _put(self, data: bytes) -> None:
        self._count += 1
        (self.directory / f"frame_{self._count:05d}.png").write_bytes(data)

    def write(self, frame: Image.Image) -> None:
        self._last = encode_png(frame)
        self._put(self._last)

    def finish(self, tick: Tick) -> None:
        """The held frames: the last PNG's bytes again, no re-encoding."""
        while self._count < self.total:
            tick(self._count)
            self._put(self._last)

    def abort(self) -> None:
        """Nothing running; the caller removes the partial directory."""


def ffmpeg_output_args(output: OutputFormat, quality: int, filters: list[str]) -> list[str]:
    """Codec arguments per format; `filters` run after the colour conversion."""
    if output is OutputFormat.MP4:
        return [
            "-vf",
            ",".join(["scale=out_color_matrix=bt709:out_range=tv", "format=yuv420p", *filters]),
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            "-crf",
            str(crf_for_quality(quality)),
            "-colorspace",
            "bt709",
            "-color_primaries",
            "bt709",
            "-color_trc",
            "bt709",
            "-movflags",
            "+faststart",
            "-f",
            "mp4",
        ]
    if output is OutputFormat.MOV_ALPHA:
        return ["-vf", ",".join(["format=argb", *filters]), "-c:v", "qtrle", "-f", "mov"]
    raise ValueError(f"{output} is not encoded by ffmpeg")


class FfmpegSink:
    """Distinct RGBA frames piped into the bundled ffmpeg, which clones the held last one.

    Only the intro and the first held frame cross the pipe; ffmpeg's `tpad` filter repeats
    the converted last frame for the rest of the clip, so a 5 s clip pipes ~16 frames, not
    150. Progress through the held part comes from ffmpeg's `-progress` report, read by a
    thread so its pipe never fills.
    """

    def __init__(
        self,
        target: Path,
        output: OutputFormat,
        settings: tuple[int, int, float, int],
        total: int,
        distinct: int,
    ) -> None:
        width, height, fps, quality = settings
        self.total = total
        # H.264 has no alpha: frames are flattened over black here (once per distinct
        # frame) and sent as rgb24, a quarter less to pipe and convert than rgba.
        self._flatten = output is OutputFormat.MP4
        filters = [f"tpad=stop_mode=clone:stop={total - distinct}"]
        command = [
            ffmpeg_exe(),
            "-hide_banner",
            "-nostats",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "rawvideo",
            "-pix_fmt",
            "rgb24" if self._flatten else "rgba",
            "-s",
            f"{width}x{height}",
            "-framerate",
            frame_rate(fps),
            "-i",
            "-",
            *ffmpeg_output_args(output, quality, filters),
            "-frames:v",
            str(total),
            "-progress",
            "pipe:1",
            "-stats_period",
            "0.1",
            str(target),
        ]
        # stderr goes to a file, not a pipe nobody reads while frames are written: a full
        # pipe buffer would block ffmpeg and so deadlock the writer.
        self._stderr: IO[bytes] = tempfile.TemporaryFile()
        self._process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr
        )
        self._frames_out = 0
        self._reader = threading.Thread(target=self._read_progress, daemon=True)
        self._reader.start()

    def _read_progress(self) -> None:
        stdout = self._process.stdout
        assert stdout is not None
        for line in stdout:
            if line.startswith(b"frame="):
                self._frames_out = max(self._frames_out, int(line[6:].strip() or 0))

    def _error_text(self) -> str:
        self._stderr.seek(0)
        return self._stderr.read()[-2000:].decode("utf-8", "replace").strip()

    def write(self, frame: Image.Image) -> None:
        data = (flatten(frame) if self._flatten else frame).tobytes()
        stdin = self._process.stdin
        assert stdin is not None
        try:
            stdin.write(data)
        except BrokenPipeError as exc:
            self._process.wait()
            raise RenderFailed(f"ffmpeg stopped taking frames: {self._error_text()}") from exc

    def finish(self, tick: Tick) -> None:
        """Close the input and follow ffmpeg to the end, ticking with its frame count."""
        stdin = self._process.stdin
        assert stdin is not None
        try:
            stdin.close()
        except BrokenPipeError as exc:
            raise RenderFailed(f"ffmpeg stopped taking frames: {self._error_text()}") from exc
        deadline = time.monotonic() + FFMPEG_FINISH_TIMEOUT_S
        while True:
            tick(self._frames_out)
            try:
                code = self._process.wait(timeout=PROGRESS_POLL_S)
                break
            except subprocess.TimeoutExpired:
                if time.monotonic() > deadline:
                    raise RenderFailed(
                        f"ffmpeg did not finish in {FFMPEG_FINISH_TIMEOUT_S:.0f} s"
                    ) from None
        self._reader.join()
        if code != 0:
            raise RenderFailed(f"ffmpeg exited with {code}: {self._error_text()}")
        self._stderr.close()

    def abort(self) -> None:
        """Stop ffmpeg at once (cancel or error); the caller removes the partial file."""
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()
        if self._process.stdin is not None:
            # Closing the pipe to a killed process may report the break; it is expected.
            with contextlib.suppress(BrokenPipeError):
                self._process.stdin.close()
        self._reader.join()
        self._stderr.close()
