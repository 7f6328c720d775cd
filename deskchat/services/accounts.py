"""Every channel account's lifecycle, state and integration log, whatever its kind (WhatsApp, e-mail, CRM).

What differs per kind lives in a small :class:`ChannelDriver` (for WhatsApp: :mod:`.whatsapp_accounts`, which
holds the session files, QR codes, phone pairing and the device name). This service owns the rest:

* lifecycle — add an account, start (connect) it, restart its sign-in, resume every account that can resume at
  start-up, stop them all within their budgets, disconnect one with the driver's own clean-up;
* state — each account's last :class:`AccountState`, stored and published as ``ChannelStateChanged``;
* the integration log and the count of conversations linked to cases automatically today.

Adapters report through :meth:`AccountsService.state_changed`, :meth:`~AccountsService.logged`,
:meth:`~AccountsService.qr_shown` and :meth:`~AccountsService.history_progressed`. Adding an account publishes
``AccountsChanged``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from deskchat.channels.base import ChannelAccount
from deskchat.core.bus import EventBus
from deskchat.core.events import (
    AccountsChanged,
    ChannelKind,
    ChannelStateChanged,
    HistorySyncProgressed,
    IntegrationLogged,
    QrCodeChanged,
)
from deskchat.store import accounts
from deskchat.store.accounts import LogEntry
from deskchat.store.clock import from_datetime, now_ms, to_datetime
from deskchat.store.database import Store

log = logging.getLogger("deskchat.accounts")

LOG_SHOWN = 50
_ERROR_WORDS = ("error", "failed", "banned", "outdated", "auth")

__all__ = ["LOG_SHOWN", "AccountHandle", "AccountState", "AccountsService", "ChannelDriver", "LogEntry"]


class AccountHandle(ChannelAccount, Protocol):
    """One started account, as the accounts service and the outbox see it."""

    async def start(self) -> None:
        """Connect: resume the session, or begin signing in / pairing."""
        ...

    async def stop(self) -> None:
        """Disconnect within the account's budget; the session stays for the next start."""
        ...

    async def disconnect(self) -> None:
        """The attendant disconnects the account: stop, and the driver's own clean-up (unlink, delete session)."""
        ...

    @property
    def stuck(self) -> bool:
        """The channel library did not stop in time: only ending the process releases it."""
        ...


class ChannelDriver(Protocol):
    """What is particular to one kind of channel."""

    @property
    def kind(self) -> ChannelKind: ...

    def create(self, account_id: int) -> AccountHandle:
        """The account's adapter (created once per account and process)."""
        ...

    def can_resume(self, account_id: int) -> bool:
        """Whether the account has what it needs to connect without the attendant (a session, credentials)."""
        ...

    async def load(self) -> None:
        """Load the channel's libraries without blocking the loop, before the first account of this kind starts."""
        ...


@dataclass(frozen=True)
class AccountState:
    state: str  # a ConnState value (or "demo")
    detail: str = ""
    banned_until: int | None = None  # unix ms
    retry_in: float | None = None  # seconds until the next automatic attempt


