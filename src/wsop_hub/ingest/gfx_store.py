"""Store one PokerGFX file in ONE transaction (SPEC §6, issue #7 item 1).

A file is a version of a session: PokerGFX re-exports the same GameID as the session
grows, so storing is an upsert keyed by (session_id, hand_num):

- the same bytes again (SHA-256 in `gfx_files`) → nothing is written;
- a hand seen before with the same content (`content_hash`) → left alone;
- a hand seen before whose content changed → its row is updated in place (ids stay
  stable) and its players, events and grade are replaced;
- a new hand → inserted with its players, events, grade and the hub's `hands` row.

The rows come ready from gfx_prepare.py (built in a parsing process); this module only
moves them in, with COPY and array parameters on the unit of work's connection. Imports
of the same bytes, and of the same session, are serialised with advisory locks, so the
watcher and a scheduled rescan meeting on one file end in a duplicate, not a conflict.
`.txt` segments carry no GameID: each is matched to the imported JSON session holding
its hands (same numbers, starts within TXT_MATCH_TOLERANCE).

`hand_created` events go out with the commit (event log + NOTIFY), one per new hand, then
one `import_completed` for the file (WebSocket channel `sync-status`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.ext.asyncio import AsyncConnection

from wsop_hub.db import tables as t
from wsop_hub.db.uow import UnitOfWork
from wsop_hub.errors import InvalidInput
from wsop_hub.ingest.gfx_prepare import (
    EVENT_COLUMNS,
    GRADE_COLUMNS,
    HAND_COLUMNS,
    SEAT_COLUMNS,
    PreparedHand,
    PreparedSession,
)
from wsop_hub.players.identity import ensure_people

#: How close a `.txt` hand's start must be to the JSON hand's to be the same hand.
TXT_MATCH_TOLERANCE = timedelta(seconds=2)


@dataclass(frozen=True)
class StoredHand:
    gfx_hand_id: int
    hub_hand_id: int
    hand_num: int
    is_premium: bool
    broadcast_eligible: bool


@dataclass
class StoreResult:
    file_name: str
    session_id: int | None
    duplicate: bool = False
    hands_total: int = 0
    unmatched_segments: int = 0
    new: list[StoredHand] = field(default_factory=list)
    updated: list[StoredHand] = field(default_factory=list)

    @property
    def hands_new(self) -> int:
        return len(self.new)

    @property
    def hands_updated(self) -> int:
        return len(self.updated)


class SessionUnknown(InvalidInput):
    """A `.txt` log whose hands no imported JSON session holds (yet)."""


def table_id(table_type: str, session_id: int) -> str:
    """The hub's `hands.table_id`: `{Type}_{GameID}`, as the feature-table service named it
    (hand numbers restart with every session, so the session is part of the table key)."""
    return f"{table_type}_{session_id}"


async def _raw(conn: AsyncConnection) -> Any:
    """The asyncpg connection under the unit of work, on the same transaction."""
    raw = await conn.get_raw_connection()
    return raw.driver_connection


async def lock_file(conn: AsyncConnection, sha256: str) -> None:
    """Serialise imports of the same bytes, so the second one sees the first one's commit."""
    await conn.execute(select(func.pg_advisory_xact_lock(int(sha256[:15], 16))))


