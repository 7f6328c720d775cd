"""The CRM as an account of the running app: sign-in, the session kept alive, the periodic pull and the outbox lane.

The CRM is one more account kind of :class:`~deskchat.services.accounts.AccountsService` (its driver,
:class:`CrmDriver`), so it shares the connection screen's state, log and lifecycle with WhatsApp and e-mail:

* **Sign-in.** "Conectar" trades the user and password for a token pair kept in the encrypted store
  (:class:`~deskchat.services.crm_tokens.CrmTokenVault`); the password stays in memory for this session only, so a
  refresh token that dies is replaced by a silent new sign-in. After a restart (no password in memory) a dead
  refresh token means "Entrada necessária" until the attendant signs in again. No password or token reaches a log.
* **The session** runs under the shared :class:`~deskchat.core.supervisor.ConnectionSupervisor`: each "connection"
  is a pull loop (at once after sign-in, then every ``pull_every_s``); a pull that cannot reach the CRM ends it and
  the supervisor retries with capped, jittered backoff ("CRM indisponível — nova tentativa em 30 s").
* **The outbox lane.** The account is the drainer's channel for ``crm_call`` rows: available while the session is up
  and the lane is not paused (a 429, or a sign-in the drain found dead: "Fila pausada — Reconectar ao CRM").
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final
from urllib.parse import urlsplit

import httpx

from deskchat.channels.base import Capability, SendReceipt
from deskchat.core.bus import EventBus
from deskchat.core.connection_states import Status, Trigger
from deskchat.core.events import AccountsChanged, ChannelKind, Event
from deskchat.core.messages import OutboundMessage
from deskchat.core.supervisor import Backoff, ConnectionSupervisor
from deskchat.crm.answers import CrmError, CrmRefused, CrmRetry, SignInRequired
from deskchat.crm.client import API_PREFIX, CrmClient, TokenPair
from deskchat.services.accounts import AccountsService
from deskchat.services.crm_lane import CrmLane
from deskchat.services.crm_pull import CrmPull
from deskchat.services.crm_push import CrmPush
from deskchat.services.crm_tokens import CrmTokenVault
from deskchat.services.outbox.crm_handler import CrmCallHandler
from deskchat.services.outbox.handlers import OutboxHandler
from deskchat.store import accounts as account_store
from deskchat.store import mail_accounts
from deskchat.store.database import Store

log = logging.getLogger("deskchat.crm.account")

PULL_EVERY_S: Final = 60.0
SIGN_OUT_TIMEOUT_S: Final = 5.0  # "Desconectar" does not wait longer for a CRM that does not answer
PROBE_TIMEOUT: Final = httpx.Timeout(10.0, connect=5.0)
#: ``ChannelStateChanged.detail`` of an ``auth_required`` CRM: the outbox found the sign-in dead (items wait).
QUEUE_PAUSED: Final = "queue_paused"
#: … and when the session found it (nothing known to be waiting).
SIGN_IN_NEEDED: Final = "sign_in"


class Verdict(StrEnum):
    """What "Testar conexão" (and "Conectar") found, for the card to say in words."""

    OK = "ok"  # reachable, and the user and password are accepted
    WRONG_PASSWORD = "wrong_password"
    NOT_A_CRM = "not_a_crm"  # something answers, but not the DeskChat CRM contract
    UNREACHABLE = "unreachable"
    TLS_ERROR = "tls_error"


def _is_tls_problem(problem: BaseException) -> bool:
    seen: BaseException | None = problem
    while seen is not None:
        if isinstance(seen, ssl.SSLError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


async def probe(
    url: str, user: str, password: str, *, keep: bool = False, transport: httpx.AsyncBaseTransport | None = None
) -> tuple[Verdict, TokenPair | None]:
    """Check ``url`` speaks the contract and accepts ``user``/``password``; the tokens are returned with ``keep``
    (otherwise revoked at once)."""
    async with httpx.AsyncClient(timeout=PROBE_TIMEOUT, transport=transport) as http:
        try:
            answer = await http.get(url.rstrip("/") + API_PREFIX + "/queues")
        except httpx.ConnectError as problem:
            return (Verdict.TLS_ERROR if _is_tls_problem(problem) else Verdict.UNREACHABLE), None
        except httpx.TransportError:
            return Verdict.UNREACHABLE, None
        except httpx.InvalidURL:
            return Verdict.UNREACHABLE, None
    if answer.status_code != 401 or "json" not in answer.headers.get("content-type", ""):
        return Verdict.NOT_A_CRM, None  # the contract answers an unauthenticated read with a JSON 401
    client = CrmClient(url, timeout=PROBE_TIMEOUT, transport=transport)
    try:
        pair = await client.sign_in(user, password)
        if not keep:
            await client.sign_out()
    except SignInRequired:
        return Verdict.WRONG_PASSWORD, None
    except CrmRetry as problem:
        return (Verdict.UNREACHABLE if problem.status is None else Verdict.NOT_A_CRM), None
    except CrmError:
        return Verdict.NOT_A_CRM, None
    finally:
        await client.aclose()
    return Verdict.OK, (pair if keep else None)


def _tokens_secret_present(store: Store, account_id: int) -> bool:
    return CrmTokenVault(store, account_id).load() is not None


def account_address(url: str, user: str) -> str:
    """How the card names the session: ``ana@crm.example.com``."""
    return f"{user}@{urlsplit(url).hostname or url}"


@dataclass(frozen=True)
class CrmSettings:
    url: str
    user: str


class CrmAccount:
    """One CRM account's session (the accounts service's handle and the outbox's channel for ``crm_call`` rows)."""

    def __init__(
        self,
        account_id: int,
        settings: CrmSettings,
        store: Store,
        service: AccountsService,
        *,
        pull_every_s: float = PULL_EVERY_S,
        backoff: Backoff | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        on_pulled: Callable[[], None] | None = None,
        wake_outbox: Callable[[], None] = lambda: None,
        publish: Callable[[Event], None] | None = None,
    ) -> None:
        self._publish = publish  # the bus: the pull announces the records it changed
        self._account_id = account_id
        self.settings = settings
        self._service = service
        self._pull_every_s = pull_every_s
        self._on_pulled = on_pulled
        self._store = store
        self._transport = transport
        self.vault = CrmTokenVault(store, account_id)
        self.lane = CrmLane(account_id, on_sign_in_required=self._queue_paused)
        self.push = CrmPush(store, account_id, wake=wake_outbox)
        self.client, self.pull, self.handler = self._session_parts()
        self.supervisor = ConnectionSupervisor(
            self,
            on_status=self._report,
            on_log=lambda event, detail: service.logged(account_id, event, detail),
            backoff=backoff if backoff is not None else Backoff(first_s=30.0, cap_s=300.0),
            name=f"crm-{account_id}",
        )
        self._password: str | None = None  # this session only: a silent new sign-in when the refresh token dies
        self._session: asyncio.Task[None] | None = None
        self.pulls = 0

    def _session_parts(self) -> tuple[CrmClient, CrmPull, CrmCallHandler]:
        client = CrmClient(
            self.settings.url, tokens=self.vault.load(), on_tokens=self.vault.keep, transport=self._transport
        )
        pull = CrmPull(self._store, client, self._account_id, publish=self._publish)
        return client, pull, CrmCallHandler(self._store, client, self.lane)

    async def retarget(self, settings: CrmSettings) -> None:
        """Another CRM address or user (only while stopped): a new session with the tokens stored for it."""
        await self.stop()
        old = self.client
        self.settings = settings
        self.client, self.pull, self.handler = self._session_parts()
        await old.aclose()

    # -- the accounts service's handle -------------------------------------------------------------------------

    @property
    def account_id(self) -> int:
        return self._account_id

    @property
    def capabilities(self) -> frozenset[Capability]:
        return frozenset()

    @property
    def stuck(self) -> bool:
        return False

    def available(self) -> bool:
        return self.supervisor.connected and self.lane.available()

    async def start(self) -> None:
        await self.supervisor.start()

    async def stop(self) -> None:
        await self.supervisor.stopping()
        await self.close_connection()
        self.supervisor.stopped()

    async def disconnect(self) -> None:
        """ "Desconectar": stop, revoke the session on the CRM (when it answers) and forget the tokens."""
        await self.stop()
        self._password = None
        try:
            async with asyncio.timeout(SIGN_OUT_TIMEOUT_S):
                await self.client.sign_out()
        except (CrmError, TimeoutError):
            log.info("the CRM did not answer the sign-out; the tokens are forgotten here anyway")
        self.vault.keep(None)

    async def aclose(self) -> None:
        await self.client.aclose()

    async def sign_in(self, password: str) -> Verdict:
        """The attendant signs in (again): a new token pair, the lane resumes, the session restarts."""
        try:
            await self.client.sign_in(self.settings.user, password)
        except SignInRequired:
            return Verdict.WRONG_PASSWORD
        except CrmRetry as problem:
            return Verdict.UNREACHABLE if problem.status is None else Verdict.NOT_A_CRM
        self._password = password
        await self.start()
        return Verdict.OK

    def remember_password(self, password: str) -> None:
        self._password = password

    # -- the supervisor's driver ---------------------------------------------------------------------------------

    async def open_connection(self, generation: int) -> None:
        self._session = self.supervisor.spawn(self._run(generation), "session")

    async def close_connection(self) -> None:
        session, self._session = self._session, None
        if session is not None and session is not asyncio.current_task():
            session.cancel()
            await asyncio.gather(session, return_exceptions=True)

    async def _run(self, generation: int) -> None:
        first = True
        while self.supervisor.is_current(generation):
            try:
                await self._pull()
            except SignInRequired:
                self._sign_in_lost(SIGN_IN_NEEDED)
                return
            except CrmRetry as problem:
                ending = Trigger.DIAL_FAILED if problem.status is None else Trigger.SERVER_FAILED
                self.supervisor.connection_ended(generation, ending, str(problem))
                return
            except CrmRefused as problem:
                self.supervisor.connection_ended(generation, Trigger.SERVER_FAILED, str(problem))
                return
            if first:
                first = False
                if self.lane.sign_in_required:
                    self.lane.signed_in()
                self.supervisor.connected_now(account_address(self.settings.url, self.settings.user))
            await asyncio.sleep(self._pull_every_s)

    async def _pull(self) -> None:
        """One pull; a dead session is renewed once with the password this session knows."""
        if not self.client.signed_in and self._password is not None:
            await self.client.sign_in(self.settings.user, self._password)
        try:
            await self.pull.pull_once()
        except SignInRequired:
            if self._password is None:
                raise
            await self.client.sign_in(self.settings.user, self._password)
            await self.pull.pull_once()
        self.pulls += 1
        if self._on_pulled is not None:
            self._on_pulled()

    def _sign_in_lost(self, detail: str) -> None:
        self.lane.sign_in_required = True  # the outbox waits too, until the attendant signs in again
        self.supervisor.terminal(Trigger.AUTH_FAILED, detail)

    def _queue_paused(self) -> None:
        """The drain found the sign-in dead: renew it silently when this session knows the password."""
        if self._password is not None:
            self.supervisor.spawn(self._renew_for_the_queue(), "renew")
        else:
            self.supervisor.terminal(Trigger.AUTH_FAILED, QUEUE_PAUSED)

    async def _renew_for_the_queue(self) -> None:
        try:
            assert self._password is not None
            await self.client.sign_in(self.settings.user, self._password)
        except SignInRequired:
            self._password = None
            self.supervisor.terminal(Trigger.AUTH_FAILED, QUEUE_PAUSED)
            return
        except CrmRetry:
            return  # the session's own pull notices an unreachable CRM
        self.lane.signed_in()

    def _report(self, status: Status) -> None:
        self._service.state_changed(
            self._account_id, str(status.state), status.detail, status.banned_until, status.retry_in
        )

    # -- the lane is the drainer's channel (it sends no chat messages) ----------------------------------------

    async def send(self, message: OutboundMessage) -> SendReceipt:
        return await self.lane.send(message)

    async def mark_read(self, chat_key: str, channel_ids: Sequence[str]) -> None:
        await self.lane.mark_read(chat_key, channel_ids)

    async def download(self, remote_ref: str) -> bytes:
        return await self.lane.download(remote_ref)

    async def lookup(self, address: str) -> str | None:
        return None


