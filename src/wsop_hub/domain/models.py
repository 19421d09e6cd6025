"""Pydantic v2 models of SPEC §2: what the hub stores and what crosses its API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from wsop_hub.domain.enums import (
    HandRank,
    OutputFormat,
    RenderStatus,
    Severity,
    SourceType,
    TriggerType,
)

#: Largest layer_data accepted, serialised. A graphic's data is a few KB; anything near
#: this is a bug upstream, not a graphic.
MAX_LAYER_DATA_BYTES = 256 * 1024


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class HandPlayer(_Model):
    seat: int = Field(ge=1, le=10)
    name: str = Field(min_length=1, max_length=200)
    stack: int = Field(ge=0)
    hole_cards: list[str] = Field(default_factory=list, max_length=4)


class HandIn(_Model):
    """A hand as ingest hands it to the hub."""

    table_id: str = Field(min_length=1, max_length=100)
    hand_number: int = Field(ge=0)
    source: SourceType
    hand_rank: HandRank | None = None
    is_premium: bool = False
    pot_size: int = Field(default=0, ge=0)
    winner: str | None = None
    players: list[HandPlayer] = Field(default_factory=list, max_length=10)
    community_cards: list[str] = Field(default_factory=list, max_length=5)
    actions: list[dict[str, Any]] = Field(default_factory=list)
    duration_s: float | None = Field(default=None, ge=0)
    started_at: datetime | None = None


class Hand(HandIn):
    id: int
    created_at: datetime
    updated_at: datetime


class OutputSettings(_Model):
    format: OutputFormat = OutputFormat.MOV_ALPHA
    width: int = Field(default=1920, ge=16, le=7680)
    height: int = Field(default=1080, ge=16, le=4320)
    fps: float = Field(default=30.0, gt=0, le=120)
    duration_frames: int = Field(default=150, ge=1, le=30 * 60 * 60)
    quality: int = Field(default=90, ge=1, le=100)


class RenderInstructionIn(_Model):
    """What a caller asks for; validated before anything is stored."""

    template_name: str = Field(min_length=1, max_length=200)
    layer_data: dict[str, Any] = Field(default_factory=dict)
    output_settings: OutputSettings = Field(default_factory=OutputSettings)
    priority: int = Field(default=5, ge=1, le=10, description="1 is highest, 10 lowest")
    trigger_type: TriggerType = TriggerType.MANUAL
    trigger_id: str | None = Field(default=None, max_length=200)
    hand_id: int | None = Field(default=None, ge=1, le=2**63 - 1)
    max_retries: int | None = Field(default=None, ge=0, le=20)
    dedup_key: str | None = Field(
        default=None,
        max_length=300,
        description="idempotency key: a second create with the same key returns the first",
    )
    force_render: bool = Field(
        default=False,
        description="render even when an identical output (same data hash) is cached",
    )

    @field_validator("layer_data")
    @classmethod
    def _bounded_layer_data(cls, value: dict[str, Any]) -> dict[str, Any]:
        import json

        size = len(json.dumps(value, default=str))
        if size > MAX_LAYER_DATA_BYTES:
            raise ValueError(f"layer_data is {size} bytes; the limit is {MAX_LAYER_DATA_BYTES}")
        return value


class RenderInstruction(_Model):
    id: int
    template_name: str
    layer_data: dict[str, Any]
    output_settings: OutputSettings
    status: RenderStatus
    priority: int
    trigger_type: TriggerType
    trigger_id: str | None
    hand_id: int | None
    dedup_key: str | None
    attempt: int
    worker_id: str | None
    lease_expires_at: datetime | None
    available_at: datetime
    next_retry_at: datetime | None
    retry_count: int
    max_retries: int
    error_message: str | None
    created_at: datetime
    updated_at: datetime
    started_at: datetime | None
    completed_at: datetime | None
    force_render: bool = False


class HistoryEntry(_Model):
    id: int
    instruction_id: int
    from_status: RenderStatus | None
    to_status: RenderStatus
    attempt: int
    actor: str
    reason: str | None
    at: datetime


class RenderOutput(_Model):
    id: int
    instruction_id: int
    attempt: int
    output_path: str
    file_size: int | None
    frame_count: int | None
    render_duration_ms: int | None
    status: str
    error_message: str | None
    created_at: datetime
    completed_at: datetime | None
    data_hash: str | None = Field(
        default=None, description="sha256 of template, version, bound values, output settings"
    )
    cached: bool = Field(default=False, description="a cache hit: the file of an earlier render")
    template_version: str | None = None


class MonitoringEventIn(_Model):
    event_type: str = Field(min_length=1, max_length=100)
    severity: Severity
    source: str = Field(default="hub", max_length=100)
    message: str = Field(default="", max_length=2000)
    payload: dict[str, Any] = Field(default_factory=dict)
    incident_key: str | None = Field(
        default=None, description="one open event per key: a repeated detection is not a new event"
    )


class MonitoringEvent(MonitoringEventIn):
    id: int
    created_at: datetime
    resolved: bool
    resolved_at: datetime | None
    resolved_by: str | None
    notes: str | None


class TournamentIn(_Model):
    name: str = Field(min_length=1, max_length=300)
    event_code: str = Field(min_length=1, max_length=100)
    buy_in_cents: int | None = Field(default=None, ge=0)
    prize_pool_cents: int | None = Field(default=None, ge=0)
    entries: int | None = Field(default=None, ge=0)
    remaining_players: int | None = Field(default=None, ge=0)
    level: int | None = Field(default=None, ge=0)
    blinds: dict[str, Any] = Field(default_factory=dict)
    payouts: list[dict[str, Any]] = Field(default_factory=list)
    standings: list[dict[str, Any]] = Field(default_factory=list)
