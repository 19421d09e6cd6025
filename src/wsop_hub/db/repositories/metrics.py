"""Inputs of the anomaly detector: a few deliberate, indexed queries over a time window.

Every query takes `now` (None: PostgreSQL's `now()`), so tests and replays can place the
window anywhere instead of waiting for real time to pass. Windows are half-open on the
left, `(now - window, now]`, so one row is never counted in two adjacent windows.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import DateTime, bindparam, text
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.elements import TextClause

#: The query's clock: the caller's `now`, or the server's.
_CLOCK = "COALESCE(CAST(:now AS timestamptz), now())"


def _timed(sql: str) -> TextClause:
    return text(sql.replace(":clock", _CLOCK)).bindparams(
        bindparam("now", type_=DateTime(timezone=True))
    )


class PendingWait(NamedTuple):
    id: int
    priority: int
    template_name: str
    waited_s: float


class RecentPremiumHand(NamedTuple):
    id: int
    table_id: str
    hand_number: int
    age_s: float


_PENDING_OLDER_THAN = _timed(
    """
    SELECT id, priority, template_name, extract(epoch FROM :clock - available_at) AS waited_s
      FROM render_instructions
     WHERE status = 'pending'
       AND available_at < :clock - make_interval(secs => :older_than_s)
     ORDER BY available_at, id
    """
)

# `ix_hands_premium_created_at` is a partial index on premium hands, so the window bounds
# the scan; NOT EXISTS probes `ix_render_instructions_hand_id` per hand.
_PREMIUM_WITHOUT_INSTRUCTION = _timed(
    """
    SELECT h.id, h.table_id, h.hand_number, extract(epoch FROM :clock - h.created_at) AS age_s
      FROM hands h
     WHERE h.is_premium
       AND h.created_at > :clock - make_interval(secs => :lookback_s)
       AND h.created_at <= :clock
       AND NOT EXISTS (SELECT 1 FROM render_instructions ri WHERE ri.hand_id = h.id)
     ORDER BY h.created_at, h.id
    """
)

# Both use the history index `(to_status, at)`.
_SETTLED_IN_WINDOW = _timed(
    """
    SELECT count(*) FILTER (WHERE to_status = 'failed') AS failed,
           count(*) AS settled
      FROM instruction_history
     WHERE to_status IN ('completed', 'failed')
       AND at > :clock - make_interval(secs => :window_s) AND at <= :clock
    """
)

_COMPLETED_TWO_WINDOWS = _timed(
    """
    SELECT count(*) FILTER (WHERE at > :clock - make_interval(secs => :window_s)) AS current,
           count(*) FILTER (WHERE at <= :clock - make_interval(secs => :window_s)) AS previous
      FROM instruction_history
     WHERE to_status = 'completed'
       AND at > :clock - make_interval(secs => :two_windows_s) AND at <= :clock
    """
)


class FinalFailure(NamedTuple):
    id: int
    template_name: str
    attempt: int
    error_message: str
    age_s: float


# Partial index `ix_render_instructions_completed_at` bounds the window; failed rows with
# a retry scheduled are not final.
_FINAL_FAILURES = _timed(
    """
    SELECT id, template_name, attempt, COALESCE(error_message, ''),
           extract(epoch FROM :clock - completed_at) AS age_s
      FROM render_instructions
     WHERE status = 'failed' AND next_retry_at IS NULL
       AND completed_at > :clock - make_interval(secs => :lookback_s)
     ORDER BY completed_at DESC, id
     LIMIT :limit
    """
)


class MetricsRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._conn = connection

    async def _rows(self, statement: TextClause, **params: Any) -> list[Any]:
        return list(await self._conn.execute(statement, params))

    async def pending_older_than(
        self, older_than_s: float, *, now: datetime | None = None
    ) -> list[PendingWait]:
        """Pending jobs made available (created, retried, released) more than
        `older_than_s` before `now`, oldest first. `available_at` rather than `created_at`:
        a job retried five minutes ago has waited five minutes, not since its creation."""
        rows = await self._rows(_PENDING_OLDER_THAN, now=now, older_than_s=float(older_than_s))
        return [PendingWait(int(r[0]), int(r[1]), str(r[2]), float(r[3])) for r in rows]

    async def premium_hands_without_instruction(
        self, lookback_s: float, *, now: datetime | None = None
    ) -> list[RecentPremiumHand]:
        """Premium hands ingested within `lookback_s` before `now` that no render
        instruction refers to, oldest first."""
        rows = await self._rows(_PREMIUM_WITHOUT_INSTRUCTION, now=now, lookback_s=float(lookback_s))
        return [RecentPremiumHand(int(r[0]), str(r[1]), int(r[2]), float(r[3])) for r in rows]

    async def settled_attempts(
        self, window_s: float, *, now: datetime | None = None
    ) -> tuple[int, int]:
        """(failed, settled) attempts in the window: every failed attempt counts, including
        the ones the retry timer will run again, since each is a render that went wrong."""
        [row] = await self._rows(_SETTLED_IN_WINDOW, now=now, window_s=float(window_s))
        return int(row[0]), int(row[1])

    async def completed_this_and_previous_window(
        self, window_s: float, *, now: datetime | None = None
    ) -> tuple[int, int]:
        """(completions in `(now - w, now]`, completions in `(now - 2w, now - w]`)."""
        [row] = await self._rows(
            _COMPLETED_TWO_WINDOWS, now=now, window_s=float(window_s), two_windows_s=2.0 * window_s
        )
        return int(row[0]), int(row[1])

    async def retry_scheduled(self) -> int:
        """Failed jobs waiting for their automatic retry (partial index `retry_due`)."""
        value = await self._conn.scalar(
            text(
                "SELECT count(*) FROM render_instructions"
                " WHERE status = 'failed' AND next_retry_at IS NOT NULL"
            )
        )
        return int(value or 0)

    async def pending_count(self) -> int:
        """Jobs waiting to be claimed (partial index on pending)."""
        value = await self._conn.scalar(
            text("SELECT count(*) FROM render_instructions WHERE status = 'pending'")
        )
        return int(value or 0)

    async def final_failures(
        self, lookback_s: float, *, limit: int = 1000, now: datetime | None = None
    ) -> list[FinalFailure]:
        """Jobs that failed with no retry left within `lookback_s`, newest first."""
        rows = await self._rows(
            _FINAL_FAILURES, now=now, lookback_s=float(lookback_s), limit=int(limit)
        )
        return [FinalFailure(int(r[0]), str(r[1]), int(r[2]), str(r[3]), float(r[4])) for r in rows]
