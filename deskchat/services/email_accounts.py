"""The e-mail driver of the accounts service: what is e-mail's about an account.

A mailbox is added with its servers and sign-in (:meth:`EmailDriver.add_mailbox`); the servers go to the account's
settings, the password or the OAuth refresh token to the encrypted store's ``secrets`` (never to the settings). Its
adapter (:class:`~deskchat.channels.email.channel.MailChannel`) gets its callbacks wired to the ingest service and
the store's e-mail reads. A mailbox with credentials resumes at start; "Desconectar" stops it and deletes them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, replace
from typing import Any

from deskchat.channels.base import Capability, ChannelUnavailable, SendReceipt
from deskchat.channels.email.account import MailAccount, Security, Server, SignIn
from deskchat.channels.email.auth import Auth, OAuthAuth, PasswordAuth, SignInRequired, TokenSource
from deskchat.channels.email.channel import MailChannel
from deskchat.channels.email.oauth_google import GoogleTokens
from deskchat.channels.email.oauth_microsoft import MicrosoftTokens
from deskchat.channels.email.providers import BUILT_IN, OAuthProvider
from deskchat.channels.email.sinks import BodyToFetch, FolderMemory, MailSinks
from deskchat.core.bus import EventBus
from deskchat.core.events import AccountsChanged, ChannelKind
from deskchat.core.identity import normalize_email
from deskchat.core.messages import OutboundMessage
from deskchat.services.accounts import AccountsService
from deskchat.services.ingest import IngestService
from deskchat.store import accounts as account_store
from deskchat.store import mail_accounts, sync_steps
from deskchat.store.database import Store

ChannelFactory = Callable[[int, MailAccount, "EmailDriver"], MailChannel]


SYNCED_FOLDERS = "synced_folders"  # settings key: the folders synced besides INBOX and Sent


def _secret_name(account_id: int) -> str:
    return f"mail:{account_id}:sign_in"


def account_to_settings(account: MailAccount) -> dict[str, Any]:
    return {
        "display_name": account.display_name,
        "username": account.username,
        "sign_in": str(account.sign_in),
        "imap": {"host": account.imap.host, "port": account.imap.port, "security": str(account.imap.security)},
        "smtp": {"host": account.smtp.host, "port": account.smtp.port, "security": str(account.smtp.security)},
    }


def account_from_settings(address: str, settings: dict[str, Any]) -> MailAccount:
    def server(raw: dict[str, Any]) -> Server:
        return Server(str(raw["host"]), int(raw["port"]), Security(str(raw["security"])))

    return MailAccount(
        address=address,
        display_name=str(settings.get("display_name", "")),
        imap=server(settings["imap"]),
        smtp=server(settings["smtp"]),
        sign_in=SignIn(str(settings.get("sign_in", SignIn.PASSWORD))),
        username=str(settings.get("username", "")),
    )


class MailHandle:
    """Adapts :class:`MailChannel` to the accounts service and the outbox; disconnecting deletes the credentials."""

    def __init__(self, channel: MailChannel, driver: EmailDriver) -> None:
        self.channel = channel
        self._driver = driver

    @property
    def account_id(self) -> int:
        return self.channel.account_id

    @property
    def capabilities(self) -> frozenset[Capability]:
        return self.channel.capabilities

    @property
    def stuck(self) -> bool:
        return False

    def available(self) -> bool:
        return self.channel.available()

    async def start(self) -> None:
        await self.channel.start()

    async def stop(self) -> None:
        await self.channel.stop()

    async def disconnect(self) -> None:
        await self.channel.disconnect()
        await self._driver.forget_credentials(self.account_id)

    async def send(self, message: OutboundMessage) -> SendReceipt:
        return await self.channel.send(message)

    async def mark_read(self, chat_key: str, channel_ids: Sequence[str]) -> None:
        await self.channel.mark_read(chat_key, channel_ids)

    async def download(self, remote_ref: str) -> bytes:
        return await self.channel.download(remote_ref)

    async def lookup(self, address: str) -> str | None:
        """A customer's address as the conversation key (mail needs no server to check it)."""
        return normalize_email(address)


def real_channel(account_id: int, account: MailAccount, owner: EmailDriver) -> MailChannel:
    return MailChannel(account_id, account, lambda: owner.credentials(account_id), owner.sinks())


