"""SQLAlchemy Core metadata: the schema as the code sees it.

Alembic migrations (wsop_hub/migrations) are the only way the schema changes; a test
compares a migrated database with this metadata so the two cannot drift apart.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    Table,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING)

RENDER_STATUSES = "('pending','processing','completed','failed','stale','cancelled')"


def created_at() -> Column:  # type: ignore[type-arg]
    return Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now())


def updated_at() -> Column:  # type: ignore[type-arg]
    return Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now())


hands = Table(
    "hands",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("table_id", Text, nullable=False),
    Column("hand_number", BigInteger, nullable=False),
    Column("source", Text, nullable=False),
    Column("hand_rank", Text),
    Column("is_premium", Boolean, nullable=False, server_default=text("false")),
    Column("pot_size", BigInteger, nullable=False, server_default=text("0")),
    Column("winner", Text),
    Column("players", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("community_cards", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("actions", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("duration_s", Float),
    Column("started_at", DateTime(timezone=True)),
    created_at(),
    updated_at(),
    UniqueConstraint("table_id", "hand_number"),
    CheckConstraint("source IN ('rfid','csv','manual')", name="source"),
    Index("ix_hands_created_at", "created_at"),
    Index("ix_hands_premium_created_at", "created_at", postgresql_where=text("is_premium")),
)

tournaments = Table(
    "tournaments",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("name", Text, nullable=False),
    Column("event_code", Text, nullable=False, unique=True),
    Column("buy_in_cents", BigInteger),
    Column("prize_pool_cents", BigInteger),
    Column("entries", Integer),
    Column("remaining_players", Integer),
    Column("level", Integer),
    Column("blinds", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("payouts", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("standings", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    created_at(),
    updated_at(),
)

render_instructions = Table(
    "render_instructions",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("template_name", Text, nullable=False),
    Column("layer_data", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("output_settings", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("status", Text, nullable=False, server_default=text("'pending'")),
    Column("priority", SmallInteger, nullable=False, server_default=text("5")),
    Column("trigger_type", Text, nullable=False),
    Column("trigger_id", Text),
    Column("hand_id", BigInteger, ForeignKey("hands.id", ondelete="SET NULL")),
    Column("dedup_key", Text, unique=True),
    Column("attempt", Integer, nullable=False, server_default=text("0")),
    Column("worker_id", Text),
    Column("lease_expires_at", DateTime(timezone=True)),
    Column("available_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    # Set while a failed attempt waits for its automatic retry (base · 2^retry_count).
    Column("next_retry_at", DateTime(timezone=True)),
    Column("retry_count", Integer, nullable=False, server_default=text("0")),
    Column("max_retries", Integer, nullable=False, server_default=text("3")),
    Column("error_message", Text),
    created_at(),
    updated_at(),
    Column("started_at", DateTime(timezone=True)),
    Column("completed_at", DateTime(timezone=True)),
    CheckConstraint(f"status IN {RENDER_STATUSES}", name="status"),
    CheckConstraint("priority BETWEEN 1 AND 10", name="priority"),
    CheckConstraint("attempt >= 0 AND retry_count >= 0 AND max_retries >= 0", name="counters"),
    # Claim order: pending by priority then age (partial, so it stays small).
    Index(
        "ix_render_instructions_pending_queue",
        "priority",
        "created_at",
        "id",
        postgresql_where=text("status = 'pending'"),
    ),
    # Reaper scan: processing with an expired lease.
    Index(
        "ix_render_instructions_processing_lease",
        "lease_expires_at",
        postgresql_where=text("status = 'processing'"),
    ),
    # Retry timer scan: failed attempts whose retry is due.
    Index(
        "ix_render_instructions_retry_due",
        "next_retry_at",
        postgresql_where=text("status = 'failed' AND next_retry_at IS NOT NULL"),
    ),
    Index("ix_render_instructions_status_created_at", "status", "created_at"),
    Index("ix_render_instructions_completed_at", "completed_at"),
    Index("ix_render_instructions_created_at", "created_at"),
    Index("ix_render_instructions_hand_id", "hand_id"),
)

instruction_history = Table(
    "instruction_history",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column(
        "instruction_id",
        BigInteger,
        ForeignKey("render_instructions.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("from_status", Text),
    Column("to_status", Text, nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("actor", Text, nullable=False),
    Column("reason", Text),
    Column("at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_instruction_history_instruction_id_at", "instruction_id", "at"),
    # Time-window metrics: completions / failures in the last N minutes.
    Index("ix_instruction_history_to_status_at", "to_status", "at"),
)

render_outputs = Table(
    "render_outputs",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column(
        "instruction_id",
        BigInteger,
        ForeignKey("render_instructions.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("attempt", Integer, nullable=False),
    Column("output_path", Text, nullable=False),
    Column("file_size", BigInteger),
    Column("frame_count", Integer),
    Column("render_duration_ms", Integer),
    Column("status", Text, nullable=False, server_default=text("'completed'")),
    Column("error_message", Text),
    created_at(),
    Column("completed_at", DateTime(timezone=True)),
    Index("ix_render_outputs_instruction_id", "instruction_id"),
)

monitoring_events = Table(
    "monitoring_events",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("event_type", Text, nullable=False),
    Column("severity", Text, nullable=False),
    Column("source", Text, nullable=False, server_default=text("'hub'")),
    Column("message", Text, nullable=False, server_default=text("''")),
    Column("payload", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("incident_key", Text),
    created_at(),
    Column("resolved", Boolean, nullable=False, server_default=text("false")),
    Column("resolved_at", DateTime(timezone=True)),
    Column("resolved_by", Text),
    Column("notes", Text),
    CheckConstraint("severity IN ('info','warning','error','critical')", name="severity"),
    Index("ix_monitoring_events_created_at", "created_at"),
    Index("ix_monitoring_events_severity_resolved", "severity", "resolved"),
    # One open incident per key: detectors re-detect without re-inserting.
    Index(
        "uq_monitoring_events_open_incident",
        "incident_key",
        unique=True,
        postgresql_where=text("NOT resolved AND incident_key IS NOT NULL"),
    ),
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("topic", Text, nullable=False),
    Column("instruction_id", BigInteger, ForeignKey("render_instructions.id", ondelete="CASCADE")),
    Column("payload", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    created_at(),
    Column("published_at", DateTime(timezone=True)),
    Index("ix_outbox_unpublished", "id", postgresql_where=text("published_at IS NULL")),
    Index("ix_outbox_published_at", "published_at"),
)

event_log = Table(
    "event_log",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("type", Text, nullable=False),
    Column("data", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    created_at(),
    Index("ix_event_log_created_at", "created_at"),
)

workers = Table(
    "workers",
    metadata,
    Column("id", Text, primary_key=True),
    Column("role", Text, nullable=False, server_default=text("'ae'")),
    Column("hostname", Text, nullable=False),
    Column("pid", Integer, nullable=False),
    Column("concurrency", Integer, nullable=False, server_default=text("1")),
    Column("status", Text, nullable=False, server_default=text("'active'")),
    Column("current_job_ids", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("started_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("heartbeat_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_workers_heartbeat_at", "heartbeat_at"),
)
