"""Media downloaded on arrival: a background queue that moves attachment bytes from the channel into the vault.

WhatsApp's CDN forgets media after a few weeks, so every attachment with a remote reference is fetched as soon as
its account's channel is connected, one at a time, oldest first. What happens to each:

- **downloaded**: the bytes go into the vault (deduplicated by SHA-256), the attachment becomes ``done`` and the
  message is announced as updated, so its bubble repaints;
- **expired** (the channel answers 403, 404 or 410): ``expired``; the chat says to ask the customer to send it again;
- **unusable** (a broken reference, nothing to download): ``failed`` at once;
- **transient** (network, timeouts, anything else): retried with capped exponential backoff; after
  :data:`MAX_ATTEMPTS` failures it is ``failed``. Attempt counts live in memory: a restart gives every pending
  download a fresh set of attempts;
- **channel not connected**: nothing is attempted for that account until a channel event or the next poll;
- **over the per-file cap** (announced size, or real size once downloaded): ``skipped``, with a log line; the
  attendant sees that it was too large to fetch automatically;
- **beyond the vault cap**: left ``pending`` with a log line; the next start (perhaps with a larger cap) tries again.

The queue reads the store with a keyset cursor over attachment ids, in short id ranges, so each row is looked at once
per run (the first pass after start walks the whole table once, in the background); rows that must wait (backoff,
offline account) are remembered in memory, not re-read.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import Enum
from functools import partial
from typing import Any, Final

from deskchat.channels.base import Capability, ChannelAccount
from deskchat.core.bus import EventBus
from deskchat.core.events import ChannelStateChanged, ConversationsReset, MessageStored, MessageUpdated
from deskchat.store import media
from deskchat.store.database import Store
from deskchat.store.media import DownloadState, PendingDownload

log = logging.getLogger("deskchat.media")

MAX_BYTES_PER_FILE: Final = 64 * 1024 * 1024
VAULT_CAP_BYTES: Final = 4 * 1024 * 1024 * 1024
MAX_ATTEMPTS: Final = 8
FIRST_RETRY_S: Final = 2.0
MAX_RETRY_S: Final = 600.0
IDLE_POLL_S: Final = 30.0  # also wakes up this often for retries that came due and channels that connected
DOWNLOAD_TIMEOUT_S: Final = 300.0
BATCH: Final = 50
SCAN_SPAN: Final = 2000  # attachment ids one query looks through: short reads, whatever the share of pending rows

#: How WhatsApp (whatsmeow) words a CDN refusal: "download failed with status code 404".
_EXPIRED: Final = re.compile(r"status code (403|404|410)\b")
#: Download errors that no retry can change.
_UNUSABLE: Final = re.compile(r"no url present|didn't find any attachments|unknown media type", re.IGNORECASE)


class Outcome(Enum):
    EXPIRED = "expired"
    UNUSABLE = "unusable"
    UNAVAILABLE = "unavailable"  # the channel is not connected: not the attachment's fault
    TRANSIENT = "transient"


def classify(error: BaseException) -> Outcome:
    """What a channel's download error means for the attachment."""
    if isinstance(error, ValueError):  # the reference cannot be read (WhatsApp's message_for_download)
        return Outcome.UNUSABLE
    message = str(error)
    if _EXPIRED.search(message):
        return Outcome.EXPIRED
    if _UNUSABLE.search(message):
        return Outcome.UNUSABLE
    if isinstance(error, ConnectionError):  # e.g. WhatsApp's NotConnected
        return Outcome.UNAVAILABLE
    return Outcome.TRANSIENT


def retry_delay_s(attempts: int, first: float = FIRST_RETRY_S, cap: float = MAX_RETRY_S) -> float:
    """Capped exponential backoff with 50–100 % jitter after ``attempts`` failures: 2 s, 4 s, 8 s … 10 min."""
    base = min(first * 2 ** max(attempts - 1, 0), cap)
    return float(base * random.uniform(0.5, 1.0))


@dataclass(slots=True)
class _Waiting:
    item: PendingDownload
    attempts: int = 0
    not_before: float = 0.0
    offline: bool = False  # waiting for its channel, not for a backoff


