"""Event log behind the live WebSocket: every domain event gets an id, so a client that
reconnects can ask for what it missed.

`hub_emit(type, data)` inserts the event and sends `pg_notify('wsop_events', …)` with its
id in the same transaction, so the log and the live stream cannot disagree. A payload too
large for NOTIFY (8000 bytes) is sent without `data`; listeners read it from the log.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

HUB_EMIT = """
CREATE FUNCTION hub_emit(p_type text, p_data jsonb) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    v_id bigint;
    v_at timestamptz;
    v_payload text;
BEGIN
    INSERT INTO event_log (type, data) VALUES (p_type, p_data) RETURNING id, created_at
      INTO v_id, v_at;
    v_payload := json_build_object('id', v_id, 'type', p_type, 'data', p_data,
                                   'timestamp', v_at)::text;
    IF octet_length(v_payload) > 7900 THEN
        v_payload := json_build_object('id', v_id, 'type', p_type, 'timestamp', v_at,
                                       'truncated', true)::text;
    END IF;
    PERFORM pg_notify('wsop_events', v_payload);
    RETURN v_id;
END
$$;
"""


def upgrade() -> None:
    op.create_table(
        "event_log",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("type", sa.Text(), nullable=False),
        sa.Column("data", JSONB(), server_default=sa.text("'{}'::jsonb"), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_log")),
    )
    op.create_index("ix_event_log_created_at", "event_log", ["created_at"], unique=False)
    op.execute(HUB_EMIT)


def downgrade() -> None:
    op.execute("DROP FUNCTION hub_emit(text, jsonb)")
    op.drop_index("ix_event_log_created_at", table_name="event_log")
    op.drop_table("event_log")
