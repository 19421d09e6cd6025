"""The Nexrender backend against the real `@nexrender/server` 1.38 (npm).

A test-side worker (`FakeNexrenderWorker`) plays `@nexrender/worker` through the server's
HTTP API; the client under test only ever talks to the server. The worker waits until the
client has observed each state before moving on, so every state is seen without sleeps.
"""

from __future__ import annotations

import asyncio
import http.server
import socket
import threading
import uuid
import zipfile
from collections.abc import AsyncIterator, Awaitable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from tests.integration.render.fake_nexrender_worker import (
    FakeNexrenderWorker,
    FakeNexrenderWorkerProcess,
)
from tests.integration.render.nexrender_server import NexrenderServer, running_nexrender_server
from tests.waiting import eventually
from wsop_hub.dispatch.backends import PermanentRenderError
from wsop_hub.domain.enums import OutputFormat
from wsop_hub.domain.models import OutputSettings
from wsop_hub.render.bound import BoundGraphic
from wsop_hub.render.nexrender import (
    NexrenderCancelledError,
    NexrenderClient,
    NexrenderConfig,
    NexrenderJobVanishedError,
    NexrenderPermanentError,
    NexrenderProgress,
    NexrenderRetryableError,
    build_job,
    classify,
    render_via_nexrender,
)

R = TypeVar("R")
W = TypeVar("W")

#: Values of the real render example `render_gfx_data_main_mini_chip_count_example.json`
#: (slot 1, LIPAUKA) plus a Korean name and a flag whose file name has a space.
GRAPHIC = BoundGraphic(
    composition="_MAIN Mini Chip Count",
    template_version="1",
    texts={
        "Name 1": "LIPAUKA",
        "Chips 1": "2,225,000",
        "BBs 1": "111.3",
        "Name 2": "홍길동",
        "AVERAGE STACK": "1,925,000 (96BB)",
    },
    images={"Flag 1": "Flag/Lithuania.png", "Flag 2": "Flag/South Korea.png"},
)
RENDERED = b"\x00\x00\x00\x18ftypmp42 rendered by the test worker"


@pytest.fixture(scope="module")
def module_nexrender_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NexrenderServer]:
    """One real server per module: starting Node costs more than all of a test's work."""
    store = tmp_path_factory.mktemp("nexrender-server")
    with running_nexrender_server(store, secret=f"secret-{uuid.uuid4().hex}") as server:
        yield server


@pytest.fixture
def nexrender_server(module_nexrender_server: NexrenderServer) -> NexrenderServer:
    """The module's server with an empty job list, so no test picks up another's job."""
    server = module_nexrender_server
    headers = {"nexrender-secret": server.secret}
    with httpx.Client(base_url=f"{server.base_url}/api/v1", headers=headers) as http:
        for job in http.get("/jobs").raise_for_status().json():
            http.delete(f"/jobs/{job['uid']}").raise_for_status()
        assert http.get("/jobs").json() == []
    return server


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    return tmp_path / "out"


def make_config(server_url: str, secret: str, out_dir: Path, **overrides: Any) -> NexrenderConfig:
    fields: dict[str, Any] = {
        "base_url": server_url,
        "secret": secret,
        "template_src": "D:/templates/CyprusDesign/CyprusDesign.aep",
        "media_root": "D:/media",
        "output_dir": str(out_dir),
        "hub_output_dir": out_dir,
        "poll_interval_s": 0.02,
        "request_timeout_s": 5,
        "unreachable_grace_s": 0,
        "output_wait_s": 0.5,
        "timeout_s": 30,  # a broken test fails instead of polling for half an hour
        **overrides,
    }
    return NexrenderConfig.model_validate(fields)


@pytest.fixture
def config(nexrender_server: NexrenderServer, out_dir: Path) -> NexrenderConfig:
    return make_config(nexrender_server.base_url, nexrender_server.secret, out_dir)


