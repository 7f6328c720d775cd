"""Starting a conversation with a customer who has not written first: one customer, one conversation per account."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest

from deskchat.channels.base import Capability, ChannelAccount, ChannelUnavailable, SendReceipt
from deskchat.core.bus import EventBus
from deskchat.core.events import ConversationChanged, ConversationStatus
from deskchat.core.messages import Identity, InboundMessage, OutboundMessage
from deskchat.services.conversations_start import (
    ConversationStarter,
    Refusal,
    Started,
    StartRefused,
    customer_identity,
)
from deskchat.services.ingest import IngestService
from deskchat.services.tickets import TicketService
from deskchat.store import accounts, contacts, conversations
from deskchat.store.database import Store

NOW = 1_763_800_000_000
#: Deliberately not what DeskChat would derive from the number: the key must be the channel's.
CHANNEL_KEY = "chat-key-from-the-channel"


@dataclass
class LookupChannel:
    reachable: dict[str, str] = field(default_factory=dict)
    lookups: list[str] = field(default_factory=list)
    online: bool = True
    failure: BaseException | None = None
    hang: bool = False
    account_id: int = 0
    capabilities: frozenset[Capability] = frozenset({Capability.SEND_TEXT, Capability.LOOKUP})

    def available(self) -> bool:
        return self.online

    async def send(self, message: OutboundMessage) -> SendReceipt:
        raise AssertionError("starting a conversation sends nothing")

    async def mark_read(self, chat_key: str, channel_ids: Sequence[str]) -> None:
        raise AssertionError("not used")

    async def download(self, remote_ref: str) -> bytes:
        raise AssertionError("not used")

    async def lookup(self, address: str) -> str | None:
        self.lookups.append(address)
        if self.hang:
            await asyncio.Event().wait()
        if self.failure is not None:
            raise self.failure
        return self.reachable.get(address)


class World:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.bus = EventBus()
        self.announced: list[int] = []
        self.bus.subscribe(ConversationChanged, lambda event: self.announced.append(event.conversation_id))
        self.whatsapp = store.write_now(lambda conn: accounts.create_account(conn, "whatsapp", "Loja", now=NOW))
        self.mailbox = store.write_now(
            lambda conn: accounts.create_account(conn, "email", "Suporte", "suporte@loja.com.br", now=NOW)
        )
        self.channel = LookupChannel(account_id=self.whatsapp)
        self.mail_channel = LookupChannel(account_id=self.mailbox, capabilities=frozenset({Capability.SEND_TEXT}))
        self.channels: dict[int, ChannelAccount] = {self.whatsapp: self.channel, self.mailbox: self.mail_channel}
        self.clock = NOW + 60_000
        self.starter = ConversationStarter(
            store, self.bus, self.channels.get, clock=lambda: self.clock, lookup_timeout_s=0.2
        )

    def start(self, account_id: int, address: str, name: str = "") -> Started:
        return asyncio.run(self.starter.start(account_id, address, name))

    def refusal(self, account_id: int, address: str) -> Refusal:
        with pytest.raises(StartRefused) as refused:
            self.start(account_id, address)
        return refused.value.refusal

    def count(self) -> int:
        with self.store.read() as conn:
            return sum(conversations.count_by_status(conn).values())

    def customer_writes(self, chat_key: str, phone: str) -> int:
        message = InboundMessage(
            account_id=self.whatsapp,
            chat_key=chat_key,
            chat_title="Ana",
            identities=[Identity("phone", phone)],
            channel_id="IN-1",
            text="oi",
            sent_at=NOW,
            sender_name="Ana",
        )
        asyncio.run(IngestService(self.store, self.bus).ingest([message]))
        with self.store.read() as conn:
            found = conversations.by_channel_key(conn, self.whatsapp, chat_key)
        assert found is not None
        return found


@pytest.fixture
def world(store: Store) -> World:
    return World(store)


@pytest.mark.parametrize("typed", ["(11) 98765-4321", "+55 11 9 8765 4321", "011987654321", "11 98765 4321"])
def test_brazilian_ways_of_writing_a_number_are_one_phone(typed: str) -> None:
    assert customer_identity("whatsapp", typed) == Identity("phone", "+5511987654321")


@pytest.mark.parametrize("typed", ["", "12345", "onze nove", "ana@empresa.com.br"])
def test_what_is_no_phone_number_is_refused(typed: str) -> None:
    with pytest.raises(StartRefused) as refused:
        customer_identity("whatsapp", typed)
    assert refused.value.refusal is Refusal.INVALID_PHONE


@pytest.mark.parametrize("typed", ["ana", "ana@", "ana@@empresa.com", "ana@empresa", "(11) 98765-4321"])
def test_what_is_no_email_address_is_refused(typed: str) -> None:
    with pytest.raises(StartRefused) as refused:
        customer_identity("email", typed)
    assert refused.value.refusal is Refusal.INVALID_EMAIL


def test_a_new_number_gets_a_new_conversation_under_the_channels_key_in_attendance(world: World) -> None:
    world.channel.reachable["+5521987654321"] = CHANNEL_KEY
    started = world.start(world.whatsapp, "(21) 98765-4321", "  Dona   Marta ")

    assert started.created
    assert world.channel.lookups == ["+5521987654321"]
    with world.store.read() as conn:
        row = conversations.get(conn, started.conversation_id)
        assert row is not None
        assert (row.title, row.status, row.last_message_at) == ("Dona Marta", ConversationStatus.OPEN, world.clock)
        assert conversations.channel_address(conn, started.conversation_id) == (world.whatsapp, CHANNEL_KEY)
        assert contacts.identities_of(conn, row.contact_id) == [Identity("phone", "+5521987654321")]
    assert world.announced == [started.conversation_id]


def test_starting_twice_opens_the_same_conversation(world: World) -> None:
    world.channel.reachable["+5521987654321"] = CHANNEL_KEY
    first = world.start(world.whatsapp, "(21) 98765-4321")
    second = world.start(world.whatsapp, "+55 21 9 8765 4321")
    assert (second.conversation_id, second.created) == (first.conversation_id, False)
    assert world.count() == 1


def test_a_customer_who_wrote_from_the_old_9th_digit_form_gets_their_conversation_back(world: World) -> None:
    existing = world.customer_writes("551187654321@s.whatsapp.net", "+551187654321")
    started = world.start(world.whatsapp, "(11) 98765-4321")

    assert (started.conversation_id, started.created) == (existing, False)
    assert world.channel.lookups == []  # no question to WhatsApp for a known customer
    assert world.count() == 1
    with world.store.read() as conn:
        row = conversations.get(conn, existing)
        assert row is not None and row.status == ConversationStatus.OPEN  # taken from "Pendentes"


def test_a_closed_conversation_is_reopened_in_attendance(world: World) -> None:
    existing = world.customer_writes("5511987654321@s.whatsapp.net", "+5511987654321")
    asyncio.run(TicketService(world.store, world.bus, clock=lambda: NOW).close(existing))
    world.start(world.whatsapp, "11987654321")
    with world.store.read() as conn:
        assert conversations.ticket_state(conn, existing) == (ConversationStatus.OPEN, None)


def test_a_number_not_on_whatsapp_is_refused_and_nothing_is_stored(world: World) -> None:
    assert world.refusal(world.whatsapp, "(21) 98765-4321") is Refusal.NOT_ON_CHANNEL
    assert world.count() == 0
    with world.store.read() as conn:
        assert contacts.find_contact(conn, [Identity("phone", "+5521987654321")]) is None


def test_an_invalid_number_is_refused_without_asking_the_channel(world: World) -> None:
    assert world.refusal(world.whatsapp, "12345") is Refusal.INVALID_PHONE
    assert world.channel.lookups == []


@pytest.mark.parametrize(
    ("change", "refusal"),
    [
        ({"online": False}, Refusal.OFFLINE),
        ({"failure": ChannelUnavailable("pairing")}, Refusal.OFFLINE),
        ({"failure": RuntimeError("usync: 500 internal-server-error")}, Refusal.CHECK_FAILED),
        ({"hang": True}, Refusal.CHECK_FAILED),
    ],
)
def test_a_channel_that_cannot_check_is_told_apart_from_a_number_not_on_whatsapp(
    world: World, change: dict[str, Any], refusal: Refusal, caplog: pytest.LogCaptureFixture
) -> None:
    for name, value in change.items():
        setattr(world.channel, name, value)
    with caplog.at_level(logging.INFO):
        assert world.refusal(world.whatsapp, "(21) 98765-4321") is refusal
    assert world.count() == 0
    assert "98765" not in caplog.text and "4321" not in caplog.text  # no customer number in the log


def test_an_account_without_a_channel_is_not_offered(world: World) -> None:
    del world.channels[world.whatsapp]
    assert [account.id for account in world.starter.accounts()] == [world.mailbox]
    assert world.refusal(world.whatsapp, "(21) 98765-4321") is Refusal.NO_ACCOUNT


def test_an_email_address_starts_a_mail_conversation_for_the_same_customer(world: World) -> None:
    existing = world.customer_writes("5511987654321@s.whatsapp.net", "+5511987654321")
    with world.store.read() as conn:
        customer = conversations.get(conn, existing)
    assert customer is not None
    world.store.write_now(
        lambda conn: contacts.add_identities(conn, customer.contact_id, [Identity("email", "ana@empresa.com.br")])
    )
    started = world.start(world.mailbox, "Ana <Ana@Empresa.com.br>")

    assert started.created
    with world.store.read() as conn:
        row = conversations.get(conn, started.conversation_id)
        assert row is not None and row.contact_id == customer.contact_id  # one customer, not a new contact
        assert row.title == "Ana"
        assert conversations.channel_address(conn, started.conversation_id) == (world.mailbox, "ana@empresa.com.br")
    assert world.refusal(world.mailbox, "ana@empresa") is Refusal.INVALID_EMAIL
