"""Media downloaded on arrival: into the vault, retried when the network fails, marked when WhatsApp forgot it."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from neonize.exc import DownloadError

from deskchat.channels.base import Capability
from deskchat.core.bus import EventBus
from deskchat.core.events import ChannelStateChanged, Event, MessageUpdated
from deskchat.core.messages import Attachment, Identity, InboundMessage
from deskchat.paths import Profile
from deskchat.runtime import Runtime
from deskchat.services import media_downloads
from deskchat.services.ingest import IngestService
from deskchat.services.media_downloads import (
    IDLE_POLL_S,
    MAX_ATTEMPTS,
    MAX_RETRY_S,
    MediaDownloads,
    Outcome,
    classify,
)
from deskchat.store import accounts, media
from deskchat.store.clock import now_ms
from deskchat.store.database import Store
from deskchat.store.media import DownloadState, PendingDownload, StoredFile

PHOTO = b"\xff\xd8\xff\xe0 the customer's photo of the broken part"
ANA = "5511987654321@s.whatsapp.net"
NETWORK_DOWN = "failed to download media from last host: Get https://mmg.whatsapp.net/...: dial tcp: i/o timeout"


@dataclass
class Clock:
    now: float = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class FakeChannel:
    """Answers each remote reference with the next of its scripted outcomes (bytes, or an error to raise)."""

    script: dict[str, list[bytes | Exception]] = field(default_factory=dict)
    asked: list[str] = field(default_factory=list)
    capabilities: frozenset[Capability] = frozenset({Capability.DOWNLOAD_MEDIA})

    async def download(self, remote_ref: str) -> bytes:
        self.asked.append(remote_ref)
        outcomes = self.script[remote_ref]
        outcome = outcomes.pop(0) if len(outcomes) > 1 else outcomes[0]
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


class TextOnlyChannel:
    capabilities: frozenset[Capability] = frozenset({Capability.SEND_TEXT})

    async def send(self, message: object) -> None: ...


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(Profile(tmp_path / "p"), ephemeral=True)
    yield opened
    opened.close()


@pytest.fixture
def account(db: Store) -> int:
    return db.write_now(lambda conn: accounts.create_account(conn, "whatsapp", "Comercial", now=now_ms()))


@pytest.fixture
def bus() -> EventBus:
    return EventBus()


@pytest.fixture
def updates(bus: EventBus) -> list[MessageUpdated]:
    seen: list[MessageUpdated] = []
    bus.subscribe(MessageUpdated, seen.append)
    return seen


@pytest.fixture
def channel() -> FakeChannel:
    return FakeChannel()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def channels(account: int, channel: FakeChannel) -> dict[int, object]:
    return {account: channel}


@pytest.fixture
def downloads(db: Store, bus: EventBus, channels: dict[int, object], clock: Clock) -> MediaDownloads:
    return MediaDownloads(db, bus, channels.get, max_bytes_per_file=1000, vault_cap_bytes=10_000, clock=clock)


def _receive(db: Store, bus: EventBus, account: int, channel_id: str, *attachments: Attachment) -> int:
    """A customer's message with attachments, stored as the WhatsApp adapter would; returns the message id."""
    message = InboundMessage(
        account_id=account,
        chat_key=ANA,
        chat_title="Ana",
        identities=[Identity("phone", "+5511987654321")],
        channel_id=channel_id,
        text="",
        sent_at=1_700_000_000_000,
        kind="image",
        attachments=attachments,
    )
    [stored] = asyncio.run(IngestService(db, bus).ingest([message]))
    assert stored.message_id is not None
    return stored.message_id


def _photo(ref: str, size: int = len(PHOTO)) -> Attachment:
    return Attachment(f"image-{ref}.jpg", "image/jpeg", size, b"thumb", ref)


def _state(db: Store, message_id: int) -> DownloadState:
    with db.read() as conn:
        [info] = media.attachments_of(conn, message_id)
    return info.state


def _conversation_of(db: Store, message_id: int) -> int:
    with db.read() as conn:
        return int(
            conn.exec_driver_sql("SELECT conversation_id FROM messages WHERE id = ?", (message_id,)).scalar_one()
        )


