"""PokerGFX ingest against a real PostgreSQL, on every real export shipped in tests/data."""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.integration.ingest.conftest import (
    GFX,
    gfx_json_files,
    gfx_txt_files,
    hand_numbers,
    rows,
    scalar,
)
from wsop_hub.ingest import gfx_store
from wsop_hub.ingest.pokergfx import parse_json_bytes
from wsop_hub.ingest.pokergfx.evaluate import DEFAULT_PREMIUM_THRESHOLD as FULL_HOUSE
from wsop_hub.ingest.service import IngestService, Outcome

COUNTS = {
    "hands": "SELECT count(*) FROM gfx_hands",
    "hub": "SELECT count(*) FROM hands",
    "seats": "SELECT count(*) FROM gfx_hand_players",
    "events": "SELECT count(*) FROM gfx_events",
    "grades": "SELECT count(*) FROM hand_grades",
    "instructions": "SELECT count(*) FROM render_instructions",
    "hand_created": "SELECT count(*) FROM event_log WHERE type = 'hand_created'",
}


async def _counts(engine: AsyncEngine) -> dict[str, int]:
    return {name: int(await scalar(engine, sql)) for name, sql in COUNTS.items()}


def _grown_session() -> tuple[tuple[int, Path], tuple[int, Path]]:
    """(hands, path) of the smallest and the largest export of a GameID exported more than
    once with a growing hand list (1017/ and 1017/new/ hold two exports of one table day)."""
    versions: dict[int, list[tuple[int, Path]]] = {}
    for path in gfx_json_files():
        game_id, numbers = hand_numbers(path)
        versions.setdefault(game_id, []).append((len(numbers), path))
    grown = [sorted(v) for v in versions.values() if len({n for n, _ in v}) > 1]
    assert grown, "the samples hold a session exported twice as it grew"
    return grown[0][0], grown[0][-1]


async def test_every_real_export_imports_without_duplicates_across_re_exports(
    engine: AsyncEngine, service: IngestService
) -> None:
    expected: dict[int, set[int]] = {}
    for path in gfx_json_files():
        game_id, numbers = hand_numbers(path)
        expected.setdefault(game_id, set()).update(numbers)
        result = await service.ingest(path)
        assert result.outcome in (Outcome.IMPORTED, Outcome.DUPLICATE), result.error
    stored = await rows(engine, "SELECT session_id, hand_num FROM gfx_hands")
    by_session: dict[int, set[int]] = {}
    for session_id, hand_num in stored:
        by_session.setdefault(int(session_id), set()).add(int(hand_num))
    assert by_session == expected  # every hand of every session, each once
    assert len(stored) == sum(len(v) for v in expected.values())
    counts = await _counts(engine)
    assert counts["hub"] == counts["hands"] == counts["grades"] == counts["hand_created"]
    sessions = await rows(engine, "SELECT session_id, hand_count FROM gfx_sessions")
    assert {int(s): int(c) for s, c in sessions} == {k: len(v) for k, v in expected.items()}

    # The .txt logs are mostly the same hands again: reconciled onto the JSON session, not
    # duplicated; a hand only the log has (the JSON was exported before it) is added as
    # source csv.
    for path in gfx_txt_files():
        result = await service.ingest(path)
        assert result.outcome in (Outcome.IMPORTED, Outcome.DUPLICATE), result.error
    txt_only = await rows(engine, "SELECT session_id, hand_num FROM gfx_hands WHERE source = 'csv'")
    for session_id, hand_num in txt_only:
        assert hand_num not in expected[int(session_id)], "a JSON hand was duplicated"
    assert len(txt_only) < len(stored) // 20  # the logs add a handful, not a second copy
    after = await _counts(engine)
    assert after["hands"] == counts["hands"] + len(txt_only)
    json_rows = await scalar(engine, "SELECT count(*) FROM gfx_hands WHERE source = 'rfid'")
    assert json_rows == counts["hands"]  # a log never overwrote the richer JSON
    txt_files = await scalar(engine, "SELECT count(*) FROM gfx_files WHERE format = 'txt'")
    assert txt_files == len(gfx_txt_files())


