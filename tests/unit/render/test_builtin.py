"""The built-in renderer: every shipped template in every format, probed with the bundled
ffmpeg; atomic output, cancel and failure leave no partial files."""

from __future__ import annotations

import asyncio
import io
import threading
from pathlib import Path
from typing import Any

import psutil
import pytest
from PIL import Image, ImageStat

from wsop_hub.dispatch.backends import PermanentRenderError
from wsop_hub.domain.enums import OutputFormat
from wsop_hub.domain.models import OutputSettings
from wsop_hub.render.binding import bind
from wsop_hub.render.bound import BoundGraphic
from wsop_hub.render.builtin import SEQUENCE_DIR, RenderedFile, output_path, render_graphic
from wsop_hub.render.compose import compose_graphic
from wsop_hub.render.errors import RenderCancelled, RenderFailed, UnsupportedOutput
from wsop_hub.render.flags import default_media_root, get_flag_path
from wsop_hub.render.probe import ProbeError, preview_png, probe
from wsop_hub.render.templates import TemplateSpec, get_template

SAMPLES: dict[str, dict[str, Any]] = {
    "_MAIN Mini Chip Count": {
        "players": [
            {"name": "Lipauka", "chips": 2_225_000, "country_code": "LT"},
            {"name": "홍길동", "chips": 1_625_000, "country_code": "KR"},
        ],
        "big_blind": 20_000,
        "single_fields": {"AVERAGE STACK": "1,925,000 (96BB)"},
    },
    "Premium Hand": {
        "single_fields": {"name": "Phil Ivey", "hand": "full_house", "cards": "As Ah", "pot": 9}
    },
    "Elimination": {"players": [{"name": "Jane Doe", "rank": 9, "prize": 8_200_000}]},
    "Payouts": {"payouts": [{"place": p, "amount": 10_000_000 // p} for p in range(1, 10)]},
}


def clip(output: OutputFormat, frames: int = 10) -> OutputSettings:
    """Small, short output settings: 640x360 at 30 fps."""
    return OutputSettings(format=output, width=640, height=360, fps=30.0, duration_frames=frames)


def bound_for(name: str) -> tuple[TemplateSpec, BoundGraphic]:
    spec = get_template(name)
    return spec, bind(spec, SAMPLES[name])


def test_there_is_a_sample_for_every_shipped_template() -> None:
    from wsop_hub.render.templates import shipped_templates

    assert set(SAMPLES) == set(shipped_templates())


@pytest.mark.parametrize("name", sorted(SAMPLES))
@pytest.mark.parametrize(
    ("output", "codec", "alpha"),
    [
        (OutputFormat.MP4, "h264", False),
        (OutputFormat.MOV_ALPHA, "qtrle", True),
        (OutputFormat.PNG_SEQUENCE, "png", True),
    ],
)
def test_every_template_renders_in_every_format(
    tmp_path: Path, name: str, output: OutputFormat, codec: str, alpha: bool
) -> None:
    spec, bound = bound_for(name)
    result = render_graphic(spec, bound, clip(output), tmp_path)
    info = probe(result.path)
    assert (info.width, info.height) == (640, 360)
    assert info.frame_count == result.frame_count == 10
    assert info.codec == codec
    assert info.has_alpha is alpha
    assert result.duration_ms == 333
    assert result.file_size > 0
    if output is not OutputFormat.PNG_SEQUENCE:
        assert info.duration_s == pytest.approx(10 / 30, abs=0.02)
        assert info.fps == pytest.approx(30)
    assert [p.name for p in tmp_path.iterdir()] == [result.path.name]


def test_a_full_hd_still_is_one_transparent_png(tmp_path: Path) -> None:
    spec, bound = bound_for("_MAIN Mini Chip Count")
    settings = OutputSettings(format=OutputFormat.PNG_SEQUENCE, duration_frames=1)
    result = render_graphic(spec, bound, settings, tmp_path)
    assert result.path == tmp_path / "main-mini-chip-count.png"
    with Image.open(result.path) as image:
        assert image.size == (1920, 1080)
        assert image.mode == "RGBA"
        alpha = image.getchannel("A").tobytes()
        panel = get_template("_MAIN Mini Chip Count").layers[0]
        assert alpha[20 * 1920 + 1900] == 0
        assert alpha[(panel.y + 400) * 1920 + panel.x + 20] > 200
    assert preview_png(result.path, result.format) == result.path.read_bytes()


def test_a_clip_fades_in_then_holds(tmp_path: Path) -> None:
    spec, bound = bound_for("Payouts")
    settings = clip(OutputFormat.PNG_SEQUENCE, 20)
    result = render_graphic(spec, bound, settings, tmp_path)
    frames = sorted(result.path.iterdir())
    assert result.path.name == SEQUENCE_DIR and len(frames) == 20
    opacity = []
    for frame in frames:
        with Image.open(frame) as image:
            opacity.append(ImageStat.Stat(image.getchannel("A")).sum[0])
    intro = round(spec.animation.intro_s * 30)
    assert opacity[0] < opacity[intro // 2] < opacity[intro]
    assert len({frame.read_bytes() for frame in frames[intro:]}) == 1


def test_the_clip_preview_is_the_held_graphic_not_the_empty_first_frame(tmp_path: Path) -> None:
    spec, bound = bound_for("Elimination")
    movie = render_graphic(spec, bound, clip(OutputFormat.MOV_ALPHA), tmp_path)
    still_dir = tmp_path / "still"
    settings = clip(OutputFormat.PNG_SEQUENCE, 1)
    still = render_graphic(spec, bound, settings, still_dir)
    with Image.open(io.BytesIO(preview_png(movie.path, movie.format))) as preview:
        assert preview.size == (640, 360)
        assert preview.mode == "RGBA"
        preview_alpha = preview.getchannel("A").tobytes()
    with Image.open(still.path) as image:
        assert preview_alpha == image.getchannel("A").tobytes()


def test_progress_counts_every_frame_up_to_the_total(tmp_path: Path) -> None:
    spec, bound = bound_for("Premium Hand")
    seen: list[tuple[int, int]] = []
    settings = clip(OutputFormat.PNG_SEQUENCE, 30)
    render_graphic(spec, bound, settings, tmp_path, on_progress=lambda d, t: seen.append((d, t)))
    assert [done for done, _ in seen] == list(range(1, 31))
    assert {total for _, total in seen} == {30}


@pytest.mark.parametrize("output", list(OutputFormat))
@pytest.mark.parametrize("cancel_at", [3, 16], ids=["in-the-intro", "once-the-intro-is-sent"])
def test_cancel_mid_render_leaves_no_partial_files(
    tmp_path: Path, output: OutputFormat, cancel_at: int
) -> None:
    spec, bound = bound_for("_MAIN Mini Chip Count")
    cancelled = threading.Event()
    seen: list[int] = []

    def progress(done: int, total: int) -> None:
        seen.append(done)
        if done >= cancel_at:
            cancelled.set()

    settings = clip(output, 40)
    with pytest.raises(RenderCancelled, match="cancelled at frame"):
        render_graphic(spec, bound, settings, tmp_path, on_progress=progress, cancelled=cancelled)
    assert seen[-1] < 40
    assert list(tmp_path.iterdir()) == []
    assert not [p for p in psutil.Process().children() if "ffmpeg" in p.name()]


def test_an_error_in_the_progress_callback_removes_the_partial_clip(tmp_path: Path) -> None:
    spec, bound = bound_for("Payouts")

    def progress(done: int, total: int) -> None:
        if done == 4:
            raise RuntimeError("event bus down")

    settings = clip(OutputFormat.MP4)
    with pytest.raises(RuntimeError, match="event bus down"):
        render_graphic(spec, bound, settings, tmp_path, on_progress=progress)
    assert list(tmp_path.iterdir()) == []


async def test_an_asyncio_caller_offloads_and_cancels_with_an_asyncio_event(tmp_path: Path) -> None:
    spec, bound = bound_for("Elimination")
    settings = clip(OutputFormat.MOV_ALPHA)
    result = await asyncio.to_thread(render_graphic, spec, bound, settings, tmp_path / "ok")
    assert isinstance(result, RenderedFile) and result.path.is_file()
    stop = asyncio.Event()
    stop.set()
    with pytest.raises(RenderCancelled, match="frame 0/10"):
        await asyncio.to_thread(
            render_graphic, spec, bound, settings, tmp_path / "no", cancelled=stop
        )
    assert list((tmp_path / "no").iterdir()) == []


@pytest.mark.parametrize("output", [OutputFormat.MP4, OutputFormat.PNG_SEQUENCE])
def test_a_second_attempt_replaces_the_first_output(tmp_path: Path, output: OutputFormat) -> None:
    spec, bound = bound_for("Elimination")
    settings = clip(output)
    first = render_graphic(spec, bound, settings, tmp_path)
    again = bind(spec, {"players": [{"name": "Somebody Else", "rank": 8}]})
    second = render_graphic(spec, again, settings, tmp_path)
    assert second.path == first.path == output_path(spec, settings, tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == [first.path.name]
    assert probe(second.path).frame_count == 10


@pytest.mark.parametrize("output", [OutputFormat.MP4, OutputFormat.MOV_ALPHA])
def test_an_encoder_crash_is_a_retryable_failure_that_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, output: OutputFormat
) -> None:
    monkeypatch.setattr("wsop_hub.render.encoding.ffmpeg_exe", lambda: "/bin/false")
    spec, bound = bound_for("Payouts")
    with pytest.raises(RenderFailed, match="ffmpeg") as info:
        render_graphic(spec, bound, clip(output), tmp_path)
    assert not isinstance(info.value, PermanentRenderError)
    assert list(tmp_path.iterdir()) == []


def test_a_flag_the_package_does_not_ship_is_drawn_as_unknown(tmp_path: Path) -> None:
    spec = get_template("Premium Hand")
    flag = next(layer for layer in spec.placed_layers() if layer.name == "Flag")
    box = (flag.x, flag.y, flag.x + flag.width, flag.y + flag.height)

    def flag_pixels(country: str) -> bytes:
        data = {"single_fields": {"name": "A", "hand": "flush", "country_code": country}}
        image = compose_graphic(spec, bind(spec, data), 1920, 1080, default_media_root())
        return image.crop(box).tobytes()

    assert get_flag_path("BR") == "Flag/Brazil.png"
    assert not (default_media_root() / "Flag/Brazil.png").exists()
    assert flag_pixels("BR") == flag_pixels("XX") != flag_pixels("KR")


def test_odd_dimensions_cannot_be_h264(tmp_path: Path) -> None:
    spec, bound = bound_for("Payouts")
    settings = OutputSettings(format=OutputFormat.MP4, width=641, height=360, duration_frames=2)
    with pytest.raises(UnsupportedOutput, match="even dimensions"):
        render_graphic(spec, bound, settings, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_probe_refuses_what_is_not_a_video(tmp_path: Path) -> None:
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"not a video")
    with pytest.raises(ProbeError, match="cannot read"):
        probe(junk)