@pytest.fixture
async def client(config: NexrenderConfig) -> AsyncIterator[NexrenderClient]:
    async with NexrenderClient(config) as nexrender:
        yield nexrender


@pytest.fixture
async def worker(
    nexrender_server: NexrenderServer, tmp_path: Path
) -> AsyncIterator[FakeNexrenderWorker]:
    fake = FakeNexrenderWorker(
        nexrender_server.base_url, nexrender_server.secret, tmp_path / "worker"
    )
    yield fake
    await fake.aclose()


@pytest.fixture
async def worker_process(
    nexrender_server: NexrenderServer, tmp_path: Path
) -> AsyncIterator[FakeNexrenderWorkerProcess]:
    """The worker as a separate OS process: only HTTP connects it to the client."""
    process = await FakeNexrenderWorkerProcess.spawn(
        nexrender_server.base_url, nexrender_server.secret, tmp_path / "worker"
    )
    yield process
    await process.close()


class Observed:
    """Progress the client reported; lets the worker wait until the client saw a step."""

    def __init__(self) -> None:
        self.events: list[NexrenderProgress] = []

    def __call__(self, progress: NexrenderProgress) -> None:
        self.events.append(progress)

    async def saw(self, state: str, render_percent: float | None = None) -> None:
        async def probe() -> bool:
            return any(
                e.state == state and (render_percent is None or e.render_percent == render_percent)
                for e in self.events
            )

        await eventually(probe, timeout_s=10, what=f"client to observe {state} {render_percent}")


async def with_worker(worker: Awaitable[W], render: Awaitable[R]) -> tuple[R, W]:
    """Run the test worker beside the client. A failing worker fails the test at once
    instead of leaving the client polling a job nobody will finish."""
    worker_task = asyncio.ensure_future(worker)
    render_task = asyncio.ensure_future(render)
    try:
        await asyncio.wait({worker_task, render_task}, return_when=asyncio.FIRST_EXCEPTION)
        if worker_task.done() and worker_task.exception() is not None:
            raise AssertionError("the test worker failed") from worker_task.exception()
        result = await render_task
        return result, await asyncio.wait_for(worker_task, 10)
    finally:
        for task in (worker_task, render_task):
            task.cancel()


def delivered_content(path: Path) -> tuple[int, bytes | list[str]]:
    """Size and content of a delivered file; a zip's content is its member names."""
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as archive:
            return path.stat().st_size, archive.namelist()
    return path.stat().st_size, path.read_bytes()


async def raw_job(server: NexrenderServer, uid: str) -> httpx.Response:
    async with httpx.AsyncClient(headers={"nexrender-secret": server.secret}) as http:
        return await http.get(f"{server.base_url}/api/v1/jobs/{uid}")


