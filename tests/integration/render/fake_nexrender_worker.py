"""A stand-in for `@nexrender/worker` that talks to the real server over its HTTP API.

It follows the reference worker (`@nexrender/worker` src/instance.js with `@nexrender/core`,
read from the npm packages): `GET /api/v1/jobs/pickup` (the server marks the oldest queued
job `picked`), `PUT` the whole job with state `started`, then `PUT` the job's rendering
status (`getRenderingStatus` of `@nexrender/types`) with state `render:dorender` and
`renderProgress` (a percent, 0-100) on every progress step, runs the postrender actions,
and finally `PUT`s the status with `finished`, or `error` with `error` as a list of
messages. Only After Effects is missing: "rendering" writes the bytes a test chooses.

Run as `python -m tests.integration.render.fake_nexrender_worker URL SECRET WORKPATH` it
is a separate worker process driven step by step over stdin (`FakeNexrenderWorkerProcess`
is the test's side), so nothing but HTTP connects it to the client under test.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import sys
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from tests.waiting import eventually

_REPO_ROOT = Path(__file__).resolve().parents[3]


def _now() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


def rendering_status(job: dict[str, Any]) -> dict[str, Any]:
    """`getRenderingStatus(job)` of `@nexrender/types/job.js`: what the worker PUTs."""
    error = job.get("error")
    return {
        "uid": job["uid"],
        "state": job["state"],
        "type": job.get("type"),
        "tags": job.get("tags") or None,
        "renderProgress": job.get("renderProgress") or 0,
        "error": ("\n\n".join(error) if isinstance(error, list) else error) or None,
        "createdAt": job.get("createdAt"),
        "updatedAt": job.get("updatedAt"),
        "startedAt": job.get("startedAt"),
        "finishedAt": job.get("finishedAt"),
        "errorAt": job.get("errorAt"),
        "jobCreator": job.get("creator"),
        "jobExecutor": job.get("executor"),
        "timings": job.get("timings"),
    }


class FakeNexrenderWorker:
    def __init__(self, base_url: str, secret: str, workpath: Path) -> None:
        self._api = f"{base_url}/api/v1"
        self._http = httpx.AsyncClient(headers={"nexrender-secret": secret}, timeout=10)
        self._workpath = workpath

    async def aclose(self) -> None:
        await self._http.aclose()

    async def pickup(self, *, timeout_s: float = 10.0) -> dict[str, Any]:
        """Poll the pickup route until a job comes (the server answers `{}` while none is
        queued)."""
        picked: list[dict[str, Any]] = []

        async def pick() -> bool:
            reply = await self._http.get(f"{self._api}/jobs/pickup")
            reply.raise_for_status()
            job: dict[str, Any] = reply.json()
            if job.get("uid"):
                assert job["state"] == "picked", job
                picked.append(job)
            return bool(picked)

        await eventually(pick, timeout_s=timeout_s, what="a job to pick up", interval_s=0.01)
        return picked[0]

    async def put(self, uid: str, body: dict[str, Any]) -> httpx.Response:
        return await self._http.put(f"{self._api}/jobs/{uid}", json=body)

    async def _update(self, job: dict[str, Any], body: dict[str, Any]) -> None:
        reply = await self.put(job["uid"], body)
        assert reply.status_code == 200, f"PUT {job['uid']} → {reply.status_code} {reply.text}"

    async def start(self, job: dict[str, Any]) -> None:
        """The worker's first update sends the whole job (instance.js)."""
        job.update(state="started", startedAt=_now())
        await self._update(job, job)

    async def progress(self, job: dict[str, Any], percent: int) -> None:
        """`onRenderProgress`: core's state is `render:dorender` while aerender reports."""
        job.update(state="render:dorender", renderProgress=percent)
        await self._update(job, rendering_status(job))

    def run_postrender(self, job: dict[str, Any], rendered: bytes) -> None:
        """Write what aerender would have, then run the job's postrender actions as
        `@nexrender/action-compress` and `@nexrender/action-copy` do."""
        workdir = self._workpath / job["uid"]
        workdir.mkdir(parents=True)
        ext = job["template"]["outputExt"]
        if ext == "png":
            for frame in range(3):
                (workdir / f"result_{frame:05d}.png").write_bytes(rendered + bytes([frame]))
            output = workdir / "result_[#####].png"
        else:
            output = workdir / f"result.{ext}"
            output.write_bytes(rendered)
        for action in job["actions"]["postrender"]:
            if action["module"] == "@nexrender/action-compress":
                self._compress(workdir, action)
            elif action["module"] == "@nexrender/action-copy":
                source = workdir / action["input"] if action.get("input") else output
                target = Path(action["output"])
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, target)
            else:
                raise AssertionError(f"unexpected postrender action {action}")

    @staticmethod
    def _compress(workdir: Path, action: dict[str, Any]) -> None:
        assert action["format"] == "zip", action
        with zipfile.ZipFile(workdir / action["output"], "w") as archive:
            for pattern in action["input"]:
                regex = re.compile(re.escape(pattern).replace("\\#\\#\\#\\#\\#", r"\d{5}"))
                for path in sorted(workdir.iterdir()):
                    if regex.fullmatch(path.name):
                        archive.write(path, path.name)

    async def finish(self, job: dict[str, Any], rendered: bytes) -> None:
        self.run_postrender(job, rendered)
        job.update(state="finished", finishedAt=_now(), renderProgress=100)
        await self._update(job, rendering_status(job))

    async def fail(self, job: dict[str, Any], message: str) -> None:
        job.update(state="error", error=[message], errorAt=_now())
        await self._update(job, rendering_status(job))


