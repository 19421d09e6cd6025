"""Which render-instruction status changes are legal (ARCHITECTURE "Job lifecycle").

`stale` is the mark the reaper leaves on an attempt whose lease expired; the job moves on
to `pending` (retry) or `failed` (retries exhausted) in the same transaction.
"""

from __future__ import annotations

from wsop_hub.domain.enums import RenderStatus as S
from wsop_hub.errors import Conflict

LEGAL_TRANSITIONS: dict[S, frozenset[S]] = {
    S.PENDING: frozenset({S.PROCESSING, S.CANCELLED, S.FAILED}),
    S.PROCESSING: frozenset({S.COMPLETED, S.FAILED, S.PENDING, S.STALE, S.CANCELLED}),
    S.STALE: frozenset({S.PENDING, S.FAILED}),
    S.FAILED: frozenset({S.PENDING}),
    S.CANCELLED: frozenset({S.PENDING}),
    S.COMPLETED: frozenset(),
}

TERMINAL = frozenset({S.COMPLETED, S.FAILED, S.CANCELLED})


def can_transition(current: S, target: S) -> bool:
    return target in LEGAL_TRANSITIONS[current]


def check_transition(current: S, target: S) -> None:
    """Raise Conflict when `current → target` is not a legal move."""
    if not can_transition(current, target):
        raise Conflict(f"cannot move a render instruction from {current} to {target}")


def retry_delay_s(base_s: float, retry_count: int) -> float:
    """Exponential backoff: base · 2^retry_count (60 s, 120 s, 240 s with base 60)."""
    return base_s * (2 ** max(retry_count, 0))


def sources_of(target: S) -> frozenset[S]:
    """Statuses from which `target` can be reached (for compare-and-set WHERE clauses)."""
    return frozenset(src for src, targets in LEGAL_TRANSITIONS.items() if target in targets)
