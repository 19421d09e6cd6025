"""Peer benchmark: procrastinate (PostgreSQL job queue) with its default worker settings.

Run with the peer's own venv (bench/peers/setup_venv.sh procrastinate):

    bench/.venvs/procrastinate/bin/python bench/peers/procrastinate_peer.py \
        --jobs 300 --rate 100 --workers 4 \
        --database-url postgresql://postgres@127.0.0.1:5432/postgres

It creates a fresh database on that server, applies procrastinate's schema, starts
--workers processes of `python -m procrastinate --app=procrastinate_peer_app.app worker`
(no worker option given: concurrency 1, LISTEN/NOTIFY on, 5 s fallback polling), enqueues
--jobs no-op jobs from one producer paced at --rate, waits until procrastinate marks every
job succeeded, then stops the workers and drops the database. Last line: one JSON object.

The app and the task live in procrastinate_peer_app.py (the workers' --app module).
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import procrastinate
import psycopg
from _common import (
    PRODUCER_CONCURRENCY,
    check_alive,
    cpu_summary,
    cpu_times,
    paced_produce,
    parse_args,
    report,
    sigterm_as_exit,
    spawn,
    stop_all,
)
from procrastinate_peer_app import app, bench_noop
from psycopg import sql

RESULTS_DDL = """
CREATE TABLE bench_results (
    job_id bigint PRIMARY KEY,
    seq integer NOT NULL,
    enqueued_at double precision NOT NULL,
    started_at double precision NOT NULL
)
"""


def with_dbname(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/" + name))


def create_database(server_url: str, name: str) -> None:
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_database(server_url: str, name: str) -> None:
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


async def poll_until(probe, deadline: float, what: str, interval_s: float, alive) -> None:  # type: ignore[no-untyped-def]
    while True:
        alive()
        if await probe():
            return
        if time.monotonic() >= deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        await asyncio.sleep(interval_s)


async def run(args, server_url: str, dbname: str, log_path: Path, workers: list) -> None:  # type: ignore[no-untyped-def]
    def alive() -> None:
        check_alive(workers, log_path)

    db_url = with_dbname(server_url, dbname)
    # The driver's own connector: its pool is big enough for the enqueues it has in flight.
    driver = procrastinate.PsycopgConnector(
        conninfo=db_url, min_size=PRODUCER_CONCURRENCY, max_size=PRODUCER_CONCURRENCY
    )
    with app.replace_connector(driver):
        async with app.open_async():
            # The same as `procrastinate schema --apply`.
            await app.schema_manager.apply_schema_async()
            await app.connector.execute_query_async(RESULTS_DDL)

            for _ in range(args.workers):
                workers.append(
                    spawn(
                        [
                            sys.executable,
                            "-m",
                            "procrastinate",
                            "--app=procrastinate_peer_app.app",
                            "worker",
                        ],
                        {"PROCRASTINATE_PEER_DSN": db_url},
                        log_path,
                    )
                )

            async with await psycopg.AsyncConnection.connect(db_url, autocommit=True) as mon:

                async def scalar(query: str, *params: object) -> int:
                    cur = await mon.execute(query, params)
                    row = await cur.fetchone()
                    return int(row[0]) if row and row[0] is not None else 0

                # Ready = every worker registered and holding its LISTEN connection, so the first
                # jobs do not pay for worker start-up (nor fall back to the 5 s poll).
                async def ready() -> bool:
                    registered = await scalar("SELECT count(*) FROM procrastinate_workers")
                    listening = await scalar(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND query ILIKE 'LISTEN%%'",
                        dbname,
                    )
                    return registered >= args.workers and listening >= args.workers

                await poll_until(ready, time.monotonic() + 60, "workers to start", 0.05, alive)

                async def enqueue(i: int, enqueued_at: float) -> None:
                    await bench_noop.defer_async(enqueued_at=enqueued_at, seq=i)

                cpu0 = cpu_times()
                first_enqueue, last_enqueue = await paced_produce(
                    args.jobs, args.rate, enqueue, alive
                )

                async def finished() -> bool:
                    done = await scalar(
                        "SELECT count(*) FROM procrastinate_jobs "
                        "WHERE status IN ('succeeded', 'failed', 'aborted', 'cancelled')"
                    )
                    return done >= args.jobs

                try:
                    await poll_until(
                        finished,
                        time.monotonic() + args.deadline,
                        "all jobs to complete",
                        0.1,
                        alive,
                    )
                except TimeoutError as exc:
                    print(f"warning: {exc}; reporting what completed", file=sys.stderr)
                cpu = cpu_summary(cpu0)

                not_succeeded = await scalar(
                    "SELECT count(*) FROM procrastinate_jobs WHERE status <> 'succeeded'"
                )
                # Completion time = procrastinate's own 'succeeded' event (its trigger stamps now()
                # of the worker's finish_job statement); start time = what the job recorded.
                cur = await mon.execute(
                    "SELECT r.enqueued_at, r.started_at, extract(epoch FROM e.at)::double precision "
                    "FROM bench_results r "
                    "JOIN procrastinate_jobs j ON j.id = r.job_id AND j.status = 'succeeded' "
                    "JOIN procrastinate_events e ON e.job_id = r.job_id AND e.type = 'succeeded'"
                )
                rows = [(float(a), float(b), float(c)) for a, b, c in await cur.fetchall()]
                cur = await mon.execute(
                    "SELECT count(*) FROM procrastinate_jobs "
                    "WHERE status = 'succeeded' GROUP BY worker_id"
                )
                spread = sorted((int(r[0]) for r in await cur.fetchall()), reverse=True)

    report(
        f"procrastinate {procrastinate.__version__}",
        args,
        rows,
        first_enqueue,
        last_enqueue,
        {
            "jobs not succeeded": not_succeeded,
            "jobs per worker": spread,
            "machine CPU, enqueue..done": cpu,
        },
    )


def main() -> int:
    args = parse_args(
        "procrastinate peer benchmark (library defaults)",
        "--database-url",
        "postgresql://postgres@127.0.0.1:5432/postgres",
    )
    sigterm_as_exit()
    dbname = f"procrastinate_bench_{uuid.uuid4().hex[:10]}"
    workers: list = []
    created = False
    with tempfile.TemporaryDirectory(prefix="procrastinate-peer-") as tmp:
        log_path = Path(tmp) / "workers.log"
        try:
            create_database(args.url, dbname)
            created = True
            asyncio.run(run(args, args.url, dbname, log_path, workers))
        finally:
            stop_all(workers)
            if created:
                try:
                    drop_database(args.url, dbname)
                except Exception as exc:  # noqa: BLE001 - report, never mask the original error
                    print(f"warning: could not drop database {dbname}: {exc}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt as exc:
        print(
            f"interrupted ({exc or 'Ctrl-C'}): workers stopped, run's data removed", file=sys.stderr
        )
        sys.exit(130)
