"""Settings that reach the services: ignored groups are never stored, read receipts and the reopen window follow.

(Named test_group_ingest.py, not test_groups.py: tests/ui/test_groups.py exists and the test directories are not
packages, so two test modules cannot share a name.)
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from deskchat.config import GROUPS, REOPEN_WINDOW_HOURS, SEND_READ_RECEIPTS, Settings
from deskchat.core.events import ConversationStatus, Event
from deskchat.core.messages import Identity, InboundMessage
from deskchat.paths import Profile
from deskchat.runtime import Runtime
from deskchat.services import ingest as ingest_module
from deskchat.store import accounts, conversations
from deskchat.store.clock import now_ms
from deskchat.store.database import Store
from deskchat.store.schema import conversations as conversations_table
from deskchat.store.schema import messages

GROUP = "120363025246125486@g.us"
ANA = "5511987654321@s.whatsapp.net"


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(Profile(tmp_path / "p"), ephemeral=True)
    yield opened
    opened.close()


@pytest.fixture
def account(db: Store) -> int:
    return db.write_now(lambda conn: accounts.create_account(conn, "whatsapp", "Comercial", now=now_ms()))


def _group_message(account: int, channel_id: str, **fields: Any) -> InboundMessage:
    values: dict[str, Any] = {
        "account_id": account,
        "chat_key": GROUP,
        "chat_title": "Obra Vila Mariana",
        "identities": [Identity("wa_group", GROUP)],
        "channel_id": channel_id,
        "text": "Pessoal, o material chegou?",
        "sent_at": 1_700_000_000_000,
        "sender_name": "Carla",
        "is_group": True,
    }
    values.update(fields)
    return InboundMessage(**values)


def _customer_message(account: int, channel_id: str, sent_at: int = 1_700_000_000_000) -> InboundMessage:
    return InboundMessage(
        account_id=account,
        chat_key=ANA,
        chat_title="Ana",
        identities=[Identity("phone", "+5511987654321")],
        channel_id=channel_id,
        text="Bom dia!",
        sent_at=sent_at,
        sender_name="Ana",
    )


def _counts(db: Store) -> tuple[int, int]:
    """(group conversations, messages)."""
    with db.read() as conn:
        groups = conn.execute(
            select(func.count()).select_from(conversations_table).where(conversations_table.c.is_group == 1)
        ).scalar_one()
        stored = conn.execute(select(func.count()).select_from(messages)).scalar_one()
    return int(groups), int(stored)


def test_ignored_groups_are_not_stored_nor_announced(db: Store, account: int) -> None:
    runtime = Runtime(db, settings=Settings.in_memory({GROUPS: "ignore"}))
    heard: list[Event] = []
    runtime.bus.subscribe(Event, heard.append)
    results = asyncio.run(
        runtime.ingest.ingest(
            [
                _group_message(account, "G1"),
                _customer_message(account, "C1"),
                _group_message(account, "G2", outgoing=True),  # sent from the phone: a group message too
            ]
        )
    )
    assert len(results) == 1  # one result per message kept
    assert _counts(db) == (0, 1)
    assert {getattr(event, "conversation_id", None) for event in heard} == {results[0].conversation_id}
    assert asyncio.run(runtime.ingest.ingest([_group_message(account, "G3", historical=True)])) == []
    assert _counts(db) == (0, 1)


@pytest.mark.parametrize("mode", ["separate", "mixed"])
def test_groups_are_stored_unless_ignored(db: Store, account: int, mode: str) -> None:
    runtime = Runtime(db, settings=Settings.in_memory({GROUPS: mode}))
    [stored] = asyncio.run(runtime.ingest.ingest([_group_message(account, "G1")]))
    with db.read() as conn:
        row = conversations.get(conn, stored.conversation_id)
    assert row is not None and row.is_group and row.title == "Obra Vila Mariana"
    assert _counts(db) == (1, 1)


def test_the_runtime_follows_setting_changes_at_once(db: Store, account: int) -> None:
    settings = Settings.in_memory()
    runtime = Runtime(db, settings=settings)
    assert runtime.reading.send_receipts and not runtime.ingest.ignore_groups
    assert runtime.ingest.reopen_window == timedelta(hours=24)

    settings.change({GROUPS: "ignore", SEND_READ_RECEIPTS: False, REOPEN_WINDOW_HOURS: 2})
    assert runtime.ingest.ignore_groups and not runtime.reading.send_receipts
    assert runtime.ingest.reopen_window == timedelta(hours=2)
    asyncio.run(runtime.ingest.ingest([_group_message(account, "G1")]))
    assert _counts(db) == (0, 0)

    settings.change({GROUPS: "separate"})
    asyncio.run(runtime.ingest.ingest([_group_message(account, "G2")]))
    assert _counts(db) == (1, 1)

    asyncio.run(runtime.stop())
    settings.change({SEND_READ_RECEIPTS: True})  # a stopped runtime no longer follows
    assert not runtime.reading.send_receipts


def test_the_reopen_window_setting_reaches_the_ticket_rule(
    db: Store, account: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    windows: list[timedelta] = []
    real = ingest_module.apply_customer_message

    def spy(conn: Any, conversation_id: int, at_ms: int, reopen_window: timedelta) -> Any:
        windows.append(reopen_window)
        return real(conn, conversation_id, at_ms, reopen_window)

    monkeypatch.setattr(ingest_module, "apply_customer_message", spy)
    runtime = Runtime(db, settings=Settings.in_memory({REOPEN_WINDOW_HOURS: 3}))
    [first] = asyncio.run(runtime.ingest.ingest([_customer_message(account, "C1")]))
    db.write_now(
        lambda conn: conversations.set_status(conn, first.conversation_id, ConversationStatus.CLOSED, now_ms())
    )
    asyncio.run(runtime.ingest.ingest([_customer_message(account, "C2", sent_at=now_ms())]))
    assert windows == [timedelta(hours=3)]
    with db.read() as conn:
        row = conversations.get(conn, first.conversation_id)
    assert row is not None and row.status == ConversationStatus.PENDING
