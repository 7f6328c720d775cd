"""The attendant opens a conversation: its unread badge goes, and the customer may get read receipts."""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import Connection

from deskchat.channels.base import Capability, ChannelAccount
from deskchat.core.bus import EventBus
from deskchat.core.events import ConversationChanged
from deskchat.store import conversations, messages
from deskchat.store.database import Store

log = logging.getLogger("deskchat.reading")


def _take_unread(conn: Connection, conversation_id: int) -> tuple[int, str, list[str]] | None:
    """Clear the badge; returns (account, chat key, channel ids of the messages it counted), or None if none."""
    unread = conversations.unread_count(conn, conversation_id)
    if not unread:
        return None
    account_id, chat_key = conversations.channel_address(conn, conversation_id)
    unread_ids = messages.latest_incoming_ids(conn, conversation_id, unread)
    conversations.mark_read(conn, conversation_id)
    return account_id, chat_key, unread_ids


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
