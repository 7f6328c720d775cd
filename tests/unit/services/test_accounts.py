"""The accounts service with a driver of a kind it knows nothing particular about (e-mail here)."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Sequence
from typing import Any, TypeVar

import pytest

from deskchat.channels.base import Capability, ChannelAccount, SendReceipt
from deskchat.core.bus import EventBus
from deskchat.core.events import AccountsChanged, ChannelKind, ChannelStateChanged, Event, IntegrationLogged
from deskchat.core.messages import OutboundMessage
from deskchat.services.accounts import AccountsService, AccountState
from deskchat.store import accounts
from deskchat.store.database import Store

T = TypeVar("T")


class FakeMailbox:
    """Stands where an IMAP adapter will stand: reports through the service, as a driver's adapter does."""

    def __init__(self, account_id: int, service: AccountsService, *, stuck: bool = False) -> None:
        self.account_id = account_id
        self.service = service
        self.calls: list[str] = []
        self.stuck = stuck

    async def start(self) -> None:
        self.calls.append("start")
        self.service.state_changed(self.account_id, "connecting")
        self.service.logged(self.account_id, "connect_attempt", "imap")

    async def stop(self) -> None:
        self.calls.append("stop")
        self.service.state_changed(self.account_id, "not_connected")

    async def disconnect(self) -> None:
        self.calls.append("forget credentials")
        await self.stop()

    @property
    def capabilities(self) -> frozenset[Capability]:
        return frozenset({Capability.SEND_TEXT, Capability.SUBJECTS})

    def available(self) -> bool:
        return True

    async def send(self, message: OutboundMessage) -> SendReceipt:
        return SendReceipt("<id@example.com>")

    async def mark_read(self, chat_key: str, channel_ids: Sequence[str]) -> None:
        return None

    async def download(self, remote_ref: str) -> bytes:
        return b""


class MailDriver:
    def __init__(self, service: AccountsService, resumable: set[int], stuck: frozenset[int] = frozenset()) -> None:
        self.service = service
        self.resumable = resumable
        self.stuck = stuck
        self.loads = 0
        self.created: dict[int, FakeMailbox] = {}

    @property
    def kind(self) -> ChannelKind:
        return ChannelKind.EMAIL

    def create(self, account_id: int) -> FakeMailbox:
        mailbox = FakeMailbox(account_id, self.service, stuck=account_id in self.stuck)
        self.created[account_id] = mailbox
        return mailbox

    def can_resume(self, account_id: int) -> bool:
        return account_id in self.resumable

    async def load(self) -> None:
        self.loads += 1


class World:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.bus = EventBus()
        self.events: list[Event] = []
        self.bus.subscribe(Event, self.events.append)
        self.channels: dict[int, ChannelAccount] = {}
        self.service = AccountsService(store, self.bus, self.channels)

    def run(self, work: Coroutine[Any, Any, T]) -> T:
        async def and_settle() -> T:
            result = await work
            await self.service.settle()
            return result

        return asyncio.run(asyncio.wait_for(and_settle(), 10))


@pytest.fixture
def world(store: Store) -> World:
    return World(store)


def test_adding_an_account_announces_it(world: World) -> None:
    account_id = world.run(world.service.add_account(ChannelKind.EMAIL, "Suporte"))
    assert AccountsChanged(account_id, "email") in world.events
    assert [(row.id, row.kind) for row in world.service.accounts(ChannelKind.EMAIL)] == [(account_id, "email")]
    assert world.service.accounts(ChannelKind.WHATSAPP) == []
    assert [entry.event for entry in world.service.log_entries(account_id)] == ["account_added"]


def test_connect_state_and_log_for_any_kind(world: World) -> None:
    driver = MailDriver(world.service, resumable=set())
    world.service.register(driver)
    account_id = world.run(world.service.add_account(ChannelKind.EMAIL, "Suporte"))
    world.run(world.service.connect(account_id))
    assert driver.created[account_id].calls == ["start"]
    assert world.channels[account_id] is driver.created[account_id]  # the outbox can reach it
    assert world.service.state(account_id) == AccountState("connecting")
    assert ChannelStateChanged(account_id, "connecting") in world.events
    assert IntegrationLogged(account_id) in world.events
    with world.store.read() as conn:
        (row,) = [row for row in accounts.list_accounts(conn) if row.id == account_id]
    assert row.state == "connecting"  # stored, for the next start's first paint

    world.run(world.service.restart(account_id))
    world.run(world.service.disconnect(account_id))
    assert driver.created[account_id].calls == ["start", "stop", "start", "forget credentials", "stop"]
    assert account_id not in world.channels
    assert world.service.log_entries(account_id)[0].event == "disconnected_by_attendant"


def test_at_start_only_accounts_that_can_resume_start_and_stop_all_reports_a_stuck_one(world: World) -> None:
    first = world.run(world.service.add_account(ChannelKind.EMAIL, "Vendas"))
    second = world.run(world.service.add_account(ChannelKind.EMAIL, "Suporte"))
    driver = MailDriver(world.service, resumable={first}, stuck={first})
    world.service.register(driver)
    world.run(world.service.resume_all())
    assert set(driver.created) == {first} and driver.loads == 1
    assert second not in world.channels
    assert world.run(world.service.stop_all()) is True
    assert driver.created[first].calls == ["start", "stop"]


def test_nothing_to_resume_loads_nothing(world: World) -> None:
    world.run(world.service.add_account(ChannelKind.EMAIL, "Vendas"))
    driver = MailDriver(world.service, resumable=set())
    world.service.register(driver)
    world.run(world.service.resume_all())
    assert driver.loads == 0 and driver.created == {}


def test_an_account_of_a_kind_without_a_driver_is_refused(world: World) -> None:
    account_id = world.run(world.service.add_account(ChannelKind.EMAIL, "Vendas"))
    with pytest.raises(LookupError):
        world.run(world.service.connect(account_id))


def test_retry_delay_and_ban_end_are_kept_with_the_state(world: World) -> None:
    account_id = world.run(world.service.add_account(ChannelKind.EMAIL, "Vendas"))

    async def report() -> None:
        world.service.state_changed(account_id, "server_unavailable", "503", retry_in=30.0)

    world.run(report())
    assert world.service.state(account_id) == AccountState("server_unavailable", "503", None, 30.0)
