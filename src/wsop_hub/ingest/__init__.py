"""Ingest: PokerGFX exports and WSOP+ imports into PostgreSQL (SPEC §6)."""
