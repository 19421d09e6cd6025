"""Player master key: how the same player is recognised across hands and sessions.

Choice: ``md5(lower(trim(Name)) || ':' || lower(trim(LongName)))`` — the
``generate_player_hash`` of 02-GFX-JSON-DB.md §1.4.5/§6.2, so a key computed here and
one computed in SQL agree. Why not the name alone: in the real exports two different
players share the short name "Garcia" (Sergio and Pedro, told apart only by LongName).
The price is that one person can get two keys when the two feature-table PCs type the
long name differently ("Voronin" on one, "Konstantin Voronin" on the other) or when the
source has no long name (the ``.txt`` log, keyed with an empty long name); merging
those is the job of the gfx ↔ WSOP+ player link mapping, where an admin confirms it.
Case differences ("asd" / "ASD") do not split a player.
"""

from __future__ import annotations

import hashlib


def player_key(name: str, long_name: str | None) -> str:
    """The gfx_players.player_hash of a (Name, LongName) pair."""
    text = f"{name.strip().lower()}:{(long_name or '').strip().lower()}"
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()
