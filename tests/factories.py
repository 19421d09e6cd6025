"""Factories: valid domain objects with sensible defaults; a test overrides what it checks."""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from wsop_hub.db.uow import UnitOfWork
from wsop_hub.domain.enums import HandRank, SourceType, TriggerType
from wsop_hub.domain.models import Hand, HandIn, HandPlayer, RenderInstruction, RenderInstructionIn

_hand_numbers = itertools.count(1)


def hand_in(**overrides: Any) -> HandIn:
    values: dict[str, Any] = {
        "table_id": "feature-1",
        "hand_number": next(_hand_numbers),
        "source": SourceType.RFID,
        "hand_rank": HandRank.FULL_HOUSE,
        "is_premium": True,
        "pot_size": 1_500_000,
        "winner": "Daniel Negreanu",
        "players": [
            HandPlayer(seat=1, name="Daniel Negreanu", stack=2_000_000, hole_cards=["qh", "qc"]),
            HandPlayer(seat=4, name="Phil Ivey", stack=1_800_000, hole_cards=["ah", "kd"]),
        ],
        "community_cards": ["qd", "10s", "10c", "2h", "7s"],
    }
    values.update(overrides)
    return HandIn(**values)


def instruction_in(**overrides: Any) -> RenderInstructionIn:
    values: dict[str, Any] = {
        "template_name": "_MAIN Mini Chip Count",
        "layer_data": {"slots": [{"name": "PHIL IVEY", "chips": "1,800,000"}]},
        "priority": 5,
        "trigger_type": TriggerType.CHIP_COUNT,
    }
    values.update(overrides)
    return RenderInstructionIn(**values)


async def make_hand(engine: AsyncEngine, **overrides: Any) -> Hand:
    async with UnitOfWork(engine) as uow:
        hand, _ = await uow.hands.upsert(hand_in(**overrides))
        await uow.commit()
    return hand


async def insert_instruction(engine: AsyncEngine, **overrides: Any) -> RenderInstruction:
    """A bare pending row, without outbox or history (repository-level tests)."""
    async with UnitOfWork(engine) as uow:
        instruction, _ = await uow.instructions.insert(instruction_in(**overrides), 3)
        await uow.commit()
    return instruction
