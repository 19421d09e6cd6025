"""Unified players (SPEC §6): one person per player across PokerGFX, WSOP+ and manual data,
with overrides, profile images and admin-confirmed gfx ↔ WSOP+ links.

Importers need only :func:`ensure_person` / :func:`ensure_people` (give each new source row
its person, inside the import's transaction) and :func:`name_key` (the stored search key).
"""

from wsop_hub.players.identity import ensure_people, ensure_person
from wsop_hub.players.names import name_key

__all__ = ["ensure_people", "ensure_person", "name_key"]