async def store_file(
    uow: UnitOfWork,
    sessions: Sequence[PreparedSession],
    *,
    file_name: str,
    file_size: int,
    gfx_pc_id: str | None = None,
) -> StoreResult:
    """Store one file's sessions (a JSON export: one; a `.txt` log: its segments) on the
    unit of work's transaction; the caller commits.

    `.txt` segments whose JSON session is unknown are skipped (`unmatched_segments`); if
    none matches, SessionUnknown is raised and nothing is written, so the file can be
    tried again once the JSON arrives.
    """
    conn = uow.connection
    if not sessions:
        raise InvalidInput(f"{file_name}: the file holds no hands")
    digest = sessions[0].file_sha256
    result = StoreResult(file_name=file_name, session_id=sessions[0].game_id)
    await lock_file(conn, digest)
    seen = await conn.scalar(
        select(t.gfx_files.c.session_id).where(t.gfx_files.c.file_hash == digest)
    )
    if seen is not None:
        result.duplicate, result.session_id = True, int(seen)
        return result
    matched: list[tuple[PreparedSession, int]] = []
    for session in sessions:
        if session.game_id is not None:
            matched.append((session, session.game_id))
            continue
        session_id = await _match_txt_session(conn, session)
        if session_id is None:
            result.unmatched_segments += 1
        else:
            matched.append((session, session_id))
    if not matched:
        first = sessions[0].hands[0] if sessions[0].hands else None
        raise SessionUnknown(
            f"{file_name}: no imported JSON session holds these hands"
            + (f" (hand {first.hand_num} at {first.started_at.isoformat()})" if first else "")
            + "; import the session's JSON export first"
        )
    for session, session_id in matched:
        await _store_session(uow, session, session_id, file_name, gfx_pc_id, result)
    result.session_id = matched[0][1]
    await conn.execute(
        t.gfx_files.insert().values(
            file_hash=digest,
            file_name=file_name,
            session_id=result.session_id,
            format="json" if sessions[0].source == "rfid" else "txt",
            file_size=file_size,
            hands_total=result.hands_total,
            hands_new=result.hands_new,
            hands_updated=result.hands_updated,
        )
    )
    await uow.emit(
        "import_completed",
        {
            "source": "gfx",
            "entity": "sessions",
            "file": file_name,
            "session_id": result.session_id,
            "format": "json" if sessions[0].source == "rfid" else "txt",
            "hands_total": result.hands_total,
            "hands_new": result.hands_new,
            "hands_updated": result.hands_updated,
        },
    )
    return result


def _may_replace(session: PreparedSession, stored_hash: str) -> bool:
    """A `.txt` log never overwrites a hand the JSON already gave: the JSON is richer
    (long names, stats, the pot before each action). Within one format, newer wins."""
    return session.source == "rfid" or stored_hash.startswith("txt:")


async def _store_session(
    uow: UnitOfWork,
    session: PreparedSession,
    session_id: int,
    file_name: str,
    gfx_pc_id: str | None,
    result: StoreResult,
) -> None:
    conn = uow.connection
    apg = await _raw(conn)
    await conn.execute(select(func.pg_advisory_xact_lock(session_id)))
    await _upsert_session(conn, session, session_id, file_name, gfx_pc_id)
    existing = {
        int(r["hand_num"]): (int(r["id"]), str(r["content_hash"]))
        for r in await apg.fetch(
            "SELECT id, hand_num, content_hash FROM gfx_hands WHERE session_id = $1", session_id
        )
    }
    fresh: list[PreparedHand] = []
    changed: list[tuple[PreparedHand, int]] = []
    for hand in session.hands:
        known = existing.get(hand.hand_num)
        if known is None:
            fresh.append(hand)
        elif known[1] != hand.digest and _may_replace(session, known[1]):
            changed.append((hand, known[0]))
    result.hands_total += len(session.hands)

    if fresh or changed:
        player_ids = await _upsert_players(conn, session)
        ids = [
            int(r[0])
            for r in await apg.fetch(
                "SELECT nextval(pg_get_serial_sequence('gfx_hands', 'id'))"
                " FROM generate_series(1, $1)",
                len(fresh),
            )
        ]
        written = list(zip(fresh, ids, strict=True)) + changed
        replaced = [gfx_id for _, gfx_id in changed]
        # The hub's rows first, so every gfx_hands row is written once, already linked.
        hub_ids = await _upsert_hub_hands(apg, session, session_id, written)
        if fresh:
            await apg.copy_records_to_table(
                "gfx_hands",
                records=[
                    (gfx_id, session_id, h.hand_num, hub_ids[h.hand_num], *h.hand_row)
                    for h, gfx_id in zip(fresh, ids, strict=True)
                ],
                columns=("id", "session_id", "hand_num", "hub_hand_id", *HAND_COLUMNS),
            )
        if replaced:
            await _update_hands(apg, changed, hub_ids)
            for table, key in (
                ("gfx_hand_players", "hand_id"),
                ("gfx_events", "hand_id"),
                ("hand_grades", "gfx_hand_id"),
            ):
                await apg.execute(f"DELETE FROM {table} WHERE {key} = ANY($1::bigint[])", replaced)
        await apg.copy_records_to_table(
            "gfx_hand_players",
            records=[
                (gfx_id, s[0], player_ids[s[1]], *s[2:]) for h, gfx_id in written for s in h.seats
            ],
            columns=("hand_id", *SEAT_COLUMNS),
        )
        await apg.copy_records_to_table(
            "gfx_events",
            records=[(gfx_id, *e) for h, gfx_id in written for e in h.events],
            columns=("hand_id", *EVENT_COLUMNS),
        )
        await apg.copy_records_to_table(
            "hand_grades",
            records=[(gfx_id, *h.grade) for h, gfx_id in written],
            columns=("gfx_hand_id", *GRADE_COLUMNS),
        )
        new_nums = {h.hand_num for h in fresh}
        for hand, gfx_id in written:
            stored = StoredHand(
                gfx_hand_id=gfx_id,
                hub_hand_id=hub_ids[hand.hand_num],
                hand_num=hand.hand_num,
                is_premium=hand.is_premium,
                broadcast_eligible=hand.broadcast_eligible,
            )
            (result.new if hand.hand_num in new_nums else result.updated).append(stored)
        created = [
            json.dumps(
                {
                    "hand_id": h.hub_hand_id,
                    "gfx_hand_id": h.gfx_hand_id,
                    "session_id": session_id,
                    "table_id": table_id(session.table_type, session_id),
                    "hand_number": h.hand_num,
                    "is_premium": h.is_premium,
                    "broadcast_eligible": h.broadcast_eligible,
                }
            )
            for h in result.new
            if h.hand_num in new_nums
        ]
        if created:  # one statement for all: hub_emit per row, in hand order
            await apg.execute(
                "SELECT hub_emit('hand_created', e) FROM unnest($1::jsonb[]) WITH ORDINALITY"
                " AS u(e, n) ORDER BY n",
                created,
            )
    await apg.execute(
        "UPDATE gfx_sessions SET updated_at = now(),"
        " hand_count = (SELECT count(*) FROM gfx_hands WHERE session_id = $1)"
        " WHERE session_id = $1",
        session_id,
    )


