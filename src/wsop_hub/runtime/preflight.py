"""Start-up checks that turn a bad setting into one clear line instead of a traceback."""

from __future__ import annotations

import errno
import logging
import os
import secrets
import socket
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg
from redis.asyncio import Redis

from wsop_hub.errors import ConfigError, Unavailable
from wsop_hub.settings import Settings, asyncpg_url

log = logging.getLogger(__name__)

PASSWORD_FILE = "dashboard-password"


def check_port_free(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise ConfigError(
                    f"port {port} on {host} is already in use; stop the other process or set PORT"
                ) from None
            raise ConfigError(
                f"cannot listen on {host}:{port}: {exc.strerror}; check HOST/PORT"
            ) from None


def _where(url: str) -> str:
    parts = urlsplit(url)
    return parts.hostname or parts.query or "local socket"


async def check_postgres(url: str, timeout_s: float) -> None:
    try:
        conn = await asyncpg.connect(asyncpg_url(url), timeout=timeout_s)
    except (TimeoutError, OSError, asyncpg.PostgresError, ValueError) as exc:
        reason = str(exc) or exc.__class__.__name__
        raise Unavailable(
            f"cannot reach PostgreSQL at {_where(url)} ({reason}); check DATABASE_URL "
            "or unset it to use the embedded PostgreSQL"
        ) from None
    await conn.close()


async def check_redis(url: str, timeout_s: float) -> None:
    client = Redis.from_url(url, socket_connect_timeout=timeout_s, socket_timeout=timeout_s)
    try:
        await client.ping()
    except Exception as exc:  # noqa: BLE001 - redis-py raises several unrelated types here
        raise Unavailable(
            f"cannot reach Redis at {_where(url)} ({exc}); check REDIS_URL "
            "or unset it to use the embedded Redis"
        ) from None
    finally:
        await client.aclose()


def check_credentials(settings: Settings) -> None:
    if settings.is_production:
        problems = settings.credential_problems()
        if problems:
            raise ConfigError(
                "refusing to start in production: "
                + "; ".join(problems)
                + " (set them in the environment or .env)"
            )
    elif not settings.dashboard_password:
        raise ConfigError(
            "DASHBOARD_PASSWORD is empty; set it, or use `wsop-hub up` to generate one"
        )


def ensure_dev_password(settings: Settings) -> Settings:
    """Development with no password: generate one, print it once, keep it under the data dir."""
    if settings.dashboard_password or settings.is_production:
        return settings
    path = Path(settings.hub_data_dir) / PASSWORD_FILE
    if path.exists():
        password = path.read_text().strip()
        print(f"Dashboard login: {settings.dashboard_username} / (password in {path})", flush=True)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        password = secrets.token_urlsafe(18)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(password + "\n")
        print(
            f"Dashboard login: {settings.dashboard_username} / {password}\n"
            f"  (generated once, stored in {path}; set DASHBOARD_PASSWORD to choose your own)",
            flush=True,
        )
    return settings.model_copy(update={"dashboard_password": password})
