"""The render pipeline through the dispatch worker: real PostgreSQL and Redis, the built-in
backend, every shipped template in every format; bad data, the cache, cancel and leases."""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.integration.dispatch.conftest import Harness
from tests.integration.render.conftest import (
    SAMPLES,
    all_files,
    files_under,
    row,
    rows,
    settled,
    size_on_disk,
    submit,
)
from tests.waiting import eventually
from wsop_hub.dispatch.backends import JobContext
from wsop_hub.dispatch.reaper import reap_expired_leases
from wsop_hub.dispatch.worker import ProgressReporter
from wsop_hub.domain.models import OutputSettings, RenderInstruction
from wsop_hub.operations import actions
from wsop_hub.render.backend import BuiltinBackend, Produced, data_hash
from wsop_hub.render.binding import bind
from wsop_hub.render.probe import probe
from wsop_hub.render.registry import RegisteredTemplate, SyncReport
from wsop_hub.render.templates import shipped_templates
from wsop_hub.settings import Settings

EXPECTED_STREAM = {
    "mp4": ("h264", False),
    "mov_alpha": ("qtrle", True),
    "png_sequence": ("png", True),
}


def test_the_samples_cover_every_shipped_template() -> None:
    assert set(SAMPLES) == set(shipped_templates())


@pytest.mark.parametrize("output", ["mp4", "mov_alpha", "png_sequence"])
async def test_every_template_renders_through_the_worker(
    harness: Harness, backend: BuiltinBackend, settings: Settings, output: str
) -> None:
    harness.relay()
    harness.worker(backend)
    jobs = {
        name: await submit(harness.engine, name, data, output) for name, data in SAMPLES.items()
    }
    ids = [job.id for job in jobs.values()]
    await eventually(harness.all_in("completed", ids), timeout_s=30, what=f"{output} renders")

    codec, alpha = EXPECTED_STREAM[output]
    for name, job in jobs.items():
        out = await row(
            harness.engine, "SELECT * FROM render_outputs WHERE instruction_id = :id", id=job.id
        )
        path = Path(out["output_path"])
        day = job.created_at.astimezone(UTC).strftime("%Y-%m-%d")
        assert path.parent == settings.output_dir / day / str(job.id), name
        assert out["file_size"] == size_on_disk(path) > 0, name
        assert out["frame_count"] == 6 and out["render_duration_ms"] > 0, name
        assert out["cached"] is False and out["template_version"] == "1.0.0", name
        assert len(out["data_hash"]) == 64, name
        info = probe(path)
        assert (info.width, info.height, info.frame_count) == (320, 180, 6), name
        assert (info.codec, info.has_alpha) == (codec, alpha), name
    events = await rows(
        harness.engine,
        "SELECT data FROM event_log WHERE type = 'render_completed' ORDER BY id",
    )
    completed = {e["data"]["instruction_id"]: e["data"] for e in events}
    assert set(completed) == set(ids)
    assert all(e["cached"] is False for e in completed.values())
    assert all_files([e["output_path"] for e in completed.values() if output != "png_sequence"])
    # Only finished files: no temporary or partial output was left beside them.
    assert not [p for p in files_under(settings.output_dir) if p.name.startswith(".")]


