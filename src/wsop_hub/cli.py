"""`wsop-hub`: one entry point, one sub-command per role or task. Commands only translate."""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import sys
from pathlib import Path

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

    up = sub.add_parser(
        "up",
        help="run the whole hub on this machine (embedded PostgreSQL/Redis when no URLs are set)",
    )
    up.add_argument(
        "--demo",
        action="store_true",
        help="also replay the sample exports in demo/ into the inbox at a live pace",
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
        default="builtin",
        metavar="NAME",
        help="render backend: builtin (Pillow + bundled ffmpeg), nexrender (NEXRENDER_* "
        "settings), noop, sleep, or module:factory (default builtin)",
    )
    sub.add_parser(
        "scheduler",
        help="run the outbox relay, reaper, retry timer and sweeper",
    )

    ingest = sub.add_parser(
        "ingest",
        help="import PokerGFX exports and WSOP+ files: PATH... once, or --watch DIR",
        description="Import files once (files or folders, with a progress bar and a "
        "summary; exit code 1 if any file was quarantined or failed), or watch a folder "
        "and import what lands in it until stopped. Malformed files are recorded in "
        "HUB_DATA_DIR/quarantine with a .error.txt saying why: copied there from the "
        "command line, moved there out of a watched folder.",
    )
    ingest.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    ingest.add_argument(
        "--watch", type=Path, metavar="DIR", help="watch DIR (and its sub-folders) instead"
    )

    templates = sub.add_parser("templates", help="the template registry (needs DATABASE_URL)")
    templates_sub = templates.add_subparsers(
        dest="templates_command", required=True, metavar="ACTION"
    )
    templates_sub.add_parser(
        "sync",
        help="load the shipped templates and flag images into the registry (idempotent)",
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
    # The ~150,000 objects of the imported modules are kept for the process's life: out of
    # the collector's sight, a full collection no longer stalls every request for ~100 ms.
    gc.freeze()
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level=settings.hub_log_level.lower(),
        access_log=False,
        # Events are small JSON objects sent to every client: compressing each one per
        # client cost more API CPU (a profile under 200 clients) than it saved on a LAN.
        ws_per_message_deflate=False,
    )
    return 0


def _run_dispatch_role(settings: Settings, args: argparse.Namespace) -> int:
    from wsop_hub.runtime.roles import run_scheduler, run_worker

    database_url = _require_url(settings.database_url, "DATABASE_URL")
    redis_url = _require_url(settings.redis_url, "REDIS_URL")
    if args.command == "worker":
        if args.concurrency < 1:
            raise ConfigError("--concurrency must be at least 1")

        async def sync_then_work() -> int:
            if args.backend in ("builtin", "nexrender"):
                await _sync_templates_at_start(database_url)
            return await run_worker(
                settings,
                database_url,
                redis_url,
                concurrency=args.concurrency,
                backend=args.backend,
            )

        return asyncio.run(sync_then_work())
    return asyncio.run(run_scheduler(settings, database_url, redis_url))


async def _sync_templates_at_start(database_url: str) -> None:
    """A fresh machine gets its registry from the first worker; a database that cannot be
    reached is left to the worker's own outage handling (the registry may well be there)."""
    from wsop_hub.dispatch.outage import DB_ERRORS
    from wsop_hub.render.registry import sync_registry_at

    try:
        report = await sync_registry_at(database_url)
    except DB_ERRORS as exc:
        log.warning("template registry not synced at start (%s)", exc)
    else:
        log.info("template registry: %s", report.describe())


def _run_templates(settings: Settings) -> int:
    from wsop_hub.render.registry import sync_registry_at
    from wsop_hub.runtime.preflight import check_postgres

    url = _require_url(settings.database_url, "DATABASE_URL")
    asyncio.run(check_postgres(url, settings.hub_db_connect_timeout_s))
    print(asyncio.run(sync_registry_at(url)).describe())
    return 0


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


def _run_ingest(settings: Settings, args: argparse.Namespace) -> int:
    from wsop_hub.ingest import cli as ingest_cli

    url = _require_url(settings.database_url, "DATABASE_URL")
    if args.watch is not None:
        if args.paths:
            raise ConfigError("give either PATH... or --watch DIR, not both")
        return asyncio.run(ingest_cli.watch(settings, url, args.watch))
    if not args.paths:
        raise ConfigError("nothing to ingest: give PATH... or --watch DIR")
    try:
        return asyncio.run(ingest_cli.ingest_once(settings, url, args.paths))
    except FileNotFoundError as exc:
        raise ConfigError(str(exc)) from None


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = _load_settings()
        configure_logging(settings.hub_log_level, settings.hub_log_format)
        if args.command == "up":
            from wsop_hub.runtime.supervisor import Supervisor

            return Supervisor(settings, demo=args.demo).run()
        if args.command == "api":
            return _run_api(settings)
        if args.command in ("worker", "scheduler"):
            return _run_dispatch_role(settings, args)
        if args.command == "db":
            return _run_db(settings, args)
        if args.command == "ingest":
            return _run_ingest(settings, args)
        if args.command == "templates":
            return _run_templates(settings)
    except HubError as exc:
        print(f"wsop-hub: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 2