async def test_a_re_export_adds_new_hands_and_the_same_file_again_is_a_no_op(
    engine: AsyncEngine, service: IngestService, tmp_path: Path
) -> None:
    (small_n, small), (big_n, big) = _grown_session()

    first = await service.ingest(small)
    assert (first.outcome, first.hands_new) == (Outcome.IMPORTED, small_n)
    again = await service.ingest(small)
    assert again.outcome == Outcome.DUPLICATE
    grown_result = await service.ingest(big)
    assert grown_result.outcome == Outcome.IMPORTED
    assert grown_result.hands_new == big_n - small_n
    assert await scalar(engine, "SELECT count(*) FROM gfx_hands") == big_n
    ids_before = await rows(engine, "SELECT id, hand_num FROM gfx_hands ORDER BY hand_num")
    # One import_completed per stored file (channel sync-status); none for a duplicate.
    imports = await rows(
        engine, "SELECT data FROM event_log WHERE type = 'import_completed' ORDER BY id"
    )
    assert [
        (e["source"], e["file"], e["hands_total"], e["hands_new"], e["hands_updated"])
        for (e,) in imports
    ] == [
        ("gfx", small.name, small_n, small_n, 0),
        ("gfx", big.name, big_n, big_n - small_n, 0),
    ]
    # The same bytes under another name are still the same file.
    copy = tmp_path / big.name
    shutil.copy(big, copy)
    assert (await service.ingest(copy)).outcome == Outcome.DUPLICATE
    assert await rows(engine, "SELECT id, hand_num FROM gfx_hands ORDER BY hand_num") == ids_before


async def test_premium_hands_and_eliminations_get_one_instruction_each_however_often_ingested(
    engine: AsyncEngine, service: IngestService, tmp_path: Path
) -> None:
    for path in gfx_json_files():
        await service.ingest(path)
    premium = await scalar(engine, "SELECT count(*) FROM hands WHERE is_premium")
    eliminations = await scalar(
        engine, "SELECT count(*) FROM gfx_hand_players WHERE elimination_rank > 0"
    )
    assert premium > 0, "the samples hold premium hands"
    by_trigger = dict(
        await rows(
            engine, "SELECT trigger_type, count(*) FROM render_instructions GROUP BY trigger_type"
        )
    )
    assert by_trigger.get("premium_hand", 0) == premium
    assert by_trigger.get("elimination", 0) == eliminations
    # Premium means full house or better among the players who showed down.
    ranks = await rows(engine, "SELECT DISTINCT hand_rank FROM hands WHERE is_premium")
    assert {r[0] for r in ranks} <= {
        "full_house",
        "four_of_a_kind",
        "straight_flush",
        "royal_flush",
    }
    folded_premium = await scalar(
        engine,
        "SELECT count(*) FROM gfx_hand_players WHERE folded AND showed_down",
    )
    assert folded_premium == 0
    # An instruction carries gfx_data v3 for its template.
    [(layer_data,)] = await rows(
        engine,
        "SELECT layer_data FROM render_instructions WHERE trigger_type = 'premium_hand' LIMIT 1",
    )
    assert layer_data["$schema"] == "render_gfx_data_v3"
    assert layer_data["single_fields"]["name"] == layer_data["single_fields"]["name"].upper()

    # A re-export of everything (copies: new file names, new bytes? no: same bytes) and a
    # changed file both leave one instruction per trigger.
    before = await scalar(engine, "SELECT count(*) FROM render_instructions")
    for path in gfx_json_files():
        target = tmp_path / path.name
        target.write_bytes(path.read_bytes().replace(b'"EventTitle"', b'"EventTitle" '))
        await service.ingest(target)
    assert await scalar(engine, "SELECT count(*) FROM render_instructions") == before


