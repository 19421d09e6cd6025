"""Start and stop the real `@nexrender/server` (npm) for integration tests.

The server is installed by `tests/integration/render/install_nexrender.sh` into the
git-ignored `<repo>/.nexrender`. A missing install fails the test with the command to run:
skipping would let CI pass without ever talking to the real server.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.waiting import wait_for

REPO_ROOT = Path(__file__).resolve().parents[3]
NODE_MODULES = REPO_ROOT / ".nexrender" / "node_modules"
SERVER_MANIFEST = NODE_MODULES / "@nexrender" / "server" / "package.json"
LAUNCHER = Path(__file__).with_name("nexrender_server.js")
INSTALL_COMMAND = "tests/integration/render/install_nexrender.sh"
PINNED_VERSION = "1.38.0"


@dataclass(frozen=True)
class NexrenderServer:
    base_url: str
    secret: str
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def _require_install() -> str:
    if not SERVER_MANIFEST.exists():
        pytest.fail(
            f"@nexrender/server is not installed in {NODE_MODULES.parent}. Install it with "
            f"`{INSTALL_COMMAND}` (runs `npm install --prefix .nexrender "
            f"@nexrender/server@{PINNED_VERSION}`; needs Node >= 18)",
            pytrace=False,
        )
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not on PATH; @nexrender/server needs Node >= 18", pytrace=False)
    version = json.loads(SERVER_MANIFEST.read_text())["version"]
    if version != PINNED_VERSION:
        pytest.fail(
            f"@nexrender/server {version} is installed but the tests were checked against "
            f"{PINNED_VERSION}; run `{INSTALL_COMMAND}`",
            pytrace=False,
        )
    return node


def _wait_for_port(process: subprocess.Popen[bytes], log_path: Path, timeout_s: float) -> int:
    ports: list[int] = []

    def announced() -> bool:
        for line in log_path.read_text(errors="replace").splitlines():
            if line.startswith('{"port":'):
                ports.append(int(json.loads(line)["port"]))
                return True
        if process.poll() is not None:
            raise AssertionError(
                f"nexrender-server did not start (exit code {process.poll()}):\n"
                f"{log_path.read_text()}"
            )
        return False

    wait_for(announced, timeout_s, "nexrender-server to print its port", interval_s=0.01)
    return ports[0]


@contextmanager
def running_nexrender_server(
    tmp_path: Path, secret: str, *, timeout_s: float = 15.0
) -> Iterator[NexrenderServer]:
    """The real server on 127.0.0.1 and a free port, with its store in `tmp_path`."""
    node = _require_install()
    log_path = tmp_path / "nexrender-server.log"
    env = dict(os.environ, NEXRENDER_DATABASE=str(tmp_path / "nexrender-db.json"))
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            [node, str(LAUNCHER), str(NODE_MODULES), secret],
            stdout=log_file,
            stderr=subprocess.STDOUT,
            env=env,
        )
    try:
        port = _wait_for_port(process, log_path, timeout_s)
        base_url = f"http://127.0.0.1:{port}"

        def answers() -> bool:
            try:
                reply = httpx.get(f"{base_url}/api/v1/jobs", headers={"nexrender-secret": secret})
            except httpx.TransportError:
                return False
            return reply.status_code == 200

        wait_for(answers, timeout_s, f"nexrender-server on {base_url} to answer 200", 0.01)
        yield NexrenderServer(base_url, secret, log_path)
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
