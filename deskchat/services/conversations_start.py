"""'Nova conversa': the attendant starts a conversation with a customer who has not written first.

The attendant picks an account and types a phone number (any Brazilian way of writing it) or an e-mail address.
:meth:`ConversationStarter.start`:

1. normalises the address (:mod:`deskchat.core.identity`); a typo is refused before anything else;
2. looks the customer up by that identity (phones match with and without the 9th digit): a customer who already has
   a conversation on the account gets that one back, never a second one;
3. otherwise asks the channel (:attr:`~deskchat.channels.base.Capability.LOOKUP`) under which chat key the address is
   reachable — WhatsApp says whether the number is on WhatsApp and which JID it uses; a channel without the
   capability (a mailbox) keeps the conversation under the address itself;
4. finds or creates the contact and the conversation in one transaction;
5. puts the conversation in "Em atendimento": the attendant started it (a closed one is reopened and taken).

Expected refusals are :class:`StartRefused` with a :class:`Refusal` the window puts in words; nothing raw reaches the
attendant, and no address is ever logged.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from sqlalchemy import Connection

from deskchat.channels.base import Capability, ChannelAccount, ChannelUnavailable
from deskchat.core import tickets
from deskchat.core.bus import EventBus
from deskchat.core.events import ChannelKind, ConversationChanged, ConversationStatus
from deskchat.core.identity import normalize_email, normalize_phone
from deskchat.core.messages import Identity, IdentityKind
from deskchat.services.tickets import load_ticket, save_ticket
from deskchat.store import accounts, contacts, conversations
from deskchat.store.clock import now_ms, to_datetime
from deskchat.store.conversation_start import customer_conversation
from deskchat.store.database import Store

log = logging.getLogger("deskchat.conversations")

#: How long the channel may take to say whether an address is reachable.
LOOKUP_TIMEOUT_S: Final = 20.0


class Refusal(StrEnum):
    """Why a conversation could not be started (each has its own words in the window)."""

    NO_ACCOUNT = "no_account"  # the account is gone or no longer connected
    INVALID_PHONE = "invalid_phone"
    INVALID_EMAIL = "invalid_email"
    NOT_ON_CHANNEL = "not_on_channel"  # the number is not on WhatsApp
    OFFLINE = "offline"  # the channel cannot check now
    CHECK_FAILED = "check_failed"  # the channel did not answer in time, or failed in an unexpected way


class StartRefused(Exception):
    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.value)
        self.refusal = refusal


@dataclass(frozen=True)
class StartableAccount:
    """An account a conversation can be started on."""

    id: int
    kind: str  # a ChannelKind value
    name: str
    address: str  # the account's own number or mailbox


@dataclass(frozen=True)
class Started:
    conversation_id: int
    created: bool  # False: the customer's existing conversation


def customer_identity(kind: str, text: str) -> Identity:
    """The customer's identity typed for an account of ``kind``: an E.164 phone for WhatsApp, an address for mail.

    Raises:
        StartRefused: ``text`` is no phone number (WhatsApp) or no e-mail address (e-mail).
    """
    if kind == ChannelKind.EMAIL:
        address = normalize_email(text)
        if address is None:
            raise StartRefused(Refusal.INVALID_EMAIL)
        return Identity(IdentityKind.EMAIL, address)
    phone = normalize_phone(text)
    if phone is None:
        raise StartRefused(Refusal.INVALID_PHONE)
    return Identity(IdentityKind.PHONE, phone)


class ConversationStarter:
    """Starts conversations on the accounts ``channel_of`` knows (the runtime's connected channels).

    Args:
        store: the store.
        bus: announces the conversation (the lists show it at once).
        channel_of: the channel of an account, ``None`` when it is not connected.
        clock: unix ms, for the rows written (tests pass a fake one).
        lookup_timeout_s: how long the channel may take to check an address.
    """

    def __init__(
        self,
        store: Store,
        bus: EventBus,
        channel_of: Callable[[int], ChannelAccount | None],
        *,
        clock: Callable[[], int] = now_ms,
        lookup_timeout_s: float = LOOKUP_TIMEOUT_S,
    ) -> None:
        self._store = store
        self._bus = bus
        self._channel_of = channel_of
        self._clock = clock
        self._lookup_timeout_s = lookup_timeout_s

    def accounts(self) -> list[StartableAccount]:
        """The WhatsApp numbers and mailboxes with a channel, in the order they were added."""
        with self._store.read() as conn:
            rows = accounts.list_accounts(conn)
        return [
            StartableAccount(row.id, row.kind, row.name, row.address)
            for row in rows
            if row.kind in (ChannelKind.WHATSAPP, ChannelKind.EMAIL) and self._channel_of(row.id) is not None
        ]

    def asks_channel(self, account_id: int) -> bool:
        """Whether starting on this account waits for the channel's answer (the window says it is checking)."""
        channel = self._channel_of(account_id)
        return channel is not None and Capability.LOOKUP in channel.capabilities

    async def start(self, account_id: int, address: str, name: str = "") -> Started:
        """Open the customer's conversation on ``account_id``, created if they have none (see the module docstring).

        Raises:
            StartRefused: the address is not valid or not reachable, or the account cannot check it now.
        """
        account = next((found for found in self.accounts() if found.id == account_id), None)
        if account is None:
            raise StartRefused(Refusal.NO_ACCOUNT)
        identity = customer_identity(account.kind, address)
        name = " ".join(name.split())
        with self._store.read() as conn:
            contact_id = contacts.find_contact(conn, [identity])
            existing = None if contact_id is None else customer_conversation(conn, account_id, contact_id)
        if existing is not None:
            await self._store.write(lambda conn: self._take(conn, existing, self._clock()))
            self._bus.publish(ConversationChanged(existing))
            return Started(existing, created=False)
        chat_key = await self._chat_key(account, identity)
        conversation_id, created = await self._store.write(
            lambda conn: self._create(conn, account_id, chat_key, identity, name, self._clock())
        )
        self._bus.publish(ConversationChanged(conversation_id))
        return Started(conversation_id, created)

    async def _chat_key(self, account: StartableAccount, identity: Identity) -> str:
        """Under which key the channel keeps a conversation with ``identity`` (asking it when it can tell)."""
        channel = self._channel_of(account.id)
        if channel is None:
            raise StartRefused(Refusal.NO_ACCOUNT)
        if Capability.LOOKUP not in channel.capabilities:
            if identity.kind == IdentityKind.EMAIL:
                return identity.value  # a mailbox reaches any address; its threads are keyed by the channel later
            raise StartRefused(Refusal.OFFLINE)  # a WhatsApp account that cannot check a number now
        if not channel.available():
            raise StartRefused(Refusal.OFFLINE)
        try:
            found = await asyncio.wait_for(channel.lookup(identity.value), self._lookup_timeout_s)
        except ChannelUnavailable:
            raise StartRefused(Refusal.OFFLINE) from None
        except TimeoutError:
            log.warning("account %d: the address check did not answer in %.0f s", account.id, self._lookup_timeout_s)
            raise StartRefused(Refusal.CHECK_FAILED) from None
        except Exception as error:  # the channel's failure is told in words; the log keeps only its kind
            log.warning("account %d: the address check failed (%s)", account.id, type(error).__name__)
            raise StartRefused(Refusal.CHECK_FAILED) from error
        if not found:
            raise StartRefused(Refusal.INVALID_EMAIL if identity.kind == IdentityKind.EMAIL else Refusal.NOT_ON_CHANNEL)
        return found

    @staticmethod
    def _take(conn: Connection, conversation_id: int, now: int) -> None:
        """The attendant works on the conversation now: Pending is accepted, Closed is reopened and accepted."""
        moment = to_datetime(now)
        ticket = load_ticket(conn, conversation_id)
        if ticket.status is ConversationStatus.OPEN:
            return
        if ticket.status is ConversationStatus.CLOSED:
            ticket = tickets.reopen(ticket, moment)
        save_ticket(conn, conversation_id, tickets.accept(ticket, moment))

    @classmethod
    def _create(
        cls, conn: Connection, account_id: int, chat_key: str, identity: Identity, name: str, now: int
    ) -> tuple[int, bool]:
        contact_id = contacts.find_or_create_contact(conn, [identity], name, now=now)
        existing = customer_conversation(conn, account_id, contact_id)  # written meanwhile (a second click)
        if existing is None:
            existing = conversations.by_channel_key(conn, account_id, chat_key)
        if existing is not None:
            cls._take(conn, existing, now)
            return existing, False
        title = contacts.contact_name(conn, contact_id) or identity.value
        conversation_id = conversations.find_or_create_conversation(
            conn, account_id, chat_key, contact_id, title, now=now
        )
        # at the top of its tab, with nothing to preview yet
        conversations.record_message(conn, conversation_id, now, "", outgoing=True, unread_delta=0)
        cls._take(conn, conversation_id, now)
        return conversation_id, True
