"""Render API v1 over HTTP with a worker rendering for real: submit (and its 422s), status
with live progress, output streaming and previews, and the re-render and cancel actions."""

from __future__ import annotations

import io
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image

from tests.conftest import TEST_API_KEY, asgi_client
from tests.integration.dispatch.conftest import Harness
from tests.integration.render.conftest import SAMPLES, SMALL, settled
from tests.waiting import eventually
from wsop_hub.render.backend import BuiltinBackend
from wsop_hub.render.registry import SyncReport
from wsop_hub.settings import Settings

AUTH = {"X-API-Key": TEST_API_KEY}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHIPS = "_MAIN Mini Chip Count"


@pytest.fixture
async def api(settings: Settings, synced: SyncReport) -> AsyncIterator[httpx.AsyncClient]:
    async with asgi_client(settings) as client:
        yield client


async def post_render(
    api: httpx.AsyncClient, template: str = CHIPS, output: str = "mp4", **body: Any
) -> int:
    settings = {**SMALL, "format": output, **body.pop("output_settings", {})}
    payload = {"template": template, "gfx_data": SAMPLES[template], "output_settings": settings}
    response = await api.post("/api/v1/render", json={**payload, **body})
    assert response.status_code == 201, response.text
    return int(response.json()["instruction_id"])


def remove(path: Path) -> None:
    path.unlink()


async def test_submit_checks_template_and_binding_before_storing_anything(
    harness: Harness, api: httpx.AsyncClient
) -> None:
    unknown = await api.post(
        "/api/v1/render", json={"template": "Leaderboard 3000", "gfx_data": {}}
    )
    assert unknown.status_code == 422
    assert (
        "unknown template 'Leaderboard 3000'; known templates: Elimination"
        in (unknown.json()["detail"])
    )
    too_many = {"players": [{"name": f"P{i}", "chips": 10 * (i + 1)} for i in range(12)]}
    unbindable = await api.post("/api/v1/render", json={"template": CHIPS, "gfx_data": too_many})
    assert unbindable.status_code == 422
    assert unbindable.json()["detail"] == (
        "_MAIN Mini Chip Count: 12 players to show, the template has 9 slots"
    )
    assert await harness.count("SELECT count(*) FROM render_instructions") == 0

    accepted = await api.post(
        "/api/v1/render",
        json={"template": "Payouts", "gfx_data": SAMPLES["Payouts"], "priority": 2},
    )
    assert accepted.status_code == 201
    body = accepted.json()
    assert (body["status"], body["template_version"]) == ("pending", "1.0.0")
    stored = await harness.count(
        "SELECT count(*) FROM render_instructions WHERE id = :id AND priority = 2"
        " AND template_name = 'Payouts' AND NOT force_render",
        id=body["instruction_id"],
    )
    assert stored == 1


async def test_status_and_output_follow_a_render_to_its_file(
    harness: Harness, backend: BuiltinBackend, api: httpx.AsyncClient
) -> None:
    job_id = await post_render(api)
    pending = (await api.get(f"/api/v1/render/{job_id}/status")).json()
    assert (pending["status"], pending["progress"], pending["outputs"]) == ("pending", None, [])
    early = await api.get(f"/api/v1/render/{job_id}/output")
    assert early.status_code == 404 and "no completed output yet" in early.json()["detail"]

    harness.relay()
    harness.worker(backend)
    await settled(harness, job_id, "completed")
    status = (await api.get(f"/api/v1/render/{job_id}/status")).json()
    assert (status["status"], status["attempt"], status["progress"]) == ("completed", 1, None)
    [output] = status["outputs"]
    assert (output["cached"], output["frame_count"]) == (False, 6)

    video = await api.get(f"/api/v1/render/{job_id}/output")
    assert video.status_code == 200
    assert video.headers["content-type"] == "video/mp4"
    path = Path(output["output_path"])
    assert video.content == path.read_bytes()  # noqa: ASYNC240 - a test's small file
    preview = await api.get(f"/api/v1/render/{job_id}/output", params={"preview": 1})
    assert preview.status_code == 200 and preview.headers["content-type"] == "image/png"
    assert preview.content.startswith(PNG_SIGNATURE)
    with Image.open(io.BytesIO(preview.content)) as image:
        assert image.size == (320, 180)
        assert image.getbbox() is not None  # the held graphic, not an empty first frame

    remove(path)
    gone = await api.get(f"/api/v1/render/{job_id}/output")
    assert gone.status_code == 410 and str(path) in gone.json()["detail"]
    assert (await api.get("/api/v1/render/999999/status")).status_code == 404


