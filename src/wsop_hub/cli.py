"""`wsop-hub`: one entry point, one sub-command per role or task. Commands only translate."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from pydantic import ValidationError

from wsop_hub import __version__
from wsop_hub.errors import ConfigError, HubError
from wsop_hub.logging_setup import configure_logging
from wsop_hub.settings import Settings

log = logging.getLogger("wsop_hub")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wsop-hub",
        description="WSOP Automation Hub: broadcast-graphics automation. "
        "Settings come from the environment and .env (see README).",
    )
    parser.add_argument("--version", action="version", version=f"wsop-hub {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sub.add_parser(
        "up",
        help="run the whole hub on this machine (embedded PostgreSQL/Redis when no URLs are set)",
    )
    sub.add_parser("api", help="run the HTTP API role (needs DATABASE_URL and REDIS_URL)")
    worker = sub.add_parser(
        "worker", help="run a render worker: consume the render queue, claim, render, settle"
    )
    worker.add_argument(
        "--concurrency",
        type=int,
        default=4,
        metavar="N",
        help="jobs rendered at once by this process (default 4)",
    )
    worker.add_argument(
        "--backend",
        default="noop",
        metavar="NAME",
        help="render backend: noop, sleep, or module:factory (default noop)",
    )
    sub.add_parser(
        "scheduler",
        help="run the outbox relay, reaper, retry timer and sweeper",
    )

    db = sub.add_parser("db", help="database migrations (needs DATABASE_URL)")
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    upgrade = db_sub.add_parser("upgrade", help="apply migrations up to REV (default: head)")
    upgrade.add_argument("revision", nargs="?", default="head", metavar="REV")
    downgrade = db_sub.add_parser("downgrade", help="revert migrations down to REV (e.g. base)")
    downgrade.add_argument("revision", metavar="REV")
    db_sub.add_parser("current", help="print the revision the database is at, and the head")
    return parser


def _load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]).upper()
        raise ConfigError(f"invalid setting {field}: {first['msg']}") from None


def _require_url(value: str | None, name: str) -> str:
    if value is None:
        raise ConfigError(
            f"{name} is not set; set it, or use `wsop-hub up` for the embedded engines"
        )
    return value


def _run_api(settings: Settings) -> int:
    import uvicorn

    from wsop_hub.api.app import create_app
    from wsop_hub.runtime.preflight import check_credentials

    check_credentials(settings)
    _require_url(settings.database_url, "DATABASE_URL")
    _require_url(settings.redis_url, "REDIS_URL")
    app = create_app(settings)
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level=settings.hub_log_level.lower(),
        access_log=False,
    )
    return 0


def _run_dispatch_role(settings: Settings, args: argparse.Namespace) -> int:
    from wsop_hub.runtime.roles import run_scheduler, run_worker

    database_url = _require_url(settings.database_url, "DATABASE_URL")
    redis_url = _require_url(settings.redis_url, "REDIS_URL")
    if args.command == "worker":
        if args.concurrency < 1:
            raise ConfigError("--concurrency must be at least 1")
        return asyncio.run(
            run_worker(
                settings,
                database_url,
                redis_url,
                concurrency=args.concurrency,
                backend=args.backend,
            )
        )
    return asyncio.run(run_scheduler(settings, database_url, redis_url))


def _run_db(settings: Settings, args: argparse.Namespace) -> int:
    from sqlalchemy.ext.asyncio import create_async_engine

    from wsop_hub.db import migrate
    from wsop_hub.runtime.preflight import check_postgres
    from wsop_hub.settings import sqlalchemy_url

    url = _require_url(settings.database_url, "DATABASE_URL")
    asyncio.run(check_postgres(url, settings.hub_db_connect_timeout_s))
    if args.db_command == "upgrade":
        migrate.upgrade(url, args.revision)
    elif args.db_command == "downgrade":
        migrate.downgrade(url, args.revision)
    else:

        async def current() -> str | None:
            engine = create_async_engine(sqlalchemy_url(url))
            try:
                return await migrate.current_revision(engine)
            finally:
                await engine.dispose()

        print(f"current: {asyncio.run(current()) or 'base'}  head: {migrate.head_revision()}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = _load_settings()
        configure_logging(settings.hub_log_level, settings.hub_log_format)
        if args.command == "up":
            from wsop_hub.runtime.supervisor import Supervisor

            return Supervisor(settings).run()
        if args.command == "api":
            return _run_api(settings)
        if args.command in ("worker", "scheduler"):
            return _run_dispatch_role(settings, args)
        if args.command == "db":
            return _run_db(settings, args)
    except HubError as exc:
        print(f"wsop-hub: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 2
