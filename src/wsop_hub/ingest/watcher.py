"""The inbox watcher (`wsop-hub ingest --watch DIR`; `up` runs it on HUB_DATA_DIR/inbox).

- watchfiles (inotify where the OS has it, polling otherwise) reports added and modified
  files; a startup scan picks up whatever arrived while the hub was down;
- a file is read only once it is completely written: its size and mtime unchanged over
  `settle_s` (PokerGFX rewrites the whole export as the session grows);
- files are processed concurrently (HUB_INGEST_CONCURRENCY), but never two of the same
  session at once: PokerGFX files are keyed by their GameID, `.txt` logs by their folder
  (the database also locks the session, so this only avoids waiting on that lock);
- a malformed file is quarantined by the ingest service and the watcher goes on; any
  other failure (PostgreSQL down) is logged, recorded, and the file is retried later;
- `.txt` logs that arrived before their session's JSON are retried after each import.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from watchfiles import Change, awatch

from wsop_hub.ingest.service import FileResult, IngestService, Outcome, classify, iter_files

log = logging.getLogger(__name__)

_GAME_ID = re.compile(r"GameID=(\d+)")
#: How long a failing file (not malformed: e.g. PostgreSQL unavailable) waits to retry.
RETRY_AFTER_S = 10.0


def session_key(path: Path) -> str:
    match = _GAME_ID.search(path.name)
    return f"game:{match.group(1)}" if match else f"dir:{path.parent}"


async def wait_until_stable(
    path: Path,
    settle_s: float,
    timeout_s: float = 300.0,
    pause: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> bool:
    """True once size and mtime held still for `settle_s`; False if the file vanished or
    kept changing past `timeout_s`. (`pause` waits between looks; tests pass their own.)"""
    deadline = time.monotonic() + timeout_s
    try:
        last = await asyncio.to_thread(path.stat)
    except FileNotFoundError:
        return False
    while time.monotonic() < deadline:
        await pause(settle_s)
        try:
            now = await asyncio.to_thread(path.stat)
        except FileNotFoundError:
            return False
        if (now.st_size, now.st_mtime_ns) == (last.st_size, last.st_mtime_ns) and now.st_size:
            return True
        last = now
    return False


class InboxWatcher:
    def __init__(
        self,
        service: IngestService,
        inbox: Path,
        *,
        concurrency: int = 4,
        settle_s: float = 0.5,
        on_result: Callable[[FileResult], Awaitable[None] | None] | None = None,
    ) -> None:
        self.service = service
        self.inbox = inbox
        self.settle_s = settle_s
        self._slots = asyncio.Semaphore(concurrency)
        self._session_locks: dict[str, asyncio.Lock] = {}
        self._queued: set[Path] = set()
        self._deferred: set[Path] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._on_result = on_result
        self._stop = asyncio.Event()
        self.ready = asyncio.Event()

    def stop(self) -> None:
        self._stop.set()

    async def run(self) -> None:
        self.inbox.mkdir(parents=True, exist_ok=True)
        try:
            async for changes in awatch(
                self.inbox,
                stop_event=self._stop,
                debounce=50,
                step=20,
                recursive=True,
                watch_filter=lambda change, name: change != Change.deleted,
                yield_on_timeout=True,
                rust_timeout=500,
            ):
                if not self.ready.is_set():
                    await self.scan()  # after the watch is armed: nothing falls in between
                    self.ready.set()
                for _change, name in changes:
                    self._changed(Path(name))
        finally:
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def scan(self) -> int:
        """Submit every file already in the inbox; returns how many."""
        files = await asyncio.to_thread(iter_files, self.inbox)
        for path in files:
            self.submit(path)
        return len(files)

    def _changed(self, path: Path) -> None:
        if path.is_dir():  # a new PC folder: files may land in it before its watch is set
            for inside in iter_files(path):
                self.submit(inside)
        else:
            self.submit(path)

    def submit(self, path: Path) -> None:
        if path in self._queued or classify(path) is None or not path.is_file():
            return
        self._queued.add(path)
        task = asyncio.create_task(self._process(path), name=f"ingest:{path.name}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def idle(self) -> None:
        """Wait until nothing is queued or running (tests, one-shot runs)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def _process(self, path: Path) -> None:
        try:
            if not await wait_until_stable(path, self.settle_s):
                return
            lock = self._session_locks.setdefault(session_key(path), asyncio.Lock())
            async with self._slots, lock:
                result = await self._ingest(path)
            if result is None:
                return
            if result.outcome == Outcome.DEFERRED:
                self._deferred.add(path)
            elif result.outcome == Outcome.IMPORTED and self._deferred:
                retry, self._deferred = self._deferred, set()
                for waiting in retry:
                    self._queued.discard(waiting)
                    self.submit(waiting)
            if self._on_result is not None:
                maybe = self._on_result(result)
                if maybe is not None:
                    await maybe
        finally:
            self._queued.discard(path)

    async def _ingest(self, path: Path) -> FileResult | None:
        try:
            return await self.service.ingest(path, inbox=self.inbox)
        except Exception as exc:  # noqa: BLE001 - the watcher outlives any one file
            log.exception("ingest of %s failed; retrying in %.0f s", path.name, RETRY_AFTER_S)
            await self.service.record_failure(path, exc)
            asyncio.get_running_loop().call_later(RETRY_AFTER_S, self.submit, path)
            return None
