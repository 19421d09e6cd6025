"""Several PokerGFX players may be confirmed to one WSOP+ player.

PokerGFX keys a player by the names typed at the table, so one person appears under
several keys ("Voronin" and "Konstantin Voronin" in the real exports). Each gfx row still
has at most one confirmed WSOP+ partner (uq_player_link_mapping_confirmed_gfx); the
WSOP+ side's unique index made the second key of the same person unlinkable.

The downgrade restores the index; it fails while a WSOP+ player has two confirmed links.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("uq_player_link_mapping_confirmed_wsop", table_name="player_link_mapping")
    op.create_index(
        "ix_player_link_mapping_wsop_player_id",
        "player_link_mapping",
        ["wsop_player_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_player_link_mapping_wsop_player_id", table_name="player_link_mapping")
    op.create_index(
        "uq_player_link_mapping_confirmed_wsop",
        "player_link_mapping",
        ["wsop_player_id"],
        unique=True,
        postgresql_where=sa.text("status = 'confirmed'"),
    )
