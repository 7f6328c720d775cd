"""One person, one record: identities learnt together merge the contacts that hold them; the attendant can undo.

Every merge goes through :func:`deskchat.store.merges.merge_contacts` (called by
:func:`deskchat.store.contacts.resolve_person`); this module is the place the rest of the app asks for a merge or
its undo, and where the events that follow are published.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection

from deskchat.core.bus import EventBus
from deskchat.core.events import ContactChanged, ConversationChanged, ConversationsReset
from deskchat.core.messages import Identity
from deskchat.store import contacts, merges
from deskchat.store.clock import now_ms
from deskchat.store.database import Store


@dataclass(frozen=True)
class Resolved:
    contact_id: int
    merged: bool  # contacts were merged into ``contact_id`` (conversations may have been folded)


def _last_merge_id(conn: Connection) -> int:
    return int(conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM contact_merges").scalar_one())


def resolve(conn: Connection, identities: Sequence[Identity], *, now: int, fold_chats: bool = True) -> Resolved:
    """The one contact of the person known by ``identities``, merging the contacts that held them separately."""
    before = _last_merge_id(conn)
    contact_id = contacts.resolve_person(conn, identities, now=now, fold_chats=fold_chats)
    return Resolved(contact_id, _last_merge_id(conn) != before)


def link_to_person(conn: Connection, contact_id: int, learnt: Sequence[Identity], *, now: int) -> Resolved:
    """``contact_id`` is also known by ``learnt`` (the CRM record lists an e-mail, a phone): contacts holding them
    are merged with it. Returns the surviving contact."""
    return resolve(conn, [*contacts.identities_of(conn, contact_id), *learnt], now=now)


class People:
    """Merges and their undo, as the UI asks for them."""

    def __init__(
        self,
        store: Store,
        bus: EventBus,
        *,
        clock: Callable[[], int] = now_ms,
        conversations_rekeyed: Callable[[], None] = lambda: None,
    ) -> None:
        self._store = store
        self._bus = bus
        self._clock = clock  # unix ms: when merges are undone
        self._conversations_rekeyed = conversations_rekeyed  # the ingest forgets cached conversation ids

    async def undo_merge(self, merge_id: int) -> bool:
        """Split the person again ("Desfazer junção"); ``False`` when the merge was already undone."""
        undone = await self._store.write(lambda conn: merges.undo_merge(conn, merge_id, now=self._clock()))
        if undone is None:
            return False
        self._conversations_rekeyed()
        self._bus.publish(ContactChanged(undone.merge.kept_contact_id))
        self._bus.publish(ContactChanged(undone.merge.absorbed_contact_id))
        for conversation_id in undone.conversation_ids:
            self._bus.publish(ConversationChanged(conversation_id))
        self._bus.publish(ConversationsReset())
        return True