def test_an_arriving_photo_is_kept_in_the_vault_and_its_bubble_repaints(
    db: Store, bus: EventBus, account: int, channel: FakeChannel, downloads: MediaDownloads, updates: list[Event]
) -> None:
    channel.script["ref-1"] = [PHOTO]
    message_id = _receive(db, bus, account, "W1", _photo("ref-1"))

    assert asyncio.run(downloads.drain_once()) == 1

    assert _state(db, message_id) is DownloadState.DONE
    assert updates == [MessageUpdated(_conversation_of(db, message_id), message_id)]
    with db.read() as conn:
        [info] = media.attachments_of(conn, message_id)
        assert media.media_of_attachment(conn, info.id) == StoredFile("image-ref-1.jpg", "image/jpeg", PHOTO)
        assert media.vault_size(conn) == len(PHOTO)
    assert asyncio.run(downloads.drain_once()) == 0  # nothing left to do
    assert channel.asked == ["ref-1"]


def test_a_network_failure_is_retried_after_a_backoff_and_then_succeeds(
    db: Store,
    bus: EventBus,
    account: int,
    channel: FakeChannel,
    downloads: MediaDownloads,
    clock: Clock,
    updates: list[Event],
) -> None:
    channel.script["ref-1"] = [DownloadError(NETWORK_DOWN), TimeoutError(), PHOTO]
    message_id = _receive(db, bus, account, "W1", _photo("ref-1"))

    assert asyncio.run(downloads.drain_once()) == 1
    assert _state(db, message_id) is DownloadState.PENDING
    assert downloads.retries_waiting == 1
    assert asyncio.run(downloads.drain_once()) == 0  # the backoff has not ended
    clock.now += MAX_RETRY_S
    assert asyncio.run(downloads.drain_once()) == 1  # timed out this time
    assert _state(db, message_id) is DownloadState.PENDING
    assert updates == []
    clock.now += MAX_RETRY_S
    assert asyncio.run(downloads.drain_once()) == 1

    assert _state(db, message_id) is DownloadState.DONE
    assert downloads.retries_waiting == 0
    assert channel.asked == ["ref-1"] * 3
    assert len(updates) == 1


def test_a_download_that_keeps_failing_is_marked_failed_after_the_last_attempt(
    db: Store, bus: EventBus, account: int, channel: FakeChannel, downloads: MediaDownloads, clock: Clock
) -> None:
    channel.script["ref-1"] = [DownloadError(NETWORK_DOWN)]
    message_id = _receive(db, bus, account, "W1", _photo("ref-1"))
    for _ in range(MAX_ATTEMPTS):
        assert _state(db, message_id) is DownloadState.PENDING
        assert asyncio.run(downloads.drain_once()) == 1
        clock.now += MAX_RETRY_S
    assert _state(db, message_id) is DownloadState.FAILED
    assert asyncio.run(downloads.drain_once()) == 0
    assert len(channel.asked) == MAX_ATTEMPTS


@pytest.mark.parametrize("status", [403, 404, 410])
def test_media_the_cdn_no_longer_has_is_marked_expired_at_once(
    db: Store,
    bus: EventBus,
    account: int,
    channel: FakeChannel,
    downloads: MediaDownloads,
    updates: list[Event],
    status: int,
) -> None:
    channel.script["ref-old"] = [DownloadError(f"download failed with status code {status}")]
    channel.script["ref-new"] = [PHOTO]
    old = _receive(db, bus, account, "W-old", _photo("ref-old"))
    new = _receive(db, bus, account, "W-new", _photo("ref-new"))

    assert asyncio.run(downloads.drain_once()) == 2

    assert _state(db, old) is DownloadState.EXPIRED
    assert _state(db, new) is DownloadState.DONE  # the expired one does not hold up the queue
    assert downloads.retries_waiting == 0
    conversation = _conversation_of(db, old)
    assert updates == [MessageUpdated(conversation, old), MessageUpdated(conversation, new)]


def test_an_unreadable_reference_fails_at_once(
    db: Store, bus: EventBus, account: int, channel: FakeChannel, downloads: MediaDownloads
) -> None:
    channel.script["garbage"] = [ValueError("not a WhatsApp media reference")]
    message_id = _receive(db, bus, account, "W1", _photo("garbage"))
    assert asyncio.run(downloads.drain_once()) == 1
    assert _state(db, message_id) is DownloadState.FAILED
    assert downloads.retries_waiting == 0


