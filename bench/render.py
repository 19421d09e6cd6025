"""The built-in renderer's speed on this machine (issue 6).

Measures, after one warm-up render (fonts load, flags decode):

1. png_still_ms_p50: a 1920×1080 PNG still of `_MAIN Mini Chip Count` with nine players
   (two Korean names), bind + compose + encode + atomic write. Target < 200 ms.
2. mp4_5s_ms_p50: the same graphic as a 5-second 30 fps 1920×1080 H.264 clip (150 frames,
   slide/fade intro then hold). Target < 8 s.

Each figure is one entry of MEASURES; figures that need the database (cache hits, renders
per minute with two workers) are added there as further entries.

    ./run bench render [--quick]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import emit, percentile  # noqa: E402
from wsop_hub.domain.enums import OutputFormat  # noqa: E402
from wsop_hub.domain.models import OutputSettings  # noqa: E402
from wsop_hub.render.binding import bind  # noqa: E402
from wsop_hub.render.builtin import render_graphic  # noqa: E402
from wsop_hub.render.templates import get_template  # noqa: E402

COMPOSITION = "_MAIN Mini Chip Count"
PLAYERS: list[dict[str, Any]] = [
    {"name": "Ipekoglu", "chips": 12_430_000, "country_code": "TR"},
    {"name": "홍길동", "chips": 7_720_000, "country_code": "KR"},
    {"name": "Cucchiara", "chips": 5_240_000, "country_code": "IT"},
    {"name": "Michalak", "chips": 5_000_000, "country_code": "PL"},
    {"name": "김철수", "chips": 4_330_000, "country_code": "KR"},
    {"name": "Haddad", "chips": 3_920_000, "country_code": "LB"},
    {"name": "Korochenskiy", "chips": 3_760_000, "country_code": "RU"},
    {"name": "Artamonov", "chips": 2_000_000, "country_code": "RU"},
    {"name": "Lipauka", "chips": 1_625_000, "country_code": "LT"},
]
GFX_DATA = {
    "players": PLAYERS,
    "big_blind": 100_000,
    "single_fields": {"AVERAGE STACK": "5,113,889 (51BB)"},
}


def render_once(settings: OutputSettings, out_dir: Path) -> float:
    """Milliseconds for bind + render of the benchmark graphic."""
    started = time.perf_counter()
    spec = get_template(COMPOSITION)
    render_graphic(spec, bind(spec, GFX_DATA), settings, out_dir)
    return (time.perf_counter() - started) * 1000


@dataclass(frozen=True)
class Measure:
    """One figure of the JSON line: its p50 over `runs` (full, quick) repetitions."""

    key: str
    label: str
    target_ms: float
    runs: tuple[int, int]
    sample: Callable[[Path], float]


MEASURES = [
    Measure(
        "png_still_ms_p50",
        "PNG still 1920x1080",
        200,
        (20, 5),
        lambda out: render_once(
            OutputSettings(format=OutputFormat.PNG_SEQUENCE, duration_frames=1), out
        ),
    ),
    Measure(
        "mp4_5s_ms_p50",
        "MP4 5 s 30 fps 1920x1080",
        8000,
        (5, 2),
        lambda out: render_once(
            OutputSettings(format=OutputFormat.MP4, fps=30, duration_frames=150), out
        ),
    ),
]


def main(quick: bool) -> None:
    figures: dict[str, Any] = {}
    rows: list[tuple[str, int, float, float, float]] = []
    with tempfile.TemporaryDirectory(prefix="bench-render-") as scratch:
        for measure in MEASURES:
            out = Path(scratch) / measure.key
            measure.sample(out)
            samples = [measure.sample(out) for _ in range(measure.runs[1 if quick else 0])]
            p50 = percentile(samples, 50)
            figures[measure.key] = round(p50, 1)
            rows.append((measure.label, len(samples), p50, max(samples), measure.target_ms))
    print(f"render benchmark ({'quick' if quick else 'full'}), {os.cpu_count()} CPUs")
    print(f"  {'measure':<26}{'runs':>6}{'p50 ms':>10}{'max ms':>10}{'target':>10}  verdict")
    for label, runs, p50, worst, target in rows:
        verdict = "ok" if p50 < target else "SLOW"
        limit = f"<{target:.0f}"
        print(f"  {label:<26}{runs:>6}{p50:>10.1f}{worst:>10.1f}{limit:>10}  {verdict}")
    emit(figures)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    main(parser.parse_args().quick)
