"""Hand evaluation: pokerkit results against hands checked by hand, real and constructed."""

from __future__ import annotations

import pytest

from tests.unit.ingest.pokergfx_data import data_file, json_session, table_sessions
from tests.unit.ingest.pokergfx_factory import action, board, parse_hand, player
from wsop_hub.domain.enums import HandRank
from wsop_hub.ingest.pokergfx import WinnerBasis, best_hand, board_rank, is_premium
from wsop_hub.ingest.pokergfx.evaluate import showdown_winners


def _rank(hole: str, community: str) -> HandRank | None:
    result = best_hand(hole.split(), community.split())
    return None if result is None else result.rank


@pytest.mark.parametrize(
    ("hole", "community", "expected"),
    [
        ("as ks", "qs js 10s 2d 3c", HandRank.ROYAL_FLUSH),
        ("ks qs", "js 10s 9s 2d ad", HandRank.STRAIGHT_FLUSH),  # king-high: not royal
        ("as 2s", "3s 4s 5s kd kc", HandRank.STRAIGHT_FLUSH),  # steel wheel: ace low
        ("ah 2d", "3c 4s 5h kd kc", HandRank.STRAIGHT),  # wheel
        ("ah kd", "qc js 10h 2d 2c", HandRank.STRAIGHT),  # broadway, no flush
        ("9h 9d", "9c 9s 2h", HandRank.FOUR_OF_A_KIND),  # flop only
        ("kh kd", "ks qc qd 2h 3c", HandRank.FULL_HOUSE),
        ("ah 2h", "7h 9h jh kc kd", HandRank.FLUSH),
        ("7c 2d", "7h 7s kd", HandRank.THREE_OF_A_KIND),
        ("ac kd", "as kh 5c 5d 2s", HandRank.TWO_PAIR),  # three pairs: best two count
        ("ac 10d", "as 4h 5c", HandRank.ONE_PAIR),
        ("ac 10d", "2s 4h 7c 8d jh", HandRank.HIGH_CARD),
    ],
)
def test_constructed_hands_rank_as_poker_says(
    hole: str, community: str, expected: HandRank
) -> None:
    assert _rank(hole, community) is expected


def test_royal_flush_is_named_and_its_five_cards_kept_in_gfx_notation() -> None:
    result = best_hand(["as", "ks"], ["qs", "js", "10s", "2d", "3c"])
    assert result is not None
    assert result.label == "Royal flush"
    assert sorted(result.cards) == sorted(["as", "ks", "qs", "js", "10s"])


def test_no_evaluation_before_the_flop() -> None:
    assert best_hand(["as", "ad"], []) is None
    assert best_hand(["as", "ad"], ["kd", "kc"]) is None


def test_a_card_seen_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="twice"):
        best_hand(["as", "ad"], ["as", "kc", "2d"])


def test_board_rank_needs_the_whole_board() -> None:
    assert board_rank(["7h", "7s", "7d"]) is None
    assert board_rank(["7h", "7s", "7d", "2c"]) is None
    assert board_rank(["7h", "7s", "7d", "2c", "9s"]) is HandRank.THREE_OF_A_KIND
    assert board_rank(["as", "ks", "qs", "js", "10s"]) is HandRank.ROYAL_FLUSH


def test_premium_threshold_defaults_to_full_house_and_is_configurable() -> None:
    assert is_premium(HandRank.FULL_HOUSE)
    assert is_premium(HandRank.ROYAL_FLUSH)
    assert not is_premium(HandRank.FLUSH)
    assert not is_premium(None)
    assert is_premium(HandRank.FLUSH, HandRank.FLUSH)
    assert not is_premium(HandRank.FOUR_OF_A_KIND, HandRank.STRAIGHT_FLUSH)


def test_ties_share_the_pot() -> None:
    first = best_hand(["ah", "kd"], ["qc", "js", "10h", "2d", "2c"])
    second = best_hand(["as", "kc"], ["qc", "js", "10h", "2d", "2c"])
    third = best_hand(["9s", "8c"], ["qc", "js", "10h", "2d", "2c"])
    assert first is not None and second is not None and third is not None
    assert showdown_winners({7: first, 3: second, 5: third}) == (3, 7)


REAL = "table-{}/PGFX_live_data_export GameID={}.json"