class EmailDriver:
    """The accounts service's driver for mailboxes (register it with :meth:`AccountsService.register`)."""

    def __init__(
        self,
        accounts: AccountsService,
        store: Store,
        bus: EventBus,
        ingest: IngestService,
        channel_factory: ChannelFactory = real_channel,
    ) -> None:
        self.accounts = accounts
        self._store = store
        self._bus = bus
        self._ingest = ingest
        self._factory = channel_factory
        self._handles: dict[int, MailHandle] = {}
        self._tokens: dict[int, TokenSource] = {}

    @property
    def kind(self) -> ChannelKind:
        return ChannelKind.EMAIL

    # -- adding and removing mailboxes -------------------------------------------------------------------------

    async def add_mailbox(
        self,
        account: MailAccount,
        *,
        password: str = "",
        refresh_token: str = "",
        provider: OAuthProvider | None = None,
    ) -> int:
        """Keep a mailbox with its credentials (password, or OAuth refresh token and provider) and return its id."""
        if account.sign_in == SignIn.PASSWORD:
            secret: dict[str, Any] = {"password": password}
        elif not refresh_token:
            raise ValueError("an OAuth mailbox needs its provider and refresh token")
        else:
            secret = _secret_of("", refresh_token, provider or BUILT_IN.get(str(account.sign_in)))
        address = account.address.lower()

        def write(conn: Any) -> int:
            account_id = account_store.create_account(
                conn, ChannelKind.EMAIL, address, address, now=self.accounts.clock()
            )
            mail_accounts.save_settings(conn, account_id, address, account_to_settings(account))
            mail_accounts.put_secret(
                conn, _secret_name(account_id), json.dumps(secret).encode(), now=self.accounts.clock()
            )
            return account_id

        account_id = await self._store.write(write)
        self.accounts.logged(account_id, "account_added", "e-mail")
        self._bus.publish(AccountsChanged(account_id, ChannelKind.EMAIL))
        return account_id

    async def replace_credentials(
        self, account_id: int, *, password: str = "", refresh_token: str = "", provider: OAuthProvider | None = None
    ) -> None:
        """A new password or sign-in for a mailbox whose old one was refused ("Entrar novamente")."""
        secret = _secret_of(password, refresh_token, provider)
        self._tokens.pop(account_id, None)
        await self._store.write(
            lambda conn: mail_accounts.put_secret(
                conn, _secret_name(account_id), json.dumps(secret).encode(), now=self.accounts.clock()
            )
        )
        self.accounts.logged(account_id, "signed_in_again", "")

    async def forget_credentials(self, account_id: int) -> None:
        self._tokens.pop(account_id, None)
        await self._store.write(lambda conn: mail_accounts.delete_secret(conn, _secret_name(account_id)))

    async def credentials(self, account_id: int) -> Auth:
        """The password, or a token source that refreshes the stored OAuth grant (kept for the session)."""
        raw = await self._store.read_later(lambda conn: mail_accounts.secret(conn, _secret_name(account_id)))
        if raw is None:
            raise SignInRequired("no credentials stored")
        secret = json.loads(raw)
        if "password" in secret:
            return PasswordAuth(str(secret["password"]))
        tokens = self._tokens.get(account_id)
        if tokens is None:
            fields = dict(secret["provider"])
            fields["scopes"] = tuple(fields.get("scopes", ()))
            provider = replace(BUILT_IN.get(str(fields.get("id")), _blank_provider()), **fields)
            token_type = MicrosoftTokens if provider.id == "microsoft" else GoogleTokens
            tokens = token_type(provider, str(secret["refresh_token"]))
            self._tokens[account_id] = tokens
        return OAuthAuth(tokens)

    # -- the adapter's callbacks -------------------------------------------------------------------------------

    def sinks(self) -> MailSinks:
        accounts = self.accounts
        return MailSinks(
            on_messages=self._ingest.ingest,
            folder_memory=self._folder_memory,
            pending_bodies=self._pending_bodies,
            on_state=lambda account_id, status: accounts.state_changed(
                account_id, str(status.state), status.detail, status.banned_until, status.retry_in
            ),
            on_log=accounts.logged,
            on_first_sync_progress=lambda account_id, done, total, stored: accounts.history_progressed(
                account_id, done * 100 // max(total, 1), stored
            ),
        )

    async def _folder_memory(self, account_id: int, folder: str) -> FolderMemory:
        def read(conn: Any) -> FolderMemory:
            state = sync_steps.load_sync_state(conn, account_id, folder)
            if state is None or state.uidvalidity is None:
                return FolderMemory(None)
            return FolderMemory(state, sync_steps.local_uids(conn, account_id, folder, state.uidvalidity))

        return await self._store.read_later(read)

    async def _pending_bodies(self, account_id: int, limit: int) -> Sequence[BodyToFetch]:
        rows = await self._store.read_later(lambda conn: sync_steps.pending_bodies(conn, account_id, limit))
        return [BodyToFetch(r.channel_id, r.folder, r.uidvalidity, r.uid, r.size) for r in rows]

    async def fetch_body_now(self, account_id: int, message_id: int) -> None:
        """The attendant opened a mail whose body is not stored yet: fetch it before the background queue."""
        row = await self._store.read_later(lambda conn: sync_steps.pending_body_of(conn, message_id))
        handle = self._handles.get(account_id)
        if row is not None and handle is not None:
            wanted = BodyToFetch(row.channel_id, row.folder, row.uidvalidity, row.uid, row.size)
            await handle.channel.fetch_bodies_now([wanted])

    async def sent_message_id(self, account_id: int, idempotency_key: str) -> str | None:
        """The Message-ID of outbox item ``idempotency_key`` when the mailbox's Sent holds it (crash recovery)."""
        handle = self._handles.get(account_id)
        if handle is None:
            raise ChannelUnavailable("the mailbox is not started")
        return await handle.channel.sent_message_id(idempotency_key)

    # -- folders synced by choice ---------------------------------------------------------------------------------

    async def folders(self, account_id: int) -> list[str]:
        """The folders of the mailbox's server (it must be connected), for the attendant to choose from."""
        handle = self._handles.get(account_id)
        if handle is None:
            raise ChannelUnavailable("the mailbox is not started")
        return await handle.channel.list_folders()

    def synced_folders(self, account_id: int) -> list[str]:
        """The folders synced besides INBOX and Sent (the attendant's choice)."""
        with self._store.read() as conn:
            return _chosen_folders(mail_accounts.settings_of(conn, account_id))

    async def set_synced_folders(self, account_id: int, names: Sequence[str]) -> None:
        """Sync ``names`` too, besides INBOX and Sent (kept in the account's settings; a running mailbox syncs them at
        once). Folders dropped from the choice stop syncing; their mail stays in the store."""
        chosen = list(dict.fromkeys(str(name) for name in names if str(name).upper() != "INBOX"))

        def write(conn: Any) -> None:
            settings = mail_accounts.settings_of(conn, account_id)
            address = next((row.address for row in account_store.list_accounts(conn) if row.id == account_id), "")
            mail_accounts.save_settings(conn, account_id, address, {**settings, SYNCED_FOLDERS: chosen})

        await self._store.write(write)
        self.accounts.logged(account_id, "folders_chosen", str(len(chosen)))
        handle = self._handles.get(account_id)
        if handle is not None:
            handle.channel.choose_folders(chosen)

    # -- the accounts service's driver ---------------------------------------------------------------------------

    def mailbox(self, account_id: int) -> MailAccount:
        """A mailbox's servers and sign-in method (no secrets)."""
        with self._store.read() as conn:
            settings = mail_accounts.settings_of(conn, account_id)
            address = next((row.address for row in account_store.list_accounts(conn) if row.id == account_id), "")
        return account_from_settings(address, settings)

    def create(self, account_id: int) -> MailHandle:
        handle = MailHandle(self._factory(account_id, self.mailbox(account_id), self), self)
        handle.channel.extra_folders = tuple(self.synced_folders(account_id))
        self._handles[account_id] = handle
        return handle

    def can_resume(self, account_id: int) -> bool:
        with self._store.read() as conn:
            return mail_accounts.secret(conn, _secret_name(account_id)) is not None

    async def load(self) -> None:
        return None  # imapclient is small and already imported


def _chosen_folders(settings: dict[str, Any]) -> list[str]:
    chosen = settings.get(SYNCED_FOLDERS, [])
    return [str(name) for name in chosen] if isinstance(chosen, list) else []


def _secret_of(password: str, refresh_token: str, provider: OAuthProvider | None) -> dict[str, Any]:
    if not refresh_token:
        return {"password": password}
    if provider is None:
        raise ValueError("an OAuth mailbox needs its provider and refresh token")
    return {
        "refresh_token": refresh_token,
        "provider": {k: v for k, v in asdict(provider).items() if k not in ("imap", "smtp")},
    }


def _blank_provider() -> OAuthProvider:
    return OAuthProvider(id="", name="", client_id="", auth_uri="", token_uri="", scopes=())
