"""The CRM's outbox lane, seen by the drainer as an account: available unless paused.

Two things pause the whole lane: a 429 (until its ``Retry-After``; nothing else is sent meanwhile) and a sign-in
that neither the access token nor the refresh token can fix (until the attendant signs in again: "Reconectar ao
CRM", the account's state ``auth_required``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from deskchat.channels.base import Capability, ChannelUnavailable, PermanentSendError, SendReceipt
from deskchat.core.messages import OutboundMessage
from deskchat.store.clock import now_ms

RECONNECT_REASON = "Reconectar ao CRM: a entrada expirou"


class CrmLane:
    """The CRM account's lane (``account_id`` is the CRM account's row in ``accounts``)."""

    def __init__(
        self,
        account_id: int,
        *,
        clock: Callable[[], int] = now_ms,
        on_sign_in_required: Callable[[], None] | None = None,
        on_resumed: Callable[[], None] | None = None,
    ) -> None:
        self._account_id = account_id
        self._clock = clock
        self._on_sign_in_required = on_sign_in_required
        self._on_resumed = on_resumed
        self.paused_until_ms = 0
        self.sign_in_required = False

    @property
    def account_id(self) -> int:
        return self._account_id

    @property
    def capabilities(self) -> frozenset[Capability]:
        return frozenset()

    def available(self) -> bool:
        return not self.sign_in_required and self._clock() >= self.paused_until_ms

    def pause_for(self, delay_ms: int) -> None:
        """A 429: nothing more goes to the CRM before ``delay_ms`` from now."""
        self.paused_until_ms = max(self.paused_until_ms, self._clock() + delay_ms)

    def require_sign_in(self) -> None:
        if not self.sign_in_required:
            self.sign_in_required = True
            if self._on_sign_in_required is not None:
                self._on_sign_in_required()

    def signed_in(self) -> None:
        """The attendant signed in again: the lane drains again."""
        self.sign_in_required = False
        if self._on_resumed is not None:
            self._on_resumed()

    # The lane is not a chat channel: the drainer only asks it whether it is available.

    async def send(self, message: OutboundMessage) -> SendReceipt:
        raise PermanentSendError("the CRM lane does not send chat messages")

    async def mark_read(self, chat_key: str, channel_ids: Sequence[str]) -> None:
        raise ChannelUnavailable("the CRM lane has no chats")

    async def download(self, remote_ref: str) -> bytes:
        raise ChannelUnavailable("the CRM lane has no media")

    async def lookup(self, address: str) -> str | None:
        return None
