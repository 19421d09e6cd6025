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
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    Table,
    Text,
    Time,
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
    # Render even when an identical output is cached (admin re-render; migration 0006).
    Column("force_render", Boolean, nullable=False, server_default=text("false")),
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
    # Render cache (migration 0006): sha256 of template, version, bound values and output
    # settings; a cache hit is a new row pointing to the earlier file, with `cached` true.
    Column("data_hash", Text),
    Column("cached", Boolean, nullable=False, server_default=text("false")),
    Column("template_version", Text),
    Index("ix_render_outputs_instruction_id", "instruction_id"),
    Index("ix_render_outputs_data_hash", "data_hash"),
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


# -- Unified players and manual overrides (SPEC §6; migration 0005) ---------------------------
#
# `players` is the identity of a person across sources: every gfx_players / wsop_players row
# points to one (`player_id`); confirming a gfx ↔ wsop link re-points the gfx player to the
# wsop player's person. Its own columns are the "Manual" source of SPEC §6's field priority.

players = Table(
    "players",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("display_name", Text, nullable=False),
    Column("name_key", Text, nullable=False),
    Column("name_korean", Text),
    Column("bio", Text),
    Column("notable_wins", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("country_code", Text),
    Column("profile_image", Text),
    Column("created_by", Text, nullable=False),
    created_at(),
    updated_at(),
    Index("ix_players_name_key", "name_key"),
    Index("ix_players_country_code", "country_code"),
)

player_overrides = Table(
    "player_overrides",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("player_id", BigInteger, ForeignKey("players.id", ondelete="CASCADE"), nullable=False),
    Column("field_name", Text, nullable=False),
    Column("override_value", Text, nullable=False),
    Column("original_value", Text),
    Column("reason", Text, nullable=False),
    Column("active", Boolean, nullable=False, server_default=text("true")),
    Column("valid_from", DateTime(timezone=True)),
    Column("valid_until", DateTime(timezone=True)),
    Column("created_by", Text, nullable=False),
    created_at(),
    updated_at(),
    CheckConstraint(
        "valid_until IS NULL OR valid_from IS NULL OR valid_until > valid_from", name="window"
    ),
    # One active override per player and field (FACTS §3.2).
    Index(
        "uq_player_overrides_active_field",
        "player_id",
        "field_name",
        unique=True,
        postgresql_where=text("active"),
    ),
)

profile_images = Table(
    "profile_images",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("player_id", BigInteger, ForeignKey("players.id", ondelete="CASCADE"), nullable=False),
    Column("image_type", Text, nullable=False, server_default=text("'profile'")),
    Column("file_path", Text, nullable=False),
    Column("mime_type", Text),
    Column("width", Integer),
    Column("height", Integer),
    Column("is_primary", Boolean, nullable=False, server_default=text("true")),
    Column("uploaded_by", Text, nullable=False),
    created_at(),
    Index(
        "uq_profile_images_primary",
        "player_id",
        "image_type",
        unique=True,
        postgresql_where=text("is_primary"),
    ),
)

player_link_mapping = Table(
    "player_link_mapping",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column(
        "gfx_player_id",
        BigInteger,
        ForeignKey("gfx_players.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column(
        "wsop_player_id",
        BigInteger,
        ForeignKey("wsop_players.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("status", Text, nullable=False, server_default=text("'suggested'")),
    Column("match_method", Text, nullable=False),
    Column("match_confidence", Float, nullable=False),
    Column("match_evidence", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("decided_by", Text),
    Column("decided_at", DateTime(timezone=True)),
    created_at(),
    UniqueConstraint("gfx_player_id", "wsop_player_id"),
    CheckConstraint("status IN ('suggested','confirmed','rejected')", name="status"),
    CheckConstraint("match_confidence BETWEEN 0 AND 100", name="confidence"),
    Index(
        "uq_player_link_mapping_confirmed_gfx",
        "gfx_player_id",
        unique=True,
        postgresql_where=text("status = 'confirmed'"),
    ),
    # A WSOP+ player may be confirmed with several gfx rows: one person, several PokerGFX
    # names (migration 0007).
    Index("ix_player_link_mapping_wsop_player_id", "wsop_player_id"),
)


# -- PokerGFX ingest (SPEC §6; migration 0005) ----------------------------------------------
#
# One row per session (the export's `ID`, "GameID"), however many times it is re-exported;
# every file version read is in `gfx_files`. Hands are keyed by (session_id, hand_num): a
# re-export adds new hands and updates changed ones in place (ids stay stable), a JSON and
# the `.txt` of the same session reconcile on the same key.

gfx_sessions = Table(
    "gfx_sessions",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("session_id", BigInteger, nullable=False, unique=True),
    Column("table_type", Text, nullable=False, server_default=text("'UNKNOWN'")),
    Column("event_title", Text, nullable=False, server_default=text("''")),
    Column("software_version", Text, nullable=False, server_default=text("''")),
    Column("session_created_at", DateTime(timezone=True)),
    Column("payouts", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("hand_count", Integer, nullable=False, server_default=text("0")),
    Column("source", Text, nullable=False),
    Column("gfx_pc_id", Text),
    Column("file_name", Text, nullable=False),
    Column("file_hash", Text, nullable=False),
    Column("raw_json", JSONB),
    created_at(),
    updated_at(),
    CheckConstraint("source IN ('rfid','csv')", name="source"),
)

gfx_files = Table(
    "gfx_files",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("file_hash", Text, nullable=False, unique=True),
    Column("file_name", Text, nullable=False),
    Column("session_id", BigInteger, nullable=False),
    Column("format", Text, nullable=False),
    Column("file_size", BigInteger, nullable=False),
    Column("hands_total", Integer, nullable=False, server_default=text("0")),
    Column("hands_new", Integer, nullable=False, server_default=text("0")),
    Column("hands_updated", Integer, nullable=False, server_default=text("0")),
    Column("imported_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("format IN ('json','txt')", name="format"),
    Index("ix_gfx_files_session_id", "session_id"),
)

gfx_players = Table(
    "gfx_players",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("player_key", Text, nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("long_name", Text, nullable=False, server_default=text("''")),
    Column("name_key", Text, nullable=False),
    Column("country_code", Text),
    Column("hands_played", Integer, nullable=False, server_default=text("0")),
    Column("player_id", BigInteger, ForeignKey("players.id", ondelete="SET NULL")),
    Column("first_seen_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("last_seen_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_gfx_players_name_key", "name_key"),
    Index("ix_gfx_players_player_id", "player_id"),
)

gfx_hands = Table(
    "gfx_hands",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column(
        "session_id",
        BigInteger,
        ForeignKey("gfx_sessions.session_id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("hand_num", Integer, nullable=False),
    Column("source", Text, nullable=False),
    Column("game_variant", Text, nullable=False, server_default=text("'HOLDEM'")),
    Column("bet_structure", Text, nullable=False, server_default=text("''")),
    Column("started_at", DateTime(timezone=True)),
    Column("duration_s", Float),
    Column("recording_offset_raw", Text),
    Column("recording_offset_s", Float),
    Column("blinds", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("level", Integer),
    Column("board_cards", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("pot_size", BigInteger, nullable=False, server_default=text("0")),
    Column("winner_name", Text),
    Column("winner_seat", SmallInteger),
    Column("player_count", SmallInteger, nullable=False, server_default=text("0")),
    Column("showdown_count", SmallInteger, nullable=False, server_default=text("0")),
    Column("hand_rank", Text),
    Column("board_rank", Text),
    Column("is_premium", Boolean, nullable=False, server_default=text("false")),
    # Over the normalised content: a re-export that changes nothing leaves the row alone.
    Column("content_hash", Text, nullable=False),
    Column("hub_hand_id", BigInteger, ForeignKey("hands.id", ondelete="SET NULL")),
    created_at(),
    updated_at(),
    UniqueConstraint("session_id", "hand_num"),
    CheckConstraint("source IN ('rfid','csv')", name="source"),
    Index("ix_gfx_hands_hub_hand_id", "hub_hand_id"),
)

gfx_hand_players = Table(
    "gfx_hand_players",
    metadata,
    # Keyed by (hand, seat): no surrogate id, one index fewer for every seat written.
    Column(
        "hand_id",
        BigInteger,
        ForeignKey("gfx_hands.id", ondelete="CASCADE"),
        primary_key=True,
        nullable=False,
    ),
    Column("seat_num", SmallInteger, primary_key=True, nullable=False),
    Column("player_id", BigInteger, ForeignKey("gfx_players.id"), nullable=False),
    Column("name", Text, nullable=False),
    Column("start_stack_amt", BigInteger, nullable=False, server_default=text("0")),
    Column("end_stack_amt", BigInteger, nullable=False, server_default=text("0")),
    Column("cumulative_winnings_amt", BigInteger, nullable=False, server_default=text("0")),
    Column("hole_cards", JSONB),
    Column("folded", Boolean, nullable=False, server_default=text("false")),
    Column("showed_down", Boolean, nullable=False, server_default=text("false")),
    Column("is_winner", Boolean, nullable=False, server_default=text("false")),
    Column("best_hand_rank", Text),
    Column("sitting_out", Boolean, nullable=False, server_default=text("false")),
    Column("elimination_rank", Integer),
    Column("stats", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    CheckConstraint("seat_num BETWEEN 1 AND 10", name="seat_num"),
    Index("ix_gfx_hand_players_player_id", "player_id"),
)

gfx_events = Table(
    "gfx_events",
    metadata,
    Column(
        "hand_id",
        BigInteger,
        ForeignKey("gfx_hands.id", ondelete="CASCADE"),
        primary_key=True,
        nullable=False,
    ),
    Column("event_order", Integer, primary_key=True, nullable=False),
    Column("event_type", Text, nullable=False),
    Column("seat_num", SmallInteger),
    Column("bet_amt", BigInteger),
    Column("pot", BigInteger),
    Column("board_num", SmallInteger),
    Column("cards", JSONB),
)

hand_grades = Table(
    "hand_grades",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column(
        "gfx_hand_id",
        BigInteger,
        ForeignKey("gfx_hands.id", ondelete="CASCADE"),
        nullable=False,
        unique=True,
    ),
    Column("grade", Text, nullable=False),
    Column("has_premium_hand", Boolean, nullable=False),
    Column("has_long_playtime", Boolean, nullable=False),
    Column("has_premium_board_combo", Boolean, nullable=False),
    Column("conditions_met", SmallInteger, nullable=False),
    Column("broadcast_eligible", Boolean, nullable=False),
    Column("suggested_edit_start_offset", Integer, nullable=False, server_default=text("0")),
    Column("edit_start_confidence", Float, nullable=False, server_default=text("0")),
    Column("graded_by", Text, nullable=False, server_default=text("'auto'")),
    Column("graded_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("grade IN ('A','B','C')", name="grade"),
    CheckConstraint("conditions_met BETWEEN 0 AND 3", name="conditions_met"),
    Index(
        "ix_hand_grades_broadcast_eligible",
        "gfx_hand_id",
        postgresql_where=text("broadcast_eligible"),
    ),
)


# -- WSOP+ imports (SPEC §6; migration 0005) ------------------------------------------------
#
# Money is stored in cents (as `tournaments`), chips as integers. Each imported file is in
# `wsop_import_logs` with its SHA-256: the same bytes imported twice are a no-op.

wsop_import_logs = Table(
    "wsop_import_logs",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("file_name", Text, nullable=False),
    Column("file_hash", Text, nullable=False),
    Column("format", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("rows_total", Integer, nullable=False, server_default=text("0")),
    Column("rows_imported", Integer, nullable=False, server_default=text("0")),
    Column("rows_failed", Integer, nullable=False, server_default=text("0")),
    Column("errors", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("started_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("finished_at", DateTime(timezone=True)),
    CheckConstraint("status IN ('imported','partial','failed','duplicate')", name="status"),
    Index("ix_wsop_import_logs_started_at", "started_at"),
    # A file counts as imported once; failed attempts may be retried with the same bytes.
    Index(
        "uq_wsop_import_logs_imported_hash",
        "file_hash",
        unique=True,
        postgresql_where=text("status IN ('imported','partial')"),
    ),
)

wsop_events = Table(
    "wsop_events",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("event_code", Text, nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("buy_in_cents", BigInteger),
    Column("rake_cents", BigInteger),
    Column("starts_at", DateTime(timezone=True)),
    Column("status", Text),
    Column("entries", Integer),
    Column("remaining_players", Integer),
    Column("places_paid", Integer),
    Column("prize_pool_cents", BigInteger),
    Column("level", Integer),
    Column("starting_chips", BigInteger),
    Column("raw", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    created_at(),
    updated_at(),
)

wsop_players = Table(
    "wsop_players",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    # WSOP+'s player id; exports that carry none (the CSVs) key players by `name:<name_key>`.
    Column("wsop_player_id", Text, nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("name_key", Text, nullable=False),
    Column("country_code", Text),
    Column("hometown", Text),
    Column("profile_image_url", Text),
    Column("player_id", BigInteger, ForeignKey("players.id", ondelete="SET NULL")),
    Column("raw", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    created_at(),
    updated_at(),
    Index("ix_wsop_players_name_key", "name_key"),
    Index("ix_wsop_players_player_id", "player_id"),
    Index("ix_wsop_players_country_code", "country_code"),
)

wsop_event_players = Table(
    "wsop_event_players",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column(
        "event_id", BigInteger, ForeignKey("wsop_events.id", ondelete="CASCADE"), nullable=False
    ),
    Column(
        "player_id", BigInteger, ForeignKey("wsop_players.id", ondelete="CASCADE"), nullable=False
    ),
    Column("status", Text, nullable=False, server_default=text("'active'")),
    Column("table_num", Integer),
    Column("seat_num", SmallInteger),
    Column("chips", BigInteger),
    Column("rank", Integer),
    Column("finish_place", Integer),
    Column("prize_cents", BigInteger),
    created_at(),
    updated_at(),
    UniqueConstraint("event_id", "player_id"),
)

wsop_chip_counts = Table(
    "wsop_chip_counts",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column(
        "event_id", BigInteger, ForeignKey("wsop_events.id", ondelete="CASCADE"), nullable=False
    ),
    Column(
        "player_id", BigInteger, ForeignKey("wsop_players.id", ondelete="CASCADE"), nullable=False
    ),
    Column("chips", BigInteger, nullable=False),
    Column("level", Integer),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("import_id", BigInteger, ForeignKey("wsop_import_logs.id", ondelete="SET NULL")),
    UniqueConstraint("event_id", "player_id", "recorded_at"),
    Index("ix_wsop_chip_counts_event_id_recorded_at", "event_id", "recorded_at"),
    Index("ix_wsop_chip_counts_player_id_recorded_at", "player_id", "recorded_at"),
)

wsop_standings = Table(
    "wsop_standings",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column(
        "event_id", BigInteger, ForeignKey("wsop_events.id", ondelete="CASCADE"), nullable=False
    ),
    Column("snapshot_at", DateTime(timezone=True), nullable=False),
    Column("rank", Integer, nullable=False),
    Column(
        "player_id", BigInteger, ForeignKey("wsop_players.id", ondelete="CASCADE"), nullable=False
    ),
    Column("chips", BigInteger, nullable=False),
    Column("bbs", Float),
    Column("import_id", BigInteger, ForeignKey("wsop_import_logs.id", ondelete="SET NULL")),
    UniqueConstraint("event_id", "snapshot_at", "rank"),
)

wsop_blind_levels = Table(
    "wsop_blind_levels",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column(
        "event_id", BigInteger, ForeignKey("wsop_events.id", ondelete="CASCADE"), nullable=False
    ),
    Column("level", Integer, nullable=False),
    Column("small_blind", BigInteger, nullable=False),
    Column("big_blind", BigInteger, nullable=False),
    Column("ante", BigInteger, nullable=False, server_default=text("0")),
    Column("bb_ante", BigInteger, nullable=False, server_default=text("0")),
    Column("duration_min", Integer),
    Column("is_break", Boolean, nullable=False, server_default=text("false")),
    Column("break_name", Text),
    UniqueConstraint("event_id", "level"),
)

wsop_payouts = Table(
    "wsop_payouts",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column(
        "event_id", BigInteger, ForeignKey("wsop_events.id", ondelete="CASCADE"), nullable=False
    ),
    Column("place_from", Integer, nullable=False),
    Column("place_to", Integer, nullable=False),
    Column("prize_cents", BigInteger, nullable=False),
    Column("percentage", Float),
    Column("is_bracelet", Boolean, nullable=False, server_default=text("false")),
    UniqueConstraint("event_id", "place_from"),
)

broadcast_schedule = Table(
    "broadcast_schedule",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("broadcast_date", Date, nullable=False),
    Column("time_start", Time, nullable=False),
    Column("time_end", Time),
    Column("event_title", Text, nullable=False),
    Column("channel", Text, nullable=False, server_default=text("''")),
    Column("event_code", Text),
    Column("is_live", Boolean, nullable=False, server_default=text("true")),
    created_at(),
    updated_at(),
    UniqueConstraint("broadcast_date", "time_start", "channel"),
)


# -- Sync state per source and entity (SPEC §6; migration 0005) --------------------------------

SYNC_STATUSES = "('pending','in_progress','synced','failed','outdated')"

sync_status = Table(
    "sync_status",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("source", Text, nullable=False),
    Column("entity", Text, nullable=False),
    Column("status", Text, nullable=False, server_default=text("'pending'")),
    Column("interval_s", Integer, nullable=False),
    Column("failure_count", Integer, nullable=False, server_default=text("0")),
    Column("last_started_at", DateTime(timezone=True)),
    Column("last_synced_at", DateTime(timezone=True)),
    Column("last_error", Text),
    Column("next_run_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("details", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    updated_at(),
    UniqueConstraint("source", "entity"),
    CheckConstraint(f"status IN {SYNC_STATUSES}", name="status"),
)

sync_history = Table(
    "sync_history",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("source", Text, nullable=False),
    Column("entity", Text, nullable=False),
    Column("from_status", Text),
    Column("to_status", Text, nullable=False),
    Column("actor", Text, nullable=False),
    Column("details", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_sync_history_source_at", "source", "at"),
)


# -- Template registry, the "AEP analysis DB" (SPEC §7; migration 0006) -------------------------
#
# Loaded from the versioned template files shipped in wsop_hub/render/templates by
# `wsop-hub templates sync` (render/registry.py). `spec` holds the whole validated definition
# the renderers use; the other tables break it out for queries and the templates API.

aep_compositions = Table(
    "aep_compositions",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("name", Text, nullable=False, unique=True),
    Column("version", Text, nullable=False),
    Column("category", Text, nullable=False),
    Column("width", Integer, nullable=False),
    Column("height", Integer, nullable=False),
    Column("fps", Float, nullable=False),
    Column("duration_frames", Integer, nullable=False),
    Column("slot_count", Integer, nullable=False, server_default=text("0")),
    Column("spec", JSONB, nullable=False),
    Column("synced_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

aep_layers = Table(
    "aep_layers",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column(
        "composition_id",
        BigInteger,
        ForeignKey("aep_compositions.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("name", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("x", Integer, nullable=False),
    Column("y", Integer, nullable=False),
    Column("width", Integer, nullable=False),
    Column("height", Integer, nullable=False),
    Column("font", JSONB),
    Column("colour", Text, nullable=False),
    Column("align", Text, nullable=False),
    UniqueConstraint("composition_id", "name"),
    CheckConstraint("kind IN ('text','image','shape')", name="kind"),
)

aep_field_keys = Table(
    "aep_field_keys",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column(
        "composition_id",
        BigInteger,
        ForeignKey("aep_compositions.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("field_key", Text, nullable=False),
    Column("pattern_type", Text, nullable=False),
    Column("slot_count", Integer),
    Column("layer_pattern", Text, nullable=False),
    Column("transform", Text, nullable=False),
    UniqueConstraint("composition_id", "field_key"),
    CheckConstraint("pattern_type IN ('slot','single')", name="pattern_type"),
)

aep_media_sources = Table(
    "aep_media_sources",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("file_path", Text, nullable=False, unique=True),
    Column("category", Text, nullable=False),
    Column("country_code", Text),
    Column("country_name", Text),
    Column("width", Integer),
    Column("height", Integer),
    CheckConstraint("category IN ('Flag','Image')", name="category"),
)
