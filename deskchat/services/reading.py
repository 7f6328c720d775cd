"""The attendant opens a conversation: its unread badge goes, and the customer may get read receipts."""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import Connection, select

from deskchat.channels.base import Capability, ChannelAccount
from deskchat.core.bus import EventBus
from deskchat.core.events import ConversationChanged
from deskchat.store import conversations
from deskchat.store.database import Store
from deskchat.store.schema import conversations as conversations_table
from deskchat.store.schema import messages

log = logging.getLogger("deskchat.reading")


def _take_unread(conn: Connection, conversation_id: int) -> tuple[int, str, list[str]] | None:
    """Clear the badge; returns (account, chat key, channel ids of the messages it counted), or None if none."""
    row = conn.execute(
        select(
            conversations_table.c.account_id, conversations_table.c.channel_key, conversations_table.c.unread_count
        ).where(conversations_table.c.id == conversation_id)
    ).first()
    if row is None or not row.unread_count:
        return None
    unread_ids = conn.execute(
        select(messages.c.channel_id)
        .where(messages.c.conversation_id == conversation_id)
        .where(messages.c.outgoing == 0)
        .order_by(messages.c.sent_at.desc(), messages.c.id.desc())
        .limit(row.unread_count)
    ).scalars()
    conversations.mark_read(conn, conversation_id)
    return int(row.account_id), str(row.channel_key), [str(channel_id) for channel_id in unread_ids]


class ReadingService:
    def __init__(
        self,
        store: Store,
        bus: EventBus,
        channel_for: Callable[[int], ChannelAccount | None],
        *,
        send_receipts: bool = True,
    ) -> None:
        self._store = store
        self._bus = bus
        self._channel_for = channel_for
        self.send_receipts = send_receipts

    async def conversation_opened(self, conversation_id: int) -> None:
        taken = await self._store.write(lambda conn: _take_unread(conn, conversation_id))
        if taken is None:
            return
        self._bus.publish(ConversationChanged(conversation_id))
        account_id, chat_key, channel_ids = taken
        channel = self._channel_for(account_id)
        if not self.send_receipts or channel is None or not channel_ids:
            return
        if Capability.READ_RECEIPTS not in channel.capabilities:
            return
        try:
            await channel.mark_read(chat_key, channel_ids)
        except Exception as problem:  # offline, logged out: the phone shows them read later, when it syncs
            log.info("read receipts for conversation %d not sent: %s", conversation_id, problem)
