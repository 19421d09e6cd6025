"""Group standings lines into snapshots with the statistics ``wsop_standings`` stores.

Standings.csv carries several snapshots in one file (one per ``snapshot_at``); the table
keeps one row per (event, snapshot time) with the list as JSONB and the chip leader,
average, median and total precomputed for the graphics.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from datetime import datetime
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from wsop_hub.ingest.wsop_plus.records import StandingEntry


class StandingsSnapshot(BaseModel):
    """One leaderboard at one moment.

    ``players_remaining`` is the field count the export states, or the number of lines when
    it does not (a top-N export understates it, so exporters should state it).
    Stack statistics describe the listed lines only.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    event_id: str | None
    snapshot_at: AwareDatetime | None
    day_number: int | None
    level_number: int | None
    players_remaining: Annotated[int, Field(ge=0)]
    total_chips: Annotated[int, Field(ge=0)]
    avg_stack: Annotated[int, Field(ge=0)]
    median_stack: Annotated[int, Field(ge=0)]
    chip_leader: StandingEntry
    entries: tuple[StandingEntry, ...]


def build_snapshots(entries: Iterable[StandingEntry]) -> list[StandingsSnapshot]:
    """Group entries by (event_id, snapshot_at), order each group by rank, and compute the
    snapshot statistics. Snapshots come back in order of first appearance."""
    groups: dict[tuple[str | None, datetime | None], list[StandingEntry]] = {}
    for entry in entries:
        groups.setdefault((entry.event_id, entry.snapshot_at), []).append(entry)
    snapshots = []
    for (event_id, snapshot_at), group in groups.items():
        ranked = tuple(sorted(group, key=lambda entry: (entry.rank, -entry.chip_count)))
        stacks = [entry.chip_count for entry in ranked]
        stated = [entry.players_remaining for entry in ranked if entry.players_remaining]
        snapshots.append(
            StandingsSnapshot(
                event_id=event_id,
                snapshot_at=snapshot_at,
                day_number=_first(entry.day_number for entry in ranked),
                level_number=_first(entry.level_number for entry in ranked),
                players_remaining=max(stated) if stated else len(ranked),
                total_chips=sum(stacks),
                avg_stack=sum(stacks) // len(stacks),
                median_stack=int(statistics.median(stacks)),
                chip_leader=max(ranked, key=lambda entry: entry.chip_count),
                entries=ranked,
            )
        )
    return snapshots


def _first(values: Iterable[int | None]) -> int | None:
    return next((value for value in values if value is not None), None)
