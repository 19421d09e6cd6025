"""Index render_instructions.created_at: the dashboard's last-activity and 1-hour counts.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_render_instructions_created_at", "render_instructions", ["created_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_render_instructions_created_at", table_name="render_instructions")