# -- round trip ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("output_format", "delivered"),
    [
        (OutputFormat.MP4, "job-7-a1.mp4"),
        (OutputFormat.MOV_ALPHA, "job-7-a1.mov"),
        (OutputFormat.PNG_SEQUENCE, "job-7-a1.zip"),
    ],
)
async def test_round_trip_reports_every_state_in_order_and_returns_the_delivered_file(
    nexrender_server: NexrenderServer,
    config: NexrenderConfig,
    client: NexrenderClient,
    worker_process: FakeNexrenderWorkerProcess,
    out_dir: Path,
    output_format: OutputFormat,
    delivered: str,
) -> None:
    observed = Observed()
    settings = OutputSettings(format=output_format)

    async def play_worker() -> str:
        await observed.saw("queued")
        uid = await worker_process.pickup()
        await observed.saw("picked")
        await worker_process.start()
        await observed.saw("started")
        for percent in (0, 40, 100):
            await worker_process.progress(percent)
            await observed.saw("render:dorender", percent)
        await worker_process.finish(RENDERED)
        return uid

    result, picked_uid = await with_worker(
        play_worker(),
        render_via_nexrender(
            GRAPHIC,
            settings,
            job_ref="job-7-a1",
            config=config,
            client=client,
            on_progress=observed,
        ),
    )

    assert [e.state for e in observed.events] == [
        "queued",
        "picked",
        "started",
        "render:dorender",
        "render:dorender",
        "render:dorender",
        "finished",
    ]
    # renderProgress is a 0-100 percent on the wire: 40 must read as 40 %, not 4000 %.
    assert [e.render_percent for e in observed.events if e.render_percent is not None] == [
        0.0,
        40.0,
        100.0,
    ]
    percents = [e.percent for e in observed.events]
    assert percents == sorted(set(percents)) and percents[-1] == 100.0
    assert result.states == (
        "queued",
        "picked",
        "started",
        "render:dorender",
        "finished",
    )
    assert result.uid == picked_uid
    assert result.output_path == str(out_dir / delivered)
    size, content = delivered_content(Path(result.output_path))
    assert result.file_size == size >= 1
    if output_format is OutputFormat.PNG_SEQUENCE:
        assert content == [f"result_{n:05d}.png" for n in range(3)]
    else:
        assert content == RENDERED
    # The server holds the job we built, unchanged by its validation and the worker's updates.
    stored = (await raw_job(nexrender_server, result.uid)).json()
    assert stored["state"] == "finished"
    expected = build_job(GRAPHIC, settings, job_ref="job-7-a1", config=config)
    for key in ("template", "assets", "actions"):
        assert stored[key] == expected[key]


# -- errors reported by the worker ---------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("Error: composition not found: _MAIN Mini Chip Count", NexrenderPermanentError),
        (
            "Error: nexrender: Couldn't find any layers by provided name (Name 1) inside a "
            "composition: _MAIN Mini Chip Count",
            NexrenderPermanentError,
        ),
        ("Error: connect ECONNREFUSED 10.0.0.5:445", NexrenderRetryableError),
        ("Error: No update from aerender for 60 seconds", NexrenderRetryableError),
    ],
)
async def test_worker_error_is_raised_with_its_class(
    config: NexrenderConfig,
    client: NexrenderClient,
    worker: FakeNexrenderWorker,
    message: str,
    expected: type[Exception],
) -> None:
    observed = Observed()

    async def play_worker() -> None:
        job = await worker.pickup()
        await worker.start(job)
        await observed.saw("started")
        await worker.fail(job, message)

    with pytest.raises(expected) as caught:
        await with_worker(
            play_worker(),
            render_via_nexrender(
                GRAPHIC,
                OutputSettings(format=OutputFormat.MP4),
                job_ref="job-8-a1",
                config=config,
                client=client,
                on_progress=observed,
            ),
        )
    assert message in str(caught.value)
    assert isinstance(caught.value, PermanentRenderError) == (expected is NexrenderPermanentError)
    assert observed.events[-1].state == "error"
    assert observed.events[-1].percent == observed.events[-2].percent  # a failure keeps it


# -- 503, refused connections, wrong secret ------------------------------------------------


class _Always503(http.server.BaseHTTPRequestHandler):
    seen: list[tuple[str, str, str | None]] = []

    def _answer(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        self.rfile.read(length)
        self.seen.append((self.command, self.path, self.headers.get("nexrender-secret")))
        body = b"Service Unavailable"
        self.send_response(503)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET = _answer

    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture
def unavailable_server() -> Iterator[str]:
    """A real HTTP server on a real socket that answers every request with 503."""
    _Always503.seen = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Always503)
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


async def test_submit_answered_503_is_retryable(unavailable_server: str, out_dir: Path) -> None:
    config = make_config(unavailable_server, "s3cret", out_dir)
    async with NexrenderClient(config) as nexrender:
        with pytest.raises(NexrenderRetryableError, match="503") as caught:
            await render_via_nexrender(
                GRAPHIC, OutputSettings(), job_ref="job-9-a1", config=config, client=nexrender
            )
    assert not isinstance(caught.value, PermanentRenderError)
    assert classify(caught.value) == "retryable"
    assert _Always503.seen == [("POST", "/api/v1/jobs", "s3cret")]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_refused_connection_is_retryable(out_dir: Path) -> None:
    config = make_config(f"http://127.0.0.1:{_closed_port()}", "", out_dir)
    async with NexrenderClient(config) as nexrender:
        with pytest.raises(NexrenderRetryableError, match="unreachable") as caught:
            await nexrender.submit(build_job(GRAPHIC, OutputSettings(), job_ref="j", config=config))
        with pytest.raises(NexrenderRetryableError):
            await nexrender.health()
    assert not isinstance(caught.value, PermanentRenderError)