@pytest.mark.parametrize(
    ("path", "hand_num", "community", "shown", "winners", "hand_rank", "board"),
    [
        pytest.param(
            REAL.format("GG/1016/New", 638962097323397879),
            56,
            "7h ks ah js ac",
            {3: ("7d 7c", HandRank.FULL_HOUSE), 8: ("as 8c", HandRank.THREE_OF_A_KIND)},
            (3,),
            HandRank.FULL_HOUSE,
            HandRank.ONE_PAIR,
            id="sevens full of aces beats trip aces",
        ),
        pytest.param(
            REAL.format("GG/1020", 638965539561171011),
            69,
            "ac ah 5d as 7h",
            {2: ("ad 10d", HandRank.FOUR_OF_A_KIND), 3: ("kc 7c", HandRank.FULL_HOUSE)},
            (2,),
            HandRank.FOUR_OF_A_KIND,
            HandRank.THREE_OF_A_KIND,
            id="quad aces beat aces full",
        ),
        pytest.param(
            REAL.format("pokercaster/1017", 638965461665708016),
            83,
            "5s 3d jd js 2c",
            {8: ("5d 5c", HandRank.FULL_HOUSE), 9: ("jh 3c", HandRank.FULL_HOUSE)},
            (9,),
            HandRank.FULL_HOUSE,
            HandRank.ONE_PAIR,
            id="jacks full beat fives full",
        ),
        pytest.param(
            REAL.format("pokercaster/1018", 638963847602984623),
            69,
            "5s 4s 6d 7h 3s",
            {2: ("ah jc", HandRank.STRAIGHT), 7: ("7c 4c", HandRank.STRAIGHT)},
            (2, 7),
            HandRank.STRAIGHT,
            HandRank.STRAIGHT,
            id="both play the straight on board",
        ),
        pytest.param(
            REAL.format("GG/1015", 638961999170907267),
            2,
            "6d 6s 6h 6c jh",
            {
                7: ("7s 7h", HandRank.FOUR_OF_A_KIND),
                8: ("jd 9s", HandRank.FOUR_OF_A_KIND),
                9: ("4s 4d", HandRank.FOUR_OF_A_KIND),
            },
            (7, 8, 9),
            HandRank.FOUR_OF_A_KIND,
            HandRank.FOUR_OF_A_KIND,
            id="quads on board with a jack kicker: three-way chop",
        ),
    ],
)
def test_real_showdowns_evaluate_as_checked_by_hand(
    path: str,
    hand_num: int,
    community: str,
    shown: dict[int, tuple[str, HandRank]],
    winners: tuple[int, ...],
    hand_rank: HandRank,
    board: HandRank,
) -> None:
    hand = json_session(data_file(path)).hand(hand_num)
    assert hand is not None
    assert hand.board == tuple(community.split())
    got = {
        p.seat: (" ".join(p.hole_cards or ()), p.best_hand.rank if p.best_hand else None)
        for p in hand.showdown_players
    }
    assert got == shown
    assert hand.winner_basis is WinnerBasis.SHOWDOWN
    assert hand.winners == winners
    assert hand.hand_rank is hand_rank
    assert hand.board_rank is board


def test_showdown_winners_agree_with_pokergfx_stack_changes() -> None:
    """A lone showdown winner must be the player whose stack grew most (chops excluded)."""
    checked = 0
    for session in table_sessions():
        for hand in session.hands:
            if hand.winner_basis is WinnerBasis.SHOWDOWN and len(hand.winners) == 1:
                best = max(p.stack_delta for p in hand.players)
                assert hand.player_at(hand.winners[0]).stack_delta == best, hand.key  # type: ignore[union-attr]
                checked += 1
    assert checked > 250


def test_a_folded_monster_does_not_make_the_hand_premium() -> None:
    """RFID reads folders' cards too: their hands must not be evaluated (FACTS §9)."""
    found = 0
    for session in table_sessions():
        for hand in session.hands:
            if len(hand.board) != 5 or hand.cards_conflict:
                continue
            for folder in (p for p in hand.players if p.folded and p.hole_cards):
                folded_best = best_hand(folder.hole_cards or (), hand.board)
                if folded_best is not None and is_premium(folded_best.rank):
                    assert folder.best_hand is None and not folder.showed_down
                    shown = [p.best_hand.rank for p in hand.showdown_players if p.best_hand]
                    assert hand.hand_rank == max(shown, key=lambda r: r.strength, default=None)
                    found += 1
    assert found > 0


def test_an_rfid_misread_card_falls_back_to_stack_changes() -> None:
    path = data_file(REAL.format("pokercaster/1016", 638962090875783819))
    hand = json_session(path).hand(98)
    assert hand is not None
    cards = [c for p in hand.players for c in (p.hole_cards or ())] + list(hand.board)
    assert cards.count("as") == 2
    assert hand.cards_conflict
    assert hand.winner_basis is WinnerBasis.STACK_DELTA
    assert hand.winners == (2,)


def test_a_constructed_royal_flush_showdown_is_premium() -> None:
    hand = parse_hand(
        [
            player(2, 50000, 0, "9s 8s"),
            player(3, 80000, 133000, "as ks"),
            player(4, 50000, 50000, "2c 2d"),
        ],
        [
            action("FOLD", 4),
            action("ALL IN", 2, 50000, 7500),
            action("CALL", 3, 50000, 56000),
            *board("qs", "js", "10s", "4h", "8c"),
        ],
    )
    assert hand.winner_basis is WinnerBasis.SHOWDOWN
    assert hand.winners == (3,)
    assert hand.hand_rank is HandRank.ROYAL_FLUSH
    assert hand.player_at(2).best_hand.rank is HandRank.STRAIGHT_FLUSH  # type: ignore[union-attr]
    assert hand.board_rank is HandRank.HIGH_CARD