@pytest.mark.parametrize(
    ("template", "gfx_data", "message"),
    [
        ("Leaderboard 3000", SAMPLES["Payouts"], "unknown template 'Leaderboard 3000'; known"),
        (
            "Premium Hand",
            {"single_fields": {"name": "Phil Ivey", "hand": "flush", "chip_lead": 3}},
            "single_fields field 'chip_lead' maps to no layer",
        ),
        (
            "_MAIN Mini Chip Count",
            {"players": [{"name": f"P{i}", "chips": 1000 * (i + 1)} for i in range(10)]},
            "10 players to show, the template has 9 slots",
        ),
    ],
)
async def test_bad_data_fails_at_once_with_a_clear_error_and_no_retry(
    harness: Harness, backend: BuiltinBackend, template: str, gfx_data: dict, message: str
) -> None:
    harness.relay()
    harness.worker(backend)
    job = await submit(harness.engine, template, gfx_data)
    await settled(harness, job.id, "failed")
    failed = await row(
        harness.engine, "SELECT * FROM render_instructions WHERE id = :id", id=job.id
    )
    assert message in failed["error_message"]
    assert failed["next_retry_at"] is None and failed["retry_count"] == 0
    assert failed["attempt"] == 1

    async def stages() -> list[str]:
        found = await rows(
            harness.engine,
            "SELECT data->>'stage' AS stage FROM event_log"
            " WHERE type = 'render_progress' ORDER BY id",
        )
        return [s["stage"] for s in found]

    # The progress reporter emits on its own connection, just after the settle.
    async def failed_stage_seen() -> bool:
        return "failed" in await stages()

    await eventually(failed_stage_seen, what="the failed progress event")
    assert await stages() == ["started", "failed"]
    assert await harness.count("SELECT count(*) FROM render_outputs") == 0


async def test_an_identical_instruction_is_a_cache_hit_until_a_forced_render(
    harness: Harness, backend: BuiltinBackend
) -> None:
    harness.relay()
    harness.worker(backend)
    data = SAMPLES["_MAIN Mini Chip Count"]
    first = await submit(harness.engine, "_MAIN Mini Chip Count", data)
    await settled(harness, first.id, "completed")
    second = await submit(harness.engine, "_MAIN Mini Chip Count", data)
    await settled(harness, second.id, "completed")

    outputs = await rows(harness.engine, "SELECT * FROM render_outputs ORDER BY id")
    original, hit = outputs
    assert (original["cached"], hit["cached"]) == (False, True)
    assert hit["output_path"] == original["output_path"]
    assert hit["data_hash"] == original["data_hash"]
    assert (hit["file_size"], hit["frame_count"]) == (original["file_size"], 6)
    assert hit["render_duration_ms"] < min(100, original["render_duration_ms"])

    forced = await submit(harness.engine, "_MAIN Mini Chip Count", data, force_render=True)
    await settled(harness, forced.id, "completed")
    rerun = await actions.rerender(harness.engine, first.id, user="op", reason="flag was wrong")
    assert rerun.force_render and rerun.id != first.id
    await settled(harness, rerun.id, "completed")

    again = await rows(
        harness.engine,
        "SELECT * FROM render_outputs WHERE instruction_id = ANY(:ids) ORDER BY id",
        ids=[forced.id, rerun.id],
    )
    paths = {original["output_path"], *(o["output_path"] for o in again)}
    assert len(paths) == 3 and all_files(sorted(paths))
    assert [o["cached"] for o in again] == [False, False]
    assert {o["data_hash"] for o in again} == {original["data_hash"]}
    history = await rows(
        harness.engine,
        "SELECT instruction_id, reason FROM instruction_history"
        " WHERE instruction_id IN (:a, :b) AND actor = 'admin:op' ORDER BY id",
        a=first.id,
        b=rerun.id,
    )
    assert history == [
        {"instruction_id": rerun.id, "reason": f"re-render of #{first.id}: flag was wrong"},
        {"instruction_id": first.id, "reason": f"re-rendered as #{rerun.id}: flag was wrong"},
    ]
    assert await harness.status(first.id) == "completed"


class CountingBackend(BuiltinBackend):
    """The built-in backend, counting the progress reports its renderer makes."""

    reports = 0

    async def produce(
        self, job: RenderInstruction, ctx: JobContext, template: RegisteredTemplate, bound: Any
    ) -> Produced:
        report = ctx.progress

        def counting(done: int, total: int, stage: str = "rendering") -> None:
            self.reports += 1
            report(done, total, stage)

        ctx.progress = counting
        return await super().produce(job, ctx, template, bound)


