"""Import one WSOP+ file in ONE transaction (SPEC §6, issue #7 item 5).

Every file gets a `wsop_import_logs` row: its SHA-256 (the same bytes twice → a
`duplicate` row and nothing else), counts, and the rows skipped with their line numbers
and why (the rest of the file still imports). Money is stored in cents, chips as
integers; `None` in a record means "not in the file" and never overwrites a stored value.

Records that name no event (the bare standings JSON, the PokerCaster sheets) go to the
current event: HUB_WSOP_EVENT if set, else the only event whose status is running; with
neither, those rows are reported as errors. Records that name an event not imported yet
create a placeholder event (`name` = "Event <code>") that the events file completes.
Players without a WSOP+ id are keyed `name:<name_key>`. `tournaments` (SPEC §2) is kept
in step with the events, blind levels, payouts and standings.

After the commit, chip-count and standings files that changed something generate their
graphics (`chip_count` / `leaderboard` instructions, see generator.py).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from wsop_hub.db import tables as t
from wsop_hub.db.uow import UnitOfWork
from wsop_hub.domain.enums import TriggerType
from wsop_hub.ingest import generator
from wsop_hub.ingest.gfx_store import lock_file
from wsop_hub.ingest.wsop_plus import (
    BroadcastSlot,
    ChipCountRecord,
    EventRecord,
    ParseResult,
    PlayerRecord,
    RowError,
    StandingEntry,
    TournamentBlindLevel,
    TournamentPayout,
    build_snapshots,
    name_key,
    parse_bytes,
)
from wsop_hub.players.identity import ensure_people
from wsop_hub.settings import Settings


@dataclass
class WsopImportResult:
    file_name: str
    format: str
    target: str
    duplicate: bool = False
    import_id: int | None = None
    rows_total: int = 0
    rows_imported: int = 0
    rows_failed: int = 0
    instructions: int = 0
    error_lines: list[str] = field(default_factory=list)


@dataclass
class _Run:
    conn: AsyncConnection
    import_id: int
    now: datetime
    default_event: str | None
    errors: list[RowError] = field(default_factory=list)
    new_people: list[int] = field(default_factory=list)
    events: dict[str, int] = field(default_factory=dict)
    players: dict[str, int] = field(default_factory=dict)
    graphics: list[tuple[TriggerType, str, int]] = field(default_factory=list)


async def import_wsop_file(
    engine: AsyncEngine, file_name: str, data: bytes, *, settings: Settings
) -> WsopImportResult:
    parsed: ParseResult = await asyncio.to_thread(parse_bytes, data, file_name)
    result = WsopImportResult(
        file_name=file_name,
        format=parsed.format.value,
        target=parsed.format.target,
        rows_total=parsed.rows_total,
    )
    async with UnitOfWork(engine) as uow:
        conn = uow.connection
        await lock_file(conn, parsed.sha256)
        seen = await conn.scalar(
            select(t.wsop_import_logs.c.id).where(
                t.wsop_import_logs.c.file_hash == parsed.sha256,
                t.wsop_import_logs.c.status.in_(("imported", "partial")),
            )
        )
        if seen is not None:
            await conn.execute(
                t.wsop_import_logs.insert().values(
                    file_name=file_name,
                    file_hash=parsed.sha256,
                    format=parsed.format.value,
                    status="duplicate",
                    rows_total=parsed.rows_total,
                    finished_at=func.now(),
                )
            )
            await uow.commit()
            result.duplicate = True
            return result
        import_id = await conn.scalar(
            t.wsop_import_logs.insert()
            .values(
                file_name=file_name,
                file_hash=parsed.sha256,
                format=parsed.format.value,
                status="imported",
                rows_total=parsed.rows_total,
            )
            .returning(t.wsop_import_logs.c.id)
        )
        run = _Run(
            conn=conn,
            import_id=int(import_id),
            now=datetime.now(UTC),
            default_event=await _default_event(conn, settings.hub_wsop_event),
            errors=list(parsed.errors),
        )
        imported = await _dispatch(run, parsed)
        if run.new_people:
            await ensure_people(conn, source="wsop", source_row_ids=run.new_people)
        failed = len(run.errors)
        # Nothing imported (e.g. no current event) is "failed": the same bytes may be
        # imported again once the cause is fixed. Some rows skipped is "partial".
        status = "imported" if not failed else ("partial" if imported else "failed")
        await conn.execute(
            t.wsop_import_logs.update()
            .where(t.wsop_import_logs.c.id == run.import_id)
            .values(
                status=status,
                rows_imported=imported,
                rows_failed=failed,
                errors=[{"line": e.line, "message": e.message, "kind": "error"} for e in run.errors]
                + [
                    {"line": w.line, "message": w.message, "kind": "warning"}
                    for w in parsed.warnings
                ],
                finished_at=func.now(),
            )
        )
        await uow.emit(
            "import_completed",
            {
                "source": "wsop_plus",
                "entity": parsed.format.target,
                "file": file_name,
                "import_id": run.import_id,
                "status": status,
                "rows_imported": imported,
                "rows_failed": failed,
            },
        )
        wanted = [await _graphic(conn, *g) for g in run.graphics]
        await uow.commit()
    result.import_id = run.import_id
    result.rows_imported, result.rows_failed = imported, failed
    result.error_lines = [f"line {e.line}: {e.message}" for e in run.errors]
    result.instructions = await generator.create_all(
        engine, [w for w in wanted if w is not None], settings
    )
    return result


async def _default_event(conn: AsyncConnection, configured: str | None) -> str | None:
    if configured:
        return configured
    running = (
        await conn.execute(
            select(t.wsop_events.c.event_code).where(t.wsop_events.c.status == "running").limit(2)
        )
    ).all()
    return str(running[0][0]) if len(running) == 1 else None


async def _dispatch(run: _Run, parsed: ParseResult) -> int:
    records = list(parsed.records)
    target = parsed.format.target
    if target == "events":
        return await _events(run, [r for r in records if isinstance(r, EventRecord)])
    if target == "players":
        return await _players(run, [r for r in records if isinstance(r, PlayerRecord)])
    if target == "chip_counts":
        return await _chip_counts(run, [r for r in records if isinstance(r, ChipCountRecord)])
    if target == "standings":
        return await _standings(run, [r for r in records if isinstance(r, StandingEntry)])
    if target == "blind_levels":
        levels = [r for r in records if isinstance(r, TournamentBlindLevel)]
        return await _per_tournament(run, levels, _upsert_level)
    if target == "payouts":
        payouts = [r for r in records if isinstance(r, TournamentPayout)]
        return await _per_tournament(run, payouts, _upsert_payout)
    return await _schedule(run, [r for r in records if isinstance(r, BroadcastSlot)])


def _present(values: dict[str, Any]) -> dict[str, Any]:
    """Only what the file said: None never overwrites a stored value."""
    return {k: v for k, v in values.items() if v is not None}


NO_EVENT = (
    "rows name no event and there is no current event "
    "(set HUB_WSOP_EVENT, or import an events file with exactly one running event)"
)


async def _event_id(run: _Run, code: str | None, *, report: bool = False) -> int | None:
    code = code or run.default_event
    if code is None:
        if report and not any(e.message == NO_EVENT for e in run.errors):
            run.errors.append(RowError(1, NO_EVENT))
        return None
    if code not in run.events:
        statement = insert(t.wsop_events).values(event_code=code, name=f"Event {code}")
        run.events[code] = int(
            await run.conn.scalar(
                statement.on_conflict_do_update(
                    index_elements=[t.wsop_events.c.event_code],
                    set_={"event_code": statement.excluded.event_code},
                ).returning(t.wsop_events.c.id)
            )
        )
    return run.events[code]


async def _player_id(
    run: _Run, wsop_id: str | None, name: str, country: str | None, **extra: Any
) -> int:
    key = wsop_id or f"name:{name_key(name)}"
    if key in run.players and not extra:
        return run.players[key]
    values = {
        "wsop_player_id": key,
        "name": name,
        "name_key": name_key(name),
        **_present({"country_code": country, **extra}),
    }
    statement = insert(t.wsop_players).values(**values)
    update = {k: statement.excluded[k] for k in values if k != "wsop_player_id"}
    row = (
        await run.conn.execute(
            statement.on_conflict_do_update(
                index_elements=[t.wsop_players.c.wsop_player_id],
                set_={**update, "updated_at": func.now()},
            ).returning(t.wsop_players.c.id, t.wsop_players.c.player_id)
        )
    ).one()
    if row.player_id is None:
        run.new_people.append(int(row.id))
    run.players[key] = int(row.id)
    return int(row.id)


async def _events(run: _Run, records: Sequence[EventRecord]) -> int:
    for r in records:
        values = _present(
            {
                "name": r.event_name,
                "buy_in_cents": r.buy_in_cents,
                "rake_cents": r.rake_cents,
                "starts_at": (
                    datetime.combine(r.start_date, r.start_time or datetime.min.time(), UTC)
                    if r.start_date
                    else None
                ),
                "status": r.status.value,
                "entries": r.total_entries,
                "remaining_players": r.players_remaining,
                "prize_pool_cents": r.prize_pool_cents,
                "level": r.current_level,
                "starting_chips": r.starting_chips,
            }
        )
        values["raw"] = json.loads(r.model_dump_json())
        statement = insert(t.wsop_events).values(event_code=r.event_id, **values)
        event_id = await run.conn.scalar(
            statement.on_conflict_do_update(
                index_elements=[t.wsop_events.c.event_code],
                set_={**{k: statement.excluded[k] for k in values}, "updated_at": func.now()},
            ).returning(t.wsop_events.c.id)
        )
        run.events[r.event_id] = int(event_id)
        for level in r.blind_structure:
            await _upsert_level(run, int(event_id), level)
        for payout in r.payouts:
            await _upsert_payout(run, int(event_id), payout)
        await _sync_tournament(run, r.event_id)
    return len(records)


async def _upsert_level(run: _Run, event_id: int, level: Any) -> None:
    values = {
        "small_blind": level.small_blind,
        "big_blind": level.big_blind,
        "ante": level.ante,
        "bb_ante": level.bb_ante,
        "duration_min": level.duration_minutes,
        "is_break": level.is_break,
        "break_name": level.break_name,
    }
    statement = insert(t.wsop_blind_levels).values(event_id=event_id, level=level.level, **values)
    await run.conn.execute(
        statement.on_conflict_do_update(
            index_elements=[t.wsop_blind_levels.c.event_id, t.wsop_blind_levels.c.level],
            set_={k: statement.excluded[k] for k in values},
        )
    )


async def _upsert_payout(run: _Run, event_id: int, payout: Any) -> None:
    values = {
        "place_to": payout.place_end,
        "prize_cents": payout.amount_cents,
        "percentage": payout.percentage,
        "is_bracelet": payout.is_bracelet,
    }
    statement = insert(t.wsop_payouts).values(
        event_id=event_id, place_from=payout.place_start, **values
    )
    await run.conn.execute(
        statement.on_conflict_do_update(
            index_elements=[t.wsop_payouts.c.event_id, t.wsop_payouts.c.place_from],
            set_={k: statement.excluded[k] for k in values},
        )
    )


async def _players(run: _Run, records: Sequence[PlayerRecord]) -> int:
    for r in records:
        player_id = await _player_id(
            run,
            r.wsop_player_id,
            r.name,
            r.country_code,
            hometown=r.city,
            profile_image_url=r.profile_image_url,
            raw=json.loads(r.model_dump_json(exclude={"entries"})),
        )
        for entry in r.entries:
            event_id = await _event_id(run, entry.event_id)
            assert event_id is not None  # entries always name their event
            await _upsert_entry(
                run,
                event_id,
                player_id,
                status=entry.status.value if entry.status else None,
                table_num=entry.table_num,
                seat_num=entry.seat_num,
                chips=entry.current_chips,
                rank=entry.rank,
                prize_cents=entry.prize_won_cents,
            )
    return len(records)


async def _upsert_entry(run: _Run, event_id: int, player_id: int, **values: Any) -> None:
    present = _present(values)
    statement = insert(t.wsop_event_players).values(
        event_id=event_id, player_id=player_id, **present
    )
    await run.conn.execute(
        statement.on_conflict_do_update(
            index_elements=[t.wsop_event_players.c.event_id, t.wsop_event_players.c.player_id],
            set_={**{k: statement.excluded[k] for k in present}, "updated_at": func.now()},
        )
    )


async def _chip_counts(run: _Run, records: Sequence[ChipCountRecord]) -> int:
    imported = 0
    changed: set[tuple[int, datetime]] = set()
    for r in records:
        event_id = await _event_id(run, r.event_id, report=True)
        if event_id is None:
            continue
        player_id = await _player_id(run, r.wsop_player_id, r.player_name, r.country_code)
        recorded_at = r.recorded_at or run.now
        previous = await run.conn.scalar(
            select(t.wsop_chip_counts.c.chips)
            .where(
                t.wsop_chip_counts.c.event_id == event_id,
                t.wsop_chip_counts.c.player_id == player_id,
                t.wsop_chip_counts.c.recorded_at < recorded_at,
            )
            .order_by(t.wsop_chip_counts.c.recorded_at.desc())
            .limit(1)
        )
        inserted = await run.conn.execute(
            insert(t.wsop_chip_counts)
            .values(
                event_id=event_id,
                player_id=player_id,
                chips=r.chip_count,
                level=r.level_number,
                recorded_at=recorded_at,
                import_id=run.import_id,
            )
            .on_conflict_do_nothing()
        )
        if inserted.rowcount and previous != r.chip_count:
            changed.add((event_id, recorded_at))
        await _upsert_entry(
            run,
            event_id,
            player_id,
            status="eliminated" if r.is_eliminated else ("active" if r.chip_count else None),
            table_num=r.table_num,
            seat_num=r.seat_num,
            chips=r.chip_count,
            rank=r.rank,
        )
        imported += 1
    _latest_graphics(run, TriggerType.CHIP_COUNT, changed)
    return imported


def _latest_graphics(run: _Run, trigger: TriggerType, changed: set[tuple[int, datetime]]) -> None:
    """One graphic per event, for its latest changed moment: older moments in the same
    file are history, not news."""
    latest: dict[int, datetime] = {}
    for event_id, at in changed:
        latest[event_id] = max(at, latest.get(event_id, at))
    for event_id, at in sorted(latest.items()):
        run.graphics.append((trigger, at.isoformat(), event_id))


async def _standings(run: _Run, records: Sequence[StandingEntry]) -> int:
    imported = 0
    changed: set[tuple[int, datetime]] = set()
    for snapshot in build_snapshots(records):
        event_id = await _event_id(run, snapshot.event_id, report=True)
        if event_id is None:
            continue
        at = snapshot.snapshot_at or run.now
        before = await _latest_ranking(run.conn, event_id, at)
        for entry in snapshot.entries:
            player_id = await _player_id(
                run, entry.wsop_player_id, entry.player_name, entry.country_code
            )
            await run.conn.execute(
                insert(t.wsop_standings)
                .values(
                    event_id=event_id,
                    snapshot_at=at,
                    rank=entry.rank,
                    player_id=player_id,
                    chips=entry.chip_count,
                    bbs=entry.stack_in_bbs,
                    import_id=run.import_id,
                )
                .on_conflict_do_nothing()
            )
            imported += 1
        after = await _latest_ranking(run.conn, event_id, at, inclusive=True)
        if after != before:
            changed.add((event_id, at))
        code = await run.conn.scalar(
            select(t.wsop_events.c.event_code).where(t.wsop_events.c.id == event_id)
        )
        await run.conn.execute(
            t.tournaments.update()
            .where(t.tournaments.c.event_code == code)
            .values(
                standings=[
                    {"rank": e.rank, "name": e.player_name, "chips": e.chip_count}
                    for e in snapshot.entries
                ],
                remaining_players=snapshot.players_remaining,
                updated_at=func.now(),
            )
        )
    _latest_graphics(run, TriggerType.LEADERBOARD, changed)
    return imported


async def _latest_ranking(
    conn: AsyncConnection, event_id: int, at: datetime, *, inclusive: bool = False
) -> list[tuple[int, int]]:
    """(player, rank) of the latest snapshot before (or at) `at`."""
    bound = (
        t.wsop_standings.c.snapshot_at <= at if inclusive else t.wsop_standings.c.snapshot_at < at
    )
    latest = (
        select(func.max(t.wsop_standings.c.snapshot_at))
        .where(t.wsop_standings.c.event_id == event_id, bound)
        .scalar_subquery()
    )
    rows = await conn.execute(
        select(t.wsop_standings.c.player_id, t.wsop_standings.c.rank)
        .where(t.wsop_standings.c.event_id == event_id, t.wsop_standings.c.snapshot_at == latest)
        .order_by(t.wsop_standings.c.rank)
    )
    return [(int(r[0]), int(r[1])) for r in rows]


async def _per_tournament(
    run: _Run,
    records: Sequence[TournamentBlindLevel] | Sequence[TournamentPayout],
    upsert: Callable[[_Run, int, Any], Awaitable[None]],
) -> int:
    """Rows of the tournament-management CSVs (keyed by tournament number), then the
    `tournaments` row of every tournament they touched."""
    codes = set()
    for r in records:
        event_id = await _event_id(run, str(r.tournament_number))
        assert event_id is not None  # a code always names an event (a placeholder if new)
        await upsert(run, event_id, r)
        codes.add(str(r.tournament_number))
    for code in sorted(codes):
        await _sync_tournament(run, code)
    return len(records)


async def _schedule(run: _Run, records: Sequence[BroadcastSlot]) -> int:
    for r in records:
        values = {
            "time_end": r.time_end,
            "event_title": r.event_title,
            "event_code": str(r.tournament_number) if r.tournament_number else None,
            "is_live": r.is_live,
        }
        statement = insert(t.broadcast_schedule).values(
            broadcast_date=r.date, time_start=r.time_start, channel=r.channel or "", **values
        )
        await run.conn.execute(
            statement.on_conflict_do_update(
                index_elements=[
                    t.broadcast_schedule.c.broadcast_date,
                    t.broadcast_schedule.c.time_start,
                    t.broadcast_schedule.c.channel,
                ],
                set_={**{k: statement.excluded[k] for k in values}, "updated_at": func.now()},
            )
        )
    return len(records)


async def _sync_tournament(run: _Run, code: str) -> None:
    """`tournaments` (SPEC §2) from the event, its current blinds and its payouts."""
    event = (
        await run.conn.execute(select(t.wsop_events).where(t.wsop_events.c.event_code == code))
    ).one()
    blinds = (
        await run.conn.execute(
            select(t.wsop_blind_levels).where(
                t.wsop_blind_levels.c.event_id == event.id,
                t.wsop_blind_levels.c.level == event.level,
            )
        )
    ).first()
    payouts = await run.conn.execute(
        select(t.wsop_payouts)
        .where(t.wsop_payouts.c.event_id == event.id)
        .order_by(t.wsop_payouts.c.place_from)
    )
    values = {
        "name": event.name,
        "buy_in_cents": event.buy_in_cents,
        "prize_pool_cents": event.prize_pool_cents,
        "entries": event.entries,
        "remaining_players": event.remaining_players,
        "level": event.level,
        "blinds": (
            {
                "level": blinds.level,
                "small_blind": blinds.small_blind,
                "big_blind": blinds.big_blind,
                "ante": blinds.ante,
                "bb_ante": blinds.bb_ante,
            }
            if blinds is not None
            else {}
        ),
        "payouts": [
            {"place_from": p.place_from, "place_to": p.place_to, "prize_cents": p.prize_cents}
            for p in payouts
        ],
    }
    statement = insert(t.tournaments).values(event_code=code, **values)
    await run.conn.execute(
        statement.on_conflict_do_update(
            index_elements=[t.tournaments.c.event_code],
            set_={**{k: statement.excluded[k] for k in values}, "updated_at": func.now()},
        )
    )


async def _graphic(conn: AsyncConnection, trigger: TriggerType, at: str, event_id: int) -> Any:
    """The leaderboard of `event_id` as of this import, for the chip_count / leaderboard
    rule: chip counts from the latest count per active player, standings from the snapshot."""
    event = (await conn.execute(select(t.wsop_events).where(t.wsop_events.c.id == event_id))).one()
    big_blind = await conn.scalar(
        select(t.wsop_blind_levels.c.big_blind).where(
            t.wsop_blind_levels.c.event_id == event_id, t.wsop_blind_levels.c.level == event.level
        )
    )
    if trigger == TriggerType.LEADERBOARD:
        latest = (
            select(func.max(t.wsop_standings.c.snapshot_at))
            .where(t.wsop_standings.c.event_id == event_id)
            .scalar_subquery()
        )
        source = (
            select(
                t.wsop_players.c.name,
                t.wsop_players.c.country_code,
                t.wsop_standings.c.chips,
            )
            .join(t.wsop_players, t.wsop_players.c.id == t.wsop_standings.c.player_id)
            .where(
                t.wsop_standings.c.event_id == event_id,
                t.wsop_standings.c.snapshot_at == latest,
                t.wsop_standings.c.chips > 0,
            )
        )
    else:
        source = (
            select(
                t.wsop_players.c.name, t.wsop_players.c.country_code, t.wsop_event_players.c.chips
            )
            .join(t.wsop_players, t.wsop_players.c.id == t.wsop_event_players.c.player_id)
            .where(
                and_(
                    t.wsop_event_players.c.event_id == event_id,
                    t.wsop_event_players.c.chips > 0,
                    t.wsop_event_players.c.status != "eliminated",
                )
            )
        )
    rows = [
        {"name": r.name, "country_code": r.country_code, "chips": int(r.chips)}
        for r in await conn.execute(source)
    ]
    if not rows:
        return None
    return generator.leaderboard_instruction(
        trigger,
        f"{event.event_code}:{at}",
        rows,
        big_blind=int(big_blind) if big_blind else None,
        event_name=event.name,
    )
