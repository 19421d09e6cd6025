"""Core tables: hands, tournaments, render instructions, history, outputs.

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hands",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("table_id", sa.Text(), nullable=False),
        sa.Column("hand_number", sa.BigInteger(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("hand_rank", sa.Text(), nullable=True),
        sa.Column("is_premium", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("pot_size", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("winner", sa.Text(), nullable=True),
        sa.Column(
            "players",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        sa.Column(
            "community_cards",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        sa.Column(
            "actions",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        sa.Column("duration_s", sa.Float(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("source IN ('rfid','csv','manual')", name=op.f("ck_hands_source")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hands")),
        sa.UniqueConstraint("table_id", "hand_number", name=op.f("uq_hands_table_id_hand_number")),
    )
    op.create_index("ix_hands_created_at", "hands", ["created_at"], unique=False)
    op.create_index(
        "ix_hands_premium_created_at",
        "hands",
        ["created_at"],
        unique=False,
        postgresql_where=sa.text("is_premium"),
    )
    op.create_table(
        "tournaments",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("event_code", sa.Text(), nullable=False),
        sa.Column("buy_in_cents", sa.BigInteger(), nullable=True),
        sa.Column("prize_pool_cents", sa.BigInteger(), nullable=True),
        sa.Column("entries", sa.Integer(), nullable=True),
        sa.Column("remaining_players", sa.Integer(), nullable=True),
        sa.Column("level", sa.Integer(), nullable=True),
        sa.Column(
            "blinds",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column(
            "payouts",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        sa.Column(
            "standings",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tournaments")),
        sa.UniqueConstraint("event_code", name=op.f("uq_tournaments_event_code")),
    )
    op.create_table(
        "render_instructions",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("template_name", sa.Text(), nullable=False),
        sa.Column(
            "layer_data",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column(
            "output_settings",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column("status", sa.Text(), server_default=sa.text("'pending'"), nullable=False),
        sa.Column("priority", sa.SmallInteger(), server_default=sa.text("5"), nullable=False),
        sa.Column("trigger_type", sa.Text(), nullable=False),
        sa.Column("trigger_id", sa.Text(), nullable=True),
        sa.Column("hand_id", sa.BigInteger(), nullable=True),
        sa.Column("dedup_key", sa.Text(), nullable=True),
        sa.Column("attempt", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("worker_id", sa.Text(), nullable=True),
        sa.Column("lease_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "available_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("next_retry_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("retry_count", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("max_retries", sa.Integer(), server_default=sa.text("3"), nullable=False),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending','processing','completed','failed','stale','cancelled')",
            name=op.f("ck_render_instructions_status"),
        ),
        sa.CheckConstraint(
            "attempt >= 0 AND retry_count >= 0 AND max_retries >= 0",
            name=op.f("ck_render_instructions_counters"),
        ),
        sa.CheckConstraint(
            "priority BETWEEN 1 AND 10", name=op.f("ck_render_instructions_priority")
        ),
        sa.ForeignKeyConstraint(
            ["hand_id"],
            ["hands.id"],
            name=op.f("fk_render_instructions_hand_id_hands"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_render_instructions")),
        sa.UniqueConstraint("dedup_key", name=op.f("uq_render_instructions_dedup_key")),
    )
    op.create_index(
        "ix_render_instructions_completed_at", "render_instructions", ["completed_at"], unique=False
    )
    op.create_index(
        "ix_render_instructions_hand_id", "render_instructions", ["hand_id"], unique=False
    )
    op.create_index(
        "ix_render_instructions_pending_queue",
        "render_instructions",
        ["priority", "created_at", "id"],
        unique=False,
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.create_index(
        "ix_render_instructions_processing_lease",
        "render_instructions",
        ["lease_expires_at"],
        unique=False,
        postgresql_where=sa.text("status = 'processing'"),
    )
    op.create_index(
        "ix_render_instructions_retry_due",
        "render_instructions",
        ["next_retry_at"],
        unique=False,
        postgresql_where=sa.text("status = 'failed' AND next_retry_at IS NOT NULL"),
    )
    op.create_index(
        "ix_render_instructions_status_created_at",
        "render_instructions",
        ["status", "created_at"],
        unique=False,
    )
    op.create_table(
        "instruction_history",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("instruction_id", sa.BigInteger(), nullable=False),
        sa.Column("from_status", sa.Text(), nullable=True),
        sa.Column("to_status", sa.Text(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column(
            "at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["instruction_id"],
            ["render_instructions.id"],
            name=op.f("fk_instruction_history_instruction_id_render_instructions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instruction_history")),
    )
    op.create_index(
        "ix_instruction_history_instruction_id_at",
        "instruction_history",
        ["instruction_id", "at"],
        unique=False,
    )
    op.create_index(
        "ix_instruction_history_to_status_at",
        "instruction_history",
        ["to_status", "at"],
        unique=False,
    )
    op.create_table(
        "render_outputs",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("instruction_id", sa.BigInteger(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("output_path", sa.Text(), nullable=False),
        sa.Column("file_size", sa.BigInteger(), nullable=True),
        sa.Column("frame_count", sa.Integer(), nullable=True),
        sa.Column("render_duration_ms", sa.Integer(), nullable=True),
        sa.Column("status", sa.Text(), server_default=sa.text("'completed'"), nullable=False),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["instruction_id"],
            ["render_instructions.id"],
            name=op.f("fk_render_outputs_instruction_id_render_instructions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_render_outputs")),
    )
    op.create_index(
        "ix_render_outputs_instruction_id", "render_outputs", ["instruction_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_render_outputs_instruction_id", table_name="render_outputs")
    op.drop_table("render_outputs")
    op.drop_index("ix_instruction_history_to_status_at", table_name="instruction_history")
    op.drop_index("ix_instruction_history_instruction_id_at", table_name="instruction_history")
    op.drop_table("instruction_history")
    op.drop_index("ix_render_instructions_status_created_at", table_name="render_instructions")
    op.drop_index("ix_render_instructions_retry_due", table_name="render_instructions")
    op.drop_index(
        "ix_render_instructions_processing_lease",
        table_name="render_instructions",
        postgresql_where=sa.text("status = 'processing'"),
    )
    op.drop_index(
        "ix_render_instructions_pending_queue",
        table_name="render_instructions",
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.drop_index("ix_render_instructions_hand_id", table_name="render_instructions")
    op.drop_index("ix_render_instructions_completed_at", table_name="render_instructions")
    op.drop_table("render_instructions")
    op.drop_table("tournaments")
    op.drop_index(
        "ix_hands_premium_created_at", table_name="hands", postgresql_where=sa.text("is_premium")
    )
    op.drop_index("ix_hands_created_at", table_name="hands")
    op.drop_table("hands")