async def test_a_png_sequence_streams_as_a_zip_and_a_still_as_a_png(
    harness: Harness, backend: BuiltinBackend, api: httpx.AsyncClient
) -> None:
    harness.relay()
    harness.worker(backend)
    sequence = await post_render(api, "Premium Hand", "png_sequence")
    still = await post_render(
        api, "Premium Hand", "png_sequence", output_settings={"duration_frames": 1}
    )
    await eventually(harness.all_in("completed", [sequence, still]), what="both renders")

    archive = await api.get(f"/api/v1/render/{sequence}/output")
    assert archive.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(archive.content)) as frames:
        names = frames.namelist()
        assert names == [f"frame_{n:05d}.png" for n in range(1, 7)]
        assert all(frames.read(name).startswith(PNG_SIGNATURE) for name in names)
        last = frames.read(names[-1])
    preview = await api.get(f"/api/v1/render/{sequence}/output", params={"preview": "true"})
    assert preview.content == last

    png = await api.get(f"/api/v1/render/{still}/output")
    assert png.headers["content-type"] == "image/png"
    with Image.open(io.BytesIO(png.content)) as image:
        assert (image.size, image.mode) == ((320, 180), "RGBA")


async def test_status_shows_live_progress_and_the_cancel_action_stops_the_render(
    harness: Harness, backend: BuiltinBackend, api: httpx.AsyncClient
) -> None:
    harness.relay()
    worker = harness.worker(backend, heartbeat_interval_s=0.5)
    job_id = await post_render(
        api, "Payouts", output_settings={"width": 1280, "height": 720, "duration_frames": 300}
    )

    async def rendering() -> dict[str, Any] | None:
        progress = (await api.get(f"/api/v1/render/{job_id}/status")).json()["progress"]
        return progress if progress and progress["stage"] == "rendering" else None

    progress = await eventually(rendering, timeout_s=15, what="progress in the status")
    assert progress["total"] == 300 and 0 < progress["frame"] <= 300
    assert progress["percent"] == round(100 * progress["frame"] / 300, 1)

    cancel = await api.post(
        "/api/actions/cancel", json={"instruction_id": job_id, "reason": "wrong event"}
    )
    assert cancel.status_code == 200 and cancel.json()["status"] == "cancelled"

    async def stopped() -> bool:
        return job_id not in worker.running

    await eventually(stopped, timeout_s=5, what="the worker to stop the render")
    status = (await api.get(f"/api/v1/render/{job_id}/status")).json()
    assert (status["status"], status["progress"], status["outputs"]) == ("cancelled", None, [])


async def test_rerender_creates_a_forced_copy_of_a_completed_render(
    harness: Harness, backend: BuiltinBackend, api: httpx.AsyncClient
) -> None:
    harness.relay()
    worker = harness.worker(backend)
    first = await post_render(api, "Elimination", "mov_alpha")
    await settled(harness, first, "completed")

    again = await api.post(
        "/api/actions/rerender", json={"instruction_id": first, "reason": "prize corrected"}
    )
    assert again.status_code == 201
    copy = again.json()
    assert copy["id"] != first and copy["force_render"] is True
    assert copy["template_name"] == "Elimination" and copy["layer_data"] == SAMPLES["Elimination"]
    await settled(harness, copy["id"], "completed")
    outputs = [
        (await api.get(f"/api/v1/render/{job}/status")).json()["outputs"][0]
        for job in (first, copy["id"])
    ]
    assert [o["cached"] for o in outputs] == [False, False]
    assert outputs[0]["output_path"] != outputs[1]["output_path"]
    assert outputs[0]["data_hash"] == outputs[1]["data_hash"]

    await harness.stop(worker)  # what follows must stay pending
    pending = await post_render(api, "Payouts", force_render=True)
    refused = await api.post(
        "/api/actions/rerender", json={"instruction_id": pending, "reason": "too early"}
    )
    assert refused.status_code == 409 and "only a completed job" in refused.json()["detail"]
    status = (await api.get(f"/api/v1/render/{pending}/status")).json()
    assert status["force_render"] is True