async def _match_txt_session(conn: AsyncConnection, session: PreparedSession) -> int | None:
    """The JSON session a `.txt` segment belongs to: the one holding its hands (same
    numbers, starts within TXT_MATCH_TOLERANCE); None if no imported session does."""
    probes = session.hands[:5]
    votes: dict[int, int] = {}
    for hand in probes:
        rows = await conn.execute(
            select(t.gfx_hands.c.session_id).where(
                t.gfx_hands.c.hand_num == hand.hand_num,
                t.gfx_hands.c.started_at.between(
                    hand.started_at - TXT_MATCH_TOLERANCE, hand.started_at + TXT_MATCH_TOLERANCE
                ),
            )
        )
        for (sid,) in rows:
            votes[int(sid)] = votes.get(int(sid), 0) + 1
    if not votes:
        return None
    return max(votes, key=lambda sid: votes[sid])


async def _upsert_session(
    conn: AsyncConnection,
    session: PreparedSession,
    session_id: int,
    file_name: str,
    gfx_pc_id: str | None,
) -> None:
    values: dict[str, Any] = {
        "session_id": session_id,
        "table_type": session.table_type,
        "event_title": session.event_title,
        "software_version": session.software_version,
        "session_created_at": session.created_at,
        "payouts": session.payouts,
        "source": session.source,
        "gfx_pc_id": gfx_pc_id,
        "file_name": file_name,
        "file_hash": session.file_sha256,
        "raw_json": (func.cast(session.raw_json, JSONB) if session.raw_json is not None else None),
    }
    statement = insert(t.gfx_sessions).values(**values)
    if session.source == "rfid":
        update = {k: statement.excluded[k] for k in values if k != "session_id"}
    else:  # a .txt log only touches a session a JSON created
        update = {}
    await conn.execute(
        statement.on_conflict_do_update(
            index_elements=[t.gfx_sessions.c.session_id], set_={**update, "updated_at": func.now()}
        )
    )


_UPSERT_PLAYERS = """
INSERT INTO gfx_players AS p (player_key, name, long_name, name_key, country_code,
                              hands_played, first_seen_at, last_seen_at)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],
                     $6::int[], $7::timestamptz[], $8::timestamptz[])
ON CONFLICT (player_key) DO UPDATE SET
    long_name = COALESCE(NULLIF(EXCLUDED.long_name, ''), p.long_name),
    country_code = COALESCE(EXCLUDED.country_code, p.country_code),
    hands_played = GREATEST(p.hands_played, EXCLUDED.hands_played),
    first_seen_at = LEAST(p.first_seen_at, EXCLUDED.first_seen_at),
    last_seen_at = GREATEST(p.last_seen_at, EXCLUDED.last_seen_at)
RETURNING id, player_key, player_id
"""


