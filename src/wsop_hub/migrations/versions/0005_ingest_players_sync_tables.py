"""Ingest (PokerGFX sessions/hands/players/events, hand grades; WSOP+ events, players, chip
counts, standings, blind levels, payouts, broadcast schedule, import logs), unified
players with overrides, profile images and gfx ↔ wsop links, and sync state per source.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "broadcast_schedule",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("broadcast_date", sa.Date(), nullable=False),
        sa.Column("time_start", sa.Time(), nullable=False),
        sa.Column("time_end", sa.Time(), nullable=True),
        sa.Column("event_title", sa.Text(), nullable=False),
        sa.Column("channel", sa.Text(), server_default=sa.text("''"), nullable=False),
        sa.Column("event_code", sa.Text(), nullable=True),
        sa.Column("is_live", sa.Boolean(), server_default=sa.text("true"), nullable=False),
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
        sa.PrimaryKeyConstraint("id", name=op.f("pk_broadcast_schedule")),
        sa.UniqueConstraint(
            "broadcast_date",
            "time_start",
            "channel",
            name=op.f("uq_broadcast_schedule_broadcast_date_time_start_channel"),
        ),
    )
    op.create_table(
        "gfx_files",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("file_hash", sa.Text(), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("session_id", sa.BigInteger(), nullable=False),
        sa.Column("format", sa.Text(), nullable=False),
        sa.Column("file_size", sa.BigInteger(), nullable=False),
        sa.Column("hands_total", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("hands_new", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("hands_updated", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column(
            "imported_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("format IN ('json','txt')", name=op.f("ck_gfx_files_format")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gfx_files")),
        sa.UniqueConstraint("file_hash", name=op.f("uq_gfx_files_file_hash")),
    )
    op.create_index("ix_gfx_files_session_id", "gfx_files", ["session_id"], unique=False)
    op.create_table(
        "gfx_sessions",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("session_id", sa.BigInteger(), nullable=False),
        sa.Column("table_type", sa.Text(), server_default=sa.text("'UNKNOWN'"), nullable=False),
        sa.Column("event_title", sa.Text(), server_default=sa.text("''"), nullable=False),
        sa.Column("software_version", sa.Text(), server_default=sa.text("''"), nullable=False),
        sa.Column("session_created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "payouts",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        sa.Column("hand_count", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("gfx_pc_id", sa.Text(), nullable=True),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("file_hash", sa.Text(), nullable=False),
        sa.Column("raw_json", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
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
        sa.CheckConstraint("source IN ('rfid','csv')", name=op.f("ck_gfx_sessions_source")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gfx_sessions")),
        sa.UniqueConstraint("session_id", name=op.f("uq_gfx_sessions_session_id")),
    )
    op.create_table(
        "players",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("display_name", sa.Text(), nullable=False),
        sa.Column("name_key", sa.Text(), nullable=False),
        sa.Column("name_korean", sa.Text(), nullable=True),
        sa.Column("bio", sa.Text(), nullable=True),
        sa.Column(
            "notable_wins",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        sa.Column("country_code", sa.Text(), nullable=True),
        sa.Column("profile_image", sa.Text(), nullable=True),
        sa.Column("created_by", sa.Text(), nullable=False),
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
        sa.PrimaryKeyConstraint("id", name=op.f("pk_players")),
    )
    op.create_index("ix_players_name_key", "players", ["name_key"], unique=False)
    op.create_index("ix_players_country_code", "players", ["country_code"], unique=False)
    op.create_table(
        "sync_history",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("entity", sa.Text(), nullable=False),
        sa.Column("from_status", sa.Text(), nullable=True),
        sa.Column("to_status", sa.Text(), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column(
            "details",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column(
            "at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_history")),
    )
    op.create_index("ix_sync_history_source_at", "sync_history", ["source", "at"], unique=False)
    op.create_table(
        "sync_status",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("entity", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), server_default=sa.text("'pending'"), nullable=False),
        sa.Column("interval_s", sa.Integer(), nullable=False),
        sa.Column("failure_count", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("last_started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_synced_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column(
            "next_run_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "details",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "status IN ('pending','in_progress','synced','failed','outdated')",
            name=op.f("ck_sync_status_status"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_status")),
        sa.UniqueConstraint("source", "entity", name=op.f("uq_sync_status_source_entity")),
    )
    op.create_table(
        "wsop_events",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("event_code", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("buy_in_cents", sa.BigInteger(), nullable=True),
        sa.Column("rake_cents", sa.BigInteger(), nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.Text(), nullable=True),
        sa.Column("entries", sa.Integer(), nullable=True),
        sa.Column("remaining_players", sa.Integer(), nullable=True),
        sa.Column("places_paid", sa.Integer(), nullable=True),
        sa.Column("prize_pool_cents", sa.BigInteger(), nullable=True),
        sa.Column("level", sa.Integer(), nullable=True),
        sa.Column("starting_chips", sa.BigInteger(), nullable=True),
        sa.Column(
            "raw",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
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
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wsop_events")),
        sa.UniqueConstraint("event_code", name=op.f("uq_wsop_events_event_code")),
    )
    op.create_table(
        "wsop_import_logs",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("file_hash", sa.Text(), nullable=False),
        sa.Column("format", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("rows_total", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("rows_imported", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("rows_failed", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column(
            "errors",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        sa.Column(
            "started_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('imported','partial','failed','duplicate')",
            name=op.f("ck_wsop_import_logs_status"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wsop_import_logs")),
    )
    op.create_index(
        "ix_wsop_import_logs_started_at", "wsop_import_logs", ["started_at"], unique=False
    )
    op.create_index(
        "uq_wsop_import_logs_imported_hash",
        "wsop_import_logs",
        ["file_hash"],
        unique=True,
        postgresql_where=sa.text("status IN ('imported','partial')"),
    )
    op.create_table(
        "gfx_hands",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("session_id", sa.BigInteger(), nullable=False),
        sa.Column("hand_num", sa.Integer(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("game_variant", sa.Text(), server_default=sa.text("'HOLDEM'"), nullable=False),
        sa.Column("bet_structure", sa.Text(), server_default=sa.text("''"), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("duration_s", sa.Float(), nullable=True),
        sa.Column("recording_offset_raw", sa.Text(), nullable=True),
        sa.Column("recording_offset_s", sa.Float(), nullable=True),
        sa.Column(
            "blinds",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column("level", sa.Integer(), nullable=True),
        sa.Column(
            "board_cards",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        sa.Column("pot_size", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("winner_name", sa.Text(), nullable=True),
        sa.Column("winner_seat", sa.SmallInteger(), nullable=True),
        sa.Column("player_count", sa.SmallInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("showdown_count", sa.SmallInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("hand_rank", sa.Text(), nullable=True),
        sa.Column("board_rank", sa.Text(), nullable=True),
        sa.Column("is_premium", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("content_hash", sa.Text(), nullable=False),
        sa.Column("hub_hand_id", sa.BigInteger(), nullable=True),
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
        sa.CheckConstraint("source IN ('rfid','csv')", name=op.f("ck_gfx_hands_source")),
        sa.ForeignKeyConstraint(
            ["hub_hand_id"],
            ["hands.id"],
            name=op.f("fk_gfx_hands_hub_hand_id_hands"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["gfx_sessions.session_id"],
            name=op.f("fk_gfx_hands_session_id_gfx_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gfx_hands")),
        sa.UniqueConstraint(
            "session_id", "hand_num", name=op.f("uq_gfx_hands_session_id_hand_num")
        ),
    )
    op.create_index("ix_gfx_hands_hub_hand_id", "gfx_hands", ["hub_hand_id"], unique=False)
    op.create_table(
        "gfx_players",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("player_key", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("long_name", sa.Text(), server_default=sa.text("''"), nullable=False),
        sa.Column("name_key", sa.Text(), nullable=False),
        sa.Column("country_code", sa.Text(), nullable=True),
        sa.Column("hands_played", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("player_id", sa.BigInteger(), nullable=True),
        sa.Column(
            "first_seen_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "last_seen_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["player_id"],
            ["players.id"],
            name=op.f("fk_gfx_players_player_id_players"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gfx_players")),
        sa.UniqueConstraint("player_key", name=op.f("uq_gfx_players_player_key")),
    )
    op.create_index("ix_gfx_players_name_key", "gfx_players", ["name_key"], unique=False)
    op.create_index("ix_gfx_players_player_id", "gfx_players", ["player_id"], unique=False)
    op.create_table(
        "player_overrides",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("player_id", sa.BigInteger(), nullable=False),
        sa.Column("field_name", sa.Text(), nullable=False),
        sa.Column("override_value", sa.Text(), nullable=False),
        sa.Column("original_value", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=True),
        sa.Column("valid_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.Text(), nullable=False),
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
        sa.CheckConstraint(
            "valid_until IS NULL OR valid_from IS NULL OR valid_until > valid_from",
            name=op.f("ck_player_overrides_window"),
        ),
        sa.ForeignKeyConstraint(
            ["player_id"],
            ["players.id"],
            name=op.f("fk_player_overrides_player_id_players"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_player_overrides")),
    )
    op.create_index(
        "uq_player_overrides_active_field",
        "player_overrides",
        ["player_id", "field_name"],
        unique=True,
        postgresql_where=sa.text("active"),
    )
    op.create_table(
        "profile_images",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("player_id", sa.BigInteger(), nullable=False),
        sa.Column("image_type", sa.Text(), server_default=sa.text("'profile'"), nullable=False),
        sa.Column("file_path", sa.Text(), nullable=False),
        sa.Column("mime_type", sa.Text(), nullable=True),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("is_primary", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("uploaded_by", sa.Text(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["player_id"],
            ["players.id"],
            name=op.f("fk_profile_images_player_id_players"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_profile_images")),
    )
    op.create_index(
        "uq_profile_images_primary",
        "profile_images",
        ["player_id", "image_type"],
        unique=True,
        postgresql_where=sa.text("is_primary"),
    )
    op.create_table(
        "wsop_blind_levels",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("event_id", sa.BigInteger(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("small_blind", sa.BigInteger(), nullable=False),
        sa.Column("big_blind", sa.BigInteger(), nullable=False),
        sa.Column("ante", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("bb_ante", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("duration_min", sa.Integer(), nullable=True),
        sa.Column("is_break", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("break_name", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["wsop_events.id"],
            name=op.f("fk_wsop_blind_levels_event_id_wsop_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wsop_blind_levels")),
        sa.UniqueConstraint("event_id", "level", name=op.f("uq_wsop_blind_levels_event_id_level")),
    )
    op.create_table(
        "wsop_payouts",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("event_id", sa.BigInteger(), nullable=False),
        sa.Column("place_from", sa.Integer(), nullable=False),
        sa.Column("place_to", sa.Integer(), nullable=False),
        sa.Column("prize_cents", sa.BigInteger(), nullable=False),
        sa.Column("percentage", sa.Float(), nullable=True),
        sa.Column("is_bracelet", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["wsop_events.id"],
            name=op.f("fk_wsop_payouts_event_id_wsop_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wsop_payouts")),
        sa.UniqueConstraint(
            "event_id", "place_from", name=op.f("uq_wsop_payouts_event_id_place_from")
        ),
    )
    op.create_table(
        "wsop_players",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("wsop_player_id", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("name_key", sa.Text(), nullable=False),
        sa.Column("country_code", sa.Text(), nullable=True),
        sa.Column("hometown", sa.Text(), nullable=True),
        sa.Column("profile_image_url", sa.Text(), nullable=True),
        sa.Column("player_id", sa.BigInteger(), nullable=True),
        sa.Column(
            "raw",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
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
        sa.ForeignKeyConstraint(
            ["player_id"],
            ["players.id"],
            name=op.f("fk_wsop_players_player_id_players"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wsop_players")),
        sa.UniqueConstraint("wsop_player_id", name=op.f("uq_wsop_players_wsop_player_id")),
    )
    op.create_index("ix_wsop_players_name_key", "wsop_players", ["name_key"], unique=False)
    op.create_index("ix_wsop_players_country_code", "wsop_players", ["country_code"], unique=False)
    op.create_index("ix_wsop_players_player_id", "wsop_players", ["player_id"], unique=False)
    op.create_table(
        "gfx_events",
        sa.Column("hand_id", sa.BigInteger(), nullable=False),
        sa.Column("event_order", sa.Integer(), nullable=False),
        sa.Column("event_type", sa.Text(), nullable=False),
        sa.Column("seat_num", sa.SmallInteger(), nullable=True),
        sa.Column("bet_amt", sa.BigInteger(), nullable=True),
        sa.Column("pot", sa.BigInteger(), nullable=True),
        sa.Column("board_num", sa.SmallInteger(), nullable=True),
        sa.Column("cards", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.ForeignKeyConstraint(
            ["hand_id"],
            ["gfx_hands.id"],
            name=op.f("fk_gfx_events_hand_id_gfx_hands"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("hand_id", "event_order", name=op.f("pk_gfx_events")),
    )
    op.create_table(
        "gfx_hand_players",
        sa.Column("hand_id", sa.BigInteger(), nullable=False),
        sa.Column("seat_num", sa.SmallInteger(), nullable=False),
        sa.Column("player_id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("start_stack_amt", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("end_stack_amt", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column(
            "cumulative_winnings_amt", sa.BigInteger(), server_default=sa.text("0"), nullable=False
        ),
        sa.Column("hole_cards", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("folded", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("showed_down", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("is_winner", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("best_hand_rank", sa.Text(), nullable=True),
        sa.Column("sitting_out", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("elimination_rank", sa.Integer(), nullable=True),
        sa.Column(
            "stats",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.CheckConstraint("seat_num BETWEEN 1 AND 10", name=op.f("ck_gfx_hand_players_seat_num")),
        sa.ForeignKeyConstraint(
            ["hand_id"],
            ["gfx_hands.id"],
            name=op.f("fk_gfx_hand_players_hand_id_gfx_hands"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["player_id"],
            ["gfx_players.id"],
            name=op.f("fk_gfx_hand_players_player_id_gfx_players"),
        ),
        sa.PrimaryKeyConstraint("hand_id", "seat_num", name=op.f("pk_gfx_hand_players")),
    )
    op.create_index(
        "ix_gfx_hand_players_player_id", "gfx_hand_players", ["player_id"], unique=False
    )
    op.create_table(
        "hand_grades",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("gfx_hand_id", sa.BigInteger(), nullable=False),
        sa.Column("grade", sa.Text(), nullable=False),
        sa.Column("has_premium_hand", sa.Boolean(), nullable=False),
        sa.Column("has_long_playtime", sa.Boolean(), nullable=False),
        sa.Column("has_premium_board_combo", sa.Boolean(), nullable=False),
        sa.Column("conditions_met", sa.SmallInteger(), nullable=False),
        sa.Column("broadcast_eligible", sa.Boolean(), nullable=False),
        sa.Column(
            "suggested_edit_start_offset", sa.Integer(), server_default=sa.text("0"), nullable=False
        ),
        sa.Column("edit_start_confidence", sa.Float(), server_default=sa.text("0"), nullable=False),
        sa.Column("graded_by", sa.Text(), server_default=sa.text("'auto'"), nullable=False),
        sa.Column(
            "graded_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.CheckConstraint("grade IN ('A','B','C')", name=op.f("ck_hand_grades_grade")),
        sa.CheckConstraint(
            "conditions_met BETWEEN 0 AND 3", name=op.f("ck_hand_grades_conditions_met")
        ),
        sa.ForeignKeyConstraint(
            ["gfx_hand_id"],
            ["gfx_hands.id"],
            name=op.f("fk_hand_grades_gfx_hand_id_gfx_hands"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hand_grades")),
        sa.UniqueConstraint("gfx_hand_id", name=op.f("uq_hand_grades_gfx_hand_id")),
    )
    op.create_index(
        "ix_hand_grades_broadcast_eligible",
        "hand_grades",
        ["gfx_hand_id"],
        unique=False,
        postgresql_where=sa.text("broadcast_eligible"),
    )
    op.create_table(
        "player_link_mapping",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("gfx_player_id", sa.BigInteger(), nullable=False),
        sa.Column("wsop_player_id", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.Text(), server_default=sa.text("'suggested'"), nullable=False),
        sa.Column("match_method", sa.Text(), nullable=False),
        sa.Column("match_confidence", sa.Float(), nullable=False),
        sa.Column(
            "match_evidence",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column("decided_by", sa.Text(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "status IN ('suggested','confirmed','rejected')",
            name=op.f("ck_player_link_mapping_status"),
        ),
        sa.CheckConstraint(
            "match_confidence BETWEEN 0 AND 100", name=op.f("ck_player_link_mapping_confidence")
        ),
        sa.ForeignKeyConstraint(
            ["gfx_player_id"],
            ["gfx_players.id"],
            name=op.f("fk_player_link_mapping_gfx_player_id_gfx_players"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["wsop_player_id"],
            ["wsop_players.id"],
            name=op.f("fk_player_link_mapping_wsop_player_id_wsop_players"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_player_link_mapping")),
        sa.UniqueConstraint(
            "gfx_player_id",
            "wsop_player_id",
            name=op.f("uq_player_link_mapping_gfx_player_id_wsop_player_id"),
        ),
    )
    op.create_index(
        "uq_player_link_mapping_confirmed_gfx",
        "player_link_mapping",
        ["gfx_player_id"],
        unique=True,
        postgresql_where=sa.text("status = 'confirmed'"),
    )
    op.create_index(
        "uq_player_link_mapping_confirmed_wsop",
        "player_link_mapping",
        ["wsop_player_id"],
        unique=True,
        postgresql_where=sa.text("status = 'confirmed'"),
    )
    op.create_table(
        "wsop_chip_counts",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("event_id", sa.BigInteger(), nullable=False),
        sa.Column("player_id", sa.BigInteger(), nullable=False),
        sa.Column("chips", sa.BigInteger(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("import_id", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["wsop_events.id"],
            name=op.f("fk_wsop_chip_counts_event_id_wsop_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["wsop_import_logs.id"],
            name=op.f("fk_wsop_chip_counts_import_id_wsop_import_logs"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["player_id"],
            ["wsop_players.id"],
            name=op.f("fk_wsop_chip_counts_player_id_wsop_players"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wsop_chip_counts")),
        sa.UniqueConstraint(
            "event_id",
            "player_id",
            "recorded_at",
            name=op.f("uq_wsop_chip_counts_event_id_player_id_recorded_at"),
        ),
    )
    op.create_index(
        "ix_wsop_chip_counts_event_id_recorded_at",
        "wsop_chip_counts",
        ["event_id", "recorded_at"],
        unique=False,
    )
    op.create_index(
        "ix_wsop_chip_counts_player_id_recorded_at",
        "wsop_chip_counts",
        ["player_id", "recorded_at"],
        unique=False,
    )
    op.create_table(
        "wsop_event_players",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("event_id", sa.BigInteger(), nullable=False),
        sa.Column("player_id", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.Text(), server_default=sa.text("'active'"), nullable=False),
        sa.Column("table_num", sa.Integer(), nullable=True),
        sa.Column("seat_num", sa.SmallInteger(), nullable=True),
        sa.Column("chips", sa.BigInteger(), nullable=True),
        sa.Column("rank", sa.Integer(), nullable=True),
        sa.Column("finish_place", sa.Integer(), nullable=True),
        sa.Column("prize_cents", sa.BigInteger(), nullable=True),
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
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["wsop_events.id"],
            name=op.f("fk_wsop_event_players_event_id_wsop_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["player_id"],
            ["wsop_players.id"],
            name=op.f("fk_wsop_event_players_player_id_wsop_players"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wsop_event_players")),
        sa.UniqueConstraint(
            "event_id", "player_id", name=op.f("uq_wsop_event_players_event_id_player_id")
        ),
    )
    op.create_table(
        "wsop_standings",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("event_id", sa.BigInteger(), nullable=False),
        sa.Column("snapshot_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("player_id", sa.BigInteger(), nullable=False),
        sa.Column("chips", sa.BigInteger(), nullable=False),
        sa.Column("bbs", sa.Float(), nullable=True),
        sa.Column("import_id", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["wsop_events.id"],
            name=op.f("fk_wsop_standings_event_id_wsop_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["wsop_import_logs.id"],
            name=op.f("fk_wsop_standings_import_id_wsop_import_logs"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["player_id"],
            ["wsop_players.id"],
            name=op.f("fk_wsop_standings_player_id_wsop_players"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wsop_standings")),
        sa.UniqueConstraint(
            "event_id",
            "snapshot_at",
            "rank",
            name=op.f("uq_wsop_standings_event_id_snapshot_at_rank"),
        ),
    )


def downgrade() -> None:
    op.drop_index("ix_wsop_chip_counts_player_id_recorded_at", table_name="wsop_chip_counts")
    op.drop_index("ix_wsop_players_country_code", table_name="wsop_players")
    op.drop_index("ix_players_country_code", table_name="players")
    op.drop_table("wsop_standings")
    op.drop_table("wsop_event_players")
    op.drop_index("ix_wsop_chip_counts_event_id_recorded_at", table_name="wsop_chip_counts")
    op.drop_table("wsop_chip_counts")
    op.drop_index(
        "uq_player_link_mapping_confirmed_wsop",
        table_name="player_link_mapping",
        postgresql_where=sa.text("status = 'confirmed'"),
    )
    op.drop_index(
        "uq_player_link_mapping_confirmed_gfx",
        table_name="player_link_mapping",
        postgresql_where=sa.text("status = 'confirmed'"),
    )
    op.drop_table("player_link_mapping")
    op.drop_index(
        "ix_hand_grades_broadcast_eligible",
        table_name="hand_grades",
        postgresql_where=sa.text("broadcast_eligible"),
    )
    op.drop_table("hand_grades")
    op.drop_index("ix_gfx_hand_players_player_id", table_name="gfx_hand_players")
    op.drop_table("gfx_hand_players")
    op.drop_table("gfx_events")
    op.drop_index("ix_wsop_players_player_id", table_name="wsop_players")
    op.drop_index("ix_wsop_players_name_key", table_name="wsop_players")
    op.drop_table("wsop_players")
    op.drop_table("wsop_payouts")
    op.drop_table("wsop_blind_levels")
    op.drop_index(
        "uq_profile_images_primary",
        table_name="profile_images",
        postgresql_where=sa.text("is_primary"),
    )
    op.drop_table("profile_images")
    op.drop_index(
        "uq_player_overrides_active_field",
        table_name="player_overrides",
        postgresql_where=sa.text("active"),
    )
    op.drop_table("player_overrides")
    op.drop_index("ix_gfx_players_player_id", table_name="gfx_players")
    op.drop_index("ix_gfx_players_name_key", table_name="gfx_players")
    op.drop_table("gfx_players")
    op.drop_index("ix_gfx_hands_hub_hand_id", table_name="gfx_hands")
    op.drop_table("gfx_hands")
    op.drop_index(
        "uq_wsop_import_logs_imported_hash",
        table_name="wsop_import_logs",
        postgresql_where=sa.text("status IN ('imported','partial')"),
    )
    op.drop_index("ix_wsop_import_logs_started_at", table_name="wsop_import_logs")
    op.drop_table("wsop_import_logs")
    op.drop_table("wsop_events")
    op.drop_table("sync_status")
    op.drop_index("ix_sync_history_source_at", table_name="sync_history")
    op.drop_table("sync_history")
    op.drop_index("ix_players_name_key", table_name="players")
    op.drop_table("players")
    op.drop_table("gfx_sessions")
    op.drop_index("ix_gfx_files_session_id", table_name="gfx_files")
    op.drop_table("gfx_files")
    op.drop_table("broadcast_schedule")
