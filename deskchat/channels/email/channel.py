"""The e-mail adapter of one mailbox: connection through the supervisor, sync of INBOX and Sent, IDLE, bodies, sends.

Life of a connection (one *generation*, see :class:`~deskchat.core.supervisor.ConnectionSupervisor`):

1. a command connection is opened and logged in (password, or XOAUTH2 with one forced refresh); a refused sign-in
   is terminal ("auth_required"), a refused TCP connection is "server_unavailable", an unknown host "offline";
2. INBOX and Sent are synced headers first (:class:`~.folder_sync.FolderSync`): every batch is stored with its
   UID-map rows and the folder state in one transaction (``sinks.on_messages``); the first sync reports progress;
3. a second connection IDLEs on INBOX (renewed before 29 minutes); any change wakes a new sync;
4. bodies are fetched in the background, newest first, and at once when the window asks (:meth:`fetch_bodies_now`);
5. a dropped connection (either one) ends the generation; the supervisor reconnects after its backoff with a
   fresh token.

Every blocking IMAP/SMTP call runs on this account's own threads: one for commands (sync, bodies, sends), one for
IDLE. Nothing runs on the GUI thread or on the loop's default executor.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any, Final, TypeVar

from imapclient.exceptions import IMAPClientAbortError, IMAPClientError

from deskchat.channels.base import (
    Capability,
    ChannelUnavailable,
    PermanentSendError,
    SendReceipt,
)
from deskchat.channels.email.account import MailAccount
from deskchat.channels.email.auth import Auth, SignInRequired
from deskchat.channels.email.bodies import (
    GROUP_MAX_MAILS,
    BodyGroup,
    body_groups,
    fetch_parse_store,
    raw_bodies,
)
from deskchat.channels.email.commit_chain import CommitChain
from deskchat.channels.email.compose import message_id_for
from deskchat.channels.email.folder_sync import (
    HEADER_BATCH,
    FetchedHeader,
    FlagChanges,
    FolderState,
    FolderSync,
    HeaderBatch,
)
from deskchat.channels.email.idle import IDLE_RENEW_S, IdleWatch, interrupt
from deskchat.channels.email.imap_session import LoginRefused, open_imap
from deskchat.channels.email.parse_process import BODY_PARSER
from deskchat.channels.email.sending import ReplyUnknown, attachment_blocking, is_sent_blocking, send_blocking
from deskchat.channels.email.sent_folder import sent_folder
from deskchat.channels.email.sinks import BodyToFetch, MailSinks
from deskchat.channels.email.smtp_send import Rejected
from deskchat.channels.email.translate import Translated, translate_flags, translate_headers
from deskchat.core.connection_states import Status, Trigger
from deskchat.core.messages import OutboundMessage, SyncState
from deskchat.core.supervisor import Backoff, ConnectionSupervisor
from deskchat.core.sync_steps import SyncStep

log = logging.getLogger("deskchat.mail")

T = TypeVar("T")

INBOX: Final = "INBOX"
MAIL_CAPABILITIES: Final = frozenset(
    {Capability.SEND_TEXT, Capability.SEND_FILES, Capability.SUBJECTS, Capability.DOWNLOAD_MEDIA}
)
#: Mail whose body is still to fetch, read from the store at a time (one look-up per this many). Each look-up ends a
#: pipeline (its last parse and commit overlap nothing), so it is large; a mail the attendant opens does not wait for
#: it (``fetch_bodies_now``).
BODIES_PER_QUERY: Final = 5_000
COMMIT_TIMEOUT_S: Final = 120.0
REPLY_UNKNOWN_REASON: Final = (
    "O servidor recebeu o e-mail mas a confirmação se perdeu, e ele não está em Enviados: confira com o "
    "destinatário antes de enviar de novo."
)


class _Superseded(Exception):
    """A newer connection (or our stop) replaced the one this work belongs to: nothing more is committed."""


def _ending(error: BaseException) -> Trigger:
    """How a failed connection attempt ended: no network, or a server that refuses service."""
    if isinstance(error, socket.gaierror) or getattr(error, "errno", None) in (101, 113):
        return Trigger.DIAL_FAILED
    if isinstance(error, OSError):
        return Trigger.SERVER_FAILED
    return Trigger.CLIENT_DIED


class MailChannel:
    """One mailbox (the app wraps it as a :class:`~deskchat.channels.base.ChannelAccount`).

    Args:
        account_id: the DeskChat account.
        account: servers and sign-in.
        credentials: the password or the token source (read from the encrypted store; may be asked again).
        sinks: the app's callbacks.
        backoff: the reconnect delays.
        idle_renew_s: how long one IDLE lasts before it is re-issued.
        imap_options: extra arguments for :func:`~.imap_session.open_imap` and the SMTP send (tests: timeouts).
        header_batch: mails per header FETCH and commit; body_group: mails per body FETCH and commit (tests make
            them small to stop a sync between many commits).
    """

    def __init__(
        self,
        account_id: int,
        account: MailAccount,
        credentials: Callable[[], Awaitable[Auth]],
        sinks: MailSinks,
        *,
        backoff: Backoff | None = None,
        idle_renew_s: float = IDLE_RENEW_S,
        imap_options: dict[str, Any] | None = None,
        header_batch: int = HEADER_BATCH,
        body_group: int = GROUP_MAX_MAILS,
    ) -> None:
        self.account_id = account_id
        self.account = account
        self.sinks = sinks
        self._credentials = credentials
        self._options = imap_options or {}
        self._header_batch = header_batch
        self._body_group = body_group
        self._commands = ThreadPoolExecutor(1, thread_name_prefix=f"mail-{account_id}")
        self._idle_thread = ThreadPoolExecutor(1, thread_name_prefix=f"mail-idle-{account_id}")
        self.supervisor = ConnectionSupervisor(
            self,
            on_status=partial(sinks.on_state, account_id),
            on_log=partial(sinks.on_log, account_id),
            backoff=backoff if backoff is not None else Backoff(5.0, 300.0),
            name=f"mail-{account_id}",
        )
        self.idle = IdleWatch(idle_renew_s)
        self._imap: Any | None = None
        self._idle_client: Any | None = None
        self._sent: str | None = None
        self._session: asyncio.Task[None] | None = None
        self._wake: asyncio.Event | None = None
        self._bodies_wanted: asyncio.Event | None = None
        self.stuck = False
        #: Folders the attendant chose to sync besides INBOX and Sent (their mail counts as incoming).
        self.extra_folders: tuple[str, ...] = ()

    # -- ChannelAccount ----------------------------------------------------------------------------------------

    @property
    def capabilities(self) -> frozenset[Capability]:
        return MAIL_CAPABILITIES

    @property
    def status(self) -> Status:
        return self.supervisor.status

    def available(self) -> bool:
        return self.supervisor.connected and self._imap is not None

    async def start(self) -> None:
        await self.supervisor.start()

    async def stop(self) -> None:
        await self.supervisor.stopping()
        await self.close_connection()
        self.supervisor.stopped()

    async def disconnect(self) -> None:
        await self.stop()

    async def mark_read(self, chat_key: str, channel_ids: Sequence[str]) -> None:
        return None  # no READ_RECEIPTS: mail read in DeskChat stays as the server has it

    async def send(self, message: OutboundMessage) -> SendReceipt:
        """Send one mail (see :mod:`.sending`); the receipt's id is its Message-ID."""
        imap = self._imap
        if imap is None or not self.supervisor.connected:
            raise ChannelUnavailable("the mailbox is not connected")
        auth = await self._credentials()
        try:
            result = await self._blocking(
                send_blocking, self.account, auth, imap, await self._sent_folder(), message, **self._smtp_options()
            )
        except (SignInRequired, LoginRefused) as refused:
            self.supervisor.terminal(Trigger.AUTH_FAILED, "smtp_sign_in_refused")
            raise ChannelUnavailable("sign-in required") from refused
        except Rejected as rejected:
            raise PermanentSendError(f"O servidor recusou o e-mail: {rejected.code} {rejected.reason}") from None
        except ReplyUnknown:
            raise PermanentSendError(REPLY_UNKNOWN_REASON) from None
        self.sinks.on_log(self.account_id, "mail_sent", "already in Sent" if result.already_sent else "")
        self._wake_sync()
        return SendReceipt(result.message_id)

    async def sent_message_id(self, idempotency_key: str) -> str | None:
        """The Message-ID of the outbox item ``idempotency_key`` when Sent holds it (a send a crash interrupted)."""
        imap = self._imap
        if imap is None or not self.supervisor.connected:
            raise ChannelUnavailable("the mailbox is not connected")
        message_id = message_id_for(idempotency_key, self.account.domain)
        found = await self._blocking(is_sent_blocking, imap, await self._sent_folder(), message_id)
        return message_id if found else None

    async def download(self, remote_ref: str) -> bytes:
        imap = self._imap
        if imap is None:
            raise ChannelUnavailable("the mailbox is not connected")
        return await self._blocking(attachment_blocking, imap, remote_ref)

    async def list_folders(self) -> list[str]:
        """The server's folders the attendant may choose to sync: those that can hold mail, but INBOX and Sent (always
        synced)."""
        imap = self._imap
        if imap is None or not self.supervisor.connected:
            raise ChannelUnavailable("the mailbox is not connected")
        always = {INBOX, await self._sent_folder()}
        return [name for name in await self._blocking(_selectable_folders, imap) if name not in always]

    def choose_folders(self, extra: Sequence[str]) -> None:
        """Sync ``extra`` folders too from now on (besides INBOX and Sent); a running connection syncs them at once."""
        self.extra_folders = tuple(dict.fromkeys(name for name in extra if name))
        self._wake_sync()

    async def fetch_bodies_now(self, wanted: Sequence[BodyToFetch]) -> None:
        """Fetch these bodies before the background queue (the attendant opened the mail)."""
        if self._imap is not None:
            await self._fetch_bodies(list(wanted))

    # -- the supervisor's driver ---------------------------------------------------------------------------------

    async def open_connection(self, generation: int) -> None:
        self._wake = asyncio.Event()
        self._bodies_wanted = asyncio.Event()
        self._session = self.supervisor.spawn(self._run(generation), f"session-{generation}")

    async def close_connection(self) -> None:
        session, self._session = self._session, None
        self.idle.stopped.set()
        for client in (self._idle_client, self._imap):
            if client is not None:
                interrupt(client)
        if session is not None and session is not asyncio.current_task():
            session.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await session
        imap, self._imap = self._imap, None
        idle_client, self._idle_client = self._idle_client, None
        for client in (imap, idle_client):
            if client is not None:
                await asyncio.get_running_loop().run_in_executor(self._commands, _close_quietly, client)

    async def _run(self, generation: int) -> None:
        try:
            self._imap = await self._open()
        except (SignInRequired, LoginRefused):
            self.supervisor.terminal(Trigger.AUTH_FAILED, "sign_in_refused")
            return
        except Exception as error:
            self.supervisor.connection_ended(generation, _ending(error), type(error).__name__)
            return
        self.supervisor.connected_now(self.account.address)
        self.supervisor.spawn(BODY_PARSER.warm_up(), f"parser-{generation}")  # ready when the headers are in
        try:
            await self._sync_all(generation)
            self._idle_client = await self._open()
            self._start_idle(generation, self._idle_client)
            bodies = self.supervisor.spawn(self._bodies_loop(), f"bodies-{generation}")
            try:
                while True:
                    assert self._wake is not None
                    await self._wake.wait()
                    self._wake.clear()
                    await self._sync_all(generation)
            finally:
                bodies.cancel()
        except asyncio.CancelledError:
            raise
        except (SignInRequired, LoginRefused):
            self.supervisor.terminal(Trigger.AUTH_FAILED, "sign_in_refused")
        except _Superseded:
            return
        except Exception as error:
            log.info("mailbox %d: connection ended (%s)", self.account_id, type(error).__name__)
            self.supervisor.connection_ended(generation, Trigger.CLIENT_DIED, type(error).__name__)

    async def _open(self) -> Any:
        auth = await self._credentials()
        loop = asyncio.get_running_loop()
        opening = loop.run_in_executor(self._commands, partial(open_imap, self.account, auth, **self._imap_options()))
        try:
            return await asyncio.shield(opening)
        except asyncio.CancelledError:
            opening.add_done_callback(self._close_unused)  # our stop came while logging in: close what it opens
            raise

    def _close_unused(self, opening: asyncio.Future[Any]) -> None:
        if not opening.cancelled() and opening.exception() is None:
            self._commands.submit(_close_quietly, opening.result())

    def _imap_options(self) -> dict[str, Any]:
        return {k: v for k, v in self._options.items() if k in ("timeout", "context")}

    def _smtp_options(self) -> dict[str, Any]:
        return {k: v for k, v in self._options.items() if k in ("timeout", "context")}

    # -- IDLE ------------------------------------------------------------------------------------------------------

    def _start_idle(self, generation: int, client: Any) -> None:
        loop = asyncio.get_running_loop()
        self.idle.stopped.clear()

        def changed() -> None:
            loop.call_soon_threadsafe(self._wake_sync)

        future = loop.run_in_executor(self._idle_thread, self.idle.watch, client, INBOX, changed)
        future.add_done_callback(partial(self._idle_ended, generation))

    def _idle_ended(self, generation: int, future: asyncio.Future[None]) -> None:
        if future.cancelled():
            return
        error = future.exception()  # retrieved even when ignored: a stopped IDLE ends with its socket shut down
        if not self.supervisor.is_current(generation) or self.idle.stopped.is_set():
            return
        detail = type(error).__name__ if error is not None else "idle ended"
        self.supervisor.connection_ended(generation, Trigger.CLIENT_DIED, detail)

    def _wake_sync(self) -> None:
        if self._wake is not None:
            self._wake.set()

    # -- sync ------------------------------------------------------------------------------------------------------

    async def _sent_folder(self) -> str:
        if self._sent is None:
            imap = self._imap
            if imap is None:
                raise ChannelUnavailable("the mailbox is not connected")
            self._sent = await self._blocking(sent_folder, imap)
        return self._sent

    async def _sync_all(self, generation: int) -> None:
        sent = await self._sent_folder()
        for folder in (INBOX, sent):
            await self._sync_folder(generation, folder, outgoing=folder == sent)
        for folder in self.extra_folders:
            if folder in (INBOX, sent):
                continue
            try:
                await self._sync_folder(generation, folder, outgoing=False)
            except IMAPClientAbortError:
                raise  # the connection dropped: the supervisor reconnects
            except IMAPClientError:  # a chosen folder deleted or renamed on the server: the others go on syncing
                self.sinks.on_log(self.account_id, "folder_unavailable", "")
        if self._bodies_wanted is not None:
            self._bodies_wanted.set()

    async def _sync_folder(self, generation: int, folder: str, *, outgoing: bool) -> None:
        memory = await self.sinks.folder_memory(self.account_id, folder)
        saved = memory.state
        known = (
            FolderState(saved.uidvalidity, saved.highest_uid or 0, saved.highest_modseq or 0)
            if saved is not None and saved.uidvalidity is not None
            else None
        )
        first = known is None
        loop = asyncio.get_running_loop()
        imap = self._imap
        if imap is None:
            raise _Superseded()
        total = await self._blocking(_message_count, imap, folder) if first else 0
        chain = CommitChain(loop, COMMIT_TIMEOUT_S)
        done = 0
        commits = 0

        def commit(batch: HeaderBatch | FlagChanges) -> None:  # on the command thread
            nonlocal commits
            if not self.supervisor.is_current(generation):
                raise _Superseded()
            translated = self._translate(batch, outgoing=outgoing, historical=first)  # parsed off the loop
            count = len(batch.headers) if first and isinstance(batch, HeaderBatch) else 0

            async def store() -> None:
                nonlocal done
                await self._commit(translated)
                if count:
                    done += count
                    self.sinks.on_first_sync_progress(self.account_id, done, max(total, done), count)

            chain.submit(store)  # the next batch is fetched while this one is committed
            commits += 1

        def run() -> FolderState:
            try:
                return FolderSync(imap, folder, batch_size=self._header_batch).run(known, memory.uids, commit)
            finally:
                chain.wait()

        final = await self._blocking(run)
        if first and commits == 0:  # an empty folder: its state still marks the first sync as done
            state = SyncState(self.account_id, folder, final.uidvalidity, final.highest_uid, final.highest_modseq)
            await self.sinks.on_messages([], sync=state)

    def _translate(self, batch: HeaderBatch | FlagChanges, *, outgoing: bool, historical: bool) -> Translated:
        if isinstance(batch, HeaderBatch):
            return translate_headers(
                self.account_id, self.account.address, batch, outgoing_folder=outgoing, historical=historical
            )
        return translate_flags(self.account_id, batch)

    async def _commit(self, translated: Translated) -> None:
        await self.sinks.on_messages(translated.messages, sync=translated.state, steps=translated.steps)

    # -- bodies ----------------------------------------------------------------------------------------------------

    async def _bodies_loop(self) -> None:
        while True:
            assert self._bodies_wanted is not None
            await self._bodies_wanted.wait()
            self._bodies_wanted.clear()
            while wanted := await self.sinks.pending_bodies(self.account_id, BODIES_PER_QUERY):
                fetched = await self._fetch_bodies(list(wanted))
                if fetched == 0:
                    break  # none of them is on the server any more: wait for the next sync

    async def _fetch_bodies(self, wanted: list[BodyToFetch]) -> int:
        """Fetch, parse and store ``wanted`` in groups, pipelined: while the command thread fetches a group, the
        parser process parses the one before and the store commits the one before that (see
        :func:`.bodies.fetch_parse_store` and :mod:`.parse_process`)."""
        imap = self._imap
        if imap is None:
            raise _Superseded()
        loop = asyncio.get_running_loop()
        account_id = self.account_id

        async def fetch(group: BodyGroup) -> list[tuple[int, bytes]]:
            return await loop.run_in_executor(self._commands, raw_bodies, imap, group)

        async def parse(group: BodyGroup, raw: list[tuple[int, bytes]]) -> list[SyncStep]:
            return await BODY_PARSER.parse(account_id, group, raw)

        async def store(steps: list[SyncStep]) -> object:
            return await self.sinks.on_messages([], steps=steps)

        return await fetch_parse_store(body_groups(wanted, max_mails=self._body_group), fetch, parse, store)

    # -- threads ---------------------------------------------------------------------------------------------------

    async def _blocking(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._commands, partial(function, *args, **kwargs))


def _message_count(imap: Any, folder: str) -> int:
    status = imap.folder_status(folder, [b"MESSAGES"])
    return int(status.get(b"MESSAGES", 0))


def _selectable_folders(imap: Any) -> list[str]:
    return [str(name) for flags, _delimiter, name in imap.list_folders() if b"\\Noselect" not in flags]


def _close_quietly(client: Any) -> None:
    try:
        client.logout()
    except Exception:
        with contextlib.suppress(Exception):
            client.shutdown()


__all__ = ["MAIL_CAPABILITIES", "FetchedHeader", "MailChannel"]
