"""`wsop-hub up`: the whole hub on one machine.

Starts the embedded engines when no URLs are given, applies migrations, then runs each role
(`api`, and the roles later issues add) as a child process with resolved settings. A role
that dies is restarted with backoff. Ctrl-C / SIGTERM stops the roles first (workers finish
or release their jobs), then Redis, then PostgreSQL.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from wsop_hub.db import migrate
from wsop_hub.render.registry import sync_registry_at
from wsop_hub.runtime.demo import DemoFeeder
from wsop_hub.runtime.embedded import EmbeddedPostgres, EmbeddedRedis
from wsop_hub.runtime.preflight import (
    check_credentials,
    check_port_free,
    check_postgres,
    check_redis,
    ensure_dev_password,
)
from wsop_hub.settings import Settings

log = logging.getLogger(__name__)

#: Roles `up` runs, each as `python -m wsop_hub <role> ...`.
DEFAULT_ROLES: tuple[tuple[str, ...], ...] = (
    ("api",),
    ("scheduler",),
    ("worker", "--concurrency", "2", "--backend", "builtin"),
)
STOP_GRACE_S = 30.0
MAX_RESTART_BACKOFF_S = 30.0


@dataclass
class Role:
    argv: tuple[str, ...]
    process: subprocess.Popen[bytes] | None = None
    restarts: int = 0
    next_start_at: float = 0.0
    started_at: float = field(default=0.0)

    @property
    def name(self) -> str:
        return self.argv[0]


def default_roles(settings: Settings) -> tuple[tuple[str, ...], ...]:
    """The dispatch roles, plus the inbox watcher unless HUB_INGEST_WATCH is off."""
    if not settings.hub_ingest_watch:
        return DEFAULT_ROLES
    return (*DEFAULT_ROLES, ("ingest", "--watch", str(settings.inbox_dir.resolve())))


class Supervisor:
    def __init__(
        self,
        settings: Settings,
        roles: tuple[tuple[str, ...], ...] | None = None,
        *,
        demo: bool = False,
    ) -> None:
        self.settings = settings
        self.demo = demo
        self._feeder: DemoFeeder | None = None
        self.roles = [Role(argv) for argv in (roles or default_roles(settings))]
        self._stop = threading.Event()
        self._postgres: EmbeddedPostgres | None = None
        self._redis: EmbeddedRedis | None = None

    def run(self) -> int:
        """Blocks until Ctrl-C / SIGTERM; returns the process exit code."""
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: self._stop.set())
        settings = self._prepare()
        try:
            env = self._child_env(settings)
            print(
                f"WSOP hub up: http://{settings.host}:{settings.port}  (Ctrl-C to stop)", flush=True
            )
            if self.demo:
                self._feeder = DemoFeeder(Path(settings.inbox_dir).resolve())
                self._feeder.start()
                print("demo: replaying sample sessions into the inbox", flush=True)
            while not self._stop.is_set():
                self._tend_roles(env)
                self._stop.wait(0.2)
            return 0
        finally:
            self._shutdown()

    def _prepare(self) -> Settings:
        settings = ensure_dev_password(self.settings)
        check_credentials(settings)
        check_port_free(settings.host, settings.port)
        data_dir = Path(settings.hub_data_dir).resolve()
        data_dir.mkdir(parents=True, exist_ok=True)
        database_url, redis_url = settings.database_url, settings.redis_url
        try:
            if database_url is None:
                self._postgres = EmbeddedPostgres(data_dir)
                database_url = self._postgres.start()
            else:
                asyncio.run(check_postgres(database_url, settings.hub_db_connect_timeout_s))
            if redis_url is None:
                self._redis = EmbeddedRedis(data_dir)
                redis_url = self._redis.start()
            else:
                asyncio.run(check_redis(redis_url, settings.hub_db_connect_timeout_s))
            migrate.upgrade(database_url)
            templates = asyncio.run(sync_registry_at(database_url))
        except BaseException:
            self._shutdown()
            raise
        log.info("migrations at head (%s)", migrate.head_revision())
        log.info("template registry: %s", templates.describe())
        return settings.model_copy(
            update={"database_url": database_url, "redis_url": redis_url, "hub_data_dir": data_dir}
        )

    @staticmethod
    def _child_env(settings: Settings) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            DATABASE_URL=str(settings.database_url),
            REDIS_URL=str(settings.redis_url),
            HUB_DATA_DIR=str(settings.hub_data_dir),
            DASHBOARD_PASSWORD=settings.dashboard_password,
            HOST=settings.host,
            PORT=str(settings.port),
        )
        return env

    def _tend_roles(self, env: dict[str, str]) -> None:
        now = time.monotonic()
        for role in self.roles:
            if role.process is not None:
                code = role.process.poll()
                if code is None:
                    continue
                uptime_s = now - role.started_at
                if uptime_s > 60:
                    role.restarts = 0
                backoff_s = min(2.0**role.restarts, MAX_RESTART_BACKOFF_S)
                log.error(
                    "role %s exited with code %s; restarting in %.0f s", role.name, code, backoff_s
                )
                role.process = None
                role.restarts += 1
                role.next_start_at = now + backoff_s
            if now >= role.next_start_at:
                role.process = subprocess.Popen(
                    [sys.executable, "-m", "wsop_hub", *role.argv],
                    env=env,
                    start_new_session=True,  # signals come from us, in order
                )
                role.started_at = now

    def _shutdown(self) -> None:
        if self._feeder is not None:
            self._feeder.stop()
        running = [r for r in self.roles if r.process is not None and r.process.poll() is None]
        for role in running:
            assert role.process is not None
            role.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_S
        for role in running:
            assert role.process is not None
            try:
                role.process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                log.error("role %s did not stop within %.0f s; killing it", role.name, STOP_GRACE_S)
                role.process.kill()
                role.process.wait()
        if self._redis is not None:
            self._redis.stop()
            self._redis = None
        if self._postgres is not None:
            self._postgres.stop()
            self._postgres = None
