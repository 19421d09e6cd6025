"""Ingest one file: classify, parse, store in one transaction, then generate instructions.

What a file turns into:
- imported: stored (possibly with nothing new: a re-export with no new hands);
- duplicate: the same bytes were imported before (SHA-256) — nothing written;
- deferred: a PokerGFX `.txt` log whose JSON session is not imported yet — tried again
  after the next JSON import and on every scheduled rescan;
- quarantined: malformed — moved to the quarantine folder with `<name>.error.txt`
  saying why, and a monitoring event recorded. Nothing of it is stored.
- ignored: not a file the hub reads (a `.tmp`, a stray document).

Parsing happens before the transaction opens and the store is one transaction, so the
database never holds part of a file. Instructions for new premium hands and eliminations
are created after the commit; each is idempotent (dedup key per trigger), and if the
process dies in between, the anomaly detector's orphan rule creates the missing ones.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import shutil
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

import asyncpg
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from wsop_hub.db.uow import UnitOfWork
from wsop_hub.domain.enums import Severity
from wsop_hub.domain.models import MonitoringEventIn
from wsop_hub.errors import InvalidInput
from wsop_hub.ingest import generator
from wsop_hub.ingest.gfx_prepare import IngestConfig, PreparedSession, prepare_file
from wsop_hub.ingest.gfx_store import SessionUnknown, StoreResult, store_file
from wsop_hub.ingest.pokergfx.errors import PokerGfxFormatError
from wsop_hub.ingest.wsop_plus import WsopFormatError, detect_format
from wsop_hub.ingest.wsop_store import WsopImportResult, import_wsop_file
from wsop_hub.settings import Settings

log = logging.getLogger(__name__)

#: Attempts of one file's transaction when it loses a deadlock to a concurrent import.
STORE_ATTEMPTS = 3


def _is_transient(exc: Exception) -> bool:
    """Deadlock (40P01) or serialization failure (40001): the transaction was rolled back
    and may simply be run again. (The bulk writes use asyncpg directly, so its errors
    arrive unwrapped; SQLAlchemy's wrap the same driver error.)"""
    orig = getattr(exc, "orig", exc)
    code = getattr(orig, "sqlstate", None) or getattr(orig.__cause__, "sqlstate", None)
    return code in ("40P01", "40001")


#: Files larger than this are not read: a season's busiest session export is ~2 MB.
MAX_FILE_BYTES = 64 * 1024 * 1024


class FileKind(StrEnum):
    GFX_JSON = "gfx_json"
    GFX_TXT = "gfx_txt"
    WSOP = "wsop_plus"


class Outcome(StrEnum):
    IMPORTED = "imported"
    DUPLICATE = "duplicate"
    DEFERRED = "deferred"
    QUARANTINED = "quarantined"
    IGNORED = "ignored"


@dataclass
class FileResult:
    path: Path
    kind: FileKind | None
    outcome: Outcome
    hands_new: int = 0
    hands_updated: int = 0
    rows_imported: int = 0
    rows_failed: int = 0
    instructions: int = 0
    session_id: int | None = None
    #: What a WSOP+ file fed (events, players, chip_counts, standings, …).
    target: str | None = None
    error: str | None = None
    new_hand_ids: list[int] = field(default_factory=list)


class SessionNotImportedYet(InvalidInput):
    """A `.txt` log arrived before the JSON of its session."""


def classify(path: Path) -> FileKind | None:
    name = path.name
    if name.startswith(".") or name.endswith((".tmp", ".part", ".error.txt")):
        return None
    if name.startswith("PGFX_live_data_export"):
        if name.endswith(".json"):
            return FileKind.GFX_JSON
        if name.endswith(".txt"):
            return FileKind.GFX_TXT
        return None
    if path.suffix.lower() in (".csv", ".json"):
        return FileKind.WSOP
    return None


def looks_like_pokergfx(data: bytes) -> bool:
    """A renamed PokerGFX export (`gfx_sample_1.json`): a JSON object with `Hands`."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"{") and b'"Hands"' in data[:1_000_000] and b'"HandNum"' in data


def kind_of(path: Path) -> FileKind | None:
    """`classify`, then a look inside a `.json` whose name does not say (a renamed
    PokerGFX export is still one)."""
    kind = classify(path)
    if kind == FileKind.WSOP and path.suffix.lower() == ".json":
        with path.open("rb") as f:
            if looks_like_pokergfx(f.read(1_000_000)):
                return FileKind.GFX_JSON
    return kind


def gfx_pc_id(path: Path, inbox: Path | None) -> str | None:
    """The feature-table PC a file came from: its first sub-folder under the inbox."""
    if inbox is None:
        return None
    try:
        relative = path.resolve().relative_to(inbox.resolve())
    except ValueError:
        return None
    return relative.parts[0] if len(relative.parts) > 1 else None


class IngestService:
    """Ingests files. With `parse_processes`, parsing (CPU-bound, ~1,000 hands/s per core)
    runs in a process pool beside the database writes; otherwise in a thread."""

    def __init__(
        self, engine: AsyncEngine, settings: Settings, *, parse_processes: int = 0
    ) -> None:
        self._pool_size = parse_processes
        self._pool = self._new_pool(parse_processes) if parse_processes > 0 else None
        self._engine = engine
        self._settings = settings
        self.config = IngestConfig(
            premium_threshold=settings.hub_premium_threshold,
            recording_offsets_s=settings.recording_offsets,
        )
        self.quarantine_dir = settings.quarantine_dir
        #: Files whose failure this service recorded; their incident closes on success.
        self._failed: set[Path] = set()

    @staticmethod
    def _new_pool(size: int) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=size, mp_context=multiprocessing.get_context("spawn")
        )

    @property
    def settings(self) -> Settings:
        return self._settings

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    async def ingest(self, path: Path, *, inbox: Path | None = None) -> FileResult:
        kind = classify(path)
        if kind is None:
            return FileResult(path, None, Outcome.IGNORED)
        try:
            size = (await asyncio.to_thread(path.stat)).st_size
            if size > MAX_FILE_BYTES:
                raise InvalidInput(
                    f"{path.name} is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}"
                )
            data = await asyncio.to_thread(path.read_bytes)
            if kind == FileKind.WSOP and path.suffix.lower() == ".json":
                kind = FileKind.GFX_JSON if looks_like_pokergfx(data) else kind
            if kind == FileKind.WSOP:
                result = await self._ingest_wsop(path, data)
            else:
                result = await self._ingest_gfx(path, kind, data, inbox)
            if path in self._failed:  # only then is there an incident to close
                async with UnitOfWork(self._engine) as uow:
                    await uow.events.resolve_incident(
                        f"ingest_failed:{path}", "ingest", "the file was ingested"
                    )
                    await uow.commit()
                self._failed.discard(path)
            return result
        except SessionNotImportedYet as exc:
            return FileResult(path, kind, Outcome.DEFERRED, error=str(exc))
        except (PokerGfxFormatError, WsopFormatError, InvalidInput) as exc:
            return await self._quarantine(path, kind, str(exc), move=inbox is not None)

    async def _ingest_gfx(
        self, path: Path, kind: FileKind, data: bytes, inbox: Path | None
    ) -> FileResult:
        pc_id = gfx_pc_id(path, inbox)
        args = (kind == FileKind.GFX_JSON, data, path.name, self.config, pc_id)
        if self._pool is not None:
            try:
                sessions = await asyncio.get_running_loop().run_in_executor(
                    self._pool, prepare_file, *args
                )
            except BrokenProcessPool:  # a parser process died (OOM killer): start afresh
                log.error("ingest: a parsing process died; restarting the pool")
                self._pool = self._new_pool(self._pool_size)
                sessions = await asyncio.to_thread(prepare_file, *args)
        else:
            sessions = await asyncio.to_thread(prepare_file, *args)
        stored = await self._store_with_retry(path, sessions, len(data), pc_id)
        if stored.duplicate:
            return FileResult(path, kind, Outcome.DUPLICATE, session_id=stored.session_id)
        created = await generator.for_hands(
            self._engine, [h.hub_hand_id for h in stored.new + stored.updated], self._settings
        )
        log.info(
            "ingest %s: session %s, %d new hands, %d updated, %d instructions",
            path.name,
            stored.session_id,
            stored.hands_new,
            stored.hands_updated,
            created,
        )
        return FileResult(
            path,
            kind,
            Outcome.IMPORTED,
            hands_new=stored.hands_new,
            hands_updated=stored.hands_updated,
            instructions=created,
            session_id=stored.session_id,
            new_hand_ids=[h.hub_hand_id for h in stored.new],
        )

    async def _store_with_retry(
        self, path: Path, sessions: list[PreparedSession], size: int, pc_id: str | None
    ) -> StoreResult:
        """One transaction; a deadlock with a concurrent import (both waiting on shared
        player rows) is retried, since the loser was rolled back whole."""
        for attempt in range(1, STORE_ATTEMPTS + 1):
            try:
                async with UnitOfWork(self._engine) as uow:
                    stored = await store_file(
                        uow, sessions, file_name=path.name, file_size=size, gfx_pc_id=pc_id
                    )
                    await uow.commit()
                return stored
            except SessionUnknown as exc:
                raise SessionNotImportedYet(str(exc)) from None
            except (DBAPIError, asyncpg.PostgresError) as exc:
                if attempt == STORE_ATTEMPTS or not _is_transient(exc):
                    raise
                log.warning("ingest %s: %s; trying again", path.name, exc)
        raise AssertionError("unreachable")

    async def _ingest_wsop(self, path: Path, data: bytes) -> FileResult:
        detect_format(path.name, data[:4096])  # raises WsopFormatError for a stranger
        result: WsopImportResult = await import_wsop_file(
            self._engine, path.name, data, settings=self._settings
        )
        if result.duplicate:
            return FileResult(path, FileKind.WSOP, Outcome.DUPLICATE, target=result.target)
        return FileResult(
            path,
            FileKind.WSOP,
            Outcome.IMPORTED,
            target=result.target,
            rows_imported=result.rows_imported,
            rows_failed=result.rows_failed,
            instructions=result.instructions,
            error="; ".join(result.error_lines[:5]) or None,
        )

    async def record_failure(self, path: Path, exc: Exception) -> None:
        """A file that could not be ingested for a reason other than its content (the
        database is down, the disk is full): one open event per file until it succeeds."""
        self._failed.add(path)
        try:
            async with UnitOfWork(self._engine) as uow:
                await uow.events.record(
                    MonitoringEventIn(
                        event_type="ingest_failed",
                        severity=Severity.ERROR,
                        source="ingest",
                        message=f"{path.name}: {exc.__class__.__name__}: {exc}"[:2000],
                        payload={"file": str(path)},
                        incident_key=f"ingest_failed:{path}",
                    )
                )
                await uow.commit()
        except Exception:  # noqa: BLE001 - PostgreSQL may be the reason; the log line stands
            log.warning("could not record the ingest failure of %s", path.name)

    async def _quarantine(
        self, path: Path, kind: FileKind | None, reason: str, *, move: bool
    ) -> FileResult:
        """Put the file in the quarantine folder with its reason next to it; record an
        event. A watched inbox file is moved out of the way; a file named on the command
        line is copied (the operator's own folder is left as it was)."""
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        self.quarantine_dir.mkdir(parents=True, exist_ok=True)
        target = self.quarantine_dir / f"{stamp}-{path.name}"
        try:
            transfer = shutil.move if move else shutil.copy2
            await asyncio.to_thread(transfer, str(path), str(target))
            target.with_name(target.name + ".error.txt").write_text(
                f"{path.name} was quarantined at {stamp} UTC:\n{reason}\n", encoding="utf-8"
            )
        except OSError as exc:
            log.error("could not quarantine %s: %s", path, exc)
        log.warning("ingest: quarantined %s: %s", path.name, reason)
        try:
            async with UnitOfWork(self._engine) as uow:
                event = await uow.events.record(
                    MonitoringEventIn(
                        event_type="ingest_quarantined",
                        severity=Severity.WARNING,
                        source="ingest",
                        message=f"{path.name}: {reason}"[:2000],
                        payload={
                            "file": path.name,
                            "kind": kind.value if kind else None,
                            "quarantined_as": str(target),
                        },
                    )
                )
                if event is not None:
                    await uow.emit("alert", event.model_dump(mode="json"))
                await uow.commit()
        except Exception:  # noqa: BLE001 - the file is safe; the log line stands
            log.exception("could not record the quarantine of %s", path.name)
        return FileResult(path, kind, Outcome.QUARANTINED, error=reason)


def iter_files(root: Path) -> list[Path]:
    """Every regular file under `root`, JSON before `.txt` so sessions exist first."""
    found = [Path(d) / f for d, _, files in os.walk(root) for f in files]
    return sorted(found, key=lambda p: (classify(p) == FileKind.GFX_TXT, str(p)))