_KNOWN_PLAYERS = """
SELECT id, player_key, player_id, long_name, country_code, hands_played, first_seen_at,
       last_seen_at
  FROM gfx_players WHERE player_key = ANY($1::text[])
"""


def _changes(known: Any, row: Sequence[Any]) -> bool:
    """Whether the upsert would change a stored player (the merge rules of _UPSERT_PLAYERS:
    a non-empty long name and a country replace, the counts and times only widen)."""
    _, _, long_name, _, country, hands_played, first_seen, last_seen = row
    return (
        (bool(long_name) and long_name != known["long_name"])
        or (country is not None and country != known["country_code"])
        or hands_played > known["hands_played"]
        or first_seen < known["first_seen_at"]
        or last_seen > known["last_seen_at"]
    )


async def _upsert_players(conn: AsyncConnection, session: PreparedSession) -> dict[str, int]:
    """gfx_players by player_key → id; every player also gets a `players` person.

    Only new players and players whose row would change are written: a re-export, or a
    session of players the hub knows, locks none of their rows, so concurrent imports
    sharing players do not queue behind each other's transactions.
    """
    if not session.players:
        return {}
    now = datetime.now(UTC)
    rows = [(*r[:6], r[6] or now, r[7] or now) for r in session.players]
    apg = await _raw(conn)
    known = {r["player_key"]: r for r in await apg.fetch(_KNOWN_PLAYERS, [r[0] for r in rows])}
    ids = {key: int(r["id"]) for key, r in known.items()}
    without_person = [int(r["id"]) for r in known.values() if r["player_id"] is None]
    # In key order: two sessions sharing players lock their rows in the same order, so
    # concurrent imports wait for each other instead of deadlocking.
    write = sorted(
        (r for r in rows if r[0] not in known or _changes(known[r[0]], r)), key=lambda r: r[0]
    )
    if write:
        columns: list[list[Any]] = [list(c) for c in zip(*write, strict=True)]
        for row in await apg.fetch(_UPSERT_PLAYERS, *columns):
            ids[row["player_key"]] = int(row["id"])
            if row["player_id"] is None:
                without_person.append(int(row["id"]))
    if without_person:
        await ensure_people(conn, source="gfx", source_row_ids=sorted(set(without_person)))
    return ids


async def _update_hands(
    apg: Any, changed: Sequence[tuple[PreparedHand, int]], hub_ids: dict[int, int]
) -> None:
    assignments = ", ".join(f"{c} = ${i + 3}" for i, c in enumerate(HAND_COLUMNS))
    await apg.executemany(
        f"UPDATE gfx_hands SET hub_hand_id = $2, {assignments}, updated_at = now() WHERE id = $1",
        [(gfx_id, hub_ids[h.hand_num], *h.hand_row) for h, gfx_id in changed],
    )


_UPSERT_HUB_HANDS = """
INSERT INTO hands AS h (table_id, hand_number, source, hand_rank, is_premium, pot_size, winner,
                        players, community_cards, actions, duration_s, started_at)
SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::bool[],
                     $6::bigint[], $7::text[], $8::jsonb[], $9::jsonb[], $10::jsonb[],
                     $11::float8[], $12::timestamptz[])
ON CONFLICT (table_id, hand_number) DO UPDATE SET
    source = EXCLUDED.source, hand_rank = EXCLUDED.hand_rank, is_premium = EXCLUDED.is_premium,
    pot_size = EXCLUDED.pot_size, winner = EXCLUDED.winner, players = EXCLUDED.players,
    community_cards = EXCLUDED.community_cards, actions = EXCLUDED.actions,
    duration_s = EXCLUDED.duration_s, started_at = EXCLUDED.started_at, updated_at = now()
RETURNING id, hand_number
"""


async def _upsert_hub_hands(
    apg: Any,
    session: PreparedSession,
    session_id: int,
    written: Sequence[tuple[PreparedHand, int]],
) -> dict[int, int]:
    """The hub's `hands` rows (SPEC §2) by hand number; gfx_hands.hub_hand_id points there."""
    table = table_id(session.table_type, session_id)
    rows = [(table, h.hand_num, *h.hub) for h, _ in written]
    columns = [list(c) for c in zip(*rows, strict=True)]
    return {
        int(r["hand_number"]): int(r["id"]) for r in await apg.fetch(_UPSERT_HUB_HANDS, *columns)
    }