async def test_server_lost_while_following_fails_retryable_after_the_grace(out_dir: Path) -> None:
    config = make_config(f"http://127.0.0.1:{_closed_port()}", "", out_dir, unreachable_grace_s=0.1)
    async with NexrenderClient(config) as nexrender:
        with pytest.raises(NexrenderRetryableError, match="lost the Nexrender server for more"):
            await nexrender.follow("uid-of-a-job-on-a-dead-server")


async def test_wrong_secret_is_permanent_and_names_the_setting(
    nexrender_server: NexrenderServer, out_dir: Path
) -> None:
    config = make_config(nexrender_server.base_url, "not-the-secret", out_dir)
    async with NexrenderClient(config) as nexrender:
        with pytest.raises(NexrenderPermanentError, match="403.*NEXRENDER_SECRET"):
            await nexrender.submit(build_job(GRAPHIC, OutputSettings(), job_ref="j", config=config))
        with pytest.raises(NexrenderPermanentError, match="NEXRENDER_SECRET"):
            await nexrender.health()


async def test_health_passes_with_the_right_secret(client: NexrenderClient) -> None:
    await client.health()


async def test_job_the_server_rejects_is_permanent(client: NexrenderClient) -> None:
    with pytest.raises(NexrenderPermanentError, match="400.*template.src"):
        await client.submit({"template": {"composition": "Payouts"}, "assets": []})


# -- unknown uid: 200 with an empty body ---------------------------------------------------


async def test_unknown_uid_reads_as_none_and_following_it_reports_a_vanished_job(
    nexrender_server: NexrenderServer, client: NexrenderClient
) -> None:
    reply = await raw_job(nexrender_server, "no-such-uid")
    assert (reply.status_code, reply.content) == (200, b"")  # the quirk itself

    assert await client.get("no-such-uid") is None
    with pytest.raises(NexrenderJobVanishedError, match="vanished") as caught:
        await client.follow("no-such-uid")
    assert classify(caught.value) == "retryable"
    assert not isinstance(caught.value, PermanentRenderError)


async def test_job_removed_while_followed_is_reported_vanished(
    nexrender_server: NexrenderServer, client: NexrenderClient, config: NexrenderConfig
) -> None:
    uid = await client.submit(build_job(GRAPHIC, OutputSettings(), job_ref="j", config=config))
    observed = Observed()
    follow = asyncio.create_task(client.follow(uid, observed))
    await observed.saw("queued")
    async with httpx.AsyncClient(headers={"nexrender-secret": nexrender_server.secret}) as http:
        assert (await http.delete(f"{nexrender_server.base_url}/api/v1/jobs/{uid}")).is_success
    with pytest.raises(NexrenderJobVanishedError):
        await follow


# -- cancellation and deadlines ------------------------------------------------------------


