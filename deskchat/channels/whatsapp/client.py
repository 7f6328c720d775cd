"""The WhatsApp adapter of one account, around ``neonize.aioze.client.NewAClient``.

Life of a connection:

1. :meth:`WhatsAppChannel.start` locks the session file (:mod:`.session`), builds a ``NewAClient`` with DeskChat's
   device name, registers every handler (bound methods that only queue the event) and the QR callback, then
   ``connect()``. A paired session resumes; a new one shows QR codes (:class:`~.sinks.QrCode`) or pairs by phone
   code (:meth:`~WhatsAppChannel.pair_with_phone`).
2. One consumer task (:mod:`.pipeline`) processes the events in order (:mod:`.processor`); connection events are
   translated (:mod:`.connection`) into reports to its :class:`~deskchat.core.supervisor.ConnectionSupervisor`,
   which keeps the state (:mod:`deskchat.core.connection_states`). The adapter is its
   :class:`~deskchat.core.supervisor.ConnectionDriver`: one neonize client per connection *generation*.
3. The supervisor's watchdog notices when neonize's connect task ends without our ``stop()`` (dial failure, dead
   client) and builds a new client after a back-off of 5 s doubling to 5 min (50–100 % jitter), unless the state
   forbids it (logged out, banned, replaced, outdated). With no internet the state is ``offline`` while it retries.
4. :meth:`~WhatsAppChannel.stop` returns within 3 s, even while a QR code is shown (the Go call may then stay
   blocked: :attr:`~WhatsAppChannel.stuck` tells the app to end the process with ``os._exit`` after saving).
   :meth:`~WhatsAppChannel.disconnect` also unlinks the device and deletes the session file.

Every ``NewAClient`` ever built is kept alive until the process exits (:mod:`.neonize_client`).
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from collections.abc import Coroutine, Sequence
from functools import partial
from pathlib import Path
from typing import Any, Final

import neonize.aioze.events as neonize_events
from neonize.exc import NeonizeError
from neonize.utils.enum import ClientName, ClientType
from neonize.utils.jid import build_jid

from deskchat.channels.base import SendReceipt
from deskchat.channels.whatsapp import content
from deskchat.channels.whatsapp.connection import WhatsAppConnectionEvents
from deskchat.channels.whatsapp.neonize_client import ALIVE, EVENT_TYPES, DeskChatClient, RawEvent, device_props
from deskchat.channels.whatsapp.pipeline import EventPipeline
from deskchat.channels.whatsapp.processor import EventProcessor, Queued, RetryPending, group_key, spool_id_of
from deskchat.channels.whatsapp.sending import NotConnected, Sender
from deskchat.channels.whatsapp.session import SessionFiles
from deskchat.channels.whatsapp.sinks import WhatsAppSinks
from deskchat.core.connection_states import ConnState, Status
from deskchat.core.identity import normalize_phone
from deskchat.core.messages import OutboundMessage
from deskchat.core.spool import SpooledEvent, is_storage_full
from deskchat.core.supervisor import Backoff, ConnectionSupervisor

log = logging.getLogger("deskchat.wa")

STOP_BUDGET_S: Final = 2.8
BOT_TAG_VARIABLE: Final = "NEONIZE_BOT_TAG"
#: After our send returns, receipts that raced the outbox's write of the id are retried after these delays (s).
SEND_RETRY_DELAYS: Final = (0.5, 2.0, 10.0, 60.0)


class WhatsAppChannel:
    """One WhatsApp account (the app wraps it as a :class:`deskchat.channels.base.ChannelAccount`).

    Args:
        account_id: the DeskChat account.
        session_dir: folder of the session files (created 0700), e.g. ``Profile.whatsapp_dir``.
        sinks: the app's callbacks.
        history_days: history to ask for at pairing time (None: WhatsApp's default, about 3 months).
        first_retry_s: first watchdog back-off (doubles up to ``max_retry_s``, each with 50–100 % jitter).
        backoff: the watchdog's delays, instead of ``first_retry_s``/``max_retry_s`` (tests fix the jitter).
        client_class: the neonize client class (tests replace only its network dial).
    """

    def __init__(
        self,
        account_id: int,
        session_dir: Path,
        sinks: WhatsAppSinks,
        *,
        history_days: int | None = None,
        first_retry_s: float = 5.0,
        max_retry_s: float = 300.0,
        backoff: Backoff | None = None,
        client_class: type[DeskChatClient] = DeskChatClient,
    ) -> None:
        self.account_id = account_id
        self.sinks = sinks
        self.files = SessionFiles(session_dir, account_id)
        self._props = device_props(history_days)
        self._client_class = client_class
        self._client: Any | None = None
        self._timers: list[asyncio.TimerHandle] = []
        self._pn_cache: dict[str, str] = {}
        self._group_titles: dict[str, str] = {}
        self.processor = EventProcessor(
            account_id, sinks, self._on_connection_event, self._pn_for_lid, self._group_title
        )
        self.pipeline: EventPipeline[Queued | RetryPending] = EventPipeline(
            f"account-{account_id}",
            self.processor.process,
            group_key,
            on_failed=self._dead_letter,
            is_waiting=is_storage_full,
            on_waiting=partial(sinks.on_storage_full, account_id),
        )
        self.sender = Sender(self.processor, self._connected_client, self._pn_for_lid)
        self.supervisor = ConnectionSupervisor(
            self,
            on_status=partial(sinks.on_state, account_id),
            on_log=partial(sinks.on_log, account_id),
            backoff=backoff if backoff is not None else Backoff(first_retry_s, max_retry_s),
            name=f"wa-{account_id}",
        )
        self.events = WhatsAppConnectionEvents(self, self.supervisor)
        self.stuck = False

    # -- public API --------------------------------------------------------------------------------------------

    @property
    def status(self) -> Status:
        return self.supervisor.status

    @property
    def client(self) -> Any | None:
        """The current neonize client (None when stopped)."""
        return self._client

    async def start(self) -> None:
        """Connect (resume the session, or begin pairing).

        Raises:
            SessionLocked: another DeskChat uses this account's session.
        """
        self.files.acquire()
        if os.environ.get(BOT_TAG_VARIABLE, "").lower() not in ("off", "none", "false", "0"):
            # neonize's Go side then adds <bot biz_bot="1"/> to every 1:1 message. Go reads the environment the
            # process was started with, so only the launcher can turn this off.
            self.sinks.on_log(self.account_id, "bot_tag_on", f"{BOT_TAG_VARIABLE}=off missing at process start")
        loop = asyncio.get_running_loop()
        if neonize_events.event_global_loop is None or neonize_events.event_global_loop.is_closed():
            neonize_events.event_global_loop = loop  # neonize sets it only once per process
        await self._replay_spool()
        self.pipeline.start()
        self.events.starting()
        await self.supervisor.start()  # "new QR" / "connect again" first closes a client still around

    async def stop(self) -> None:
        """Disconnect and stop processing, within :data:`STOP_BUDGET_S` (events already received are drained)."""
        deadline = asyncio.get_running_loop().time() + STOP_BUDGET_S
        self.events.stopping()
        await self.supervisor.stopping()
        for timer in self._timers:
            timer.cancel()
        self._timers.clear()
        await self.discard_client(deadline, wait_for_task=True)
        remaining = max(0.0, deadline - asyncio.get_running_loop().time())
        await self.pipeline.join(timeout=min(remaining, 1.0))
        await self.pipeline.stop()
        self._forget_spooled()
        self.files.release()
        self.supervisor.stopped()

    async def disconnect(self) -> None:
        """The attendant disconnects WhatsApp: unlink this device, stop, and delete the session file."""
        client = self._connected_client()
        if client is None:
            # the device stays linked until it is removed on the phone (Linked devices)
            self.sinks.on_log(self.account_id, "logout_skipped_offline", "")
        else:
            try:
                await asyncio.wait_for(client.logout(), 10.0)
            except (NeonizeError, TimeoutError) as exc:
                self.sinks.on_log(self.account_id, "logout_failed", str(exc))
        await self.stop()
        if not self.files.delete():
            self.sinks.on_log(self.account_id, "session_delete_postponed", str(self.files.path))

    async def pair_with_phone(self, phone: str) -> str:
        """Pair by the 8-character code typed on the phone (while the QR screen is open). Returns the code."""
        client = self._client
        if client is None or self.status.state is not ConnState.WAITING_QR:
            raise RuntimeError("pairing by phone code needs the QR screen to be open")
        e164 = normalize_phone(phone)
        if e164 is None:
            raise ValueError(f"not a phone number: {phone!r}")
        name = ClientName.WINDOWS if sys.platform == "win32" else ClientName.LINUX
        code: str = await client.PairPhone(e164.lstrip("+"), True, client_name=name, client_type=ClientType.CHROME)
        self.events.pairing_by_code = True
        self.sinks.on_log(self.account_id, "pair_code", "code shown")
        return code

    async def send(self, message: OutboundMessage) -> SendReceipt:
        """Send a text or one file (with its quote); the receipt's id is WhatsApp's message id.

        neonize 0.5.2 cannot send under a caller's id (its Go ``SendMessage`` passes no ``SendRequestExtra``), so
        ``message.channel_id`` is not used: WhatsApp's own id comes back in the receipt.

        Raises:
            NotConnected: offline or pairing (a :class:`~deskchat.channels.base.ChannelUnavailable`).
            PermanentSendError: WhatsApp refused it for good.
        """
        receipt = await self.sender.send(message)
        self._retry_after_send(receipt.channel_id)
        return receipt

    async def send_image(
        self, chat_key: str, data: bytes, caption: str = "", reply_to: str | None = None
    ) -> SendReceipt:
        receipt = await self.sender.send_image(chat_key, data, caption, reply_to)
        self._retry_after_send(receipt.channel_id)
        return receipt

    async def send_document(
        self,
        chat_key: str,
        data: bytes,
        file_name: str,
        mime: str | None = None,
        caption: str = "",
        reply_to: str | None = None,
    ) -> SendReceipt:
        receipt = await self.sender.send_document(chat_key, data, file_name, mime, caption, reply_to)
        self._retry_after_send(receipt.channel_id)
        return receipt

    async def lookup(self, phone: str) -> str | None:
        """The chat key of a new conversation with ``phone``, ``None`` when the number is not on WhatsApp.

        Asks WhatsApp (``is_on_whatsapp``) once per number; the JID it answers with is kept for sending.

        Raises:
            NotConnected: offline or pairing (a :class:`~deskchat.channels.base.ChannelUnavailable`).
        """
        return await self.sender.lookup(phone)

    async def mark_read(self, chat_key: str, channel_ids: Sequence[str], sender_jid: str | None = None) -> None:
        await self.sender.mark_read(chat_key, list(channel_ids), sender_jid)

    async def download(self, remote_ref: str) -> bytes:
        """The media of an attachment (``Attachment.remote_ref``); raises ``DownloadError`` when expired."""
        client = self._connected_client()
        if client is None:
            raise NotConnected("WhatsApp is not connected")
        data: bytes = await client.download_any(content.message_for_download(remote_ref))
        return data

    # -- clients -----------------------------------------------------------------------------------------------

    def _connected_client(self) -> Any | None:
        return self._client if self.supervisor.connected else None

    # -- the supervisor's driver ---------------------------------------------------------------------------------

    async def open_connection(self, generation: int) -> None:
        """Build a fresh client and connect it (on start, and when the watchdog retries)."""
        client = self._client_class(
            self.files.prepare(), props=self._props, uuid=f"deskchat-wa-{self.account_id}-{generation}"
        )
        ALIVE.append(client)
        client.deskchat_generation = generation
        client.login_status = partial(self.events.on_login_status, generation)
        if self.sinks.spool_append is not None:
            client.event.spool = partial(self.sinks.spool_append, self.account_id)
        for event_type in EVENT_TYPES:
            client.event(event_type)(self._on_event)
        client.event.deliver = partial(self._queue_event, generation)
        client.event.qr(self._on_qr)
        self._client = client
        self.events.connecting(generation)
        self.sinks.on_log(self.account_id, "connect_attempt", f"generation {generation}")
        try:
            task: asyncio.Task[None] = await client.connect()
        except NeonizeError as exc:
            self.events.client_ended(generation, exc)
            return
        task.add_done_callback(partial(self._on_connect_task_done, generation))

    async def close_connection(self) -> None:
        await self.discard_client()

    async def discard_client(self, deadline: float | None = None, *, wait_for_task: bool = False) -> None:
        """Stop the current client (it stays referenced in :data:`.neonize_client.ALIVE`)."""
        client, self._client = self._client, None
        self.supervisor.connected = False
        if client is None:
            return
        loop = asyncio.get_running_loop()
        budget = 2.0 if deadline is None else max(0.05, deadline - loop.time())
        try:
            await asyncio.wait_for(client.stop(), min(budget, 1.0))
        except (NeonizeError, TimeoutError) as exc:
            log.warning("account %d: stopping the client failed: %s", self.account_id, exc)
        task = client.connect_task
        if not wait_for_task or task is None or task.done():
            return
        remaining = max(0.05, (deadline or loop.time() + 1.5) - loop.time() - 0.3)
        try:
            await asyncio.wait_for(asyncio.shield(task), remaining)
        except TimeoutError:
            self.stuck = True
            log.warning("account %d: neonize did not return after stop (QR screen?)", self.account_id)
        except (NeonizeError, asyncio.CancelledError):
            pass

    def _on_connect_task_done(self, generation: int, task: asyncio.Task[None]) -> None:
        error = None if task.cancelled() else task.exception()
        self.events.client_ended(generation, error)

    def spawn(self, coroutine: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        """Run ``coroutine`` in the background; it is cancelled by :meth:`stop`."""
        return self.supervisor.spawn(coroutine, name)

    # -- neonize callbacks (registered before connect) ---------------------------------------------------------

    async def _on_event(self, client: Any, event: Any) -> None:
        """Every subscribed event: queue it for the ordered consumer, nothing else."""
        self.pipeline.put(Queued(getattr(client, "deskchat_generation", 0), event))

    def _queue_event(self, generation: int, event: Any) -> None:
        """The same, called on the loop with each event of a batch (:attr:`DeskChatEvent.deliver`)."""
        self.pipeline.put(Queued(generation, event))

    # -- the inbound spool -------------------------------------------------------------------------------------

    async def _replay_spool(self) -> None:
        """Spooled events left by a crash or a stop go first, through the same processing as live ones."""
        self.requeue(await self.sinks.spool_pending(self.account_id), force=True)

    def requeue(self, rows: Sequence[SpooledEvent], *, force: bool = False) -> int:
        """Queue spooled events (dead letters the attendant retries); when stopped they wait for the next start."""
        if not (force or self.pipeline.running):
            return 0
        for row in rows:
            self.pipeline.put(Queued(0, RawEvent(row.kind, row.payload, row.id)))
        return len(rows)

    def _forget_spooled(self) -> None:
        """After a stop, spooled items leave memory: the next start replays them from the spool, in order."""
        for item in self.pipeline.take_all():
            if spool_id_of(item) is None:
                self.pipeline.put(item)

    async def _dead_letter(self, item: Queued | RetryPending, error: BaseException) -> None:
        """An item still failed after its retries: its spool row goes alone to the dead letters."""
        spool_id = spool_id_of(item)
        reason = type(error).__name__  # the message may quote customer data
        if spool_id is None:
            log.error("account %d: an event without a spool row failed for good (%s)", self.account_id, reason)
            return
        await self.sinks.dead_letter(self.account_id, spool_id, reason)
        self.sinks.on_log(self.account_id, "dead_letter", reason)

    async def _on_qr(self, client: Any, data: bytes) -> None:
        self.events.on_qr(getattr(client, "deskchat_generation", 0), data.decode("utf-8", "replace"))

    def _on_connection_event(self, generation: int, event: Any) -> None:
        self.events.on_event(generation, event)

    def _retry_after_send(self, channel_id: str) -> None:
        loop = asyncio.get_running_loop()
        self._timers = [timer for timer in self._timers if not timer.cancelled() and timer.when() > loop.time()]
        for delay in SEND_RETRY_DELAYS:
            self._timers.append(loop.call_later(delay, self.pipeline.put, RetryPending((channel_id,))))

    async def _pn_for_lid(self, lid_user: str) -> str | None:
        """whatsmeow's local LID → phone-number map; only asked while connected (the call crashes Go otherwise)."""
        if lid_user in self._pn_cache:
            return self._pn_cache[lid_user]
        client = self._connected_client()
        if client is None:
            return None
        try:
            jid = await client.get_pn_from_lid(build_jid(lid_user, "lid"))
        except NeonizeError as exc:
            log.info("account %d: no phone number for a LID: %s", self.account_id, type(exc).__name__)
            return None
        found = str(jid.User) or None
        if found:
            self._pn_cache[lid_user] = found
        return found

    async def _group_title(self, chat_key: str) -> str:
        """The group's subject, asked once per session (only while connected)."""
        if chat_key in self._group_titles:
            return self._group_titles[chat_key]
        client = self._connected_client()
        if client is None:
            return ""
        user = chat_key.partition("@")[0]
        try:
            info = await client.get_group_info(build_jid(user, "g.us"))
            title = str(info.GroupName.Name)
        except NeonizeError as exc:
            log.info("account %d: no subject for a group: %s", self.account_id, type(exc).__name__)
            title = ""
        self._group_titles[chat_key] = title
        return title

    @property
    def generation(self) -> int:
        return self.supervisor.generation

    async def settle(self, timeout: float) -> None:
        """Wait for the background work started by events (client shutdowns, reconnects) to finish.

        Raises:
            TimeoutError: still running after ``timeout`` seconds.
        """
        await self.supervisor.settle(timeout)