async def test_a_cancel_stops_the_render_within_a_heartbeat_and_leaves_no_files(
    harness: Harness, engine: AsyncEngine, synced: SyncReport, settings: Settings
) -> None:
    backend = CountingBackend(settings, engine=engine)
    harness.relay()
    worker = harness.worker(backend, heartbeat_interval_s=0.5)
    job = await submit(
        harness.engine,
        "_MAIN Mini Chip Count",
        SAMPLES["_MAIN Mini Chip Count"],
        output_settings={"width": 1920, "height": 1080, "duration_frames": 900},
    )

    async def well_under_way() -> bool:
        return backend.reports >= 30  # into the held part, which ffmpeg encodes

    started = time.monotonic()
    await eventually(well_under_way, timeout_s=15, what="the render under way")
    cancelled_at = time.monotonic()
    await actions.cancel(harness.engine, job.id, user="op", reason="wrong graphic")

    async def stopped() -> bool:
        return job.id not in worker.running

    await eventually(stopped, timeout_s=5, what="the worker to drop the render")
    stop_s = time.monotonic() - cancelled_at
    assert stop_s < 0.5 + 1.0, f"took {stop_s:.2f} s, the heartbeat is 0.5 s"
    assert await harness.status(job.id) == "cancelled"
    assert files_under(settings.output_dir) == []
    assert await harness.count("SELECT count(*) FROM render_outputs") == 0

    events = await rows(
        harness.engine,
        "SELECT data, created_at FROM event_log WHERE type = 'render_progress' ORDER BY id",
    )
    stages = [e["data"]["stage"] for e in events]
    assert stages[0] == "started" and set(stages[1:]) == {"rendering"}
    frames = [e["data"]["frame"] for e in events[1:]]
    assert frames == sorted(frames) and frames[-1] < 900
    # Throttled: at most 4 a second plus the first, of the many reports the renderer made.
    render_s = time.monotonic() - started
    assert len(frames) <= 4 * render_s + 1 < backend.reports, (len(frames), backend.reports)


async def test_a_render_longer_than_the_lease_keeps_its_lease(
    harness: Harness, backend: BuiltinBackend
) -> None:
    harness.relay()
    lease_s = 0.5
    harness.worker(backend, lease_s=lease_s, heartbeat_interval_s=0.1)
    # 600 frames of 720p: about 1.7 s on a fast 2-core machine, three leases and more.
    job = await submit(
        harness.engine,
        "Payouts",
        SAMPLES["Payouts"],
        output_settings={"width": 1280, "height": 720, "duration_frames": 600},
    )
    reaped = 0

    async def done_while_reaping() -> bool:
        nonlocal reaped
        reaped += await reap_expired_leases(harness.engine)
        return await harness.status(job.id) == "completed"

    await eventually(done_while_reaping, timeout_s=30, interval_s=0.1, what="the long render")
    out = await row(
        harness.engine, "SELECT * FROM render_outputs WHERE instruction_id = :id", id=job.id
    )
    assert out["render_duration_ms"] > 2000 * lease_s, "the render must outlast two leases"
    assert reaped == 0
    history = await rows(
        harness.engine,
        "SELECT to_status FROM instruction_history WHERE instruction_id = :id ORDER BY id",
        id=job.id,
    )
    assert [h["to_status"] for h in history] == ["pending", "processing", "completed"]


async def test_the_worker_reports_throttled_progress_from_started_to_completed(
    harness: Harness, backend: BuiltinBackend, engine: AsyncEngine
) -> None:
    harness.relay()
    harness.worker(backend)
    job = await submit(
        engine,
        "Elimination",
        SAMPLES["Elimination"],
        output_settings={"width": 640, "height": 360, "duration_frames": 90},
    )
    await settled(harness, job.id, "completed")
    events = await rows(
        engine,
        "SELECT data FROM event_log WHERE type = 'render_progress' ORDER BY id",
    )
    data = [e["data"] for e in events]
    assert {(d["instruction_id"], d["attempt"]) for d in data} == {(job.id, 1)}
    assert data[0]["stage"] == "started" and data[-1]["stage"] == "completed"
    assert data[-1] | {"stage": "x"} == {
        "instruction_id": job.id,
        "attempt": 1,
        "frame": 90,
        "total": 90,
        "percent": 100.0,
        "stage": "x",
    }
    rendering = [d for d in data if d["stage"] == "rendering"]
    # The first and the last report always go out, whatever the throttle.
    assert rendering[-1]["frame"] == 90 and rendering[-1]["percent"] == 100.0
    assert rendering[0]["frame"] < 90
    assert len(rendering) < 90


