"""The WhatsApp driver of the accounts service: what is WhatsApp's about an account.

The generic lifecycle, state and integration log are :class:`deskchat.services.accounts.AccountsService`'s. Here:
the adapter of each account (``WhatsAppChannel``) with its callbacks wired to the app's services (:meth:`sinks`),
the session files (which accounts resume by themselves), QR codes and pairing by phone code, and the device name
shown on the phone. The adapter module loads neonize's Go library, so it is imported only when a WhatsApp account
is first started, after the window is painted. Tests give a ``channel_factory`` that returns a fake at this boundary.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from deskchat.channels.base import Capability, SendReceipt
from deskchat.core.bus import EventBus
from deskchat.core.connection_states import ConnState
from deskchat.core.events import ChannelKind
from deskchat.core.messages import OutboundMessage
from deskchat.core.spool import SpooledEvent
from deskchat.services.accounts import AccountHandle, AccountsService
from deskchat.services.inbound_spool import InboundSpool
from deskchat.services.ingest import IngestService
from deskchat.services.message_changes import MessageChangeService
from deskchat.services.pending_changes import PendingChanges
from deskchat.services.receipts import ReceiptService
from deskchat.services.whatsapp_people import WhatsAppPeople
from deskchat.store.database import Store
from deskchat.tuning import freeze_survivors

if TYPE_CHECKING:
    from deskchat.channels.whatsapp.client import WhatsAppChannel
    from deskchat.channels.whatsapp.sinks import WhatsAppSinks

log = logging.getLogger("deskchat.wa")

WHATSAPP_CAPABILITIES = frozenset(
    {
        Capability.SEND_TEXT,
        Capability.SEND_FILES,
        Capability.READ_RECEIPTS,
        Capability.DOWNLOAD_MEDIA,
        Capability.LOOKUP,
    }
)


class WhatsAppHandle(AccountHandle, Protocol):
    """What the app needs of one WhatsApp adapter (``deskchat.channels.whatsapp.client.WhatsAppChannel``)."""

    async def pair_with_phone(self, phone: str) -> str: ...
    def requeue(self, rows: Sequence[SpooledEvent]) -> int: ...


ChannelFactory = Callable[[int, Path, "WhatsAppDriver"], WhatsAppHandle]


class _RealHandle:
    """Adapts ``WhatsAppChannel`` to :class:`WhatsAppHandle` (kept alive for the whole process, as neonize needs)."""

    def __init__(self, channel: WhatsAppChannel) -> None:
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
        return self.channel.files.has_session()

    @property
    def stuck(self) -> bool:
        """The Go side did not stop in time: only ending the process releases it."""
        return self.channel.stuck

    @property
    def account_id(self) -> int:
        return int(self.channel.account_id)

    @property
    def capabilities(self) -> frozenset[Capability]:
        """neonize cannot send under our id, so no ``CHOSEN_IDS``: an interrupted send is reconciled, not resent."""
        return WHATSAPP_CAPABILITIES

    def available(self) -> bool:
        return self.channel.client is not None and self.channel.status.state == ConnState.ONLINE

    async def send(self, message: OutboundMessage) -> SendReceipt:
        receipt: SendReceipt = await self.channel.send(message)
        return receipt

    def requeue(self, rows: Sequence[SpooledEvent]) -> int:
        """Spooled events to process again (dead letters the attendant retries)."""
        return int(self.channel.requeue(rows))

    async def mark_read(self, chat_key: str, channel_ids: Sequence[str]) -> None:
        await self.channel.mark_read(chat_key, channel_ids)

    async def download(self, remote_ref: str) -> bytes:
        data: bytes = await self.channel.download(remote_ref)
        return data

    async def lookup(self, address: str) -> str | None:
        found: str | None = await self.channel.lookup(address)
        return found


def real_channel(account_id: int, session_dir: Path, owner: WhatsAppDriver) -> WhatsAppHandle:
    from deskchat.channels.whatsapp.client import WhatsAppChannel

    freeze_survivors()  # neonize's ~70,000 protobuf objects stay for the session: keep full GCs short
    return _RealHandle(WhatsAppChannel(account_id, session_dir, owner.sinks()))


class WhatsAppDriver:
    """The accounts service's driver for WhatsApp numbers (register it with :meth:`AccountsService.register`).

    Its writes (spooled events, contacts) take their times from the accounts service's clock.
    """

    def __init__(
        self,
        accounts: AccountsService,
        store: Store,
        bus: EventBus,
        ingest: IngestService,
        receipts: ReceiptService,
        session_dir: Path,
        channel_factory: ChannelFactory = real_channel,
    ) -> None:
        self.accounts = accounts
        self._store = store
        self._bus = bus
        self._ingest = ingest
        self._receipts = receipts
        self._changes = MessageChangeService(store, bus)
        self._people = WhatsAppPeople(store, bus, ingest, clock=accounts.clock)
        self._session_dir = session_dir
        self._factory = channel_factory
        self._handles: dict[int, WhatsAppHandle] = {}  # neonize clients must outlive their use (see notes)
        # raw inbound events, kept until stored (see the adapter's sinks)
        self.spool = InboundSpool(store, bus, clock=accounts.clock)
        self.pending = PendingChanges(store)  # receipts and changes waiting for their message

    @property
    def kind(self) -> ChannelKind:
        return ChannelKind.WHATSAPP

    # -- the adapter's callbacks -------------------------------------------------------------------------------

    def sinks(self) -> WhatsAppSinks:
        from deskchat.channels.whatsapp.sinks import WhatsAppSinks

        accounts = self.accounts
        return WhatsAppSinks(
            on_messages=self._ingest.ingest,
            on_receipt=self._receipts.apply,
            on_changes=self._changes.apply,
            on_state=lambda account_id, status: accounts.state_changed(
                account_id, str(status.state), status.detail, status.banned_until, status.retry_in
            ),
            on_qr=lambda account_id, qr: accounts.qr_shown(account_id, qr.code, qr.index, qr.expires_in),
            on_log=accounts.logged,
            on_history_progress=accounts.history_progressed,
            on_links=self._people.on_links,
            on_hints=self._people.on_hints,
            on_read_elsewhere=self._people.on_read_elsewhere,
            quote_lookup=self._people.quote_lookup,
            spool_append=self.spool.append,
            spool_pending=self.spool.pending,
            spool_remove=self.spool.remove,
            dead_letter=self.spool.dead_letter,
            pending_keep=self.pending.keep,
            pending_drop=self.pending.drop,
            pending_load=self.pending.load,
            on_storage_full=self.spool.account_storage_full,
        )

    # -- the accounts service's driver --------------------------------------------------------------------------

    def create(self, account_id: int) -> WhatsAppHandle:
        handle = self._factory(account_id, self._session_dir, self)
        self._handles[account_id] = handle
        return handle

    def can_resume(self, account_id: int) -> bool:
        """Whether the number has a session file with a linked device (it then resumes without a QR code)."""
        from deskchat.channels.whatsapp.session import SessionFiles

        return SessionFiles(self._session_dir, account_id).has_session()

    def close(self) -> None:
        """After every number stopped: close the spool's own connection."""
        self.spool.close()

    async def load(self) -> None:
        """Load neonize (a Go library, ~1 s) on a worker thread, so the window stays responsive meanwhile."""
        if self._factory is real_channel:
            await asyncio.get_running_loop().run_in_executor(
                None, importlib.import_module, "deskchat.channels.whatsapp.client"
            )

    # -- what the connection screen asks of WhatsApp numbers ---------------------------------------------------

    @property
    def device_name(self) -> str:
        """How this computer appears on the phone under "Linked devices"."""
        from deskchat.channels.whatsapp.device import device_name

        return device_name()

    def dead_letter_count(self, account_id: int) -> int:
        """Received events of this number that could not be read (they wait for "try again")."""
        return len(self.spool.dead_letters(account_id))

    async def retry_dead_letters(self, account_id: int) -> int:
        """The attendant retries: the number's dead letters go back to the spool and, if it runs, to its queue."""
        rows = await self.spool.requeue_dead_letters(account_id)
        handle = self._handles.get(account_id)
        if rows and handle is not None:
            handle.requeue(rows)
        self.accounts.logged(account_id, "dead_letters_retried", str(len(rows)))
        return len(rows)

    async def new_qr(self, account_id: int) -> None:
        """The attendant asks for a fresh round of QR codes after the last one expired."""
        await self.accounts.restart(account_id)

    async def pair_with_phone(self, account_id: int, phone: str) -> str:
        """Pair by the code typed on the phone (while the QR screen is open). Returns the code.

        Raises:
            ValueError: ``phone`` is not a phone number.
        """
        self.accounts.handle(account_id)  # created through the service, so it is one adapter per number
        return await self._handles[account_id].pair_with_phone(phone)
