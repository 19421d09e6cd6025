"""Constructed PokerGFX 3.2 JSON, shaped like the real exports (every key, same spelling).

For hands the real files do not contain (royal flush, uncalled bets, bad input).
"""

from __future__ import annotations

import json
from typing import Any

from wsop_hub.ingest.pokergfx import ParsedHand, ParsedSession, parse_json_bytes

GAME_ID = 638963847602984623


def player(
    seat: int,
    start: int,
    end: int,
    cards: str = "",
    *,
    name: str | None = None,
    long_name: str | None = None,
    sitting_out: bool = False,
    elimination_rank: int = -1,
) -> dict[str, Any]:
    shown = name or f"Player{seat}"
    return {
        "AggressionFrequencyPercent": 25,
        "BlindBetStraddleAmt": 0,
        "CumulativeWinningsAmt": end - start,
        "EliminationRank": elimination_rank,
        "EndStackAmt": end,
        "HoleCards": [cards],
        "LongName": shown if long_name is None else long_name,
        "Name": shown,
        "PlayerNum": seat,
        "PreFlopRaisePercent": 10,
        "SittingOut": sitting_out,
        "StartStackAmt": start,
        "VPIPPercent": 20,
        "WentToShowDownPercent": 30,
    }


def action(kind: str, seat: int, bet: int = 0, pot: int = 0) -> dict[str, Any]:
    return {
        "BetAmt": bet,
        "BoardCards": None,
        "BoardNum": 0,
        "DateTimeUTC": None,
        "EventType": kind,
        "NumCardsDrawn": 0,
        "PlayerNum": seat,
        "Pot": pot,
    }


def board(*cards: str) -> list[dict[str, Any]]:
    return [
        {
            "BetAmt": 0,
            "BoardCards": card,
            "BoardNum": 1,
            "DateTimeUTC": None,
            "EventType": "BOARD CARD",
            "NumCardsDrawn": 0,
            "PlayerNum": 0,
            "Pot": 0,
        }
        for card in cards
    ]


def hand(
    players: list[dict[str, Any]],
    events: list[dict[str, Any]],
    *,
    number: int = 1,
    small_blind: tuple[int, int] = (2, 1500),
    big_blind: tuple[int, int] = (3, 3000),
    ante: int = 3000,
    ante_type: str = "BB_ANTE_BB1ST",
    button: int = 1,
    duration: str = "PT2M0.5S",
    start: str = "2025-10-18T12:00:00.0000000Z",
) -> dict[str, Any]:
    return {
        "AnteAmt": ante,
        "BetStructure": "NOLIMIT",
        "BombPotAmt": 0,
        "Description": "",
        "Duration": duration,
        "Events": events,
        "FlopDrawBlinds": {
            "AnteType": ante_type,
            "BigBlindAmt": big_blind[1],
            "BigBlindPlayerNum": big_blind[0],
            "BlindLevel": 0,
            "ButtonPlayerNum": button,
            "SmallBlindAmt": small_blind[1],
            "SmallBlindPlayerNum": small_blind[0],
            "ThirdBlindAmt": 0,
            "ThirdBlindPlayerNum": 0,
        },
        "GameClass": "FLOP",
        "GameVariant": "HOLDEM",
        "HandNum": number,
        "NumBoards": 1,
        "Players": players,
        "RecordingOffsetStart": "P739541DT15H0M0.5S",
        "RunItNumTimes": 1,
        "StartDateTimeUTC": start,
        "StudLimits": {"BringInAmt": 0, "BringInPlayerNum": 1, "HighLimitAmt": 0, "LowLimitAmt": 0},
    }


def export(hands: list[dict[str, Any]], *, game_id: int = GAME_ID) -> dict[str, Any]:
    return {
        "CreatedDateTimeUTC": "2025-10-18T11:46:00.2984623Z",
        "EventTitle": "",
        "Hands": hands,
        "ID": game_id,
        "Payouts": [0] * 10,
        "SoftwareVersion": "PokerGFX 3.2",
        "Type": "FEATURE_TABLE",
    }


def to_bytes(document: Any) -> bytes:
    return json.dumps(document, separators=(",", ":")).encode()


def parse(document: Any, name: str = "constructed.json") -> ParsedSession:
    return parse_json_bytes(to_bytes(document), source_name=name)


def parse_hand(
    players: list[dict[str, Any]], events: list[dict[str, Any]], **options: Any
) -> ParsedHand:
    return parse(export([hand(players, events, **options)])).hands[0]
