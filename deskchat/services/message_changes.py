"""Reactions, edits and deletes-for-everyone from a channel, applied to stored messages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from sqlalchemy import Connection

from deskchat.core.bus import EventBus
from deskchat.core.events import MessageUpdated
from deskchat.store import messages
from deskchat.store.database import Store


class Change(Protocol):
    """What every change carries (the WhatsApp adapter's ReactionChange, EditChange and RevokeChange)."""

    @property
    def account_id(self) -> int: ...
    @property
    def target_id(self) -> str: ...
    @property
    def at(self) -> int: ...


def _apply(conn: Connection, changes: Sequence[Change]) -> tuple[list[tuple[int, int]], list[Change]]:
    applied: list[tuple[int, int]] = []
    waiting: list[Change] = []
    for change in changes:
        target = messages.find_by_channel_id(conn, change.account_id, change.target_id)
        if target is None:
            waiting.append(change)  # its message has not arrived yet: the adapter keeps it for later
            continue
        emoji = getattr(change, "emoji", None)
        new_text = getattr(change, "new_text", None)
        if emoji is not None:
            messages.set_reaction(conn, target.id, str(getattr(change, "sender", "")), str(emoji), change.at)
        elif new_text is not None:
            messages.mark_edited(conn, target.id, str(new_text), change.at)
        else:
            messages.mark_deleted(conn, target.id, change.at)
        applied.append((target.conversation_id, target.id))
    return applied, waiting


class MessageChangeService:
    def __init__(self, store: Store, bus: EventBus) -> None:
        self._store = store
        self._bus = bus

    async def apply(self, changes: Sequence[Change]) -> Sequence[Change]:
        """Apply ``changes``; returns those whose message is not stored yet."""
        if not changes:
            return ()
        applied, waiting = await self._store.write(lambda conn: _apply(conn, changes))
        for conversation_id, message_id in applied:
            self._bus.publish(MessageUpdated(conversation_id, message_id))
        return waiting
