"""The media vault: bytes deduplicated by SHA-256, the queue of pending downloads, states and sizes."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest
from sqlalchemy import Connection

from deskchat.core.events import DeliveryState
from deskchat.core.messages import Attachment
from deskchat.paths import Profile
from deskchat.store import accounts, contacts, conversations, media
from deskchat.store import messages as message_store
from deskchat.store.clock import now_ms
from deskchat.store.database import Store
from deskchat.store.media import AttachmentInfo, DownloadState, PendingDownload, StoredFile
from deskchat.store.messages import NewMessage

PHOTO = b"\xff\xd8\xff\xe0 a photo of the shop window"
BOLETO = b"%PDF-1.7 boleto de maio"


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(Profile(tmp_path / "p"), ephemeral=True)
    yield opened
    opened.close()


@pytest.fixture
def chat(db: Store) -> tuple[int, int]:
    """(account id, conversation id) of one WhatsApp chat."""

    def work(conn: Connection) -> tuple[int, int]:
        account = accounts.create_account(conn, "whatsapp", "Comercial", now=now_ms())
        contact = contacts.find_or_create_contact(conn, [], "Ana", now=now_ms())
        return account, conversations.find_or_create_conversation(
            conn, account, "5511987654321@s.whatsapp.net", contact, "Ana", now=now_ms()
        )

    return db.write_now(work)


def _store_message(db: Store, chat: tuple[int, int], channel_id: str, *attachments: Attachment) -> int:
    account, conversation = chat
    message = NewMessage(
        conversation_id=conversation,
        account_id=account,
        channel_id=channel_id,
        outgoing=False,
        text="",
        sent_at=1_700_000_000_000,
        delivery=DeliveryState.RECEIVED,
        kind="document",
        attachments=attachments,
    )
    message_id = db.write_now(lambda conn: message_store.add_message(conn, message, now=now_ms()))
    assert message_id is not None
    return message_id


def _attachments(db: Store, message_id: int) -> list[AttachmentInfo]:
    with db.read() as conn:
        return media.attachments_of(conn, message_id)


def test_the_same_bytes_are_kept_once(db: Store) -> None:
    first = db.write_now(lambda conn: media.put_media(conn, PHOTO, "image/jpeg"))
    again = db.write_now(lambda conn: media.put_media(conn, PHOTO, "image/jpeg"))
    other = db.write_now(lambda conn: media.put_media(conn, BOLETO, "application/pdf"))
    assert first == again != other
    with db.read() as conn:
        rows = conn.exec_driver_sql("SELECT sha256, size FROM media ORDER BY id").all()
        assert media.vault_size(conn) == len(PHOTO) + len(BOLETO)
    assert rows == [(hashlib.sha256(PHOTO).hexdigest(), len(PHOTO)), (hashlib.sha256(BOLETO).hexdigest(), len(BOLETO))]


def test_an_empty_vault_has_size_zero(db: Store) -> None:
    with db.read() as conn:
        assert media.vault_size(conn) == 0


def test_pending_downloads_are_listed_oldest_first_with_what_a_download_needs(db: Store, chat: tuple[int, int]) -> None:
    account, conversation = chat
    first = _store_message(db, chat, "M1", Attachment("foto.jpg", "image/jpeg", 1200, b"thumb", "ref-foto"))
    _store_message(db, chat, "M2", Attachment("sent-by-us.pdf", "application/pdf", 10))  # no reference
    third = _store_message(
        db,
        chat,
        "M3",
        Attachment("boleto.pdf", "application/pdf", 52_000, None, "ref-boleto"),
        Attachment("nota.pdf", "application/pdf", 0, None, "ref-nota"),
    )
    with db.read() as conn:
        pending = media.pending_downloads(conn, 10)
    assert [(p.file_name, p.remote_ref) for p in pending] == [
        ("foto.jpg", "ref-foto"),
        ("boleto.pdf", "ref-boleto"),
        ("nota.pdf", "ref-nota"),
    ]
    foto = pending[0]
    assert foto == PendingDownload(
        foto.attachment_id, first, account, "ref-foto", 1200, "image/jpeg", "foto.jpg", conversation
    )
    assert {p.message_id for p in pending[1:]} == {third}
    with db.read() as conn:
        assert media.pending_downloads(conn, 2) == pending[:2]
        assert media.pending_downloads(conn, 10, after_id=pending[1].attachment_id) == pending[2:]
        assert media.pending_downloads(conn, 10, up_to=pending[1].attachment_id) == pending[:2]
        assert media.last_attachment_id(conn) == pending[2].attachment_id


def test_an_empty_store_has_no_attachments(db: Store) -> None:
    with db.read() as conn:
        assert media.last_attachment_id(conn) == 0
        assert media.pending_downloads(conn, 10) == []


def test_a_downloaded_attachment_leaves_the_queue_and_its_bytes_can_be_read(db: Store, chat: tuple[int, int]) -> None:
    message_id = _store_message(db, chat, "M1", Attachment("boleto.pdf", "application/pdf", 0, None, "ref"))
    [info] = _attachments(db, message_id)
    assert info.state is DownloadState.PENDING
    with db.read() as conn:
        assert media.media_of_attachment(conn, info.id) is None

    def keep(conn: Connection) -> bool:
        return media.attach_media(conn, info.id, media.put_media(conn, BOLETO, "application/pdf"))

    assert db.write_now(keep)
    [done] = _attachments(db, message_id)
    assert done == AttachmentInfo(info.id, "boleto.pdf", "application/pdf", len(BOLETO), DownloadState.DONE)
    with db.read() as conn:
        assert media.pending_downloads(conn, 10) == []
        assert media.media_of_attachment(conn, info.id) == StoredFile("boleto.pdf", "application/pdf", BOLETO)


def test_two_attachments_with_the_same_bytes_share_one_media_row(db: Store, chat: tuple[int, int]) -> None:
    first = _store_message(db, chat, "M1", Attachment("a.jpg", "image/jpeg", 0, None, "ref-a"))
    forwarded = _store_message(db, chat, "M2", Attachment("b.jpg", "image/jpeg", 0, None, "ref-b"))

    def keep(conn: Connection, attachment_id: int) -> bool:
        return media.attach_media(conn, attachment_id, media.put_media(conn, PHOTO, "image/jpeg"))

    for message_id in (first, forwarded):
        [info] = _attachments(db, message_id)
        assert db.write_now(partial(keep, attachment_id=info.id))
    with db.read() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM media").scalar_one() == 1
        assert media.vault_size(conn) == len(PHOTO)
        [b] = media.attachments_of(conn, forwarded)
        assert media.media_of_attachment(conn, b.id) == StoredFile("b.jpg", "image/jpeg", PHOTO)


@pytest.mark.parametrize("state", [DownloadState.EXPIRED, DownloadState.FAILED, DownloadState.SKIPPED])
def test_a_finished_download_leaves_the_queue_and_says_why(
    db: Store, chat: tuple[int, int], state: DownloadState
) -> None:
    message_id = _store_message(db, chat, "M1", Attachment("video.mp4", "video/mp4", 10, None, "ref"))
    [info] = _attachments(db, message_id)
    assert db.write_now(lambda conn: media.mark_download(conn, info.id, state))
    assert not db.write_now(lambda conn: media.mark_download(conn, info.id, state))  # nothing changed
    assert _attachments(db, message_id)[0].state is state
    with db.read() as conn:
        assert media.pending_downloads(conn, 10) == []
    assert db.write_now(lambda conn: media.mark_download(conn, info.id, DownloadState.PENDING))
    with db.read() as conn:
        assert [p.attachment_id for p in media.pending_downloads(conn, 10)] == [info.id]


def test_a_done_attachment_is_never_marked_back(db: Store, chat: tuple[int, int]) -> None:
    message_id = _store_message(db, chat, "M1", Attachment("a.jpg", "image/jpeg", 0, None, "ref"))
    [info] = _attachments(db, message_id)
    db.write_now(lambda conn: media.attach_media(conn, info.id, media.put_media(conn, PHOTO, "image/jpeg")))
    assert not db.write_now(lambda conn: media.mark_download(conn, info.id, DownloadState.EXPIRED))
    assert _attachments(db, message_id)[0].state is DownloadState.DONE
    with pytest.raises(ValueError):
        db.write_now(lambda conn: media.mark_download(conn, info.id, DownloadState.DONE))


def test_attaching_to_a_missing_attachment_says_so(db: Store) -> None:
    assert not db.write_now(lambda conn: media.attach_media(conn, 999, media.put_media(conn, PHOTO, "image/jpeg")))


def test_thumbnails_are_still_read_per_message(db: Store, chat: tuple[int, int]) -> None:
    message_id = _store_message(db, chat, "M1", Attachment("a.jpg", "image/jpeg", 1, b"thumb", "ref"))
    with db.read() as conn:
        assert media.thumbnails_of(conn, [message_id]) == {message_id: b"thumb"}
