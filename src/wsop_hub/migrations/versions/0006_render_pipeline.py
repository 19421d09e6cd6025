"""Render pipeline: the template registry (aep_compositions, aep_layers, aep_field_keys,
aep_media_sources), the render cache columns of render_outputs (data_hash, cached,
template_version) and render_instructions.force_render.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _composition_fk(table: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(
        "composition_id",
        sa.BigInteger(),
        sa.ForeignKey(
            "aep_compositions.id",
            name=op.f(f"fk_{table}_composition_id_aep_compositions"),
            ondelete="CASCADE",
        ),
        nullable=False,
    )


def upgrade() -> None:
    op.create_table(
        "aep_compositions",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("version", sa.Text(), nullable=False),
        sa.Column("category", sa.Text(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("fps", sa.Float(), nullable=False),
        sa.Column("duration_frames", sa.Integer(), nullable=False),
        sa.Column("slot_count", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("spec", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column(
            "synced_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aep_compositions")),
        sa.UniqueConstraint("name", name=op.f("uq_aep_compositions_name")),
    )
    op.create_table(
        "aep_layers",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        _composition_fk("aep_layers"),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("x", sa.Integer(), nullable=False),
        sa.Column("y", sa.Integer(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("font", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("colour", sa.Text(), nullable=False),
        sa.Column("align", sa.Text(), nullable=False),
        sa.CheckConstraint("kind IN ('text','image','shape')", name=op.f("ck_aep_layers_kind")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aep_layers")),
        sa.UniqueConstraint(
            "composition_id", "name", name=op.f("uq_aep_layers_composition_id_name")
        ),
    )
    op.create_table(
        "aep_field_keys",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        _composition_fk("aep_field_keys"),
        sa.Column("field_key", sa.Text(), nullable=False),
        sa.Column("pattern_type", sa.Text(), nullable=False),
        sa.Column("slot_count", sa.Integer(), nullable=True),
        sa.Column("layer_pattern", sa.Text(), nullable=False),
        sa.Column("transform", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "pattern_type IN ('slot','single')", name=op.f("ck_aep_field_keys_pattern_type")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aep_field_keys")),
        sa.UniqueConstraint(
            "composition_id", "field_key", name=op.f("uq_aep_field_keys_composition_id_field_key")
        ),
    )
    op.create_table(
        "aep_media_sources",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("file_path", sa.Text(), nullable=False),
        sa.Column("category", sa.Text(), nullable=False),
        sa.Column("country_code", sa.Text(), nullable=True),
        sa.Column("country_name", sa.Text(), nullable=True),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "category IN ('Flag','Image')", name=op.f("ck_aep_media_sources_category")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aep_media_sources")),
        sa.UniqueConstraint("file_path", name=op.f("uq_aep_media_sources_file_path")),
    )
    op.add_column(
        "render_instructions",
        sa.Column("force_render", sa.Boolean(), server_default=sa.text("false"), nullable=False),
    )
    op.add_column("render_outputs", sa.Column("data_hash", sa.Text(), nullable=True))
    op.add_column(
        "render_outputs",
        sa.Column("cached", sa.Boolean(), server_default=sa.text("false"), nullable=False),
    )
    op.add_column("render_outputs", sa.Column("template_version", sa.Text(), nullable=True))
    op.create_index("ix_render_outputs_data_hash", "render_outputs", ["data_hash"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_render_outputs_data_hash", table_name="render_outputs")
    op.drop_column("render_outputs", "template_version")
    op.drop_column("render_outputs", "cached")
    op.drop_column("render_outputs", "data_hash")
    op.drop_column("render_instructions", "force_render")
    op.drop_table("aep_media_sources")
    op.drop_table("aep_field_keys")
    op.drop_table("aep_layers")
    op.drop_table("aep_compositions")
