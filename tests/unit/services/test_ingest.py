"""Ingest: placeholders upgraded with the right events, bulk batches with attachments, history that stays quiet."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection

from deskchat.channels.whatsapp.values import PENDING_KIND
from deskchat.core.bus import EventBus
from deskchat.core.events import (
    ConversationChanged,
    ConversationsReset,
    ConversationStatus,
    Event,
    MessageStored,
    MessageUpdated,
)
from deskchat.core.messages import Attachment, Identity, InboundMessage
from deskchat.paths import Profile
from deskchat.services.ingest import BULK_THRESHOLD, IngestService, Stored, store_batch
from deskchat.store import accounts, conversations, search
from deskchat.store import messages as message_store
from deskchat.store.clock import now_ms
from deskchat.store.database import Store

ANA = "5511987654321@s.whatsapp.net"
BRUNO = "5521998765432@s.whatsapp.net"
PDF = Attachment("boleto_maio_7731.pdf", "application/pdf", 52_000)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(Profile(tmp_path / "p"), ephemeral=True)
    yield opened
    opened.close()


@pytest.fixture
def account(db: Store) -> int:
    return db.write_now(lambda conn: accounts.create_account(conn, "whatsapp", "Comercial", now=now_ms()))


class Recorder:
    def __init__(self, bus: EventBus) -> None:
        self.events: list[Event] = []
        bus.subscribe(Event, self.events.append)

    def of(self, kind: type[Event]) -> list[Event]:
        return [event for event in self.events if isinstance(event, kind)]


@pytest.fixture
def bus() -> EventBus:
    return EventBus()


@pytest.fixture
def recorder(bus: EventBus) -> Recorder:
    return Recorder(bus)


@pytest.fixture
def ingest(db: Store, bus: EventBus) -> IngestService:
    return IngestService(db, bus)


def _in(account: int, channel_id: str, text: str = "", chat: str = ANA, **fields: Any) -> InboundMessage:
    values: dict[str, Any] = {
        "account_id": account,
        "chat_key": chat,
        "chat_title": "Ana" if chat == ANA else "Bruno",
        "identities": [Identity("phone", "+" + chat.split("@")[0])],
        "channel_id": channel_id,
        "text": text,
        "sent_at": 1_700_000_000_000,
    }
    values.update(fields)
    return InboundMessage(**values)


def _conversation(db: Store, account: int, chat: str = ANA) -> conversations.ConversationRow:
    with db.read() as conn:
        found = conn.exec_driver_sql(
            "SELECT id FROM conversations WHERE account_id = ? AND channel_key = ?", (account, chat)
        ).scalar_one()
        row = conversations.get(conn, int(found))
    assert row is not None
    return row


def _message(db: Store, account: int, channel_id: str) -> message_store.MessageRow:
    with db.read() as conn:
        row = message_store.find_by_channel_id(conn, account, channel_id)
    assert row is not None
    return row


def _close(db: Store, conversation_id: int) -> None:
    db.write_now(lambda conn: conversations.set_status(conn, conversation_id, ConversationStatus.CLOSED, now_ms()))


def test_a_placeholder_upgraded_by_a_live_message_is_announced_as_updated(
    db: Store, account: int, ingest: IngestService, recorder: Recorder
) -> None:
    [first] = asyncio.run(ingest.ingest([_in(account, "U1", kind=PENDING_KIND, sender_name="Ana", sent_at=1000)]))
    assert first.message_id is not None and not first.upgraded
    assert _conversation(db, account).unread_count == 1
    recorder.events.clear()
    [second] = asyncio.run(ingest.ingest([_in(account, "U1", "agora sim", sent_at=1000, attachments=(PDF,))]))
    assert second == Stored(first.conversation_id, first.message_id, upgraded=True)
    assert recorder.events == [
        MessageUpdated(first.conversation_id, first.message_id),
        ConversationChanged(first.conversation_id),
    ]
    row = _message(db, account, "U1")
    assert (row.id, row.kind, row.text) == (first.message_id, "text", "agora sim")
    listed = _conversation(db, account)
    assert (listed.unread_count, listed.last_preview) == (1, "agora sim")  # one message: one unread
    with db.read() as conn:
        assert [hit.message_id for hit in search.search_newest(conn, "boleto_maio_7731", 10)] == [row.id]


def test_placeholder_and_message_in_one_live_batch(
    db: Store, account: int, ingest: IngestService, recorder: Recorder
) -> None:
    results = asyncio.run(ingest.ingest([_in(account, "U1", kind=PENDING_KIND), _in(account, "U1", "agora sim")]))
    message_id = _message(db, account, "U1").id
    conversation_id = results[0].conversation_id
    assert results == [Stored(conversation_id, message_id), Stored(conversation_id, message_id, upgraded=True)]
    assert recorder.of(MessageStored) == [MessageStored(conversation_id, message_id, False)]
    assert recorder.of(MessageUpdated) == [MessageUpdated(conversation_id, message_id)]
    assert _message(db, account, "U1").text == "agora sim"
    assert _conversation(db, account).unread_count == 1


def test_a_duplicate_real_message_is_silent(db: Store, account: int, ingest: IngestService, recorder: Recorder) -> None:
    asyncio.run(ingest.ingest([_in(account, "M1", "oi")]))
    recorder.events.clear()
    [again] = asyncio.run(ingest.ingest([_in(account, "M1", "outro texto")]))
    assert again.message_id is None and not again.upgraded
    assert recorder.of(MessageStored) == [] and recorder.of(MessageUpdated) == []
    assert _message(db, account, "M1").text == "oi"
    assert _conversation(db, account).unread_count == 1


def test_bulk_batches_store_attachments_report_ids_and_announce_upgrades(
    db: Store, account: int, ingest: IngestService, recorder: Recorder
) -> None:
    asyncio.run(ingest.ingest([_in(account, "P1", kind=PENDING_KIND, chat=BRUNO)]))
    placeholder = _message(db, account, "P1")
    recorder.events.clear()
    batch = [
        _in(account, f"H{n}", f"mensagem {n}", sent_at=1_700_000_000_000 + n, attachments=(PDF,) if n == 5 else ())
        for n in range(BULK_THRESHOLD)
    ]
    batch.append(_in(account, "P1", "decifrada", chat=BRUNO))
    results = asyncio.run(ingest.ingest(batch))
    assert [stored.message_id for stored in results[:-1]] == [
        _message(db, account, f"H{n}").id for n in range(BULK_THRESHOLD)
    ]
    assert results[-1] == Stored(placeholder.conversation_id, placeholder.id, upgraded=True)
    assert recorder.events == [ConversationsReset(), MessageUpdated(placeholder.conversation_id, placeholder.id)]
    assert _message(db, account, "P1").text == "decifrada"
    with db.read() as conn:
        assert message_store.attachment_names(conn, [results[5].message_id or 0]) == {
            results[5].message_id: [("boleto_maio_7731.pdf", "application/pdf", 52_000)]
        }
    assert (_conversation(db, account).unread_count, _conversation(db, account, BRUNO).unread_count) == (
        BULK_THRESHOLD,
        1,
    )
    # the same history again: nothing new, no badges
    again = asyncio.run(ingest.ingest(batch))
    assert all(stored.message_id is None for stored in again)
    assert _conversation(db, account).unread_count == BULK_THRESHOLD


@pytest.mark.parametrize("size", [1, BULK_THRESHOLD], ids=["live-sized", "bulk"])
def test_history_never_counts_as_unread_nor_reopens_a_closed_ticket(db: Store, account: int, size: int) -> None:
    def ingest(batch: list[InboundMessage]) -> None:
        db.write_now(lambda conn: store_batch(conn, batch, now=now_ms()))

    ingest([_in(account, "FIRST", "oi")])
    conversation = _conversation(db, account)
    db.write_now(lambda conn: conversations.mark_read(conn, conversation.id))
    _close(db, conversation.id)
    later = now_ms()
    history = [_in(account, f"H{n}", f"antiga {n}", sent_at=later + n, historical=True) for n in range(size)]
    ingest(history)
    after_history = _conversation(db, account)
    assert (after_history.status, after_history.unread_count) == (ConversationStatus.CLOSED.value, 0)
    assert after_history.last_preview == f"antiga {size - 1}"  # the list still shows the newest message
    ingest([_in(account, "LIVE", "voltei", sent_at=later + size)])
    live = _conversation(db, account)
    assert (live.status, live.unread_count) == (ConversationStatus.PENDING.value, 1)


def test_forgotten_chat_keys_are_resolved_again(db: Store, account: int, ingest: IngestService) -> None:
    [first] = asyncio.run(ingest.ingest([_in(account, "M1", "oi")]))

    def rekey(conn: Connection) -> None:  # what linking a LID to its number does to a conversation
        conn.exec_driver_sql("UPDATE conversations SET channel_key = 'moved' WHERE id = ?", (first.conversation_id,))

    db.write_now(rekey)
    ingest.forget_conversations()
    [second] = asyncio.run(ingest.ingest([_in(account, "M2", "de novo")]))
    assert second.conversation_id != first.conversation_id
    assert second.conversation_id == _conversation(db, account).id


@pytest.mark.parametrize("size", [1, BULK_THRESHOLD], ids=["live-sized", "bulk"])
def test_a_placeholder_is_not_upgraded_by_the_same_id_from_another_chat(db: Store, account: int, size: int) -> None:
    db.write_now(
        lambda conn: store_batch(conn, [_in(account, "U1", kind=PENDING_KIND, chat=BRUNO, sent_at=5)], now=now_ms())
    )
    bruno = _conversation(db, account, BRUNO)
    assert bruno.last_preview == PENDING_KIND
    batch = [_in(account, f"A{n}", "outra", sent_at=1) for n in range(size - 1)]
    batch.append(_in(account, "U1", "decifrada", sent_at=5))  # the same id, sent in another chat
    results = db.write_now(lambda conn: store_batch(conn, batch, now=now_ms()))
    assert results[-1].message_id is None and not results[-1].upgraded
    assert (_message(db, account, "U1").kind, _message(db, account, "U1").text) == (PENDING_KIND, "")
    assert _conversation(db, account, BRUNO).last_preview == PENDING_KIND
    assert _conversation(db, account, ANA).last_preview in ("", "outra")


# -- mail threading: In-Reply-To, then References ---------------------------------------------------------------------

THREAD_CASES = {
    "In-Reply-To known": ("b@x", ("a@x",), "b@x"),
    "In-Reply-To missing: the last reference": ("", ("a@x", "b@x"), "b@x"),
    "In-Reply-To unknown: the newest known reference": ("zz@x", ("a@x", "yy@x"), "a@x"),
    "In-Reply-To unknown, no known reference: kept (it may arrive later)": ("zz@x", ("yy@x",), "zz@x"),
    "nothing to thread by": ("", (), None),
    "the parent earlier in the same batch": ("zz@x", ("a@x", "c@x"), "c@x"),
}


@pytest.mark.parametrize("in_reply_to,references,expected", THREAD_CASES.values(), ids=THREAD_CASES.keys())
def test_a_mail_threads_by_in_reply_to_then_by_references(
    db: Store, in_reply_to: str, references: tuple[str, ...], expected: str | None
) -> None:
    from dataclasses import replace

    from deskchat.core.messages import ThreadRefs

    mailbox = db.write_now(lambda conn: accounts.create_account(conn, "email", "Suporte", "s@x", now=now_ms()))

    def mail(channel_id: str, sent_at: int, in_reply_to: str = "", references: tuple[str, ...] = ()) -> InboundMessage:
        return replace(
            _in(mailbox, channel_id, chat="cliente@x", sent_at=sent_at, identities=[Identity("email", "cliente@x")]),
            kind="email",
            reply_to_channel_id=in_reply_to or None,  # what the mail channel sets
            thread=ThreadRefs(channel_id, in_reply_to, references),
        )

    db.write_now(lambda conn: store_batch(conn, [mail("a@x", 1), mail("b@x", 2, "a@x", ("a@x",))], now=now_ms()))
    batch = [mail("c@x", 3), mail("reply@x", 4, in_reply_to, references)]
    db.write_now(lambda conn: store_batch(conn, batch, now=now_ms()))
    with db.read() as conn:
        stored = message_store.find_by_channel_id(conn, mailbox, "reply@x")
    assert stored is not None and stored.reply_to_channel_id == expected
