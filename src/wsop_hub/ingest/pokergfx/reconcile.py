"""Match ``.txt`` hands with the JSON exports so one hand is never stored twice.

The ``.txt`` log has no GameID, so a txt hand is matched to a JSON hand with the same
hand number whose start time is within ``tolerance_s`` (the log writes the start as
whole Unix seconds, rounded: every matched pair in the samples is within one second).
A match gives the txt hand the JSON hand's natural key; the JSON version is the one to
store (it has everything the log has, plus durations, long names, stats and pots).
An unmatched txt hand is a hand no given JSON export knows: its session is unknown.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from wsop_hub.ingest.pokergfx.session import EventType, HandKey, ParsedHand, ParsedSession

#: Seconds between a .txt start time (rounded to the second) and the JSON one.
DEFAULT_TOLERANCE_S = 1.0


@dataclass(frozen=True, slots=True)
class TxtMatch:
    """A txt hand and the JSON hand it is; ``differences`` lists what disagrees."""

    txt_hand: ParsedHand
    json_hand: ParsedHand
    differences: tuple[str, ...]

    @property
    def key(self) -> HandKey:
        key = self.json_hand.key
        if key is None:
            raise ValueError("JSON hands always have a game id")
        return key


@dataclass(frozen=True, slots=True)
class TxtReconciliation:
    matched: tuple[TxtMatch, ...]
    #: Txt hands (kept versions) that no given JSON session has.
    unmatched: tuple[ParsedHand, ...]


def reconcile_txt(
    txt_sessions: Iterable[ParsedSession],
    json_sessions: Iterable[ParsedSession],
    *,
    tolerance_s: float = DEFAULT_TOLERANCE_S,
) -> TxtReconciliation:
    """Match each txt hand (the kept version per segment) with a JSON hand.

    JSON candidates are every version in the sessions given, superseded ones included,
    so a txt snapshot of a hand PokerGFX later replaced still finds its key; the
    closest start time wins when several are in tolerance.
    """
    by_number: dict[int, list[ParsedHand]] = {}
    for session in json_sessions:
        for hand in (*session.hands, *session.superseded_hands):
            by_number.setdefault(hand.hand_num, []).append(hand)
    matched: list[TxtMatch] = []
    unmatched: list[ParsedHand] = []
    for session in txt_sessions:
        for txt_hand in session.hands:
            gaps = [
                (abs((candidate.started_at - txt_hand.started_at).total_seconds()), candidate)
                for candidate in by_number.get(txt_hand.hand_num, ())
            ]
            in_tolerance = [item for item in gaps if item[0] <= tolerance_s]
            if not in_tolerance:
                unmatched.append(txt_hand)
                continue
            json_hand = min(in_tolerance, key=lambda item: item[0])[1]
            matched.append(TxtMatch(txt_hand, json_hand, differences(txt_hand, json_hand)))
    return TxtReconciliation(matched=tuple(matched), unmatched=tuple(unmatched))


def differences(txt_hand: ParsedHand, json_hand: ParsedHand) -> tuple[str, ...]:
    """What the two sources say differently about one hand.

    Compared: blinds, board, and per seat the name, stacks and hole cards, for the seats
    the log lists (it leaves out seats without chips); and the actions, where the log's
    RAISE is the JSON's BET. Not compared: what the log cannot know.
    """
    found: list[str] = []
    blinds_txt, blinds_json = txt_hand.blinds, json_hand.blinds
    for name in ("small_blind", "big_blind", "ante", "small_blind_seat", "big_blind_seat"):
        if getattr(blinds_txt, name) != getattr(blinds_json, name):
            found.append(
                f"{name}: txt {getattr(blinds_txt, name)}, json {getattr(blinds_json, name)}"
            )
    if txt_hand.board != json_hand.board:
        found.append(f"board: txt {' '.join(txt_hand.board)}, json {' '.join(json_hand.board)}")
    for player in txt_hand.players:
        other = json_hand.player_at(player.seat)
        if other is None:
            found.append(f"seat {player.seat}: only in txt")
            continue
        for name in ("name", "start_stack", "end_stack", "hole_cards"):
            mine, theirs = getattr(player, name), getattr(other, name)
            if mine != theirs:
                found.append(f"seat {player.seat} {name}: txt {mine}, json {theirs}")
    txt_actions = [
        (
            EventType.BET if event.type is EventType.RAISE else event.type,
            event.seat,
            event.bet_amount,
            event.board_card,
        )
        for event in txt_hand.events
    ]
    json_actions = [
        (event.type, event.seat, event.bet_amount, event.board_card) for event in json_hand.events
    ]
    if txt_actions != json_actions:
        found.append(f"actions: txt has {len(txt_actions)}, json {len(json_actions)}, not the same")
    return tuple(found)