def test_nothing_is_asked_of_a_disconnected_account_until_its_channel_is_back(
    db: Store,
    bus: EventBus,
    account: int,
    channel: FakeChannel,
    channels: dict[int, object],
    downloads: MediaDownloads,
) -> None:
    channel.script["ref-1"] = [PHOTO]
    message_id = _receive(db, bus, account, "W1", _photo("ref-1"))
    channels[account] = TextOnlyChannel()  # a channel that cannot download
    assert asyncio.run(downloads.drain_once()) == 0
    del channels[account]  # not connected at all
    assert asyncio.run(downloads.drain_once()) == 0
    assert _state(db, message_id) is DownloadState.PENDING
    assert channel.asked == []

    channels[account] = channel
    bus.publish(ChannelStateChanged(account, "online"))  # the retry is due at once, not after the idle poll
    assert asyncio.run(downloads.drain_once()) == 1
    assert _state(db, message_id) is DownloadState.DONE


def test_a_channel_that_says_it_is_not_connected_costs_no_attempt(
    db: Store, bus: EventBus, account: int, channel: FakeChannel, downloads: MediaDownloads, clock: Clock
) -> None:
    channel.script["ref-1"] = [*[ConnectionError("WhatsApp is not connected")] * (MAX_ATTEMPTS + 1), PHOTO]
    message_id = _receive(db, bus, account, "W1", _photo("ref-1"))
    for _ in range(MAX_ATTEMPTS + 1):
        asyncio.run(downloads.drain_once())
        clock.now += IDLE_POLL_S
    assert _state(db, message_id) is DownloadState.PENDING
    asyncio.run(downloads.drain_once())
    assert _state(db, message_id) is DownloadState.DONE


def test_files_over_the_per_file_cap_are_skipped(
    db: Store, bus: EventBus, account: int, channel: FakeChannel, downloads: MediaDownloads, updates: list[Event]
) -> None:
    channel.script["big-announced"] = [b"x" * 5000]
    channel.script["big-unannounced"] = [b"x" * 5000]
    announced = _receive(db, bus, account, "W1", _photo("big-announced", size=5000))
    unannounced = _receive(db, bus, account, "W2", _photo("big-unannounced", size=0))

    asyncio.run(downloads.drain_once())

    assert _state(db, announced) is DownloadState.SKIPPED
    assert _state(db, unannounced) is DownloadState.SKIPPED
    assert channel.asked == ["big-unannounced"]  # an announced size is trusted before downloading
    assert len(updates) == 2
    with db.read() as conn:
        assert media.vault_size(conn) == 0


def test_a_full_vault_leaves_downloads_pending(
    db: Store, bus: EventBus, account: int, channel: FakeChannel, downloads: MediaDownloads
) -> None:
    db.write_now(lambda conn: media.put_media(conn, b"y" * 9_500, "video/mp4"))  # 500 bytes of room left
    channel.script["small"] = [PHOTO]
    channel.script["large"] = [b"z" * 900]
    large = _receive(db, bus, account, "W1", _photo("large", size=900))
    small = _receive(db, bus, account, "W2", _photo("small"))

    asyncio.run(downloads.drain_once())

    assert _state(db, large) is DownloadState.PENDING
    assert _state(db, small) is DownloadState.DONE
    assert channel.asked == ["small"]


