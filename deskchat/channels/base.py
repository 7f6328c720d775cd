"""The channel seam: what every channel account offers the services, and how a send can end.

Adapters (WhatsApp, e-mail) translate wire events into the channel-neutral values of :mod:`deskchat.core.messages`
and hand them to the ingest service; the outbox hands each queued message to :meth:`ChannelAccount.send`. Tests of
the application put a fake :class:`ChannelAccount` here, never deeper. Channels never import ``deskchat.store``.

What an account can do is declared in :attr:`ChannelAccount.capabilities`; callers check a capability, never probe
for attributes. A send ends in one of these ways, which the outbox classifies:

* it returns a :class:`SendReceipt` — done;
* :class:`ChannelUnavailable` — the account is offline or pairing: not an attempt, the bubble keeps its clock;
* :class:`RetryAfter` — a transient refusal with a delay the channel knows (rate limit);
* :class:`PermanentSendError` — refused for good, with a reason the attendant can read;
* any other exception — transient: retried with backoff.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from deskchat.core.events import DeliveryState
from deskchat.core.messages import OutboundMessage


class Capability(StrEnum):
    SEND_TEXT = "send_text"
    SEND_FILES = "send_files"  # images and documents
    READ_RECEIPTS = "read_receipts"  # can tell the customer we read their messages
    DOWNLOAD_MEDIA = "download_media"  # attachments are fetched later through their remote_ref
    REACTIONS = "reactions"
    CHOSEN_IDS = "chosen_ids"  # accepts the caller's message id, so a resend is the same message
    SUBJECTS = "subjects"  # messages carry a subject and recipients (e-mail)
    LOOKUP = "lookup"  # can tell whether an address is reachable and under which chat key (a new conversation)


@dataclass(frozen=True)
class SendReceipt:
    """The channel accepted a message: its own id for it, and the state it reached."""

    channel_id: str
    state: DeliveryState = DeliveryState.SENT


class PermanentSendError(Exception):
    """The channel refused the message for good (bad number, blocked): show "falhou", do not retry by itself."""


class ChannelUnavailable(Exception):
    """The account cannot send now (offline, pairing, stopped): the message waits, and this is not an attempt."""


class RetryAfter(Exception):
    """A transient refusal with the delay the channel asks for (seconds)."""

    def __init__(self, delay_s: float, reason: str = "") -> None:
        super().__init__(reason or f"retry after {delay_s:.0f} s")
        self.delay_s = delay_s


class ChannelAccount(Protocol):
    """One connected account of a channel, as the services see it."""

    @property
    def account_id(self) -> int: ...

    @property
    def capabilities(self) -> frozenset[Capability]: ...

    def available(self) -> bool:
        """Whether a send can be tried now (connected and paired)."""
        ...

    async def send(self, message: OutboundMessage) -> SendReceipt:
        """Send ``message`` (see the module docstring for how it may end)."""
        ...

    async def mark_read(self, chat_key: str, channel_ids: Sequence[str]) -> None:
        """Tell the customer their messages were read (only with :attr:`Capability.READ_RECEIPTS`)."""
        ...

    async def download(self, remote_ref: str) -> bytes:
        """Fetch an attachment's bytes (only with :attr:`Capability.DOWNLOAD_MEDIA`)."""
        ...

    async def lookup(self, address: str) -> str | None:
        """The chat key a new conversation with ``address`` (an E.164 phone, a lower-case e-mail address) is kept
        under, or ``None`` when the channel cannot reach it (a number not on WhatsApp); only with
        :attr:`Capability.LOOKUP`.

        Raises:
            ChannelUnavailable: the account cannot ask now (offline, pairing).
        """
        ...