async def _progress_events(engine: AsyncEngine) -> list[tuple[str, int]]:
    events = await rows(
        engine, "SELECT data FROM event_log WHERE type = 'render_progress' ORDER BY id"
    )
    return [(e["data"]["stage"], e["data"]["frame"]) for e in events]


async def test_progress_keeps_the_first_and_last_report_and_at_most_four_a_second(
    harness: Harness, engine: AsyncEngine
) -> None:
    job = await harness.create()
    now = [100.0]
    reporter = ProgressReporter(engine, job, 0.25, asyncio.get_running_loop(), lambda: now[0])
    # A burst from another thread, as the render thread reports: one instant on the clock.
    burst = threading.Thread(target=lambda: [reporter(i, 300) for i in range(1, 151)])
    burst.start()
    await asyncio.to_thread(burst.join)
    for frame, at in [(160, 100.1), (170, 100.24), (180, 100.26), (190, 100.3), (200, 100.6)]:
        now[0] = at
        reporter(frame, 300)

        async def reached_the_loop(frame: int = frame) -> bool:
            return reporter.done == frame  # the loop took it, reading the clock as set

        await eventually(reached_the_loop, what=f"frame {frame} offered")
    reporter(300, 300)  # the last, within 0.25 s of the one before: sent all the same
    reporter.stage("completed")
    await reporter.close()
    assert await _progress_events(engine) == [
        ("rendering", 1),
        ("rendering", 180),
        ("rendering", 200),
        ("rendering", 300),
        ("completed", 300),
    ]
    assert reporter.emitted == 5


async def test_an_output_finished_as_its_job_was_cancelled_is_removed(
    harness: Harness, engine: AsyncEngine, synced: SyncReport, settings: Settings
) -> None:
    class CancelledAsItFinishes(BuiltinBackend):
        """The cancel lands between the last frame and the worker's completion."""

        async def produce(
            self, job: RenderInstruction, ctx: JobContext, template: RegisteredTemplate, bound: Any
        ) -> Produced:
            produced = await super().produce(job, ctx, template, bound)
            assert Path(produced.output_path).is_file()  # noqa: ASYNC240 - a test's check
            await actions.cancel(engine, job.id, user="op", reason="too late")
            return produced

    harness.relay()
    worker = harness.worker(CancelledAsItFinishes(settings, engine=engine))
    job = await submit(engine, "Payouts", SAMPLES["Payouts"])
    await settled(harness, job.id, "cancelled")

    async def dropped() -> bool:
        return job.id not in worker.running

    await eventually(dropped, what="the worker to settle the render")
    assert files_under(settings.output_dir) == []
    assert await harness.count("SELECT count(*) FROM render_outputs") == 0


def test_the_data_hash_changes_with_what_changes_the_pixels() -> None:
    spec = shipped_templates()["Premium Hand"]
    template = RegisteredTemplate(spec, "d" * 64, datetime.now(UTC))
    data = SAMPLES["Premium Hand"]
    bound = bind(spec, data)
    reordered = bind(spec, {"single_fields": dict(reversed(data["single_fields"].items()))})
    mp4 = OutputSettings(format="mp4")
    base = data_hash(template, bound, mp4, "builtin")
    assert base == data_hash(template, reordered, mp4, "builtin")
    others = {
        data_hash(
            template,
            bind(spec, {"single_fields": {**data["single_fields"], "pot": 9}}),
            mp4,
            "builtin",
        ),
        data_hash(template, bound, OutputSettings(format="mov_alpha"), "builtin"),
        data_hash(template, bound, mp4, "nexrender"),
        data_hash(RegisteredTemplate(spec, "e" * 64, template.synced_at), bound, mp4, "builtin"),
        data_hash(
            RegisteredTemplate(
                spec.model_copy(update={"version": "1.0.1"}), "d" * 64, template.synced_at
            ),
            bound,
            mp4,
            "builtin",
        ),
    }
    assert base not in others and len(others) == 5
