"""Reactions, edits and deletes-for-everyone from a channel, applied to stored messages."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlalchemy import Connection

from deskchat.core.bus import EventBus
from deskchat.core.events import MessageUpdated
from deskchat.core.messages import EditChange, MessageChange, ReactionChange
from deskchat.store import conversations, messages
from deskchat.store.database import Store

log = logging.getLogger("deskchat.wa")


def _allowed(change: MessageChange, target: messages.MessageRow, target_chat_key: str, is_reaction: bool) -> bool:
    """A change must come from the target's own chat; only a message's author edits or deletes it.

    Message ids are chosen by the sender's device, so a hostile sender could reuse the id of someone else's
    message; without these checks they could rewrite or erase it.
    """
    if target_chat_key != change.chat_key:
        return False
    return is_reaction or target.outgoing == change.from_me


def _chat_key_of(conn: Connection, conversation_id: int) -> str:
    return conversations.channel_address(conn, conversation_id)[1]


def _apply(conn: Connection, changes: Sequence[MessageChange]) -> tuple[list[tuple[int, int]], list[MessageChange]]:
    applied: list[tuple[int, int]] = []
    waiting: list[MessageChange] = []
    for change in changes:
        target = messages.find_by_channel_id(conn, change.account_id, change.target_id)
        if target is None:
            waiting.append(change)  # its message has not arrived yet: the adapter keeps it for later
            continue
        is_reaction = isinstance(change, ReactionChange)
        if not _allowed(change, target, _chat_key_of(conn, target.conversation_id), is_reaction):
            log.warning("ignored a change of message %d from another chat or author", target.id)
            continue
        match change:
            case ReactionChange():
                messages.set_reaction(conn, target.id, change.sender, change.emoji, change.at)
            case EditChange():
                messages.mark_edited(conn, target.id, change.new_text, change.at)
            case _:
                messages.mark_deleted(conn, target.id, change.at)
        applied.append((target.conversation_id, target.id))
    return applied, waiting


class MessageChangeService:
    def __init__(self, store: Store, bus: EventBus) -> None:
        self._store = store
        self._bus = bus

    async def apply(self, changes: Sequence[MessageChange]) -> Sequence[MessageChange]:
        """Apply ``changes``; returns those whose message is not stored yet."""
        if not changes:
            return ()
        applied, waiting = await self._store.write(lambda conn: _apply(conn, changes))
        for conversation_id, message_id in applied:
            self._bus.publish(MessageUpdated(conversation_id, message_id))
        return waiting
