"""Name keys: how a typed name is compared with stored ones (search and link matching).

One key function serves the whole hub: the importers store ``name_key`` on every
``gfx_players`` / ``wsop_players`` row, the players API stores it for manual names and
turns a search query into the same key, and the link suggester compares the keys. Were
two functions in use, "José García" typed on a feature-table PC would stop matching the
WSOP+ spelling of the same player. The WSOP+ importer already carries the full rule
(NFKD, combining marks dropped, casefold, letters NFKD cannot decompose folded, apostrophes
dropped, punctuation turned into spaces, whitespace collapsed), so it is re-exported here
rather than rewritten.
"""

from __future__ import annotations

from dataclasses import dataclass

from wsop_hub.ingest.wsop_plus.identity import name_key

__all__ = ["SearchTerms", "first_name", "last_name", "name_key", "search_terms"]


@dataclass(frozen=True)
class SearchTerms:
    """A search query as the database compares it: the whole key and its words."""

    key: str
    tokens: tuple[str, ...]


def search_terms(query: str) -> SearchTerms | None:
    """The key and words of a search query, or None when it has no letter or digit."""
    key = name_key(query)
    if not key:
        return None
    return SearchTerms(key=key, tokens=tuple(dict.fromkeys(key.split())))


def last_name(key: str) -> str:
    """Last word of a name key ("" for an empty key): family names come last in the data."""
    words = key.split()
    return words[-1] if words else ""


def first_name(key: str) -> str | None:
    """First word of a multi-word name key; None when the key is a single word."""
    words = key.split()
    return words[0] if len(words) > 1 else None
