"""The built-in renderer's speed on this machine (issue 6).

Measures, after one warm-up render (fonts load, flags decode):

1. png_still_ms_p50: a 1920×1080 PNG still of `_MAIN Mini Chip Count` with nine players
   (two Korean names), bind + compose + encode + atomic write. Target < 200 ms.
2. mp4_5s_ms_p50: the same graphic as a 5-second 30 fps 1920×1080 H.264 clip (150 frames,
   slide/fade intro then hold). Target < 8 s.

3. cache_hit_ms_p50: a second identical instruction (a 1920×1080 still) through the
   `builtin` backend: template from the registry, binding, data hash, cache lookup, a
   `cached` result pointing to the first render's file. Target < 20 ms.
4. renders_per_min_2_workers: two `wsop-hub worker --backend builtin --concurrency 1`
   processes (and the scheduler's outbox relay) rendering a stream of distinct 1280×720
   2-second 30 fps H.264 MP4s (60 frames each, no cache hits), created → completed.

The last two need PostgreSQL and Redis: the servers of DATABASE_URL / REDIS_URL (or
TEST_*), else the local services; each run uses a throw-away database and key prefix.

    ./run bench render [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sqlalchemy import text  # noqa: E402

from benchlib import (  # noqa: E402
    RUN_ID,
    drop_prefix,
    emit,
    fresh_database,
    hub_env,
    percentile,
    server_urls,
    spawn,
    stop_all,
    wait_until,
)
from wsop_hub.db.engine import create_engine  # noqa: E402
from wsop_hub.dispatch.backends import JobContext  # noqa: E402
from wsop_hub.dispatch.claims import ClaimStore, create_pool  # noqa: E402
from wsop_hub.domain.enums import OutputFormat, TriggerType  # noqa: E402
from wsop_hub.domain.models import OutputSettings, RenderInstructionIn  # noqa: E402
from wsop_hub.operations.actions import create_render  # noqa: E402
from wsop_hub.render.backend import BuiltinBackend  # noqa: E402
from wsop_hub.render.binding import bind  # noqa: E402
from wsop_hub.render.builtin import render_graphic  # noqa: E402
from wsop_hub.render.registry import sync_registry  # noqa: E402
from wsop_hub.render.templates import get_template  # noqa: E402
from wsop_hub.settings import Settings  # noqa: E402

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


STILL = OutputSettings(format=OutputFormat.PNG_SEQUENCE, duration_frames=1)
#: What the two-worker stream renders: short clips, each with distinct data (no cache hit).
STREAM_CLIP = OutputSettings(format=OutputFormat.MP4, width=1280, height=720, duration_frames=60)
CACHE_HIT_TARGET_MS = 20.0


def instruction(players: list[dict[str, Any]], output: OutputSettings) -> RenderInstructionIn:
    return RenderInstructionIn(
        template_name=COMPOSITION,
        layer_data={**GFX_DATA, "players": players},
        output_settings=output,
        trigger_type=TriggerType.CHIP_COUNT,
    )


async def cache_hit_samples(runs: int, scratch: Path) -> list[float]:
    """Milliseconds of `BuiltinBackend.render` for `runs` repeats of one rendered still."""
    db_server, _ = server_urls()
    async with fresh_database(db_server, "render_cache") as url:
        engine = create_engine(url, pool_size=2, pre_ping=False)
        pool = await create_pool(url, max_size=2)
        claims = ClaimStore(pool)
        settings = Settings(_env_file=None, database_url=url, hub_output_dir=scratch)  # type: ignore[call-arg]
        backend = BuiltinBackend(settings, engine=engine)
        samples: list[float] = []
        try:
            await sync_registry(engine)
            for attempt in range(runs + 1):
                await create_render(
                    engine, instruction(PLAYERS, STILL), default_max_retries=0, actor="bench"
                )
                [job] = await claims.claim_next("bench", 60.0, 1)
                started = time.perf_counter()
                result = await backend.render(job, JobContext("bench", job.attempt))
                elapsed_ms = (time.perf_counter() - started) * 1000
                await claims.complete(job, "bench", result, round(elapsed_ms))
                if attempt:  # the first one rendered; every later one must hit the cache
                    assert result.cached, f"instruction {job.id} was not a cache hit"
                    samples.append(elapsed_ms)
        finally:
            await backend.aclose()
            await pool.close()
            await engine.dispose()
    return samples


async def renders_per_minute(count: int, scratch: Path) -> float:
    """Distinct clips rendered by two worker processes, per minute of wall time."""
    db_server, redis_url = server_urls()
    prefix = f"bench:{RUN_ID}:render:"
    async with fresh_database(db_server, "render_workers") as url:
        env = hub_env(url, redis_url, prefix, HUB_OUTPUT_DIR=str(scratch))
        worker = ["-m", "wsop_hub", "worker", "--backend", "builtin", "--concurrency", "1"]
        processes = [spawn(["-m", "wsop_hub", "scheduler"], env)]
        processes += [spawn(worker, env) for _ in range(2)]
        engine = create_engine(url, pool_size=4, pre_ping=False)

        async def scalar(sql: str, **params: Any) -> Any:
            async with engine.connect() as conn:
                return await conn.scalar(text(sql), params)

        try:
            await wait_until(
                lambda: _at_least(scalar("SELECT count(*) FROM workers"), 2), 60, "two workers"
            )
            ids = []
            for n in range(count):
                players = [{**PLAYERS[0], "chips": PLAYERS[0]["chips"] + n}, *PLAYERS[1:]]
                job = await create_render(
                    engine, instruction(players, STREAM_CLIP), default_max_retries=0, actor="bench"
                )
                ids.append(job.id)
            settled = (
                "SELECT count(*) FROM render_instructions"
                " WHERE status IN ('completed', 'failed') AND id = ANY(:ids)"
            )
            await wait_until(lambda: _at_least(scalar(settled, ids=ids), count), 600, "renders")
            failed = await scalar(
                "SELECT count(*) FROM render_instructions WHERE status = 'failed'"
            )
            assert not failed, f"{failed} renders failed"
            span_s = await scalar(
                "SELECT extract(epoch FROM max(completed_at) - min(created_at))"
                " FROM render_instructions WHERE id = ANY(:ids)",
                ids=ids,
            )
        finally:
            await engine.dispose()
            stop_all(processes)
            await drop_prefix(redis_url, prefix)
    return count / float(span_s) * 60


async def _at_least(value: Any, minimum: int) -> bool:
    return int(await value or 0) >= minimum


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
        hits = asyncio.run(cache_hit_samples(10 if quick else 50, Path(scratch) / "cache"))
        figures["cache_hit_ms_p50"] = round(percentile(hits, 50), 1)
        rows.append(
            ("cache hit (still)", len(hits), percentile(hits, 50), max(hits), CACHE_HIT_TARGET_MS)
        )
        clips = 6 if quick else 20
        per_min = asyncio.run(renders_per_minute(clips, Path(scratch) / "workers"))
        figures["renders_per_min_2_workers"] = round(per_min, 1)
    print(f"render benchmark ({'quick' if quick else 'full'}), {os.cpu_count()} CPUs")
    print(f"  {'measure':<26}{'runs':>6}{'p50 ms':>10}{'max ms':>10}{'target':>10}  verdict")
    for label, runs, p50, worst, target in rows:
        verdict = "ok" if p50 < target else "SLOW"
        limit = f"<{target:.0f}"
        print(f"  {label:<26}{runs:>6}{p50:>10.1f}{worst:>10.1f}{limit:>10}  {verdict}")
    print(
        f"  two workers (concurrency 1 each): {clips} distinct {COMPOSITION!r} clips, "
        f"{STREAM_CLIP.width}x{STREAM_CLIP.height} H.264, {STREAM_CLIP.duration_frames} frames "
        f"at {STREAM_CLIP.fps:g} fps: {per_min:.1f} renders/min"
    )
    emit(figures)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    main(parser.parse_args().quick)
