"""Migrations round-trip, keep data across later revisions, and match the models."""

from __future__ import annotations

import asyncpg
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.ext.asyncio import create_async_engine

from wsop_hub.db import migrate
from wsop_hub.db.tables import metadata
from wsop_hub.settings import asyncpg_url, sqlalchemy_url


async def _tables(url: str) -> set[str]:
    conn = await asyncpg.connect(asyncpg_url(url))
    try:
        rows = await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        return {r["tablename"] for r in rows}
    finally:
        await conn.close()


async def test_upgrade_downgrade_base_upgrade_round_trips(empty_database_url: str) -> None:
    await migrate.upgrade_async(empty_database_url)
    assert {"hands", "render_instructions", "outbox", "workers"} <= await _tables(
        empty_database_url
    )
    await migrate.downgrade_async(empty_database_url, "base")
    assert await _tables(empty_database_url) == {"alembic_version"}
    await migrate.upgrade_async(empty_database_url)
    assert set(metadata.tables) <= await _tables(empty_database_url)


async def test_rows_written_before_a_later_migration_survive_it(empty_database_url: str) -> None:
    await migrate.upgrade_async(empty_database_url, "0001")
    conn = await asyncpg.connect(asyncpg_url(empty_database_url))
    try:
        hand_id = await conn.fetchval(
            "INSERT INTO hands (table_id, hand_number, source) VALUES ('t1', 7, 'rfid') RETURNING id"
        )
        job_id = await conn.fetchval(
            "INSERT INTO render_instructions (template_name, trigger_type, hand_id, priority)"
            " VALUES ('Payouts', 'payouts', $1, 2) RETURNING id",
            hand_id,
        )
        await migrate.upgrade_async(empty_database_url, "head")
        row = await conn.fetchrow(
            "SELECT template_name, priority, hand_id, status FROM render_instructions WHERE id = $1",
            job_id,
        )
        assert dict(row) == {
            "template_name": "Payouts",
            "priority": 2,
            "hand_id": hand_id,
            "status": "pending",
        }
        # the later revision's tables work against the old rows
        await conn.execute(
            "INSERT INTO outbox (topic, instruction_id) VALUES ('render', $1)", job_id
        )
        await migrate.downgrade_async(empty_database_url, "0001")
        assert await conn.fetchval("SELECT count(*) FROM hands") == 1
    finally:
        await conn.close()


async def test_migrated_schema_matches_the_models(empty_database_url: str) -> None:
    await migrate.upgrade_async(empty_database_url)
    engine = create_async_engine(sqlalchemy_url(empty_database_url))
    try:
        async with engine.connect() as conn:
            diff = await conn.run_sync(
                lambda sync: compare_metadata(
                    MigrationContext.configure(sync, opts={"compare_type": True}), metadata
                )
            )
    finally:
        await engine.dispose()
    assert diff == [], f"models and migrations differ; write a migration: {diff}"


async def test_current_revision_reports_empty_then_head(empty_database_url: str) -> None:
    engine = create_async_engine(sqlalchemy_url(empty_database_url))
    try:
        assert await migrate.current_revision(engine) is None
        await migrate.upgrade_async(empty_database_url)
        assert await migrate.current_revision(engine) == migrate.head_revision()
    finally:
        await engine.dispose()
