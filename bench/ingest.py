"""PokerGFX ingest throughput and latency into PostgreSQL with all normalised rows.

1. Samples: every real export in tests/data/pokergfx (JSON, then the .txt logs), one
   after the other.
2. Synthetic load: 200,000 hands (--quick: 20,000) generated from the real hands — new
   GameIDs, renumbered hands, shifted start times — in files of 200 hands, imported with
   HUB_INGEST_CONCURRENCY files at once (the watcher's concurrency). Every hand writes its
   gfx_hands, gfx_hand_players, gfx_events, hand_grades and hub `hands` rows, a
   `hand_created` event, and premium hands/eliminations their render instructions.
3. Latency: the inbox watcher runs; files of 100 new hands are dropped into it one at a
   time (written beside it, renamed in, as a copy from a NAS finishes), and the time from
   the rename to the last of its 100 `hand_created` events arriving over LISTEN is
   measured. A few malformed files are dropped too: they must be quarantined.

Targets: ≥ 1,000 hands/s; a new 100-hand file's hand_created events within 1 s.

    ./run bench ingest [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import json
import os
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import asyncpg  # noqa: E402

from benchlib import emit, fresh_database, percentile, server_urls  # noqa: E402
from wsop_hub.db.engine import create_engine  # noqa: E402
from wsop_hub.ingest.service import IngestService, Outcome, iter_files  # noqa: E402
from wsop_hub.ingest.watcher import InboxWatcher  # noqa: E402
from wsop_hub.settings import Settings  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "pokergfx"
HANDS_PER_FILE = 200
LATENCY_FILES = 20
LATENCY_HANDS = 100
MALFORMED_FILES = 3


def real_hands() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A real session header and every real hand, to copy from."""
    header: dict[str, Any] | None = None
    hands: list[dict[str, Any]] = []
    for path in sorted(DATA.rglob("PGFX_live_data_export GameID=*.json")):
        export = json.loads(path.read_text(encoding="utf-8-sig"))
        if header is None or len(export["Hands"]) > len(hands):
            header = {k: v for k, v in export.items() if k != "Hands"}
        hands.extend(export["Hands"])
    assert header is not None
    return header, hands


def synthetic_file(
    header: dict[str, Any], pool: list[dict[str, Any]], game_id: int, start: int, count: int
) -> bytes:
    export = dict(header, ID=game_id, Hands=[])
    base = datetime(2026, 7, 1, 12, 0)
    for n in range(count):
        hand = copy.deepcopy(pool[(start + n) % len(pool)])
        hand["HandNum"] = n + 1
        hand["StartDateTimeUTC"] = (base + timedelta(minutes=3 * n)).isoformat() + "Z"
        export["Hands"].append(hand)
    return json.dumps(export).encode()


async def ingest_all(service: IngestService, files: list[Path], concurrency: int) -> list[Any]:
    slots = asyncio.Semaphore(concurrency)

    async def one(path: Path) -> Any:
        async with slots:
            return await service.ingest(path)

    return await asyncio.gather(*(one(p) for p in files))


async def latency(
    service: IngestService, database_url: str, header: dict[str, Any], pool: list[dict[str, Any]]
) -> tuple[list[float], int]:
    with tempfile.TemporaryDirectory(prefix="wsop-bench-inbox-") as tmp:
        inbox, staging = Path(tmp) / "inbox", Path(tmp) / "staging"
        staging.mkdir()
        results: list[Any] = []
        watcher = InboxWatcher(
            service,
            inbox,
            concurrency=service.settings.hub_ingest_concurrency,
            settle_s=service.settings.hub_ingest_settle_s,
            on_result=results.append,
        )
        task = asyncio.create_task(watcher.run())
        await asyncio.wait_for(watcher.ready.wait(), 30)
        arrived: dict[int, list[float]] = {}

        def on_event(_c: object, _p: int, _ch: str, payload: str) -> None:
            event = json.loads(payload)
            if event.get("type") == "hand_created":
                arrived.setdefault(int(event["data"]["session_id"]), []).append(time.perf_counter())

        listener = await asyncpg.connect(database_url)
        await listener.add_listener("wsop_events", on_event)
        delays: list[float] = []
        try:
            for i in range(LATENCY_FILES):
                game_id = 900_000_000_000_000_000 + i
                name = f"PGFX_live_data_export GameID={game_id}.json"
                data = synthetic_file(header, pool, game_id, i * 7, LATENCY_HANDS)
                (staging / name).write_bytes(data)
                os.replace(staging / name, inbox / name)
                dropped = time.perf_counter()
                deadline = dropped + 30
                while (  # noqa: ASYNC110 - polls a dict the LISTEN callback fills
                    len(arrived.get(game_id, [])) < LATENCY_HANDS and time.perf_counter() < deadline
                ):
                    await asyncio.sleep(0.005)
                got = arrived.get(game_id, [])
                if len(got) < LATENCY_HANDS:
                    raise TimeoutError(f"file {i}: {len(got)} of {LATENCY_HANDS} hand_created")
                delays.append((max(got) - dropped) * 1000)
            for i in range(MALFORMED_FILES):
                bad = f"PGFX_live_data_export GameID={910_000_000_000_000_000 + i}.json"
                (staging / bad).write_bytes(b'{"ID": 1, "Hands": [{"HandNum": "x"')
                os.replace(staging / bad, inbox / bad)
            deadline = time.perf_counter() + 30
            while (  # noqa: ASYNC110 - polls the results the watcher appends
                sum(r.outcome == Outcome.QUARANTINED for r in results) < MALFORMED_FILES
                and time.perf_counter() < deadline
            ):
                await asyncio.sleep(0.05)
        finally:
            await listener.close()
            watcher.stop()
            await asyncio.wait_for(task, 30)
        return delays, sum(r.outcome == Outcome.QUARANTINED for r in results)


