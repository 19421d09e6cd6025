"""Controlled vocabularies of WSOP+ data (03-WSOP+-DB §3) and how file values map onto them.

Exports spell statuses several ways (``in_progress``, ``ft``, ``canceled``); the hub stores
one value per meaning so the graphics rules and the sync logic compare enums, not strings.
"""

from __future__ import annotations

import re
from enum import StrEnum


class EventStatus(StrEnum):
    """``wsop_event_status`` plus ``paused``: the tournament-management export (FACTS §2.1 B)
    reports a mid-day break as ``paused``, which is not a day break, so it keeps its own
    value instead of being folded into ``day_break``."""

    UPCOMING = "upcoming"
    REGISTRATION = "registration"
    RUNNING = "running"
    PAUSED = "paused"
    DAY_BREAK = "day_break"
    FINAL_TABLE = "final_table"
    HEADS_UP = "heads_up"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class EventType(StrEnum):
    """``wsop_event_type``."""

    MAIN_EVENT = "MAIN_EVENT"
    BRACELET_EVENT = "BRACELET_EVENT"
    SIDE_EVENT = "SIDE_EVENT"
    SATELLITE = "SATELLITE"
    DEEPSTACK = "DEEPSTACK"
    MYSTERY_BOUNTY = "MYSTERY_BOUNTY"
    HIGH_ROLLER = "HIGH_ROLLER"
    SENIOR = "SENIOR"
    LADIES = "LADIES"
    OTHER = "OTHER"


class PlayerStatus(StrEnum):
    """``wsop_player_status``: a player's state within one event."""

    REGISTERED = "registered"
    ACTIVE = "active"
    ELIMINATED = "eliminated"
    WINNER = "winner"


def _token(value: str) -> str:
    return re.sub(r"[\s\-]+", "_", value.strip().lower())


_EVENT_STATUS_ALIASES: dict[str, EventStatus] = {
    **{status.value: status for status in EventStatus},
    "active": EventStatus.RUNNING,
    "in_progress": EventStatus.RUNNING,
    "live": EventStatus.RUNNING,
    "scheduled": EventStatus.UPCOMING,
    "reg_open": EventStatus.REGISTRATION,
    "break": EventStatus.PAUSED,
    "on_break": EventStatus.PAUSED,
    "ft": EventStatus.FINAL_TABLE,
    "hu": EventStatus.HEADS_UP,
    "finished": EventStatus.COMPLETED,
    "done": EventStatus.COMPLETED,
    "complete": EventStatus.COMPLETED,
    "canceled": EventStatus.CANCELLED,
}

_PLAYER_STATUS_ALIASES: dict[str, PlayerStatus] = {
    **{status.value: status for status in PlayerStatus},
    "playing": PlayerStatus.ACTIVE,
    "alive": PlayerStatus.ACTIVE,
    "busted": PlayerStatus.ELIMINATED,
    "out": PlayerStatus.ELIMINATED,
    "champion": PlayerStatus.WINNER,
}

_EVENT_TYPE_ALIASES: dict[str, EventType] = {
    **{kind.value.lower(): kind for kind in EventType},
    "main": EventType.MAIN_EVENT,
    "bracelet": EventType.BRACELET_EVENT,
    "side": EventType.SIDE_EVENT,
    "deep_stack": EventType.DEEPSTACK,
    "mystery": EventType.MYSTERY_BOUNTY,
    "seniors": EventType.SENIOR,
}

# Ordered: the first phrase found in an event name decides (a "Main Event Satellite" is a
# satellite, so SATELLITE is checked before MAIN_EVENT).
_EVENT_TYPE_PHRASES: tuple[tuple[str, EventType], ...] = (
    ("satellite", EventType.SATELLITE),
    ("mystery bounty", EventType.MYSTERY_BOUNTY),
    ("high roller", EventType.HIGH_ROLLER),
    ("deepstack", EventType.DEEPSTACK),
    ("deep stack", EventType.DEEPSTACK),
    ("senior", EventType.SENIOR),
    ("ladies", EventType.LADIES),
    ("main event", EventType.MAIN_EVENT),
)


def parse_event_status(value: str) -> EventStatus:
    """Map an export's status word to :class:`EventStatus` (FACTS §2.1 normalisation)."""
    status = _EVENT_STATUS_ALIASES.get(_token(value))
    if status is None:
        known = ", ".join(sorted(_EVENT_STATUS_ALIASES))
        raise ValueError(f"unknown event status {value!r} (known: {known})")
    return status


def parse_player_status(value: str) -> PlayerStatus:
    """Map an export's player status word to :class:`PlayerStatus`."""
    status = _PLAYER_STATUS_ALIASES.get(_token(value))
    if status is None:
        known = ", ".join(sorted(_PLAYER_STATUS_ALIASES))
        raise ValueError(f"unknown player status {value!r} (known: {known})")
    return status


def parse_event_type(value: str) -> EventType:
    """Map ``MAIN_EVENT``, ``Main Event``, ``main-event`` … to :class:`EventType`."""
    kind = _EVENT_TYPE_ALIASES.get(_token(value))
    if kind is None:
        known = ", ".join(kind.value for kind in EventType)
        raise ValueError(f"unknown event type {value!r} (known: {known})")
    return kind


def infer_event_type(event_name: str) -> EventType:
    """Guess the event type from its name when the export does not say
    (``tournament_data.csv`` has no type column): "WSOP Main Event" → MAIN_EVENT,
    "Event #12: $5,000 MEGA MYSTERY BOUNTY RAFFLE" → MYSTERY_BOUNTY, otherwise OTHER."""
    words = " ".join(re.sub(r"[^a-z0-9]+", " ", event_name.lower()).split())
    for phrase, kind in _EVENT_TYPE_PHRASES:
        if phrase in words:
            return kind
    return EventType.OTHER