class MediaDownloads:
    """Drains pending attachment downloads into the vault; one task for the whole app.

    Args:
        store: the open store.
        bus: where ``MessageUpdated`` is published and new messages are heard of.
        channel_for: the account's channel, or None; it is used when it has :attr:`Capability.DOWNLOAD_MEDIA`.
        max_bytes_per_file: larger files are ``skipped``.
        vault_cap_bytes: downloads that would grow the vault beyond this stay ``pending``.
        first_retry_s: the first backoff after a transient failure (doubles up to :data:`MAX_RETRY_S`).
        download_timeout_s: a download taking longer is a transient failure.
        clock: monotonic seconds (tests move it by hand).
    """

    def __init__(
        self,
        store: Store,
        bus: EventBus,
        channel_for: Callable[[int], ChannelAccount | None],
        *,
        max_bytes_per_file: int = MAX_BYTES_PER_FILE,
        vault_cap_bytes: int = VAULT_CAP_BYTES,
        first_retry_s: float = FIRST_RETRY_S,
        download_timeout_s: float = DOWNLOAD_TIMEOUT_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store = store
        self._bus = bus
        self._channel_for = channel_for
        self.max_bytes_per_file = max_bytes_per_file
        self.vault_cap_bytes = vault_cap_bytes
        self._first_retry_s = first_retry_s
        self._timeout_s = download_timeout_s
        self._clock = clock
        self._cursor = 0  # every attachment id up to here was read once
        self._vault_used = 0
        self._full_logged = False
        self._waiting: dict[int, _Waiting] = {}
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._unsubscribe = [
            bus.subscribe(MessageStored, lambda _event: self.kick()),
            bus.subscribe(ConversationsReset, lambda _event: self.kick()),
            bus.subscribe(ChannelStateChanged, lambda _event: self.kick(channels_changed=True)),
        ]

    # -- life --------------------------------------------------------------------------------------------------

    def start(self) -> None:
        """Start draining (call with the event loop running)."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="media-downloads")

    async def stop(self) -> None:
        """Stop at once; a download cut short stays ``pending``."""
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe = []
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def kick(self, *, channels_changed: bool = False) -> None:
        """New attachments may have arrived (or a channel connected): look for work now."""
        if channels_changed:
            for waiting in self._waiting.values():
                if waiting.offline:
                    waiting.not_before = 0.0
        self._wake.set()

    @property
    def retries_waiting(self) -> int:
        """Downloads waiting in memory for a backoff to end or their channel to connect."""
        return len(self._waiting)

    # -- draining ----------------------------------------------------------------------------------------------

    async def drain_once(self) -> int:
        """Attempt every download that is due now, once; returns how many times a channel was asked."""
        attempted = 0
        offline: set[int] = set()
        self._vault_used = await self._store.read_later(media.vault_size)
        self._full_logged = False
        now = self._clock()
        due = sorted((w for w in self._waiting.values() if w.not_before <= now), key=lambda w: w.item.attachment_id)
        for waiting in due:
            attempted += await self._attempt(waiting, offline)
        newest = await self._store.read_later(media.last_attachment_id)
        while self._cursor < newest:
            upper = min(newest, self._cursor + SCAN_SPAN)
            batch = await self._store.read_later(
                partial(media.pending_downloads, limit=BATCH, after_id=self._cursor, up_to=upper)
            )
            for item in batch:
                self._cursor = max(self._cursor, item.attachment_id)
                if item.attachment_id not in self._waiting:
                    attempted += await self._attempt(_Waiting(item), offline)
            if len(batch) < BATCH:
                self._cursor = max(self._cursor, upper)  # every row up to ``upper`` was looked at
        return attempted

    async def _run(self) -> None:
        while True:
            self._wake.clear()
            timeout = IDLE_POLL_S
            try:
                await self.drain_once()
                timeout = self._idle_timeout()
            except Exception:
                log.exception("media download queue failed")
            # asyncio.timeout, not wait_for: in 3.11 a wait_for cancelled just as its event is set can hang stop()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(timeout):
                    await self._wake.wait()

    def _idle_timeout(self) -> float:
        if not self._waiting:
            return IDLE_POLL_S
        soonest = min(w.not_before for w in self._waiting.values()) - self._clock()
        return max(0.0, min(IDLE_POLL_S, soonest))

    async def _attempt(self, waiting: _Waiting, offline: set[int]) -> int:
        """Try one download; returns 1 when the channel was asked, else 0."""
        item = waiting.item
        download = self._downloader(item.account_id)
        if item.account_id in offline or download is None:
            offline.add(item.account_id)
            self._wait_for_channel(waiting)
            return 0
        if item.size > self.max_bytes_per_file:
            await self._finish(item, DownloadState.SKIPPED, f"{item.size} bytes announced")
            return 0
        if not self._room_for(item.size, item):
            return 0
        try:
            async with asyncio.timeout(self._timeout_s):
                data = await download(item.remote_ref)
            if not data:
                raise RuntimeError("the channel returned no bytes")
        except asyncio.CancelledError:
            raise
        except Exception as error:
            await self._failed(waiting, error, offline)
            return 1
        await self._keep(item, data)
        return 1

    def _downloader(self, account_id: int) -> Callable[[str], Awaitable[bytes]] | None:
        channel = self._channel_for(account_id)
        if channel is None or Capability.DOWNLOAD_MEDIA not in channel.capabilities:
            return None
        return channel.download

    def _room_for(self, size: int, item: PendingDownload) -> bool:
        if self._vault_used + size <= self.vault_cap_bytes:
            return True
        if not self._full_logged:  # once per pass: a full vault turns away every download behind it
            self._full_logged = True
            log.warning(
                "media vault full (%d of %d bytes): attachment %d (%d bytes) and later ones left pending until the"
                " next start",
                self._vault_used,
                self.vault_cap_bytes,
                item.attachment_id,
                size,
            )
        self._waiting.pop(item.attachment_id, None)
        return False

    async def _keep(self, item: PendingDownload, data: bytes) -> None:
        if len(data) > self.max_bytes_per_file:
            await self._finish(item, DownloadState.SKIPPED, f"{len(data)} bytes downloaded")
            return
        if not item.size and not self._room_for(len(data), item):
            return
        mime = item.mime

        def work(conn: Any) -> bool:
            return media.attach_media(conn, item.attachment_id, media.put_media(conn, data, mime))

        self._waiting.pop(item.attachment_id, None)
        stored = await self._store.write(work)
        self._vault_used += len(data)  # an overestimate when the bytes were there already; read again each pass
        if stored:
            log.info("attachment %d downloaded (%d bytes)", item.attachment_id, len(data))
            self._bus.publish(MessageUpdated(item.conversation_id, item.message_id))

    async def _failed(self, waiting: _Waiting, error: Exception, offline: set[int]) -> None:
        item = waiting.item
        outcome = classify(error)
        reason = f"{type(error).__name__}: {error}"
        if outcome is Outcome.EXPIRED:
            await self._finish(item, DownloadState.EXPIRED, reason)
        elif outcome is Outcome.UNUSABLE:
            await self._finish(item, DownloadState.FAILED, reason)
        elif outcome is Outcome.UNAVAILABLE:
            offline.add(item.account_id)
            self._wait_for_channel(waiting)
        elif waiting.attempts + 1 >= MAX_ATTEMPTS:
            await self._finish(item, DownloadState.FAILED, f"{reason} (after {MAX_ATTEMPTS} attempts)")
        else:
            waiting.attempts += 1
            waiting.offline = False
            waiting.not_before = self._clock() + retry_delay_s(waiting.attempts, self._first_retry_s)
            self._waiting[item.attachment_id] = waiting
            log.info(
                "attachment %d not downloaded yet (%s); retry %d later", item.attachment_id, reason, waiting.attempts
            )

    def _wait_for_channel(self, waiting: _Waiting) -> None:
        waiting.offline = True
        waiting.not_before = self._clock() + IDLE_POLL_S
        self._waiting[waiting.item.attachment_id] = waiting

    async def _finish(self, item: PendingDownload, state: DownloadState, reason: str) -> None:
        self._waiting.pop(item.attachment_id, None)
        log_level = logging.INFO if state is DownloadState.EXPIRED else logging.WARNING
        log.log(log_level, "attachment %d %s: %s", item.attachment_id, state.value, reason)
        if await self._store.write(lambda conn: media.mark_download(conn, item.attachment_id, state)):
            self._bus.publish(MessageUpdated(item.conversation_id, item.message_id))
