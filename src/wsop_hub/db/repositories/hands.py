"""Hands: `(table_id, hand_number)` is unique, so re-ingest updates instead of duplicating."""

from __future__ import annotations

from sqlalchemy import func, literal_column, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from wsop_hub.db.tables import hands
from wsop_hub.domain.models import Hand, HandIn
from wsop_hub.errors import NotFound


class HandRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._conn = connection

    async def upsert(self, hand: HandIn) -> tuple[Hand, bool]:
        """Insert or update by (table_id, hand_number); returns the row and whether it is new."""
        values = hand.model_dump(mode="json")
        statement = insert(hands).values(**values)
        updatable = {
            k: statement.excluded[k] for k in values if k not in {"table_id", "hand_number"}
        }
        statement = statement.on_conflict_do_update(
            index_elements=[hands.c.table_id, hands.c.hand_number],
            set_={**updatable, "updated_at": func.now()},
        ).returning(*hands.c, (literal_column("xmax") == 0).label("inserted"))
        row = (await self._conn.execute(statement)).mappings().one()
        data = dict(row)
        inserted = bool(data.pop("inserted"))
        return Hand.model_validate(data), inserted

    async def get(self, hand_id: int) -> Hand:
        row = (
            (await self._conn.execute(select(hands).where(hands.c.id == hand_id)))
            .mappings()
            .first()
        )
        if row is None:
            raise NotFound(f"hand {hand_id} does not exist")
        return Hand.model_validate(dict(row))