def test_each_attachment_row_is_read_once_in_short_ranges(
    db: Store,
    bus: EventBus,
    account: int,
    channel: FakeChannel,
    downloads: MediaDownloads,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(media_downloads, "SCAN_SPAN", 3)
    monkeypatch.setattr(media_downloads, "BATCH", 2)
    refs = [f"ref-{n}" for n in range(7)]
    for ref in refs:
        channel.script[ref] = [PHOTO]
        _receive(db, bus, account, f"W-{ref}", _photo(ref))
    ranges: list[tuple[int, int | None]] = []
    real_query = media.pending_downloads

    def recorded(conn: Any, limit: int, *, after_id: int = 0, up_to: int | None = None) -> list[PendingDownload]:
        ranges.append((after_id, up_to))
        return real_query(conn, limit, after_id=after_id, up_to=up_to)

    monkeypatch.setattr(media, "pending_downloads", recorded)

    assert asyncio.run(downloads.drain_once()) == 7
    assert channel.asked == refs
    assert all(up_to is not None and up_to - after_id <= 3 for after_id, up_to in ranges)
    seen = ranges[-1][1]
    assert seen is not None
    ranges.clear()
    assert asyncio.run(downloads.drain_once()) == 0
    assert ranges == []  # nothing new: no row is read again
    channel.script["ref-late"] = [PHOTO]
    _receive(db, bus, account, "W-late", _photo("ref-late"))
    assert asyncio.run(downloads.drain_once()) == 1
    assert ranges == [(seen, seen + 1)]


@pytest.mark.parametrize(
    ("error", "outcome"),
    [
        (DownloadError("download failed with status code 403"), Outcome.EXPIRED),
        (DownloadError("download failed with status code 404"), Outcome.EXPIRED),
        (DownloadError("failed to download: download failed with status code 410"), Outcome.EXPIRED),
        (DownloadError("download failed with status code 500"), Outcome.TRANSIENT),
        (DownloadError("download failed with status code 4040"), Outcome.TRANSIENT),
        (DownloadError(NETWORK_DOWN), Outcome.TRANSIENT),
        (DownloadError("hash of media plaintext doesn't match"), Outcome.TRANSIENT),
        (DownloadError("no url present"), Outcome.UNUSABLE),
        (DownloadError("didn't find any attachments in message"), Outcome.UNUSABLE),
        (ValueError("not a WhatsApp media reference"), Outcome.UNUSABLE),
        (ConnectionError("WhatsApp is not connected"), Outcome.UNAVAILABLE),
        (TimeoutError(), Outcome.TRANSIENT),
    ],
)
def test_download_errors_are_told_apart(error: Exception, outcome: Outcome) -> None:
    assert classify(error) is outcome


def test_the_background_task_downloads_what_arrives_while_it_runs(
    db: Store, bus: EventBus, account: int, channel: FakeChannel, downloads: MediaDownloads
) -> None:
    channel.script["ref-1"] = [PHOTO]

    async def scenario() -> int:
        repainted = asyncio.Event()
        bus.subscribe(MessageUpdated, lambda _event: repainted.set())
        downloads.start()
        try:
            message = InboundMessage(
                account_id=account,
                chat_key=ANA,
                chat_title="Ana",
                identities=[Identity("phone", "+5511987654321")],
                channel_id="W1",
                text="",
                sent_at=1_700_000_000_000,
                kind="image",
                attachments=(_photo("ref-1"),),
            )
            [stored] = await IngestService(db, bus).ingest([message])  # MessageStored wakes the queue
            await asyncio.wait_for(repainted.wait(), 10)
            assert stored.message_id is not None
            return stored.message_id
        finally:
            await downloads.stop()

    message_id = asyncio.run(scenario())
    assert _state(db, message_id) is DownloadState.DONE


def test_the_runtime_starts_and_stops_the_queue(db: Store, account: int, channel: FakeChannel) -> None:
    channel.script["ref-1"] = [PHOTO]
    runtime = Runtime(db)
    runtime.channels[account] = channel  # type: ignore[assignment]

    async def scenario() -> int:
        repainted = asyncio.Event()
        runtime.bus.subscribe(MessageUpdated, lambda _event: repainted.set())
        runtime.start()
        try:
            message = InboundMessage(
                account_id=account,
                chat_key=ANA,
                chat_title="Ana",
                identities=[Identity("phone", "+5511987654321")],
                channel_id="W1",
                text="",
                sent_at=1_700_000_000_000,
                attachments=(_photo("ref-1"),),
            )
            [stored] = await runtime.ingest.ingest([message])
            await asyncio.wait_for(repainted.wait(), 10)
            assert stored.message_id is not None
            return stored.message_id
        finally:
            await runtime.stop()

    message_id = asyncio.run(scenario())
    assert _state(db, message_id) is DownloadState.DONE
