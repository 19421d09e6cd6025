"""Read-side queries of the monitoring API: windows, counts, listings with keyset paging.

Every time-window query is bounded by an indexed timestamp (history `(to_status, at)`,
`render_instructions.completed_at`, partial queue indexes), so its cost follows the window,
not the table size.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from wsop_hub.db.tables import (
    hands,
    monitoring_events,
    render_instructions,
    render_outputs,
    workers,
)


def _window(seconds: float) -> Any:
    return text(f"now() - make_interval(secs => {float(seconds)})")


class MonitoringRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._conn = connection

    async def transitions_in_window(self, window_s: float) -> dict[str, int]:
        """How many jobs reached completed / failed in the window (from history)."""
        rows = await self._conn.execute(
            text(
                "SELECT to_status, count(*) FROM instruction_history"
                " WHERE to_status IN ('completed', 'failed')"
                " AND at >= now() - make_interval(secs => :window_s) GROUP BY to_status"
            ),
            {"window_s": window_s},
        )
        counts = {"completed": 0, "failed": 0}
        counts.update({str(r[0]): int(r[1]) for r in rows})
        return counts

    async def latency_in_window(self, window_s: float) -> dict[str, float | int | None]:
        """Queue wait (created → started) and render time (started → completed) of the jobs
        completed in the window, in milliseconds."""
        row = (
            (
                await self._conn.execute(
                    text(
                        """
                    SELECT count(*) AS jobs,
                           avg(extract(epoch FROM started_at - created_at)) * 1000 AS wait_avg,
                           percentile_cont(0.5) WITHIN GROUP (
                               ORDER BY extract(epoch FROM started_at - created_at)) * 1000 AS wait_p50,
                           percentile_cont(0.95) WITHIN GROUP (
                               ORDER BY extract(epoch FROM started_at - created_at)) * 1000 AS wait_p95,
                           avg(extract(epoch FROM completed_at - started_at)) * 1000 AS render_avg
                      FROM render_instructions
                     WHERE completed_at >= now() - make_interval(secs => :window_s)
                       AND status = 'completed'
                    """
                    ),
                    {"window_s": window_s},
                )
            )
            .mappings()
            .one()
        )
        return {k: (float(v) if v is not None and k != "jobs" else v) for k, v in row.items()}

    async def queue_depth(self) -> dict[str, Any]:
        """One round trip, each part bounded by a partial index (pending queue, processing
        lease, retry due): none of them reads the million settled rows."""
        rows = await self._conn.execute(
            text(
                "SELECT 'pending', priority, count(*) FROM render_instructions"
                " WHERE status = 'pending' GROUP BY priority"
                " UNION ALL SELECT 'processing', NULL, count(*) FROM render_instructions"
                " WHERE status = 'processing'"
                " UNION ALL SELECT 'retry_scheduled', NULL, count(*) FROM render_instructions"
                " WHERE status = 'failed' AND next_retry_at IS NOT NULL"
            )
        )
        pending_by_priority: dict[int, int] = {}
        totals = {"processing": 0, "retry_scheduled": 0}
        for part, priority, count in rows:
            if part == "pending":
                pending_by_priority[int(priority)] = int(count)
            else:
                totals[str(part)] = int(count)
        return {
            "pending": sum(pending_by_priority.values()),
            **totals,
            "pending_by_priority": dict(sorted(pending_by_priority.items())),
        }

    async def count_orphan_premium_hands(self, within_s: float) -> int:
        """Premium hands of the last `within_s` with no render instruction (index-bounded)."""
        return int(
            await self._conn.scalar(
                text(
                    "SELECT count(*) FROM hands h WHERE h.is_premium"
                    " AND h.created_at >= now() - make_interval(secs => :s)"
                    " AND NOT EXISTS (SELECT 1 FROM render_instructions ri WHERE ri.hand_id = h.id)"
                ),
                {"s": within_s},
            )
            or 0
        )

    async def delayed_pending(self, older_than_s: float) -> int:
        return int(
            await self._conn.scalar(
                text(
                    "SELECT count(*) FROM render_instructions WHERE status = 'pending'"
                    " AND created_at < now() - make_interval(secs => :s)"
                ),
                {"s": older_than_s},
            )
            or 0
        )

    async def role_activity(self) -> dict[str, dict[str, Any]]:
        """Last activity and 1-hour counts of the three roles.

        Each figure is its own statement so each is an index scan (max() reads one index
        entry, the count reads the last hour of it); a combined `count(*) FILTER` would
        scan the whole table.
        """
        ri = render_instructions

        async def scalar(statement: Any) -> Any:
            return await self._conn.scalar(statement)

        hour_ago = _window(3600)
        return {
            "feature_table": {
                "last_activity": await scalar(select(func.max(hands.c.created_at))),
                "hands_1h": int(
                    await scalar(
                        select(func.count())
                        .select_from(hands)
                        .where(hands.c.created_at >= hour_ago)
                    )
                ),
            },
            "sub": {
                "last_activity": await scalar(select(func.max(ri.c.created_at))),
                "instructions_1h": int(
                    await scalar(
                        select(func.count()).select_from(ri).where(ri.c.created_at >= hour_ago)
                    )
                ),
            },
            "ae": {
                "last_activity": await scalar(select(func.max(ri.c.completed_at))),
                "completed_1h": int(
                    await scalar(
                        select(func.count())
                        .select_from(ri)
                        .where(ri.c.completed_at >= hour_ago, ri.c.status == "completed")
                    )
                ),
                "workers_alive": int(
                    await scalar(
                        select(func.count())
                        .select_from(workers)
                        .where(workers.c.heartbeat_at >= _window(60))
                    )
                    or 0
                ),
            },
        }

    async def list_instructions(
        self,
        *,
        status: str | None,
        priority: int | None,
        template_name: str | None,
        trigger_type: str | None,
        created_after: datetime | None,
        created_before: datetime | None,
        before_id: int | None,
        limit: int,
    ) -> list[dict[str, Any]]:
        """Newest first; keyset paging on id (ids grow with creation time)."""
        ri = render_instructions
        conditions = []
        if status is not None:
            conditions.append(ri.c.status == status)
        if priority is not None:
            conditions.append(ri.c.priority == priority)
        if template_name is not None:
            conditions.append(ri.c.template_name == template_name)
        if trigger_type is not None:
            conditions.append(ri.c.trigger_type == trigger_type)
        if created_after is not None:
            conditions.append(ri.c.created_at >= created_after)
        if created_before is not None:
            conditions.append(ri.c.created_at < created_before)
        if before_id is not None:
            conditions.append(ri.c.id < before_id)
        statement = select(ri).where(*conditions).order_by(ri.c.id.desc()).limit(limit)
        return [dict(r) for r in (await self._conn.execute(statement)).mappings()]

    async def list_events(
        self,
        *,
        severity: str | None,
        resolved: bool | None,
        event_type: str | None,
        before_id: int | None,
        limit: int,
    ) -> list[dict[str, Any]]:
        me = monitoring_events
        conditions = []
        if severity is not None:
            conditions.append(me.c.severity == severity)
        if resolved is not None:
            conditions.append(me.c.resolved == resolved)
        if event_type is not None:
            conditions.append(me.c.event_type == event_type)
        if before_id is not None:
            conditions.append(me.c.id < before_id)
        statement = select(me).where(*conditions).order_by(me.c.id.desc()).limit(limit)
        return [dict(r) for r in (await self._conn.execute(statement)).mappings()]

    async def instructions_of_hand(self, hand_id: int) -> list[dict[str, Any]]:
        statement = (
            select(render_instructions)
            .where(render_instructions.c.hand_id == hand_id)
            .order_by(render_instructions.c.id)
        )
        return [dict(r) for r in (await self._conn.execute(statement)).mappings()]

    async def outputs_of(self, instruction_ids: list[int]) -> list[dict[str, Any]]:
        if not instruction_ids:
            return []
        statement = (
            select(render_outputs)
            .where(render_outputs.c.instruction_id.in_(instruction_ids))
            .order_by(render_outputs.c.id)
        )
        return [dict(r) for r in (await self._conn.execute(statement)).mappings()]

    async def workers(self) -> list[dict[str, Any]]:
        statement = select(
            workers,
            (func.extract("epoch", func.now() - workers.c.heartbeat_at)).label("heartbeat_age_s"),
        ).order_by(workers.c.started_at)
        return [dict(r) for r in (await self._conn.execute(statement)).mappings()]

    async def prometheus_snapshot(self) -> dict[str, Any]:
        """The figures `/metrics` exposes, in a handful of indexed queries."""
        depth = [
            (str(r[0]), int(r[1]), int(r[2]))
            for r in await self._conn.execute(
                text(
                    "SELECT status, priority, count(*) FROM render_instructions"
                    " WHERE status IN ('pending', 'processing', 'failed') GROUP BY 1, 2"
                )
            )
        ]
        outcomes = {
            str(r[0]): int(r[1])
            for r in await self._conn.execute(
                text(
                    "SELECT to_status, count(*) FROM instruction_history"
                    " WHERE to_status IN ('completed', 'failed', 'cancelled', 'stale') GROUP BY 1"
                )
            )
        }
        latency = (
            await self._conn.execute(
                text(
                    """
                    SELECT percentile_cont(ARRAY[0.5, 0.9, 0.99]) WITHIN GROUP (
                               ORDER BY extract(epoch FROM started_at - created_at))
                      FROM render_instructions
                     WHERE completed_at >= now() - interval '15 minutes' AND status = 'completed'
                    """
                )
            )
        ).scalar()
        alive = await self._conn.scalar(
            select(func.count()).select_from(workers).where(workers.c.heartbeat_at >= _window(60))
        )
        anomalies = {
            str(r[0]): int(r[1])
            for r in await self._conn.execute(
                text(
                    "SELECT event_type, count(*) FROM monitoring_events WHERE NOT resolved GROUP BY 1"
                )
            )
        }
        return {
            "depth": depth,
            "outcomes": outcomes,
            "latency": latency or [],
            "workers_alive": int(alive or 0),
            "open_events": anomalies,
        }