async def test_grades_follow_the_three_conditions(
    engine: AsyncEngine, service: IngestService
) -> None:
    for path in gfx_json_files():
        await service.ingest(path)
    grades = await rows(
        engine,
        "SELECT g.grade, g.has_premium_hand, g.has_long_playtime, g.has_premium_board_combo,"
        " g.conditions_met, g.broadcast_eligible, h.duration_s, h.is_premium"
        " FROM hand_grades g JOIN gfx_hands h ON h.id = g.gfx_hand_id",
    )
    assert grades
    for grade, premium, long_play, board, met, eligible, duration, is_premium in grades:
        assert met == int(premium) + int(long_play) + int(board)
        assert grade == {3: "A", 2: "B"}.get(met, "C")
        assert eligible == (grade in ("A", "B"))
        assert premium == is_premium
        assert long_play == (duration is not None and duration >= 120)
    assert {g[0] for g in grades} >= {"B", "C"}


async def test_a_failure_while_storing_leaves_nothing_of_the_file(
    engine: AsyncEngine, service: IngestService, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = gfx_json_files()[0]

    async def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("disk full while writing hands")

    monkeypatch.setattr(gfx_store, "_upsert_hub_hands", broken)  # after every COPY
    with pytest.raises(RuntimeError, match="disk full"):
        await service.ingest(path)
    assert set((await _counts(engine)).values()) == {0}
    assert await scalar(engine, "SELECT count(*) FROM gfx_sessions") == 0
    monkeypatch.undo()
    assert (await service.ingest(path)).outcome == Outcome.IMPORTED


async def test_a_txt_log_before_its_json_is_deferred_not_quarantined(
    engine: AsyncEngine, service: IngestService
) -> None:
    txt = gfx_txt_files()[0]
    result = await service.ingest(txt)
    assert result.outcome == Outcome.DEFERRED and "JSON" in (result.error or "")
    assert await scalar(engine, "SELECT count(*) FROM gfx_files") == 0
    assert txt.exists()


async def test_a_malformed_export_is_quarantined_with_its_reason_and_an_event(
    engine: AsyncEngine, service: IngestService, tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    bad = inbox / "PGFX_live_data_export GameID=638962014211467634.json"
    good = gfx_json_files()[0].read_bytes()
    bad.write_bytes(good[: len(good) // 2])  # truncated mid-write
    result = await service.ingest(bad, inbox=inbox)
    assert result.outcome == Outcome.QUARANTINED
    assert not bad.exists(), "a watched file is moved out of the inbox"
    [moved] = [p for p in service.quarantine_dir.iterdir() if p.name.endswith(".json")]
    reason = moved.with_name(moved.name + ".error.txt").read_text()
    assert "not valid JSON" in reason or "JSON" in reason
    [(severity, payload)] = await rows(
        engine,
        "SELECT severity, payload FROM monitoring_events WHERE event_type = 'ingest_quarantined'",
    )
    assert severity == "warning" and payload["file"] == bad.name
    assert await scalar(engine, "SELECT count(*) FROM gfx_sessions") == 0


def test_sample_data_is_in_the_project() -> None:
    """`./run test` must pass where ../shared does not exist."""
    assert GFX.is_dir() and len(gfx_json_files()) >= 20 and gfx_txt_files()


PLAYER_MASTER = """
SELECT p.player_key, p.hands_played, p.first_seen_at, p.last_seen_at,
       (SELECT count(*) FROM gfx_hand_players s
         WHERE s.player_id = p.id AND s.start_stack_amt > 0 AND NOT s.sitting_out) AS dealt_in,
       (SELECT min(h.started_at) FROM gfx_hand_players s JOIN gfx_hands h ON h.id = s.hand_id
         WHERE s.player_id = p.id) AS first_hand,
       (SELECT max(h.started_at) FROM gfx_hand_players s JOIN gfx_hands h ON h.id = s.hand_id
         WHERE s.player_id = p.id) AS last_hand
  FROM gfx_players p ORDER BY p.player_key
"""


async def test_the_player_master_follows_a_growing_session_and_never_narrows(
    engine: AsyncEngine, service: IngestService, tmp_path: Path
) -> None:
    """A re-export writes only the players whose row changes; whatever it skips, the
    master must still agree with the stored hands (one session: hands dealt in, first and
    last hand)."""
    (_, small), (_, big) = _grown_session()

    async def master() -> list[tuple[object, ...]]:
        found = await rows(engine, PLAYER_MASTER)
        for key, played, first, last, dealt_in, first_hand, last_hand in found:
            assert (played, first, last) == (dealt_in, first_hand, last_hand), key
        return [tuple(r) for r in found]

    assert (await service.ingest(small)).outcome == Outcome.IMPORTED
    before = {r[0]: r for r in await master()}
    assert (await service.ingest(big)).outcome == Outcome.IMPORTED
    after = {r[0]: r for r in await master()}
    assert set(before) <= set(after)
    assert any(after[k][1] > before[k][1] for k in before), "the new hands counted"
    # The older export again under another name: different bytes, same hands — nothing
    # of the master goes back.
    copy = tmp_path / small.name
    copy.write_bytes(small.read_bytes().replace(b'"Hands"', b'"Hands" ', 1))
    result = await service.ingest(copy)
    assert (result.outcome, result.hands_new, result.hands_updated) == (Outcome.IMPORTED, 0, 0)
    assert {r[0]: r for r in await master()} == after


async def test_concurrent_sessions_sharing_players_each_import_whole(
    engine: AsyncEngine, service: IngestService, tmp_path: Path
) -> None:
    """Four sessions of the same players (one table day exported under four GameIDs)
    imported at once: each is stored whole, every player once with one person."""
    source = max(gfx_json_files(), key=lambda p: len(hand_numbers(p)[1]))
    export = json.loads(source.read_text(encoding="utf-8-sig"))
    files = []
    for n in range(4):
        game_id = 700_000_000_000_000_000 + n
        path = tmp_path / f"PGFX_live_data_export GameID={game_id}.json"
        path.write_text(json.dumps(dict(export, ID=game_id)), encoding="utf-8")
        files.append(path)
    results = await asyncio.gather(*(service.ingest(p) for p in files))
    per_file = len(hand_numbers(source)[1])
    assert [(r.outcome, r.hands_new) for r in results] == [(Outcome.IMPORTED, per_file)] * 4
    assert await scalar(engine, "SELECT count(*) FROM gfx_hands") == 4 * per_file
    keys = await scalar(engine, "SELECT count(DISTINCT player_id) FROM gfx_hand_players")
    assert await scalar(engine, "SELECT count(*) FROM gfx_players") == keys
    assert await scalar(engine, "SELECT count(*) FROM gfx_players WHERE player_id IS NULL") == 0
    assert await scalar(engine, "SELECT count(*) FROM players") == keys


async def test_a_premium_hand_graphic_shows_its_winners_flag(
    engine: AsyncEngine, service: IngestService
) -> None:
    """PokerGFX has no country: the flag comes from the winner's gfx player (filled in by
    WSOP+ or an admin), looked up through the hand's winning seat."""
    parsed = [(p, parse_json_bytes(p.read_bytes(), source_name=p.name)) for p in gfx_json_files()]
    path, session = next(
        (p, s)
        for p, s in parsed
        if any(h.hand_rank and h.hand_rank.at_least(FULL_HOUSE) for h in s.hands)
    )
    countries = {m.player_key: ("KR" if n % 2 else "TR") for n, m in enumerate(session.players)}
    async with engine.begin() as conn:  # known before: as if WSOP+ had filled them in
        for key, country in countries.items():
            await conn.execute(
                text(
                    "INSERT INTO gfx_players (player_key, name, name_key, country_code)"
                    " VALUES (:key, :key, :key, :country)"
                ),
                {"key": key, "country": country},
            )
    await service.ingest(path)
    winners = {
        hand.hand_num: next(p.player_key for p in hand.players if p.seat == hand.winners[0])
        for hand in session.hands
        if hand.winners
    }
    flags = await rows(
        engine,
        "SELECT g.hand_num, i.layer_data->'single_fields'->>'flag' FROM render_instructions i"
        " JOIN gfx_hands g ON g.hub_hand_id = i.hand_id WHERE i.trigger_type = 'premium_hand'",
    )
    assert flags, "the sample holds premium hands"
    expected = {"KR": "Flag/Korea.png", "TR": "Flag/Turkey.png"}
    assert {n: flag for n, flag in flags} == {n: expected[countries[winners[n]]] for n, _ in flags}