async def serve_commands(worker: FakeNexrenderWorker) -> None:
    """Run one JSON command a line from stdin on the job picked up; answer each on stdout
    with `{"ok": true, "uid": …}` or `{"ok": false, "error": …}`."""
    job: dict[str, Any] = {}
    while line := await asyncio.to_thread(sys.stdin.readline):
        command = json.loads(line)
        try:
            match command["op"]:
                case "pickup":
                    job = await worker.pickup()
                case "start":
                    await worker.start(job)
                case "progress":
                    await worker.progress(job, command["percent"])
                case "finish":
                    await worker.finish(job, bytes.fromhex(command["rendered_hex"]))
                case "fail":
                    await worker.fail(job, command["message"])
                case op:
                    raise AssertionError(f"unknown command {op!r}")
        except Exception as exc:  # noqa: BLE001 - reported to the test, which fails on it
            print(json.dumps({"ok": False, "error": repr(exc)}), flush=True)
        else:
            print(json.dumps({"ok": True, "uid": job.get("uid")}), flush=True)


class FakeNexrenderWorkerProcess:
    """The test's handle on a worker process: each call is one step, answered when done."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self._process = process

    @classmethod
    async def spawn(cls, base_url: str, secret: str, workpath: Path) -> FakeNexrenderWorkerProcess:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.integration.render.fake_nexrender_worker",
            base_url,
            secret,
            str(workpath),
            cwd=_REPO_ROOT,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        return cls(process)

    async def _call(self, op: str, **args: Any) -> str:
        assert self._process.stdin is not None and self._process.stdout is not None
        self._process.stdin.write(json.dumps({"op": op, **args}).encode() + b"\n")
        await self._process.stdin.drain()
        line = await asyncio.wait_for(self._process.stdout.readline(), timeout=15)
        if not line:
            raise AssertionError(f"worker process exited ({self._process.returncode}) on {op}")
        answer = json.loads(line)
        if not answer["ok"]:
            raise AssertionError(f"worker process failed {op}: {answer['error']}")
        return str(answer["uid"])

    async def pickup(self) -> str:
        return await self._call("pickup")

    async def start(self) -> None:
        await self._call("start")

    async def progress(self, percent: int) -> None:
        await self._call("progress", percent=percent)

    async def finish(self, rendered: bytes) -> None:
        await self._call("finish", rendered_hex=rendered.hex())

    async def fail(self, message: str) -> None:
        await self._call("fail", message=message)

    async def close(self) -> None:
        if self._process.stdin is not None:
            self._process.stdin.close()
        try:
            await asyncio.wait_for(self._process.wait(), timeout=10)
        except TimeoutError:
            self._process.kill()
            await self._process.wait()


async def _main(base_url: str, secret: str, workpath: str) -> None:
    worker = FakeNexrenderWorker(base_url, secret, Path(workpath))
    try:
        await serve_commands(worker)
    finally:
        await worker.aclose()


if __name__ == "__main__":
    asyncio.run(_main(*sys.argv[1:4]))
