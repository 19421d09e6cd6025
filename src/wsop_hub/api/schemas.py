"""Request and response bodies of the operations API (they are the OpenAPI description)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from wsop_hub.domain.enums import RenderStatus, TriggerType
from wsop_hub.domain.models import HistoryEntry, MonitoringEvent, RenderInstruction, RenderOutput

Reason = Field(min_length=3, max_length=500, description="why: recorded in the history")
MAX_ID = 2**63 - 1  # bigint: a larger id names nothing and must not reach the driver
DbId = Annotated[int, Field(ge=1, le=MAX_ID)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RetryBody(_Body):
    instruction_id: DbId
    reason: str = Reason


class CancelBody(RetryBody):
    pass


class RerenderBody(RetryBody):
    pass


class ChangePriorityBody(_Body):
    instruction_id: DbId
    priority: int = Field(ge=1, le=10, description="1 is highest")
    reason: str = Reason


class BulkRetryFilter(_Body):
    status: list[RenderStatus] = Field(default=[RenderStatus.FAILED], min_length=1)
    created_after: datetime | None = None
    created_before: datetime | None = None
    template_name: str | None = Field(default=None, max_length=200)
    trigger_type: TriggerType | None = None


class BulkRetryBody(_Body):
    filter: BulkRetryFilter = Field(default_factory=BulkRetryFilter)
    reason: str = Reason
    limit: int = Field(default=500, ge=1, le=5000, description="at most this many jobs")


class BulkRetryResult(BaseModel):
    count: int
    instruction_ids: list[int]


class ResolveBody(_Body):
    notes: str = Field(default="", max_length=2000)
    resolved_by: str | None = Field(
        default=None, max_length=200, description="ignored: the authenticated user is recorded"
    )


class InstructionPage(BaseModel):
    items: list[RenderInstruction]
    next_before_id: int | None = Field(description="pass as before_id for the next page")


class EventPage(BaseModel):
    items: list[MonitoringEvent]
    next_before_id: int | None


class RoleStatus(BaseModel):
    last_activity: datetime | None
    model_config = ConfigDict(extra="allow")


class QueueDepth(BaseModel):
    pending: int
    processing: int
    retry_scheduled: int = 0
    pending_by_priority: dict[int, int] = {}


class DashboardMetrics(BaseModel):
    throughput_1h: int
    avg_latency_1h_ms: float | None
    error_rate_1h: float | None
    queue_depth: dict[str, int]


class DataFlowHealth(BaseModel):
    orphan_hands: int
    delayed_instructions: int
    completion_rate: float | None


class Dashboard(BaseModel):
    projects: dict[str, RoleStatus]
    metrics: DashboardMetrics
    active_alerts: list[MonitoringEvent]
    data_flow_health: DataFlowHealth


class Throughput(BaseModel):
    window: str
    completed: int
    per_minute: float


class ErrorRate(BaseModel):
    window: str
    failed: int
    settled: int
    error_rate: float | None


class Latency(BaseModel):
    window: str
    jobs: int
    wait_avg: float | None = Field(description="created → started, ms")
    wait_p50: float | None
    wait_p95: float | None
    render_avg: float | None = Field(description="started → completed, ms")


class FlowInstruction(RenderInstruction):
    status_chain: list[RenderStatus]
    history: list[HistoryEntry]


class DataFlow(BaseModel):
    hand: dict[str, Any]
    instructions: list[FlowInstruction]
    outputs: list[RenderOutput]


class WorkerInfo(BaseModel):
    id: str
    role: str
    hostname: str
    pid: int
    concurrency: int
    status: str
    current_job_ids: list[int]
    started_at: datetime
    heartbeat_at: datetime
    heartbeat_age_s: float