async def test_cancel_while_started_deletes_the_job_and_raises(
    nexrender_server: NexrenderServer,
    config: NexrenderConfig,
    client: NexrenderClient,
    worker: FakeNexrenderWorker,
) -> None:
    cancelled = asyncio.Event()

    def cancel_once_started(progress: NexrenderProgress) -> None:
        if progress.state == "started":
            cancelled.set()

    picked: list[dict[str, Any]] = []

    async def play_worker() -> None:
        job = await worker.pickup()
        picked.append(job)
        await worker.start(job)

    with pytest.raises(NexrenderCancelledError) as caught:
        await with_worker(
            play_worker(),
            render_via_nexrender(
                GRAPHIC,
                OutputSettings(),
                job_ref="job-10-a1",
                config=config,
                client=client,
                on_progress=cancel_once_started,
                cancelled=cancelled,
            ),
        )
    uid = picked[0]["uid"]
    assert caught.value.uid == uid
    assert isinstance(caught.value, asyncio.CancelledError)  # the worker's "settled elsewhere"
    assert (await raw_job(nexrender_server, uid)).content == b""
    # The worker rendering it can no longer report: the server rejects updates of the job.
    reply = await worker.put(uid, {"uid": uid, "state": "render:dorender", "renderProgress": 50})
    assert reply.status_code == 400


async def test_cancelling_the_render_task_deletes_the_job(
    nexrender_server: NexrenderServer, config: NexrenderConfig, client: NexrenderClient
) -> None:
    observed = Observed()
    task = asyncio.create_task(
        render_via_nexrender(
            GRAPHIC,
            OutputSettings(),
            job_ref="job-11-a1",
            config=config,
            client=client,
            on_progress=observed,
        )
    )
    await observed.saw("queued")
    async with httpx.AsyncClient(headers={"nexrender-secret": nexrender_server.secret}) as http:
        listing = (await http.get(f"{nexrender_server.base_url}/api/v1/jobs")).json()
    assert [job["state"] for job in listing] == ["queued"]
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert (await raw_job(nexrender_server, listing[0]["uid"])).content == b""


async def test_failing_progress_callback_deletes_the_job(
    nexrender_server: NexrenderServer, config: NexrenderConfig, client: NexrenderClient
) -> None:
    seen: list[str] = []

    def broken_callback(progress: NexrenderProgress) -> None:
        seen.append(progress.state)
        raise RuntimeError("the progress sink is down")

    with pytest.raises(RuntimeError, match="progress sink is down"):
        await render_via_nexrender(
            GRAPHIC,
            OutputSettings(),
            job_ref="job-14-a1",
            config=config,
            client=client,
            on_progress=broken_callback,
        )
    assert seen == ["queued"]  # the job was on the server …
    async with httpx.AsyncClient(headers={"nexrender-secret": nexrender_server.secret}) as http:
        assert (
            await http.get(f"{nexrender_server.base_url}/api/v1/jobs")
        ).json() == []  # … no more


async def test_job_nobody_picks_up_fails_retryable_and_is_deleted(
    nexrender_server: NexrenderServer, out_dir: Path
) -> None:
    config = make_config(
        nexrender_server.base_url, nexrender_server.secret, out_dir, pickup_timeout_s=0.2
    )
    async with NexrenderClient(config) as nexrender:
        with pytest.raises(NexrenderRetryableError, match="no Nexrender worker") as caught:
            await render_via_nexrender(
                GRAPHIC, OutputSettings(), job_ref="job-12-a1", config=config, client=nexrender
            )
    assert caught.value.uid is not None
    assert (await raw_job(nexrender_server, caught.value.uid)).content == b""


async def test_finished_job_whose_file_the_hub_cannot_see_is_permanent(
    nexrender_server: NexrenderServer, worker: FakeNexrenderWorker, tmp_path: Path
) -> None:
    config = make_config(
        nexrender_server.base_url,
        nexrender_server.secret,
        tmp_path / "worker-share",
        hub_output_dir=tmp_path / "wrong-mount",
        output_wait_s=0.1,
    )

    async def play_worker() -> None:
        job = await worker.pickup()
        await worker.start(job)
        await worker.finish(job, RENDERED)

    async with NexrenderClient(config) as nexrender:
        with pytest.raises(NexrenderPermanentError, match="hub_output_dir"):
            await with_worker(
                play_worker(),
                render_via_nexrender(
                    GRAPHIC, OutputSettings(), job_ref="job-13-a1", config=config, client=nexrender
                ),
            )
    assert (tmp_path / "worker-share" / "job-13-a1.mov").read_bytes() == RENDERED
