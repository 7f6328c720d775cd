"""The attendant's WhatsApp numbers: add, connect (QR or phone code), resume, disconnect; their log and state.

This is what the connection screen talks to. Each account gets one adapter (``WhatsAppChannel``) whose callbacks
are wired here to the app's services; the adapter module loads neonize's Go library, so it is imported only when
a WhatsApp account is first started, after the window is painted. Tests give a ``channel_factory`` that returns a
fake at this boundary.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol, cast

from sqlalchemy import Connection, select

from deskchat.channels.base import Capability, SendReceipt
from deskchat.core.bus import EventBus
from deskchat.core.events import ChannelStateChanged, HistorySyncProgressed, IntegrationLogged, QrCodeChanged
from deskchat.core.messages import OutboundMessage
from deskchat.services.ingest import IngestService
from deskchat.services.message_changes import MessageChangeService
from deskchat.services.receipts import ReceiptService
from deskchat.services.whatsapp_people import WhatsAppPeople
from deskchat.store import accounts
from deskchat.store.clock import from_datetime
from deskchat.store.database import Store
from deskchat.store.schema import conversation_cases, conversations, integration_log
from deskchat.tuning import freeze_survivors

log = logging.getLogger("deskchat.wa")

LOG_SHOWN = 50
WHATSAPP_CAPABILITIES = frozenset(
    {Capability.SEND_TEXT, Capability.SEND_FILES, Capability.READ_RECEIPTS, Capability.DOWNLOAD_MEDIA}
)


class WhatsAppHandle(Protocol):
    """What the app needs of one WhatsApp adapter (``deskchat.channels.whatsapp.client.WhatsAppChannel``)."""

    async def start(self) -> None: ...
    async def stop(self) -> None: ...
    async def disconnect(self) -> None: ...
    async def pair_with_phone(self, phone: str) -> str: ...
    def has_session(self) -> bool: ...


ChannelFactory = Callable[[int, Path, "WhatsAppAccounts"], WhatsAppHandle]


@dataclass(frozen=True)
class AccountState:
    state: str  # a WaState value
    detail: str = ""
    banned_until: int | None = None  # unix ms


@dataclass(frozen=True)
class LogEntry:
    at: int  # unix ms
    level: str
    event: str
    detail: str


class _RealHandle:
    """Adapts ``WhatsAppChannel`` to :class:`WhatsAppHandle` (kept alive for the whole process, as neonize needs)."""

    def __init__(self, channel: Any) -> None:
        self.channel = channel

    async def start(self) -> None:
        await self.channel.start()

    async def stop(self) -> None:
        await self.channel.stop()

    async def disconnect(self) -> None:
        await self.channel.disconnect()

    async def pair_with_phone(self, phone: str) -> str:
        return str(await self.channel.pair_with_phone(phone))

    def has_session(self) -> bool:
        return bool(self.channel.files.has_session())

    @property
    def stuck(self) -> bool:
        """The Go side did not stop in time: only ending the process releases it."""
        return bool(self.channel.stuck)

    @property
    def account_id(self) -> int:
        return int(self.channel.account_id)

    @property
    def capabilities(self) -> frozenset[Capability]:
        """neonize cannot send under our id, so no ``CHOSEN_IDS``: an interrupted send is reconciled, not resent."""
        return WHATSAPP_CAPABILITIES

    def available(self) -> bool:
        return self.channel.client is not None and bool(self.channel.machine.online)

    async def send(self, message: OutboundMessage) -> SendReceipt:
        receipt: SendReceipt = await self.channel.send(message)
        return receipt

    async def mark_read(self, chat_key: str, channel_ids: Sequence[str]) -> None:
        await self.channel.mark_read(chat_key, channel_ids)

    async def download(self, remote_ref: str) -> bytes:
        data: bytes = await self.channel.download(remote_ref)
        return data


def real_channel(account_id: int, session_dir: Path, owner: WhatsAppAccounts) -> WhatsAppHandle:
    from deskchat.channels.whatsapp.client import WhatsAppChannel

    freeze_survivors()  # neonize's ~70,000 protobuf objects stay for the session: keep full GCs short
    return _RealHandle(WhatsAppChannel(account_id, session_dir, owner.sinks()))


class WhatsAppAccounts:
    def __init__(
        self,
        store: Store,
        bus: EventBus,
        ingest: IngestService,
        receipts: ReceiptService,
        session_dir: Path,
        channels: dict[int, Any],
        channel_factory: ChannelFactory = real_channel,
    ) -> None:
        self._store = store
        self._bus = bus
        self._ingest = ingest
        self._receipts = receipts
        self._changes = MessageChangeService(store, bus)
        self._people = WhatsAppPeople(store, bus, ingest)
        self._session_dir = session_dir
        self._factory = channel_factory
        self._handles: dict[int, WhatsAppHandle] = {}
        self._states: dict[int, AccountState] = {}
        self._channels = channels  # the outbox's account → channel map
        self._keep_alive: list[WhatsAppHandle] = []  # neonize clients must outlive their use (see notes)
        self._pending: set[asyncio.Future[Any]] = set()
        self._history_counts: dict[int, int] = {}  # history messages stored per account in this session

    # -- the adapter's callbacks -------------------------------------------------------------------------------

    def sinks(self) -> Any:
        from deskchat.channels.whatsapp.sinks import WhatsAppSinks

        return WhatsAppSinks(
            on_messages=self._ingest.ingest,
            on_receipt=self._receipts.apply,
            on_changes=cast(Any, self._changes.apply),  # its Protocol matches the adapter's change types
            on_state=lambda account_id, status: self.state_changed(
                account_id, str(status.state), status.detail, status.banned_until
            ),
            on_qr=lambda account_id, qr: self.qr_shown(account_id, qr.code, qr.index, qr.expires_in),
            on_log=self.logged,
            on_history_progress=self.history_progressed,
            on_links=self._people.on_links,
            on_hints=self._people.on_hints,
            on_read_elsewhere=self._people.on_read_elsewhere,
            quote_lookup=self._people.quote_lookup,
        )

    def state_changed(self, account_id: int, state: str, detail: str = "", banned_until: int | None = None) -> None:
        self._states[account_id] = AccountState(state, detail, banned_until)
        self._in_background(self._store.write(lambda conn: accounts.set_account_state(conn, account_id, state)))
        self._bus.publish(ChannelStateChanged(account_id, state, detail))

    def qr_shown(self, account_id: int, code: str, index: int, expires_in: float) -> None:
        self._bus.publish(QrCodeChanged(account_id, code, index, expires_in))

    def logged(self, account_id: int, event: str, detail: str) -> None:
        """Keep a log entry (written in order by the store's writer) and tell the screen once it is stored."""
        level = "error" if any(word in event for word in ("error", "failed", "banned", "outdated")) else "info"

        async def write() -> None:
            await self._store.write(lambda conn: accounts.add_log_entry(conn, account_id, event, detail, level))
            self._bus.publish(IntegrationLogged(account_id))

        self._in_background(write())

    def history_progressed(self, account_id: int, percent: int, stored: int) -> None:
        """A piece of the first-link history was stored: add it up and tell the window."""
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

    # -- what the connection screen asks -----------------------------------------------------------------------

    @property
    def device_name(self) -> str:
        """How this computer appears on the phone under "Linked devices"."""
        from deskchat.channels.whatsapp.device import device_name

        return device_name()

    def accounts(self) -> list[accounts.AccountRow]:
        with self._store.read() as conn:
            return [row for row in accounts.list_accounts(conn) if row.kind == "whatsapp"]

    def state(self, account_id: int) -> AccountState:
        return self._states.get(account_id, AccountState("not_connected"))

    def log_entries(self, account_id: int, limit: int = LOG_SHOWN) -> list[LogEntry]:
        with self._store.read() as conn:
            rows = conn.execute(
                select(integration_log.c.at, integration_log.c.level, integration_log.c.event, integration_log.c.detail)
                .where(integration_log.c.account_id == account_id)
                .order_by(integration_log.c.id.desc())
                .limit(limit)
            )
            return [LogEntry(int(at), str(level), str(event), str(detail)) for at, level, event, detail in rows]

    def linked_today(self, account_id: int, now: datetime | None = None) -> int:
        """Conversations of this account linked to a case automatically (not by hand) since midnight."""
        midnight = (now or datetime.now().astimezone()).replace(hour=0, minute=0, second=0, microsecond=0)
        with self._store.read() as conn:
            return _count_linked_since(conn, account_id, from_datetime(midnight))

    def ensure_one(self, name: str) -> None:
        """A first WhatsApp number to connect, so the screen never opens empty."""
        if not self.accounts():
            account_id = self._store.write_now(lambda conn: accounts.create_account(conn, "whatsapp", name))
            self.logged(account_id, "account_added", name)

    async def add_account(self, name: str) -> int:
        account_id = await self._store.write(lambda conn: accounts.create_account(conn, "whatsapp", name))
        self.logged(account_id, "account_added", name)
        return account_id

    def _handle(self, account_id: int) -> WhatsAppHandle:
        handle = self._handles.get(account_id)
        if handle is None:
            handle = self._factory(account_id, self._session_dir, self)
            self._handles[account_id] = handle
            self._keep_alive.append(handle)
        return handle

    async def connect(self, account_id: int) -> None:
        """Start the account: resume its session, or begin pairing (QR codes follow)."""
        handle = self._handle(account_id)
        self._channels[account_id] = handle
        await handle.start()

    async def new_qr(self, account_id: int) -> None:
        """The attendant asks for a fresh round of QR codes after the last one expired."""
        handle = self._handle(account_id)
        await handle.stop()
        await handle.start()

    async def pair_with_phone(self, account_id: int, phone: str) -> str:
        return await self._handle(account_id).pair_with_phone(phone)

    async def disconnect(self, account_id: int) -> None:
        """Log out on WhatsApp, stop the client and delete the session file."""
        handle = self._handles.get(account_id)
        if handle is None:
            handle = self._handle(account_id)
        await handle.disconnect()
        self._channels.pop(account_id, None)
        self.logged(account_id, "disconnected_by_attendant", "")

    async def resume_all(self) -> None:
        """At start-up: every account with a session file reconnects without a QR code.

        Accounts without a session wait for the attendant; neonize (a Go library, ~1 s to load) is loaded on a
        worker thread, so the window stays responsive meanwhile.
        """
        from deskchat.channels.whatsapp.session import SessionFiles

        to_resume = [row for row in self.accounts() if SessionFiles(self._session_dir, row.id).has_session()]
        if to_resume and self._factory is real_channel:
            await asyncio.get_running_loop().run_in_executor(
                None, importlib.import_module, "deskchat.channels.whatsapp.client"
            )
        for row in to_resume:
            try:
                await self.connect(row.id)
            except Exception as problem:
                log.exception("cannot resume WhatsApp account %d", row.id)
                self.logged(row.id, "resume_failed", str(problem))

    async def stop_all(self) -> bool:
        """Stop every account (each within its own budget); returns whether one is stuck and the process must end."""
        stuck = False
        for handle in list(self._handles.values()):
            try:
                await handle.stop()
            except Exception:
                log.exception("stopping a WhatsApp account failed")
            stuck = stuck or bool(getattr(handle, "stuck", False))
        return stuck


def _log_failure(task: asyncio.Future[Any]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("WhatsApp bookkeeping failed", exc_info=task.exception())


def _count_linked_since(conn: Connection, account_id: int, since_ms: int) -> int:
    query = (
        select(conversation_cases.c.conversation_id)
        .join(conversations, conversations.c.id == conversation_cases.c.conversation_id)
        .where(conversations.c.account_id == account_id)
        .where(conversation_cases.c.linked_by != "manual")
        .where(conversation_cases.c.linked_at >= since_ms)
        .distinct()
    )
    return len(conn.execute(query).all())
