"""The `nexrender` backend through the dispatch worker, against the real `@nexrender/server`
(npm) with a test process playing the Nexrender worker over HTTP."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.integration.dispatch.conftest import Harness
from tests.integration.render.conftest import SAMPLES, row, rows, settled, submit
from tests.integration.render.fake_nexrender_worker import FakeNexrenderWorkerProcess
from tests.integration.render.nexrender_server import NexrenderServer, running_nexrender_server
from tests.integration.render.test_nexrender import _Always503, unavailable_server  # noqa: F401
from tests.waiting import eventually
from wsop_hub.errors import ConfigError
from wsop_hub.render.backend import NexrenderBackend, nexrender_config
from wsop_hub.render.registry import SyncReport
from wsop_hub.settings import Settings

RENDERED = b"\x00\x00\x00\x14ftypqt   rendered by the test worker"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NexrenderServer]:
    store = tmp_path_factory.mktemp("nexrender-server")
    with running_nexrender_server(store, secret=f"secret-{uuid.uuid4().hex}") as running:
        yield running


def nexrender_settings(settings: Settings, base_url: str, secret: str, out_dir: Path) -> Settings:
    return settings.model_copy(
        update={
            "nexrender_url": base_url,
            "nexrender_secret": SecretStr(secret),
            "nexrender_template_src": "D:/templates/CyprusDesign/CyprusDesign.aep",
            "nexrender_media_root": "D:/media",
            "nexrender_output_dir": str(out_dir),
            "nexrender_hub_output_dir": out_dir,
        }
    )


def make_backend(
    settings: Settings, engine: AsyncEngine, base_url: str, secret: str, out_dir: Path
) -> NexrenderBackend:
    config = nexrender_config(nexrender_settings(settings, base_url, secret, out_dir))
    fast = config.model_copy(
        update={"poll_interval_s": 0.02, "request_timeout_s": 5, "timeout_s": 30}
    )
    return NexrenderBackend(settings, engine=engine, config=fast)


@pytest.fixture
async def fake_worker(
    server: NexrenderServer, tmp_path: Path
) -> AsyncIterator[FakeNexrenderWorkerProcess]:
    process = await FakeNexrenderWorkerProcess.spawn(
        server.base_url, server.secret, tmp_path / "nexrender-worker"
    )
    yield process
    await process.close()


async def _saw(engine: AsyncEngine, stage: str, frame: int) -> None:
    async def probe() -> bool:
        events = await rows(
            engine, "SELECT data FROM event_log WHERE type = 'render_progress' ORDER BY id"
        )
        return any((e["data"]["stage"], e["data"]["frame"]) == (stage, frame) for e in events)

    await eventually(probe, timeout_s=10, what=f"render_progress {stage} {frame}")


async def test_a_render_goes_through_nexrender_and_its_states_become_progress(
    harness: Harness,
    engine: AsyncEngine,
    synced: SyncReport,
    settings: Settings,
    server: NexrenderServer,
    fake_worker: FakeNexrenderWorkerProcess,
    tmp_path: Path,
) -> None:
    out_dir = tmp_path / "share"
    backend = make_backend(settings, engine, server.base_url, server.secret, out_dir)
    harness.relay()
    harness.worker(backend, progress_interval_s=0.0)  # every state becomes an event
    job = await submit(
        engine, "_MAIN Mini Chip Count", SAMPLES["_MAIN Mini Chip Count"], "mov_alpha"
    )

    await _saw(engine, "queued", 0)
    await fake_worker.pickup()
    await _saw(engine, "preparing", 2)
    await fake_worker.start()
    await _saw(engine, "preparing", 5)
    await fake_worker.progress(50)
    await _saw(engine, "rendering", 58)  # After Effects' 50 % of the 20-95 % render span
    await fake_worker.finish(RENDERED)
    await settled(harness, job.id, "completed")

    out = await row(engine, "SELECT * FROM render_outputs WHERE instruction_id = :id", id=job.id)
    delivered = out_dir / f"{job.id}-a1.mov"
    assert out["output_path"] == str(delivered) and delivered.read_bytes() == RENDERED
    assert out["file_size"] == len(RENDERED) and out["frame_count"] is None
    assert out["cached"] is False and out["template_version"] == "1.0.0"
    assert out["render_duration_ms"] > 0 and len(out["data_hash"]) == 64
    events = await rows(
        engine, "SELECT data FROM event_log WHERE type = 'render_progress' ORDER BY id"
    )
    stages = [e["data"]["stage"] for e in events]
    assert stages[0] == "started" and stages[-1] == "completed"
    assert {e["data"]["total"] for e in events[1:]} == {100}
    completed = await rows(engine, "SELECT data FROM event_log WHERE type = 'render_completed'")
    assert [c["data"]["output_path"] for c in completed] == [str(delivered)]
    await backend.aclose()


async def test_a_nexrender_503_fails_the_attempt_with_a_retry_scheduled(
    harness: Harness,
    engine: AsyncEngine,
    synced: SyncReport,
    settings: Settings,
    unavailable_server: str,  # noqa: F811 - the fixture imported above
    tmp_path: Path,
) -> None:
    backend = make_backend(settings, engine, unavailable_server, "s3cret", tmp_path / "share")
    harness.relay()
    harness.worker(backend)
    job = await submit(engine, "Payouts", SAMPLES["Payouts"])
    await settled(harness, job.id, "failed")
    failed = await row(engine, "SELECT * FROM render_instructions WHERE id = :id", id=job.id)
    assert "503" in failed["error_message"]
    assert failed["next_retry_at"] is not None  # retryable: the retry timer will requeue it
    assert _Always503.seen[0][:2] == ("POST", "/api/v1/jobs")
    await backend.aclose()


def test_the_nexrender_backend_names_the_settings_it_misses(settings: Settings) -> None:
    with pytest.raises(ConfigError, match="NEXRENDER_TEMPLATE_SRC, NEXRENDER_MEDIA_ROOT"):
        NexrenderBackend(settings)
    partial = nexrender_settings(settings, "ftp://nope", "", Path("/srv/out"))
    with pytest.raises(ConfigError, match="invalid NEXRENDER_URL: .*http"):
        NexrenderBackend(partial)