class CrmDriver:
    """The accounts service's driver for the CRM (one CRM account per profile).

    Args:
        register_handler: the outbox drainer's ``register`` (the account's ``crm_call`` handler is added once
            its session exists).
        wake_outbox: tells the drainer a CRM write was queued.
        on_account: told the account once it exists (the runtime exposes its :class:`CrmPush`).
    """

    def __init__(
        self,
        accounts: AccountsService,
        store: Store,
        bus: EventBus,
        register_handler: Callable[[OutboxHandler], None],
        wake_outbox: Callable[[], None],
        *,
        on_account: Callable[[CrmAccount], None] | None = None,
        account_options: dict[str, Any] | None = None,
    ) -> None:
        self.accounts = accounts
        self._store = store
        self._bus = bus
        self._register_handler = register_handler
        self._wake_outbox = wake_outbox
        self._on_account = on_account
        self._options = account_options or {}
        self.current: CrmAccount | None = None

    @property
    def kind(self) -> ChannelKind:
        return ChannelKind.CRM

    def account_id(self) -> int | None:
        rows = self.accounts.accounts(ChannelKind.CRM)
        return rows[0].id if rows else None

    def settings_of(self, account_id: int) -> CrmSettings:
        with self._store.read() as conn:
            raw = mail_accounts.settings_of(conn, account_id)
        return CrmSettings(str(raw.get("url", "")), str(raw.get("user", "")))

    async def connect(self, url: str, user: str, password: str) -> Verdict:
        """ "Conectar" (and "Reconectar ao CRM"): sign in; nothing is stored unless the CRM accepts the password."""
        account_id = self.account_id()
        if account_id is not None and self.settings_of(account_id) == CrmSettings(url, user):
            return await self.handle(account_id).sign_in(password)
        verdict, pair = await probe(url, user, password, keep=True, transport=self._options.get("transport"))
        if verdict is not Verdict.OK or pair is None:
            return verdict
        if account_id is None:
            account_id = await self._add_account(url, user)
        else:  # another CRM address or user
            await self._save_settings(account_id, url, user)
        CrmTokenVault(self._store, account_id).keep(pair)
        handle = self.handle(account_id)
        if handle.settings != CrmSettings(url, user):
            await handle.retarget(CrmSettings(url, user))
            self._register_handler(handle.handler)
        handle.remember_password(password)
        await self.accounts.connect(account_id)
        return Verdict.OK

    def handle(self, account_id: int) -> CrmAccount:
        handle = self.accounts.handle(account_id)
        assert isinstance(handle, CrmAccount)
        return handle

    async def _add_account(self, url: str, user: str) -> int:
        def write(conn: Any) -> int:
            account_id = account_store.create_account(conn, ChannelKind.CRM, "CRM", now=self.accounts.clock())
            self._settings_write(conn, account_id, url, user)
            return account_id

        account_id = await self._store.write(write)
        self.accounts.logged(account_id, "account_added", "crm")
        self._bus.publish(AccountsChanged(account_id, ChannelKind.CRM))
        return account_id

    async def _save_settings(self, account_id: int, url: str, user: str) -> None:
        await self._store.write(lambda conn: self._settings_write(conn, account_id, url, user))

    @staticmethod
    def _settings_write(conn: Any, account_id: int, url: str, user: str) -> None:
        mail_accounts.save_settings(conn, account_id, account_address(url, user), {"url": url, "user": user})

    # -- the accounts service's driver ---------------------------------------------------------------------------

    def create(self, account_id: int) -> CrmAccount:
        options = {name: value for name, value in self._options.items() if name != "transport"}
        account = CrmAccount(
            account_id,
            self.settings_of(account_id),
            self._store,
            self.accounts,
            transport=self._options.get("transport"),
            wake_outbox=self._wake_outbox,
            publish=self._bus.publish,
            **options,
        )
        self.current = account
        self._register_handler(account.handler)
        if self._on_account is not None:
            self._on_account(account)
        return account

    def can_resume(self, account_id: int) -> bool:
        return _tokens_secret_present(self._store, account_id)

    async def load(self) -> None:
        return None

    async def close(self) -> None:
        if self.current is not None:
            await self.current.aclose()
