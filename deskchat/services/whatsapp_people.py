"""What WhatsApp tells about people and reading, applied to the store: LID↔number links, push names, messages
read on the phone, and the quoted messages a reply needs."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Connection

from deskchat.core.bus import EventBus
from deskchat.core.events import ContactChanged, ConversationChanged, ConversationsReset
from deskchat.core.messages import Identity
from deskchat.services import people
from deskchat.services.ingest import IngestService
from deskchat.store import contacts, conversations, messages
from deskchat.store.clock import now_ms
from deskchat.store.database import Store

log = logging.getLogger("deskchat.wa")

#: Marker in :func:`link_identities`' result: contacts were merged (a folded conversation may have gone).
MERGED = -1


def link_identities(conn: Connection, account_id: int, lid_user: str, pn_user: str, now: int) -> list[int]:
    """One person known by a LID and a phone number: both identities on one contact (two contacts are merged, the
    LID chat folded into the number's chat); a conversation kept under the LID moves to the number's key (when the
    number has none yet). Returns the conversations that changed, with ``MERGED`` first when contacts merged."""
    from deskchat.channels.whatsapp.jids import chat_key_for_lid, chat_key_for_pn, identities

    resolved = people.resolve(conn, identities(pn_user, lid_user), now=now)
    contact_id = resolved.contact_id
    changed: list[int] = [MERGED] if resolved.merged else []
    lid_conversation = conversations.by_channel_key(conn, account_id, chat_key_for_lid(lid_user))
    pn_key = chat_key_for_pn(pn_user)
    if lid_conversation is not None and conversations.by_channel_key(conn, account_id, pn_key) is None:
        conversations.rekey(conn, lid_conversation, pn_key, contact_id)
        changed.append(lid_conversation)
    return changed


def name_if_unnamed(conn: Connection, people: Sequence[Identity], name: str, now: int) -> int | None:
    contact_id = contacts.find_contact(conn, people)
    if contact_id is not None and name and not contacts.contact_name(conn, contact_id):
        contacts.find_or_create_contact(conn, list(people), name, now=now)
        return contact_id
    return None


class WhatsAppPeople:
    def __init__(
        self, store: Store, bus: EventBus, ingest: IngestService, *, clock: Callable[[], int] = now_ms
    ) -> None:
        self._store = store
        self._bus = bus
        self._ingest = ingest
        self._clock = clock  # unix ms: when contacts are created or named

    async def on_links(self, account_id: int, links: Sequence[Any]) -> None:
        def work(conn: Connection) -> list[int]:
            changed: list[int] = []
            now = self._clock()
            for link in links:
                changed += link_identities(conn, account_id, link.lid_user, link.pn_user, now)
            return changed

        changed = await self._store.write(work)
        if changed:
            self._ingest.forget_conversations()  # keys changed: resolve them again
        for conversation_id in dict.fromkeys(changed):
            if conversation_id != MERGED:
                self._bus.publish(ConversationChanged(conversation_id))
        if MERGED in changed:
            self._bus.publish(ConversationsReset())

    async def on_hints(self, account_id: int, hints: Sequence[Any]) -> None:
        def work(conn: Connection) -> list[int]:
            now = self._clock()
            named = [name_if_unnamed(conn, hint.identities, hint.name, now) for hint in hints]
            return [contact_id for contact_id in named if contact_id is not None]

        for contact_id in await self._store.write(work):
            self._bus.publish(ContactChanged(contact_id))

    async def on_read_elsewhere(self, account_id: int, read: Any) -> None:
        """The attendant read these messages on the phone: the conversation's badge goes."""

        def work(conn: Connection) -> int | None:
            conversation_id = None
            if read.chat_key:
                conversation_id = conversations.by_channel_key(conn, account_id, read.chat_key)
            if conversation_id is None:
                for channel_id in read.channel_ids:
                    row = messages.find_by_channel_id(conn, account_id, channel_id)
                    if row is not None:
                        conversation_id = row.conversation_id
                        break
            if conversation_id is not None:
                conversations.mark_read(conn, conversation_id)
            return conversation_id

        conversation_id = await self._store.write(work)
        if conversation_id is not None:
            self._bus.publish(ConversationChanged(conversation_id))

    async def quote_lookup(self, account_id: int, channel_id: str) -> Any:
        from deskchat.channels.whatsapp.sinks import Quote

        with self._store.read() as conn:
            row = messages.find_by_channel_id(conn, account_id, channel_id)
        return None if row is None else Quote(row.outgoing, row.text)
