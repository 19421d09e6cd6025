import pytest

from wsop_hub.domain.enums import RenderStatus as S
from wsop_hub.domain.transitions import (
    TERMINAL,
    can_transition,
    check_transition,
    retry_delay_s,
    sources_of,
)
from wsop_hub.errors import Conflict


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (S.PENDING, S.PROCESSING),
        (S.PROCESSING, S.COMPLETED),
        (S.PROCESSING, S.FAILED),
        (S.PROCESSING, S.STALE),
        (S.STALE, S.PENDING),
        (S.FAILED, S.PENDING),
        (S.PENDING, S.CANCELLED),
        (S.PROCESSING, S.CANCELLED),
    ],
)
def test_lifecycle_moves_are_legal(current: S, target: S) -> None:
    assert can_transition(current, target)
    check_transition(current, target)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (S.COMPLETED, S.PENDING),
        (S.COMPLETED, S.PROCESSING),
        (S.PENDING, S.COMPLETED),
        (S.CANCELLED, S.PROCESSING),
        (S.FAILED, S.COMPLETED),
    ],
)
def test_illegal_moves_raise_conflict(current: S, target: S) -> None:
    assert not can_transition(current, target)
    with pytest.raises(Conflict, match=f"from {current} to {target}"):
        check_transition(current, target)


def test_completed_is_a_dead_end() -> None:
    assert all(not can_transition(S.COMPLETED, target) for target in S)
    assert S.COMPLETED in TERMINAL


def test_backoff_doubles_from_the_base() -> None:
    assert [retry_delay_s(60, n) for n in range(3)] == [60, 120, 240]
    assert retry_delay_s(5, 0) == 5


def test_sources_of_completed_is_only_processing() -> None:
    assert sources_of(S.COMPLETED) == {S.PROCESSING}
    assert sources_of(S.PROCESSING) == {S.PENDING}