class AccountsService:
    """Args:
    store: the store (accounts, their state and log).
    bus: where states, QR codes, log entries and added accounts are announced.
    channels: the outbox's account → channel map, filled as accounts start.
    clock: unix ms, for the accounts' creation times and the integration log (tests pass a fake one).
    """

    def __init__(
        self,
        store: Store,
        bus: EventBus,
        channels: dict[int, ChannelAccount],
        *,
        clock: Callable[[], int] = now_ms,
    ) -> None:
        self._store = store
        self._bus = bus
        self.clock = clock
        self._channels = channels
        self._drivers: dict[ChannelKind, ChannelDriver] = {}
        self._handles: dict[int, AccountHandle] = {}
        self._states: dict[int, AccountState] = {}
        self._pending: set[asyncio.Future[Any]] = set()
        self._history_counts: dict[int, int] = {}  # history messages stored per account in this session

    def register(self, driver: ChannelDriver) -> None:
        self._drivers[driver.kind] = driver

    # -- what adapters report ------------------------------------------------------------------------------------

    def state_changed(
        self,
        account_id: int,
        state: str,
        detail: str = "",
        banned_until: int | None = None,
        retry_in: float | None = None,
    ) -> None:
        self._states[account_id] = AccountState(state, detail, banned_until, retry_in)
        self._in_background(self._store.write(lambda conn: accounts.set_account_state(conn, account_id, state)))
        self._bus.publish(ChannelStateChanged(account_id, state, detail))

    def qr_shown(self, account_id: int, code: str, index: int, expires_in: float) -> None:
        self._bus.publish(QrCodeChanged(account_id, code, index, expires_in))

    def logged(self, account_id: int, event: str, detail: str) -> None:
        """Keep a log entry (written in order by the store's writer) and tell the screen once it is stored."""
        level = "error" if any(word in event for word in _ERROR_WORDS) else "info"

        async def write() -> None:
            await self._store.write(
                lambda conn: accounts.add_log_entry(conn, account_id, event, detail, level, now=self.clock())
            )
            self._bus.publish(IntegrationLogged(account_id))

        self._in_background(write())

    def history_progressed(self, account_id: int, percent: int, stored: int) -> None:
        """A piece of the first history sync was stored: add it up and tell the window."""
        self._history_counts[account_id] = self._history_counts.get(account_id, 0) + stored
        self._bus.publish(HistorySyncProgressed(account_id, percent, self._history_counts[account_id]))

    def _in_background(self, work: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.ensure_future(work)
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)
        task.add_done_callback(_log_failure)

    async def settle(self) -> None:
        """Wait for the log and state writes started so far."""
        while self._pending:
            await asyncio.gather(*list(self._pending), return_exceptions=True)

    # -- what the screens ask ------------------------------------------------------------------------------------

    def accounts(self, kind: ChannelKind | None = None) -> list[accounts.AccountRow]:
        with self._store.read() as conn:
            return [row for row in accounts.list_accounts(conn) if kind is None or row.kind == kind]

    def state(self, account_id: int) -> AccountState:
        return self._states.get(account_id, AccountState("not_connected"))

    def log_entries(self, account_id: int, limit: int = LOG_SHOWN) -> list[LogEntry]:
        with self._store.read() as conn:
            return accounts.log_entries(conn, account_id, limit)

    def linked_today(self, account_id: int, now: datetime | None = None) -> int:
        """Conversations of this account linked to a case automatically (not by hand) since midnight."""
        midnight = (now or to_datetime(self.clock()).astimezone()).replace(hour=0, minute=0, second=0, microsecond=0)
        with self._store.read() as conn:
            return accounts.count_auto_linked_since(conn, account_id, from_datetime(midnight))

    # -- lifecycle -----------------------------------------------------------------------------------------------

    def ensure_one(self, kind: ChannelKind, name: str) -> None:
        """A first account of ``kind`` to connect, so the screen never opens empty."""
        if not self.accounts(kind):
            account_id = self._store.write_now(lambda conn: accounts.create_account(conn, kind, name, now=self.clock()))
            self.logged(account_id, "account_added", name)
            self._bus.publish(AccountsChanged(account_id, kind))

    async def add_account(self, kind: ChannelKind, name: str) -> int:
        account_id = await self._store.write(lambda conn: accounts.create_account(conn, kind, name, now=self.clock()))
        self.logged(account_id, "account_added", name)
        self._bus.publish(AccountsChanged(account_id, kind))
        return account_id

    def handle(self, account_id: int) -> AccountHandle:
        """The account's adapter, created by its kind's driver on first use (and kept for the whole process)."""
        handle = self._handles.get(account_id)
        if handle is None:
            handle = self._driver_of(account_id).create(account_id)
            self._handles[account_id] = handle
        return handle

    def _driver_of(self, account_id: int) -> ChannelDriver:
        kinds = {row.id: row.kind for row in self.accounts()}
        kind = kinds.get(account_id)
        if kind is None:
            raise KeyError(f"no account {account_id}")
        driver = next((driver for known, driver in self._drivers.items() if known == kind), None)
        if driver is None:
            raise LookupError(f"no driver for {kind} accounts")
        return driver

    async def connect(self, account_id: int) -> None:
        """Start the account: resume its session, or begin signing in (QR codes follow for WhatsApp)."""
        handle = self.handle(account_id)
        self._channels[account_id] = handle
        await handle.start()

    async def restart(self, account_id: int) -> None:
        """Begin signing in again (a new round of QR codes after the last one expired)."""
        handle = self.handle(account_id)
        await handle.stop()
        await handle.start()

    async def disconnect(self, account_id: int) -> None:
        """Unlink the account (the driver's own clean-up: log out, delete the session) and stop it."""
        await self.handle(account_id).disconnect()
        self._channels.pop(account_id, None)
        self.logged(account_id, "disconnected_by_attendant", "")

    async def resume_all(self) -> None:
        """At start-up: every account that can resume connects by itself; the others wait for the attendant.

        Each kind's libraries are loaded first (for WhatsApp, neonize's Go library on a worker thread), so the
        window stays responsive meanwhile.
        """
        for kind, driver in self._drivers.items():
            to_resume = [row for row in self.accounts(kind) if driver.can_resume(row.id)]
            if to_resume:
                await driver.load()
            for row in to_resume:
                try:
                    await self.connect(row.id)
                except Exception as problem:
                    log.exception("cannot resume %s account %d", kind, row.id)
                    self.logged(row.id, "resume_failed", str(problem))

    async def stop_all(self) -> bool:
        """Stop every account (each within its own budget); returns whether one is stuck and the process must end."""
        stuck = False
        for account_id, handle in list(self._handles.items()):
            try:
                await handle.stop()
            except Exception:
                log.exception("stopping account %d failed", account_id)
            stuck = stuck or handle.stuck
        return stuck


def _log_failure(task: asyncio.Future[Any]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("account bookkeeping failed", exc_info=task.exception())
