"""Reactions, edits and deletes reach the right message, and nobody else's."""

from __future__ import annotations

import asyncio
from typing import Any

from deskchat.core.bus import EventBus
from deskchat.core.events import MessageUpdated
from deskchat.core.messages import EditChange, Identity, InboundMessage, ReactionChange, RevokeChange
from deskchat.services.ingest import store_batch
from deskchat.services.message_changes import MessageChangeService
from deskchat.store import accounts, messages
from deskchat.store.clock import now_ms
from deskchat.store.database import Store

ANA = "5511987654321@s.whatsapp.net"
BRUNO = "5521998765432@s.whatsapp.net"


def _setup(store: Store) -> int:
    def work(conn: Any) -> int:
        account = accounts.create_account(conn, "whatsapp", "Comercial", now=now_ms())
        store_batch(
            conn,
            [
                InboundMessage(account, ANA, "Ana", [Identity("phone", "+5511987654321")], "ANA-1", "Oi", 1000),
                InboundMessage(
                    account, ANA, "Ana", [Identity("phone", "+5511987654321")], "OURS-1", "Olá Ana", 2000, outgoing=True
                ),
                InboundMessage(account, BRUNO, "Bruno", [Identity("phone", "+5521998765432")], "BRU-1", "Oi", 3000),
            ],
            now=now_ms(),
        )
        return account

    return store.write_now(work)


def _text(store: Store, account: int, channel_id: str) -> tuple[str, bool, bool]:
    with store.read() as conn:
        row = messages.find_by_channel_id(conn, account, channel_id)
        assert row is not None
        reactions = messages.reactions_of(conn, [row.id])
    return row.text, row.edited_at is not None, bool(reactions)


def test_changes_apply_to_their_own_chat_and_author(store: Store) -> None:
    account = _setup(store)
    bus = EventBus()
    updated: list[MessageUpdated] = []
    bus.subscribe(MessageUpdated, updated.append)
    service = MessageChangeService(store, bus)
    waiting = asyncio.run(
        service.apply(
            [
                EditChange(account, ANA, "ANA-1", "Oi, tudo bem?", 5000, from_me=False),  # Ana edits her own
                ReactionChange(account, ANA, "OURS-1", "5511987654321", "👍", 5001, from_me=False),
                RevokeChange(account, ANA, "MISSING", 5002, from_me=False),  # not here yet
            ]
        )
    )
    assert _text(store, account, "ANA-1") == ("Oi, tudo bem?", True, False)
    assert _text(store, account, "OURS-1")[2]
    assert [change.target_id for change in waiting] == ["MISSING"]
    assert len(updated) == 2


def test_a_reused_id_cannot_touch_another_chat_or_another_author(store: Store) -> None:
    account = _setup(store)
    service = MessageChangeService(store, EventBus())
    asyncio.run(
        service.apply(
            [
                RevokeChange(account, BRUNO, "ANA-1", 5000, from_me=False),  # Bruno names Ana's message
                EditChange(account, ANA, "OURS-1", "Mensagem falsa", 5001, from_me=False),  # Ana edits ours
                EditChange(account, ANA, "ANA-1", "Editado pelo atendente?", 5002, from_me=True),
            ]
        )
    )
    assert _text(store, account, "ANA-1") == ("Oi", False, False)
    assert _text(store, account, "OURS-1") == ("Olá Ana", False, False)
