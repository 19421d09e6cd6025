"""Instruction generator (the sub role, SPEC §1): data in, render instructions out.

The rules, in one place (RULES):

| trigger        | when                                      | template               | priority |
|----------------|-------------------------------------------|------------------------|----------|
| premium_hand   | a hand at or above the premium threshold  | Premium Hand           | 2        |
| elimination    | a player with an EliminationRank          | Elimination            | 3        |
| chip_count     | a WSOP+ chip-count import changed counts  | _MAIN Mini Chip Count  | 5        |
| leaderboard    | a WSOP+ standings snapshot changed ranks  | _MAIN Mini Chip Count  | 5        |

layer_data is the gfx_data v3 contract (08-GFX-AEP-Mapping §7, FACTS §6.5): `slots` with
pre-formatted strings (name upper-case, chips "1,500,000", bbs "75.0", rank, flag
path), `single_fields`, `metadata`. Every instruction carries a dedup key
`<trigger_type>:<trigger_id>`, so re-ingesting the same data never creates a second
instruction for the same trigger — and the anomaly detector's orphan remediation, which
builds premium-hand instructions with the same function, cannot double one either.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from wsop_hub.db import tables as t
from wsop_hub.db.uow import UnitOfWork
from wsop_hub.dispatch.service import create_instruction_once
from wsop_hub.domain.enums import TriggerType
from wsop_hub.domain.models import Hand, RenderInstructionIn
from wsop_hub.render.flags import get_flag_path
from wsop_hub.render.formatting import (
    format_bbs,
    format_cards,
    format_chips,
    format_currency,
    format_hand_rank,
)
from wsop_hub.settings import Settings

ACTOR = "instruction-generator"
SCHEMA = {"$schema": "render_gfx_data_v3", "version": "3.0.0"}


@dataclass(frozen=True)
class Rule:
    trigger: TriggerType
    template: str
    priority: int


RULES: dict[TriggerType, Rule] = {
    TriggerType.PREMIUM_HAND: Rule(TriggerType.PREMIUM_HAND, "Premium Hand", 2),
    TriggerType.ELIMINATION: Rule(TriggerType.ELIMINATION, "Elimination", 3),
    TriggerType.CHIP_COUNT: Rule(TriggerType.CHIP_COUNT, "_MAIN Mini Chip Count", 5),
    TriggerType.LEADERBOARD: Rule(TriggerType.LEADERBOARD, "_MAIN Mini Chip Count", 5),
}
#: The leaderboard graphic's slot count (`_MAIN Mini Chip Count`: 9).
LEADERBOARD_SLOTS = 9


def _instruction(
    rule: Rule, trigger_id: str, gfx_data: dict[str, Any], hand_id: int | None = None
) -> RenderInstructionIn:
    return RenderInstructionIn(
        template_name=rule.template,
        layer_data=gfx_data,
        priority=rule.priority,
        trigger_type=rule.trigger,
        trigger_id=trigger_id,
        hand_id=hand_id,
        dedup_key=f"{rule.trigger.value}:{trigger_id}",
    )


def premium_hand_instruction(hand: Hand, country_code: str | None = None) -> RenderInstructionIn:
    """The premium-hand lower third: the winner, the hand category, their cards, the pot."""
    rule = RULES[TriggerType.PREMIUM_HAND]
    winner_name = (hand.winner or "").split(" & ")[0]
    winner = next((p for p in hand.players if p.name == winner_name), None)
    gfx_data = {
        **SCHEMA,
        "comp_name": rule.template,
        "render_type": "premium_hand",
        "slots": [],
        "single_fields": {
            "name": (winner_name or "UNKNOWN").upper(),
            "hand": format_hand_rank(hand.hand_rank),
            "cards": format_cards(winner.hole_cards) if winner else "",
            "pot": format_chips(hand.pot_size),
            "flag": get_flag_path(country_code),
        },
        "metadata": {
            "hand_id": hand.id,
            "table_id": hand.table_id,
            "hand_num": hand.hand_number,
            "data_sources": ["gfx"],
            "generated_at": datetime.now(UTC).isoformat(),
        },
    }
    return _instruction(rule, str(hand.id), gfx_data, hand_id=hand.id)


def elimination_instruction(
    hand: Hand,
    *,
    session_id: int,
    seat: int,
    name: str,
    rank: int,
    prize_cents: int | None,
    country_code: str | None,
) -> RenderInstructionIn:
    rule = RULES[TriggerType.ELIMINATION]
    gfx_data = {
        **SCHEMA,
        "comp_name": rule.template,
        "render_type": "elimination",
        "slots": [
            {
                "slot_index": 1,
                "fields": {
                    "name": name.upper(),
                    "rank": str(rank),
                    "prize": format_currency(prize_cents),
                    "flag": get_flag_path(country_code),
                },
            }
        ],
        "single_fields": {"text_제목": "ELIMINATED"},
        "metadata": {
            "session_id": session_id,
            "hand_id": hand.id,
            "hand_num": hand.hand_number,
            "data_sources": ["gfx"],
            "generated_at": datetime.now(UTC).isoformat(),
        },
    }
    return _instruction(rule, f"{session_id}:{hand.hand_number}:{seat}", gfx_data, hand.id)


def leaderboard_instruction(
    trigger: TriggerType,
    trigger_id: str,
    rows: Sequence[dict[str, Any]],
    *,
    big_blind: int | None,
    event_name: str,
) -> RenderInstructionIn:
    """Chip counts or standings as the 9-slot leaderboard, chip leader first, sitting-out
    and eliminated players already excluded by the caller."""
    rule = RULES[trigger]
    ordered = sorted(rows, key=lambda r: -int(r["chips"]))[:LEADERBOARD_SLOTS]
    average = sum(int(r["chips"]) for r in rows) // len(rows) if rows else 0
    gfx_data = {
        **SCHEMA,
        "comp_name": rule.template,
        "render_type": trigger.value,
        "slots": [
            {
                "slot_index": i,
                "fields": {
                    "name": str(r["name"]).upper(),
                    "chips": format_chips(int(r["chips"])),
                    "bbs": format_bbs(int(r["chips"]), big_blind),
                    "rank": str(i),
                    "flag": get_flag_path(r.get("country_code")),
                },
            }
            for i, r in enumerate(ordered, start=1)
        ],
        "single_fields": {
            "AVERAGE STACK": format_chips(average)
            + (f" ({format_bbs(average, big_blind).split('.')[0]}BB)" if big_blind else ""),
            "wsop_super_circuit_cyprus": event_name.upper(),
        },
        "metadata": {"data_sources": ["wsop_plus"], "generated_at": datetime.now(UTC).isoformat()},
    }
    return _instruction(rule, trigger_id, gfx_data)


async def create_all(
    engine: AsyncEngine, instructions: Sequence[RenderInstructionIn], settings: Settings
) -> int:
    """Create each (idempotent by dedup key); returns how many are new."""
    created = 0
    for data in instructions:
        _, new = await create_instruction_once(
            engine, data, default_max_retries=settings.hub_max_retries, actor=ACTOR
        )
        created += int(new)
    return created


async def for_hands(engine: AsyncEngine, hub_hand_ids: Sequence[int], settings: Settings) -> int:
    """Premium-hand and elimination instructions for these hub hands."""
    if not hub_hand_ids:
        return 0
    wanted: list[RenderInstructionIn] = []
    winner = t.gfx_hand_players.alias("winner")
    winner_player = t.gfx_players.alias("winner_player")
    async with UnitOfWork(engine) as uow:
        rows = await uow.connection.execute(
            select(
                t.gfx_hands.c.id,
                t.gfx_hands.c.hub_hand_id,
                t.gfx_hands.c.session_id,
                t.gfx_hands.c.is_premium,
                t.gfx_sessions.c.payouts,
                winner_player.c.country_code.label("winner_country"),
            )
            .join(t.gfx_sessions, t.gfx_sessions.c.session_id == t.gfx_hands.c.session_id)
            .outerjoin(
                winner,
                (winner.c.hand_id == t.gfx_hands.c.id)
                & (winner.c.seat_num == t.gfx_hands.c.winner_seat),
            )
            .outerjoin(winner_player, winner_player.c.id == winner.c.player_id)
            .where(t.gfx_hands.c.hub_hand_id.in_(list(hub_hand_ids)))
        )
        facts = {int(r.hub_hand_id): r for r in rows}
        hub_of = {int(r.id): int(r.hub_hand_id) for r in facts.values()}
        # By gfx hand id, the leading column of gfx_hand_players' key: joined through
        # hub_hand_id instead, a planner without fresh statistics scanned the whole
        # table (millions of seats) once per file.
        seats = await uow.connection.execute(
            select(
                t.gfx_hand_players.c.hand_id,
                t.gfx_hand_players.c.seat_num,
                t.gfx_hand_players.c.name,
                t.gfx_hand_players.c.elimination_rank,
                t.gfx_players.c.country_code,
            )
            .join(t.gfx_players, t.gfx_players.c.id == t.gfx_hand_players.c.player_id)
            .where(
                t.gfx_hand_players.c.hand_id.in_(list(hub_of)),
                t.gfx_hand_players.c.elimination_rank > 0,
            )
        )
        eliminations = [(hub_of[int(r.hand_id)], r) for r in seats]
        for hand_id, fact in facts.items():
            if fact.is_premium:
                hand = await uow.hands.get(hand_id)
                wanted.append(premium_hand_instruction(hand, fact.winner_country))
        for hub_hand_id, row in eliminations:
            fact = facts[hub_hand_id]
            hand = await uow.hands.get(hub_hand_id)
            payouts = list(fact.payouts or [])
            rank = int(row.elimination_rank)
            prize = payouts[rank - 1] if 0 < rank <= len(payouts) and payouts[rank - 1] else None
            wanted.append(
                elimination_instruction(
                    hand,
                    session_id=int(fact.session_id),
                    seat=int(row.seat_num),
                    name=str(row.name),
                    rank=rank,
                    prize_cents=int(prize) * 100 if prize is not None else None,
                    country_code=row.country_code,
                )
            )
    return await create_all(engine, wanted, settings)