async def main(args: argparse.Namespace) -> None:
    total = 20_000 if args.quick else 200_000
    server, _redis = server_urls()
    header, pool = real_hands()
    async with fresh_database(server, "ingest") as url:
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            database_url=url,
            hub_data_dir=Path(tempfile.mkdtemp(prefix="wsop-bench-ingest-")),
        )
        engine = create_engine(url, pool_size=settings.hub_ingest_concurrency + 2)
        service = IngestService(
            engine, settings, parse_processes=settings.hub_ingest_parse_processes
        )
        try:
            started = time.perf_counter()
            samples = [await service.ingest(p) for p in iter_files(DATA)]
            sample_s = time.perf_counter() - started
            sample_hands = sum(r.hands_new for r in samples)
            print(
                f"samples: {len(samples)} files, {sample_hands} hands in {sample_s:.1f} s "
                f"({sample_hands / sample_s:.0f} hands/s), "
                f"outcomes {sorted({r.outcome.value for r in samples})}"
            )

            with tempfile.TemporaryDirectory(prefix="wsop-bench-synthetic-") as tmp:
                files = []
                for i in range(total // HANDS_PER_FILE):
                    path = (
                        Path(tmp)
                        / f"PGFX_live_data_export GameID={800_000_000_000_000_000 + i}.json"
                    )
                    path.write_bytes(
                        synthetic_file(
                            header, pool, 800_000_000_000_000_000 + i, i * 13, HANDS_PER_FILE
                        )
                    )
                    files.append(path)
                started = time.perf_counter()
                results = await ingest_all(service, files, settings.hub_ingest_concurrency)
                synthetic_s = time.perf_counter() - started
            hands = sum(r.hands_new for r in results)
            assert hands == total, f"{hands} of {total} hands stored"
            async with engine.connect() as conn:
                from sqlalchemy import text

                counts = {
                    table: await conn.scalar(text(f"SELECT count(*) FROM {table}"))
                    for table in (
                        "gfx_hands",
                        "gfx_hand_players",
                        "gfx_events",
                        "hand_grades",
                        "hands",
                        "render_instructions",
                    )
                }
            hands_per_s = hands / synthetic_s
            print(
                f"synthetic: {len(files)} files x {HANDS_PER_FILE} hands = {hands:,} hands in "
                f"{synthetic_s:.1f} s: {hands_per_s:,.0f} hands/s "
                f"(concurrency {settings.hub_ingest_concurrency}); rows now {counts}"
                f"  {'>=1000/s OK' if hands_per_s >= 1000 else '>=1000/s MISS'}"
            )

            delays, quarantined = await latency(service, url, header, pool)
            p50, p99 = percentile(delays, 50), percentile(delays, 99)
            print(
                f"latency: {LATENCY_FILES} files of {LATENCY_HANDS} hands dropped into the "
                f"watched inbox (settle {settings.hub_ingest_settle_s} s): rename → last "
                f"hand_created p50 {p50:.0f} ms, p99 {p99:.0f} ms, max {max(delays):.0f} ms"
                f"  {'<1s OK' if p99 < 1000 else '<1s MISS'}; "
                f"{quarantined} of {MALFORMED_FILES} malformed files quarantined"
            )
        finally:
            service.close()
            await engine.dispose()
    emit(
        {
            "hands_per_s": round(hands_per_s, 1),
            "file_to_hand_created_p99_ms": round(p99, 1),
            "quarantined": quarantined,
            "file_to_hand_created_p50_ms": round(p50, 1),
            "synthetic_hands": hands,
            "sample_files": len(samples),
            "sample_hands": sample_hands,
            "sample_hands_per_s": round(sample_hands / sample_s, 1),
            "concurrency": settings.hub_ingest_concurrency,
        }
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20,000 synthetic hands")
    asyncio.run(main(parser.parse_args()))
