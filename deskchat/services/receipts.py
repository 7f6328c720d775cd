"""Receipts from a channel move outgoing messages' ticks forward."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection

from deskchat.core.bus import EventBus
from deskchat.core.events import DeliveryState, MessageUpdated
from deskchat.store import messages
from deskchat.store.database import Store


def _apply(
    conn: Connection, account_id: int, channel_ids: Sequence[str], state: DeliveryState
) -> list[tuple[int, int]]:
    changed = []
    for channel_id in channel_ids:
        row = messages.find_by_channel_id(conn, account_id, channel_id)
        if row is not None and row.outgoing and messages.advance_delivery(conn, row.id, state):
            changed.append((row.conversation_id, row.id))
    return changed


class ReceiptService:
    def __init__(self, store: Store, bus: EventBus) -> None:
        self._store = store
        self._bus = bus

    async def apply(self, account_id: int, channel_ids: Sequence[str], state: DeliveryState) -> int:
        """Advance the given messages to ``state``; returns how many changed."""
        changed = await self._store.write(lambda conn: _apply(conn, account_id, channel_ids, state))
        for conversation_id, message_id in changed:
            self._bus.publish(MessageUpdated(conversation_id, message_id))
        return len(changed)
