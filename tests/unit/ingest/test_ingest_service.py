"""Ingest service decisions that need no database."""

from __future__ import annotations


def test_deadlocks_and_serialization_failures_are_retried_other_errors_are_not() -> None:
    import asyncpg

    from wsop_hub.ingest.service import _is_transient

    assert _is_transient(asyncpg.exceptions.DeadlockDetectedError("deadlock detected"))
    assert _is_transient(asyncpg.exceptions.SerializationError("could not serialize"))
    assert not _is_transient(asyncpg.exceptions.UniqueViolationError("duplicate key"))


def test_files_are_classified_by_name_and_odd_ones_ignored() -> None:
    from pathlib import Path

    from wsop_hub.ingest.service import FileKind, classify

    assert classify(Path("PGFX_live_data_export GameID=638962014211467634.json")) == (
        FileKind.GFX_JSON
    )
    assert classify(Path("PGFX_live_data_export.txt")) == FileKind.GFX_TXT
    assert classify(Path("ChipCounts.csv")) == FileKind.WSOP
    assert classify(Path("notes.docx")) is None
    assert classify(Path(".hidden.json")) is None
    assert classify(Path("export.json.part")) is None
