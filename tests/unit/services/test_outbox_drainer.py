"""The outbox drainer over a real encrypted store, with fake channel accounts at the seam and a fake clock."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any, TypeVar

from deskchat.channels.base import Capability, ChannelUnavailable, SendReceipt
from deskchat.core.bus import EventBus
from deskchat.core.messages import Identity, InboundMessage, OutboundMessage
from deskchat.services.ingest import IngestService
from deskchat.services.messaging import MessagingService
from deskchat.services.outbox import ChatFileHandler, ChatMessageHandler, OutboxDrainer
from deskchat.services.outbox.handlers import UNCERTAIN_REASON
from deskchat.services.outbox.outcomes import MAX_TRANSIENT_ATTEMPTS
from deskchat.store import accounts, outbox
from deskchat.store import messages as message_store
from deskchat.store.clock import now_ms
from deskchat.store.database import Store
from deskchat.store.outbox import OutboxKind, OutboxRow

T = TypeVar("T")
START_MS = 1_763_800_000_000
MINUTE_MS = 60_000
WHATSAPP_ID = re.compile(r"^3EB0[0-9A-F]{18}$")


class Clock:
    def __init__(self) -> None:
        self.ms = START_MS

    def __call__(self) -> int:
        return self.ms

    def advance(self, minutes: float) -> None:
        self.ms += int(minutes * MINUTE_MS)


@dataclass
class FakeAccount:
    """A channel account: records what the customer receives; goes offline, pairs, hangs or fails on demand."""

    account_id: int
    capabilities: frozenset[Capability] = frozenset({Capability.SEND_TEXT, Capability.CHOSEN_IDS})
    online: bool = True
    pairing: bool = False  # says it is available, but a send finds it pairing
    poison: str = "veneno"  # a text the channel rejects with an unexpected error, every time
    hang_once: set[str] = field(default_factory=set)  # texts whose first send never answers
    gate: asyncio.Event | None = None  # every send waits for it (a slow account)
    received: list[OutboundMessage] = field(default_factory=list)
    tries: int = 0
    delivered: asyncio.Event = field(default_factory=asyncio.Event)
    expect: int = 0  # ``delivered`` is set once this many arrived

    def available(self) -> bool:
        return self.online

    async def send(self, message: OutboundMessage) -> SendReceipt:
        if self.pairing:
            raise ChannelUnavailable("pairing")
        self.tries += 1
        if message.text == self.poison:
            raise RuntimeError("unexpected reply from the server")
        if message.text in self.hang_once:
            self.hang_once.discard(message.text)
            await asyncio.Event().wait()
        if self.gate is not None:
            await self.gate.wait()
        self.received.append(message)
        if self.expect and len(self.received) >= self.expect:
            self.delivered.set()
        return SendReceipt(message.channel_id or f"OWN-{len(self.received)}")

    async def mark_read(self, chat_key: str, channel_ids: Any) -> None: ...

    async def download(self, remote_ref: str) -> bytes:
        raise ChannelUnavailable("no media")


class World:
    def __init__(self, store: Store, *account_names: str, send_timeout_s: float = 30.0) -> None:
        self.store = store
        self.bus = EventBus()
        self.clock = Clock()
        self.messaging = MessagingService(store, self.bus)
        self.accounts: dict[int, FakeAccount] = {}
        self.conversations: dict[int, int] = {}
        self.slept: list[float] = []
        for number, name in enumerate(account_names):
            account_id = store.write_now(
                lambda conn, name=name: accounts.create_account(conn, "whatsapp", name, now=now_ms())
            )
            self.accounts[account_id] = FakeAccount(account_id)
            customer = InboundMessage(
                account_id=account_id,
                chat_key=f"55119876500{number:02d}@s.whatsapp.net",
                chat_title="Cliente",
                identities=[Identity("phone", f"+55119876500{number:02d}")],
                channel_id=f"IN-{account_id}",
                text="Bom dia",
                sent_at=START_MS,
            )
            self.run(IngestService(store, self.bus).ingest([customer]))
            with store.read() as conn:
                row = message_store.find_by_channel_id(conn, account_id, f"IN-{account_id}")
            assert row is not None
            self.conversations[account_id] = row.conversation_id
        self.drainer = self.new_drainer(send_timeout_s)

    def new_drainer(self, send_timeout_s: float = 30.0) -> OutboxDrainer:
        async def record_sleep(seconds: float) -> None:
            self.slept.append(seconds)

        return OutboxDrainer(
            self.store,
            self.bus,
            self.accounts.get,
            [ChatMessageHandler(self.store), ChatFileHandler(self.store)],
            wake=self.messaging.work_queued,
            send_timeout_s=send_timeout_s,
            clock=self.clock,
            sleep=record_sleep,
        )

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run(coroutine)

    def send(self, account_id: int, *texts: str) -> list[int]:
        conversation_id = self.conversations[account_id]
        return [self.run(self.messaging.send_text(conversation_id, text)) for text in texts]

    def outbox_row(self, message_id: int) -> OutboxRow:
        with self.store.read() as conn:
            found = outbox.row_of_message(conn, message_id)
        assert found is not None
        return found[1]

    def delivery(self, message_id: int) -> str:
        with self.store.read() as conn:
            row = message_store.get(conn, message_id)
        assert row is not None
        return row.delivery

    def sent_at(self, message_id: int) -> int:
        with self.store.read() as conn:
            row = message_store.get(conn, message_id)
        assert row is not None
        return row.sent_at

    def channel_id(self, message_id: int) -> str:
        with self.store.read() as conn:
            row = message_store.get(conn, message_id)
        assert row is not None
        return row.channel_id


def test_the_id_is_chosen_before_the_first_send_and_the_channel_sends_under_it(store: Store) -> None:
    world = World(store, "Comercial")
    (account_id,) = world.accounts
    (message_id,) = world.send(account_id, "Olá!")
    chosen = world.channel_id(message_id)
    assert WHATSAPP_ID.match(chosen)
    assert world.outbox_row(message_id).channel_id == chosen  # stored before any send

    assert world.run(world.drainer.drain_once()) == 1
    (received,) = world.accounts[account_id].received
    assert received.channel_id == chosen and received.text == "Olá!"
    assert (world.delivery(message_id), world.channel_id(message_id)) == ("sent", chosen)


def test_an_account_offline_for_an_hour_keeps_its_messages_without_counting_attempts(store: Store) -> None:
    world = World(store, "Comercial")
    (account_id,) = world.accounts
    account = world.accounts[account_id]
    account.online = False
    ids = world.send(account_id, "um", "dois", "três")
    for _ in range(6):  # half an hour offline
        world.clock.advance(5)
        assert world.run(world.drainer.drain_once()) == 0
    account.online, account.pairing = True, True  # connected again, but still pairing: sends find it unavailable
    for _ in range(6):
        world.clock.advance(5)
        world.run(world.drainer.drain_once())
    for message_id in ids:
        row = world.outbox_row(message_id)
        assert (row.state, row.attempts) == ("queued", 0)
        assert world.delivery(message_id) == "queued"  # the bubble keeps its clock, never "falhou"

    account.pairing = False
    assert world.run(world.drainer.drain_once()) == 3
    assert [message.text for message in account.received] == ["um", "dois", "três"]
    assert [world.delivery(message_id) for message_id in ids] == ["sent"] * 3
    assert [world.outbox_row(message_id).attempts for message_id in ids] == [1, 1, 1]


def test_a_poisoned_item_blocks_nothing_and_ends_parked_with_a_reason(store: Store) -> None:
    world = World(store, "Comercial", "Suporte")
    first, second = world.accounts
    before, poisoned, after = world.send(first, "antes", "veneno", "depois")
    (other,) = world.send(second, "outra conta")

    world.run(world.drainer.drain_once())
    assert [m.text for m in world.accounts[first].received] == ["antes", "depois"]
    assert [m.text for m in world.accounts[second].received] == ["outra conta"]
    assert world.outbox_row(poisoned).state == "queued"
    assert world.delivery(poisoned) == "queued"

    for _ in range(MAX_TRANSIENT_ATTEMPTS):
        world.clock.advance(10)  # past any backoff
        world.run(world.drainer.drain_once())
    row = world.outbox_row(poisoned)
    assert row.state == "failed" and "RuntimeError: unexpected reply from the server" in row.last_error
    assert row.attempts == MAX_TRANSIENT_ATTEMPTS
    assert world.delivery(poisoned) == "failed"
    assert [world.delivery(m) for m in (before, after, other)] == ["sent"] * 3
    world.clock.advance(60)
    assert world.run(world.drainer.drain_once()) == 0  # parked: left for the attendant
    assert not [m for m in (before, poisoned, after, other) if world.outbox_row(m).state == "in_flight"]


def test_a_hung_send_times_out_and_is_retried(store: Store) -> None:
    world = World(store, "Comercial", send_timeout_s=0.05)
    (account_id,) = world.accounts
    account = world.accounts[account_id]
    account.hang_once.add("demora")
    (message_id,) = world.send(account_id, "demora")

    assert world.run(world.drainer.drain_once()) == 1
    row = world.outbox_row(message_id)
    assert (row.state, row.attempts) == ("queued", 1)
    assert "no answer within 0.05 s" in row.last_error
    assert world.delivery(message_id) == "queued"

    world.clock.advance(10)
    assert world.run(world.drainer.drain_once()) == 1
    assert [m.text for m in account.received] == ["demora"]
    assert world.delivery(message_id) == "sent"


def test_a_slow_account_does_not_stall_another(store: Store) -> None:
    world = World(store, "Lento", "Rápido")
    slow, fast = world.accounts
    world.accounts[slow].gate = asyncio.Event()
    world.accounts[fast].expect = 3
    world.send(slow, "espera")
    world.send(fast, "um", "dois", "três")

    async def scenario() -> None:
        draining = asyncio.create_task(world.drainer.drain_once())
        await asyncio.wait_for(world.accounts[fast].delivered.wait(), 5)
        assert world.accounts[slow].received == []  # still stuck in its send
        gate = world.accounts[slow].gate
        assert gate is not None
        gate.set()
        await asyncio.wait_for(draining, 5)

    world.run(scenario())
    assert [m.text for m in world.accounts[fast].received] == ["um", "dois", "três"]
    assert [m.text for m in world.accounts[slow].received] == ["espera"]


def test_the_pacing_hook_waits_before_each_send_of_its_lane(store: Store) -> None:
    world = World(store, "Campanha", "Atendimento")
    campaign, service = world.accounts
    world.drainer.pacing = lambda lane: 2.5 if lane == campaign else 0.0
    world.send(campaign, "a", "b")
    world.send(service, "c")
    world.run(world.drainer.drain_once())
    assert world.slept.count(2.5) >= 2 and set(world.slept) == {2.5}
    assert len(world.accounts[campaign].received) == 2 and len(world.accounts[service].received) == 1


def _crash_mid_send(world: World) -> None:
    """The drainer claimed the item and the process died before it recorded the result."""
    world.store.write_now(
        lambda conn: [
            outbox.claim_next(conn, account_id, [OutboxKind.CHANNEL_MESSAGE], world.clock(), lambda: "unused")
            for account_id in world.accounts
        ]
    )


def _restart(world: World) -> None:
    world.drainer = world.new_drainer()

    async def start_and_stop() -> None:
        world.drainer.start()
        await world.drainer.stop()

    world.run(start_and_stop())


def test_after_a_crash_a_channel_with_chosen_ids_gets_the_same_id_again(store: Store) -> None:
    world = World(store, "Comercial")
    (account_id,) = world.accounts
    (message_id,) = world.send(account_id, "Olá!")
    chosen = world.channel_id(message_id)
    _crash_mid_send(world)
    _restart(world)
    assert world.outbox_row(message_id).state == "uncertain"

    world.run(world.drainer.drain_once())
    assert [m.channel_id for m in world.accounts[account_id].received] == [chosen]
    assert world.delivery(message_id) == "sent"


def test_after_a_crash_a_channel_that_picks_its_own_ids_is_checked_never_resent_blindly(store: Store) -> None:
    world = World(store, "Comercial")
    (account_id,) = world.accounts
    account = world.accounts[account_id]
    account.capabilities = frozenset({Capability.SEND_TEXT})
    echoed_id, lost_id = world.send(account_id, "Chegou antes da queda", "Talvez tenha chegado")
    _crash_mid_send(world)  # the first
    _crash_mid_send(world)  # and the second
    _restart(world)
    # the first one did arrive: WhatsApp shows it to us again from the phone (another device)
    echo = InboundMessage(
        account_id=account_id,
        chat_key="5511987650000@s.whatsapp.net",
        chat_title="Cliente",
        identities=[Identity("phone", "+5511987650000")],
        channel_id="3EB0FROMTHEPHONE000000",
        text="Chegou antes da queda",
        sent_at=world.sent_at(echoed_id) + 1000,  # as the phone saw it
        outgoing=True,
    )
    world.run(IngestService(store, world.bus).ingest([echo]))

    world.run(world.drainer.drain_once())
    assert account.received == []  # nothing sent a second time
    assert (world.delivery(echoed_id), world.channel_id(echoed_id)) == ("sent", "3EB0FROMTHEPHONE000000")
    with store.read() as conn:
        assert message_store.count_in_conversation(conn, world.conversations[account_id]) == 3  # one copy each
    row = world.outbox_row(lost_id)
    assert (row.state, row.last_error) == ("failed", UNCERTAIN_REASON)
    assert world.delivery(lost_id) == "failed"

    assert world.run(world.messaging.retry(lost_id))  # the attendant checked the phone: send it
    world.run(world.drainer.drain_once())
    assert [m.text for m in account.received] == ["Talvez tenha chegado"]


def test_the_background_drainer_sends_when_work_is_queued(store: Store) -> None:
    world = World(store, "Comercial")
    (account_id,) = world.accounts
    account = world.accounts[account_id]
    account.expect = 1

    async def scenario() -> None:
        world.drainer.start()
        await world.messaging.send_text(world.conversations[account_id], "agora")
        await asyncio.wait_for(account.delivered.wait(), 5)
        await world.drainer.stop()

    world.run(scenario())
    assert [m.text for m in account.received] == ["agora"]
