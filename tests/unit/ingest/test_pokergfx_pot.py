"""Final pot and chip accounting, checked against PokerGFX's own numbers and by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.ingest.pokergfx_data import (
    TABLE_JSON_FILES,
    data_file,
    json_session,
    raw_json,
    relative,
)
from tests.unit.ingest.pokergfx_factory import action, board, parse_hand, player
from wsop_hub.ingest.pokergfx import EventType, HandKey, Street


def test_the_documented_all_in_hand_pot_is_99000_not_the_last_event_pot() -> None:
    # FACTS §1.6 worked example (pokercaster 1018, HandNum 5), SB 1500 (seat 4),
    # BB 3000 + BB ante 3000 (seat 5): 7500 in before anyone acts.
    # BET 4 to 12500 (+11000) → 18500; CALL 5 to 12500 (+9500) → 28000;
    # flop: BET 4 4500 → 32500; BET 5 13500 → 46000; ALL IN 4 35500 (+31000) → 77000;
    # CALL 5 35500 (+22000) → 99000. The last event's Pot is 77000.
    hand = json_session(data_file("samples/gfx_sample_3_allin_showdown_hand.json")).hands[0]
    priced = [(e.type, e.seat, e.pot_after) for e in hand.events if e.type is not EventType.FOLD]
    assert priced == [
        (EventType.BET, 4, 18500),
        (EventType.CALL, 5, 28000),
        (EventType.BOARD_CARD, None, 28000),
        (EventType.BOARD_CARD, None, 28000),
        (EventType.BOARD_CARD, None, 28000),
        (EventType.BET, 4, 32500),
        (EventType.BET, 5, 46000),
        (EventType.ALL_IN, 4, 77000),
        (EventType.CALL, 5, 99000),
        (EventType.BOARD_CARD, None, 99000),
        (EventType.BOARD_CARD, None, 99000),
    ]
    assert hand.events[-1].pot_before is None  # board rows carry Pot 0
    assert hand.final_pot == 99000
    tulica, schwippert = hand.player_at(4), hand.player_at(5)
    assert tulica is not None and schwippert is not None
    assert (tulica.start_stack, tulica.end_stack, tulica.contributed) == (48000, 0, 48000)
    assert schwippert.stack_delta == 99000 - schwippert.contributed == 48000
    assert [e.street for e in hand.events if e.type is EventType.BET] == [
        Street.PREFLOP,
        Street.FLOP,
        Street.FLOP,
    ]


@pytest.mark.parametrize("path", TABLE_JSON_FILES, ids=relative)
def test_every_reported_pot_equals_the_replayed_pot_before_the_action(path: Path) -> None:
    session = json_session(path)
    compared = 0
    for hand in (*session.hands, *session.superseded_hands):
        for event in hand.events:
            if event.pot_before is not None:
                assert event.pot_before == event.pot_after - event.increment, (hand.hand_num, event)
                compared += 1
    raw_priced = sum(1 for h in raw_json(path)["Hands"] for e in h["Events"] if e["Pot"] != 0)
    assert compared == raw_priced


def test_a_hand_checked_down_ends_with_the_pot_of_its_last_check() -> None:
    """Independent oracle: a CHECK adds nothing, so PokerGFX's Pot on the last CHECK
    (read here with the json module) is the final pot."""
    checked = 0
    for path in TABLE_JSON_FILES:
        session = json_session(path)
        for raw in raw_json(path)["Hands"]:
            events = raw["Events"]
            if not events or events[-1]["EventType"] != "CHECK":
                continue
            hand = session.hand(raw["HandNum"])
            assert hand is not None
            if len(hand.events) == len(events):
                assert hand.final_pot == events[-1]["Pot"]
                checked += 1
    assert checked >= 80


def test_stack_changes_agree_with_the_replayed_pot() -> None:
    """PokerGFX's own End−Start stacks: losers lose what they put in, a lone winner wins
    the pot less their own share. Three real hands disagree, each explained."""
    inconsistent: set[HandKey] = set()
    checked = 0
    for path in TABLE_JSON_FILES:
        for hand in json_session(path).hands:
            if len(hand.winners) != 1 or hand.key is None:
                continue
            checked += 1
            winner = hand.player_at(hand.winners[0])
            assert winner is not None
            losers_ok = all(
                -p.stack_delta == p.contributed for p in hand.players if p.seat != winner.seat
            )
            if not (losers_ok and winner.stack_delta == hand.final_pot - winner.contributed):
                inconsistent.add(hand.key)
    assert checked > 1200
    assert inconsistent == {
        # the session's last, unfinished hand: stacks were never settled
        HandKey(638963043524931047, 106),
        # 370,000 chips vanish from the stacks (sum of End−Start is −370,000)
        HandKey(638965461665708016, 37),
        # all-in for 79,000 against a 125,000 bet: PokerGFX gave the caller the
        # uncalled 46,000 too (the replay returns it to the bettor)
        HandKey(638963847602984623, 60),
    }


def test_an_uncalled_reraise_goes_back_to_the_raiser() -> None:
    # Button 1, SB 2 posts 1500, BB 3 posts 3000 + 3000 ante: 7500. Seat 4 raises to
    # 6000, the big blind re-raises to 20000 and everyone folds: 14000 of it was never
    # called and goes back. The pot is what was matched: SB 1500 + seat 4's 6000 + the
    # big blind's ante 3000 and matched 6000 = 16500.
    hand = parse_hand(
        [player(seat, 100000, 100000) for seat in (1, 2, 3, 4)],
        [
            action("BET", 4, 6000, 7500),
            action("FOLD", 1),
            action("FOLD", 2),
            action("BET", 3, 20000, 13500),
            action("FOLD", 4),
        ],
    )
    assert [e.pot_after for e in hand.events] == [13500, 13500, 13500, 30500, 30500]
    assert hand.final_pot == 16500
    assert {p.seat: p.contributed for p in hand.players} == {1: 0, 2: 1500, 3: 9000, 4: 6000}
    assert hand.winners == (3,)


def test_a_short_all_in_call_returns_the_excess_of_the_bet() -> None:
    # Preflop: seat 4 (10000 chips) calls 3000, the big blind checks: 10500.
    # Flop: the big blind bets 40000, seat 4 calls all in for his last 7000.
    # 33000 of the bet is unmatched and returned: final pot 10500 + 7000 + 7000 = 24500.
    hand = parse_hand(
        [
            player(1, 100000, 100000),
            player(2, 100000, 98500),
            player(3, 100000, 111500, "as ad"),
            player(4, 10000, 0, "kc kd"),
        ],
        [
            action("CALL", 4, 3000, 7500),
            action("FOLD", 1),
            action("FOLD", 2),
            action("CHECK", 3, 0, 10500),
            *board("2c", "7d", "9h"),
            action("BET", 3, 40000, 10500),
            action("ALL IN", 4, 7000, 50500),
            *board("3s", "4h"),
        ],
    )
    assert hand.final_pot == 24500
    assert hand.player_at(3).contributed == 3000 + 3000 + 7000  # type: ignore[union-attr]
    assert hand.winners == (3,)
    assert hand.player_at(3).stack_delta == hand.final_pot - 13000  # type: ignore[union-attr]


def test_no_small_blind_is_posted_from_an_empty_seat() -> None:
    # Real case (GG 1016/New HandNum 36): the small-blind seat is busted, so the pot
    # before the first action is the big blind and the ante only.
    hand = parse_hand(
        [player(2, 0, 0, sitting_out=True), player(3, 50000, 53000), player(4, 50000, 47000)],
        [action("CALL", 4, 3000, 6000), action("CHECK", 3, 0, 9000)],
    )
    assert hand.events[0].pot_after - hand.events[0].increment == 6000
    assert hand.final_pot == 9000


def test_a_short_big_blind_pays_the_blind_before_the_ante() -> None:
    # BB_ANTE_BB1ST: the big blind with 4000 chips posts the 3000 blind, then 1000 of
    # the 3000 ante. Small blind 1500: 5500 in the middle. When both fold to the big
    # blind, the 1500 of the blind the small blind did not match goes back (a walk):
    # the big blind collects 1000 + 1500 + 1500 = 4000.
    hand = parse_hand(
        [player(2, 50000, 48500), player(3, 4000, 5500), player(4, 50000, 50000)],
        [action("FOLD", 4), action("FOLD", 2)],
    )
    assert hand.events[0].pot_after == 5500
    assert hand.final_pot == 4000
    assert hand.player_at(3).contributed == 2500  # type: ignore[union-attr]
    assert hand.winners == (3,)


def test_a_traditional_ante_is_posted_by_everyone_dealt_in() -> None:
    hand = parse_hand(
        [player(seat, 20000, 20000) for seat in (1, 2, 3, 4)] + [player(5, 0, 0, sitting_out=True)],
        [action("FOLD", 4), action("FOLD", 1), action("FOLD", 2)],
        ante=500,
        ante_type="TRADITIONAL",
    )
    assert hand.events[0].pot_after == 4 * 500 + 1500 + 3000
    assert hand.final_pot == 4 * 500 + 1500 + 1500  # the unmatched half of the BB returns
