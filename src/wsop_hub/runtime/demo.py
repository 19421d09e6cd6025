"""`up --demo`: replays sample exports into the inbox at a live pace.

Each sample session is fed the way PokerGFX writes it during a broadcast: the export of
the session is rewritten with a few more hands every `pace_s` seconds (written beside the
inbox, then renamed in, as a finished copy from the feature-table PC). The WSOP+ event,
players, chip counts and standings are dropped in at the start. A new user watches hands
arrive, instructions get created, renders run and outputs appear on the dashboard.

The samples live in the project's `demo/` folder (taken from real exports of the WSOP
Super Circuit Cyprus 2025 Main Event), so the demo works on any machine.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

DEMO_DIR = Path(__file__).resolve().parents[3] / "demo"
FIRST_HANDS = 10
HANDS_PER_STEP = 2


class DemoFeeder:
    def __init__(self, inbox: Path, *, demo_dir: Path = DEMO_DIR, pace_s: float = 4.0) -> None:
        self.inbox = inbox
        self.demo_dir = demo_dir
        self.pace_s = pace_s
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        if not (self.demo_dir / "pokergfx").is_dir():
            raise FileNotFoundError(f"demo data not found in {self.demo_dir}")
        self.inbox.mkdir(parents=True, exist_ok=True)
        staging = self.inbox.parent / "demo-staging"
        staging.mkdir(parents=True, exist_ok=True)
        for source in sorted((self.demo_dir / "wsop_plus").glob("*")):
            self._drop(staging, source.name, source.read_bytes(), self.inbox)
        for export in sorted((self.demo_dir / "pokergfx").glob("*/*.json")):
            thread = threading.Thread(
                target=self._feed, args=(export, staging), name=f"demo:{export.parent.name}"
            )
            thread.daemon = True
            thread.start()
            self._threads.append(thread)
        log.info("demo: feeding %d sessions into %s", len(self._threads), self.inbox)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=5)

    def _feed(self, export: Path, staging: Path) -> None:
        session: dict[str, Any] = json.loads(export.read_text(encoding="utf-8-sig"))
        hands = session["Hands"]
        target = self.inbox / export.parent.name
        count = min(FIRST_HANDS, len(hands))
        while not self._stop.is_set():
            data = json.dumps({**session, "Hands": hands[:count]}).encode()
            self._drop(staging, export.name, data, target)
            if count >= len(hands):
                log.info("demo: session %s fully replayed", session.get("ID"))
                return
            count = min(count + HANDS_PER_STEP, len(hands))
            self._stop.wait(self.pace_s)

    @staticmethod
    def _drop(staging: Path, name: str, data: bytes, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        temporary = staging / f"{folder.name}-{name}"
        temporary.write_bytes(data)
        os.replace(temporary, folder / name)
