"""The reopen window on a fake clock: what a customer's message does to a closed ticket, hours later, without waiting.

The attendant closes the ticket through :class:`TicketService` and the customer's next message arrives through
:class:`IngestService`; both take their time from the same fake clock, moved by hand.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection

import deskchat.services.ingest as ingest_module
from deskchat.core.bus import EventBus
from deskchat.core.events import ConversationStatus
from deskchat.core.messages import Identity, InboundMessage
from deskchat.core.tickets import Outcome
from deskchat.paths import Profile
from deskchat.services.ingest import IngestService
from deskchat.services.tickets import TicketService, apply_customer_message, load_ticket
from deskchat.store import accounts, conversations
from deskchat.store.clock import to_datetime
from deskchat.store.database import Store

ANA = "5511987654321@s.whatsapp.net"
MORNING = 1_716_973_200_000  # 2024-05-29 09:00 UTC


class FakeClock:
    """Unix ms that only move when the test says so."""

    def __init__(self, start: int) -> None:
        self.now = start

    def __call__(self) -> int:
        return self.now

    def advance(self, delta: timedelta) -> int:
        self.now += int(delta.total_seconds() * 1000)
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(MORNING)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(Profile(tmp_path / "p"), ephemeral=True)
    yield opened
    opened.close()


@pytest.fixture
def outcomes(monkeypatch: pytest.MonkeyPatch) -> list[Outcome]:
    """What each customer message did to a closed ticket (both outcomes show the conversation under Pendentes)."""
    seen: list[Outcome] = []

    def recording(conn: Connection, conversation_id: int, at_ms: int, reopen_window: timedelta) -> Outcome:
        outcome = apply_customer_message(conn, conversation_id, at_ms, reopen_window)
        seen.append(outcome)
        return outcome

    monkeypatch.setattr(ingest_module, "apply_customer_message", recording)
    return seen


def _from_ana(account_id: int, channel_id: str, text: str, sent_at: int) -> InboundMessage:
    return InboundMessage(
        account_id=account_id,
        chat_key=ANA,
        chat_title="Ana",
        identities=[Identity("phone", "+5511987654321")],
        channel_id=channel_id,
        text=text,
        sent_at=sent_at,
    )


def _conversation(db: Store, conversation_id: int) -> conversations.ConversationRow:
    with db.read() as conn:
        row = conversations.get(conn, conversation_id)
    assert row is not None
    return row


@pytest.mark.parametrize(
    ("later", "expected"),
    [
        (timedelta(hours=23), Outcome.REOPENED),
        (timedelta(hours=24), Outcome.REOPENED),  # the window's end is inclusive
        (timedelta(hours=25), Outcome.NEW_TICKET),
    ],
    ids=["23h-reopens", "24h-reopens", "25h-new-ticket"],
)
def test_a_message_after_closing_reopens_within_the_window_and_starts_a_new_ticket_after_it(
    db: Store, clock: FakeClock, outcomes: list[Outcome], later: timedelta, expected: Outcome
) -> None:
    bus = EventBus()
    ingest = IngestService(db, bus, clock=clock)
    tickets = TicketService(db, bus, clock=clock)
    account_id = db.write_now(lambda conn: accounts.create_account(conn, "whatsapp", "Comercial", now=clock()))

    [first] = asyncio.run(ingest.ingest([_from_ana(account_id, "M1", "bom dia, o boleto venceu", clock())]))
    conversation_id = first.conversation_id
    clock.advance(timedelta(minutes=10))
    asyncio.run(tickets.accept(conversation_id))
    closed_at = clock.advance(timedelta(minutes=5))
    asyncio.run(tickets.close(conversation_id))
    with db.read() as conn:
        assert load_ticket(conn, conversation_id).closed_at == to_datetime(closed_at)  # the fake clock's time
    assert _conversation(db, conversation_id).status == ConversationStatus.CLOSED.value

    arrives = clock.advance(later)
    asyncio.run(ingest.ingest([_from_ana(account_id, "M2", "voltei, ainda preciso do boleto", arrives)]))

    assert outcomes == [expected]
    row = _conversation(db, conversation_id)
    assert (row.status, row.unread_count, row.last_preview) == (
        ConversationStatus.PENDING.value,
        2,
        "voltei, ainda preciso do boleto",
    )


def test_the_ingest_clock_stamps_the_rows_it_creates(db: Store, clock: FakeClock) -> None:
    ingest = IngestService(db, EventBus(), clock=clock)
    account_id = db.write_now(lambda conn: accounts.create_account(conn, "whatsapp", "Comercial", now=clock()))
    received = clock.advance(timedelta(days=3))
    [stored] = asyncio.run(ingest.ingest([_from_ana(account_id, "M1", "oi", MORNING)]))

    def stamps(conn: Connection) -> Any:
        return conn.exec_driver_sql(
            "SELECT m.stored_at, c.created_at, k.created_at FROM messages m"
            " JOIN conversations c ON c.id = m.conversation_id JOIN contacts k ON k.id = c.contact_id WHERE m.id = ?",
            (stored.message_id,),
        ).one()

    with db.read() as conn:
        assert tuple(stamps(conn)) == (received, received, received)
