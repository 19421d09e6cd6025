"""`wsop-hub ingest PATH...` (one shot, with a progress bar and a summary) and
`wsop-hub ingest --watch DIR` (the ingest role: watch a folder until stopped)."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections import Counter
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from wsop_hub.db.engine import create_engine
from wsop_hub.ingest.service import FileResult, IngestService, Outcome, classify, iter_files
from wsop_hub.ingest.watcher import InboxWatcher
from wsop_hub.settings import Settings

log = logging.getLogger(__name__)


def _expand(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(iter_files(path))
        elif path.is_file():
            files.append(path)
        else:
            raise FileNotFoundError(f"{path}: no such file or folder")
    ordered = sorted(set(files), key=lambda p: (p.name.endswith(".txt"), str(p)))
    return [p for p in ordered if classify(p) is not None]


async def ingest_once(settings: Settings, database_url: str, paths: list[Path]) -> int:
    """Import the files; exit code 0 unless a file was quarantined or failed."""
    console = Console(stderr=True)
    files = _expand(paths)
    engine = create_engine(database_url, pool_size=2)
    service = IngestService(
        engine, settings, parse_processes=min(settings.hub_ingest_parse_processes, len(files))
    )
    results: list[FileResult] = []
    failures = 0
    try:
        with Progress(
            TextColumn("[bold]ingest"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[name]}"),
            TimeElapsedColumn(),
            console=console,
            transient=not console.is_terminal,
        ) as progress:
            task = progress.add_task("files", total=len(files), name="")
            pending = list(files)
            for _ in range(2):  # a .txt deferred for want of its JSON gets a second pass
                deferred: list[Path] = []
                for path in pending:
                    progress.update(task, name=path.name)
                    try:
                        result = await service.ingest(path)
                    except Exception as exc:  # noqa: BLE001 - report and go on with the rest
                        failures += 1
                        console.print(f"[red]failed[/red] {path}: {exc}")
                        progress.advance(task)
                        continue
                    if result.outcome == Outcome.DEFERRED:
                        deferred.append(path)
                        continue
                    results.append(result)
                    progress.advance(task)
                pending = deferred
            for path in pending:
                results.append(
                    FileResult(path, classify(path), Outcome.DEFERRED, error="no JSON session")
                )
                progress.advance(task)
    finally:
        service.close()
        await engine.dispose()
    _summary(console, results, failures)
    bad = sum(r.outcome == Outcome.QUARANTINED for r in results) + failures
    return 1 if bad else 0


def _summary(console: Console, results: list[FileResult], failures: int) -> None:
    outcomes = Counter(r.outcome for r in results)
    table = Table(title="ingest summary", show_header=False)
    table.add_row("files", str(len(results) + failures))
    for outcome in Outcome:
        if outcomes[outcome]:
            table.add_row(outcome.value, str(outcomes[outcome]))
    table.add_row("hands new", str(sum(r.hands_new for r in results)))
    table.add_row("hands updated", str(sum(r.hands_updated for r in results)))
    table.add_row("WSOP+ rows imported", str(sum(r.rows_imported for r in results)))
    table.add_row("WSOP+ rows skipped", str(sum(r.rows_failed for r in results)))
    table.add_row("instructions created", str(sum(r.instructions for r in results)))
    if failures:
        table.add_row("failed", str(failures))
    console.print(table)
    for r in results:
        if r.outcome in (Outcome.QUARANTINED, Outcome.DEFERRED) or r.rows_failed:
            console.print(f"[yellow]{r.outcome.value}[/yellow] {r.path.name}: {r.error}")


async def watch(settings: Settings, database_url: str, inbox: Path) -> int:
    engine = create_engine(database_url, pool_size=settings.hub_ingest_concurrency + 1)
    service = IngestService(engine, settings, parse_processes=settings.hub_ingest_parse_processes)
    watcher = InboxWatcher(
        service,
        inbox,
        concurrency=settings.hub_ingest_concurrency,
        settle_s=settings.hub_ingest_settle_s,
    )
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, watcher.stop)
    log.info("ingest: watching %s", inbox)
    try:
        await watcher.run()
    finally:
        service.close()
        await engine.dispose()
    return 0
