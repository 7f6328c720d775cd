"""The media vault: attachment bytes kept inside the encrypted store, and the queue of downloads still to do.

Media rows are shared: two attachments with the same bytes (a forwarded photo) point at one ``media`` row, found by
its SHA-256. An attachment's ``download_state`` says where its bytes are:

``pending``
    not downloaded yet (the background queue takes it when its channel is connected);
``done``
    in the vault (``media_id`` is set);
``failed``
    the channel kept refusing it, or its reference is unusable;
``expired``
    the channel's copy is gone (WhatsApp's CDN answers 403/404/410 after a few weeks): only the sender can send it
    again;
``skipped``
    larger than the per-file cap when it arrived, so never downloaded automatically.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

from sqlalchemy import Connection, func, select, update

from deskchat.store.schema import attachments, media, messages


class DownloadState(StrEnum):
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"
    EXPIRED = "expired"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class PendingDownload:
    """An attachment whose bytes are still to be fetched from its channel."""

    attachment_id: int
    message_id: int
    account_id: int
    remote_ref: str
    size: int  # as the channel announced it; 0 when unknown
    mime: str
    file_name: str
    conversation_id: int


@dataclass(frozen=True, slots=True)
class AttachmentInfo:
    """One attachment of a message, as the chat's actions need it (without its bytes)."""

    id: int
    file_name: str
    mime: str
    size: int
    state: DownloadState


class StoredFile(NamedTuple):
    file_name: str
    mime: str
    data: bytes


def thumbnails_of(conn: Connection, message_ids: Sequence[int]) -> dict[int, bytes]:
    """The first attachment thumbnail (JPEG/PNG bytes) of each message that has one."""
    if not message_ids:
        return {}
    rows = conn.execute(
        select(attachments.c.message_id, attachments.c.thumbnail)
        .where(attachments.c.message_id.in_(message_ids))
        .where(attachments.c.thumbnail.is_not(None))
        .order_by(attachments.c.id)
    )
    found: dict[int, bytes] = {}
    for message_id, thumbnail in rows:
        found.setdefault(int(message_id), bytes(thumbnail))
    return found


_PUT_MEDIA = "INSERT INTO media (sha256, mime, size, data) VALUES (?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING"


def put_media(conn: Connection, data: bytes, mime: str) -> int:
    """Keep ``data`` in the vault; returns its media id (the existing row's when the same bytes are there already)."""
    digest = hashlib.sha256(data).hexdigest()
    conn.exec_driver_sql(_PUT_MEDIA, (digest, mime or "application/octet-stream", len(data), data))
    return int(conn.execute(select(media.c.id).where(media.c.sha256 == digest)).scalar_one())


def attach_media(conn: Connection, attachment_id: int, media_id: int) -> bool:
    """Point an attachment at its bytes in the vault (state ``done``, size the real one); False if it is gone."""
    real_size = select(media.c.size).where(media.c.id == media_id).scalar_subquery()
    result = conn.execute(
        update(attachments)
        .where(attachments.c.id == attachment_id)
        .values(media_id=media_id, download_state=DownloadState.DONE.value, size=real_size)
    )
    return result.rowcount > 0


def mark_download(conn: Connection, attachment_id: int, state: DownloadState) -> bool:
    """Record that a download is pending again, failed, expired or skipped; a ``done`` attachment is never changed.

    Returns whether the row changed. Use :func:`attach_media` to mark a download done.
    """
    if state is DownloadState.DONE:
        raise ValueError("a download is done when its media is attached (attach_media)")
    result = conn.execute(
        update(attachments)
        .where(attachments.c.id == attachment_id)
        .where(attachments.c.download_state != DownloadState.DONE.value)
        .where(attachments.c.download_state != state.value)
        .values(download_state=state.value)
    )
    return result.rowcount > 0


def pending_downloads(
    conn: Connection, limit: int, *, after_id: int = 0, up_to: int | None = None
) -> list[PendingDownload]:
    """Up to ``limit`` pending attachments that have a remote reference, oldest first (in the order they arrived).

    Args:
        after_id: a keyset cursor: only attachments with a larger id (the last ``attachment_id`` already seen).
        up_to: only attachments with an id up to this one; bounds the rows a query walks through, since finding
            the pending ones among the downloaded means reading them (there is no index on the state).
    """
    query = (
        select(
            attachments.c.id,
            attachments.c.message_id,
            messages.c.account_id,
            attachments.c.remote_ref,
            attachments.c.size,
            attachments.c.mime,
            attachments.c.file_name,
            messages.c.conversation_id,
        )
        .join(messages, messages.c.id == attachments.c.message_id)
        .where(attachments.c.id > after_id)
        .where(attachments.c.download_state == DownloadState.PENDING.value)
        .where(attachments.c.remote_ref != "")
        .order_by(attachments.c.id)
        .limit(limit)
    )
    if up_to is not None:
        query = query.where(attachments.c.id <= up_to)
    return [
        PendingDownload(int(a), int(m), int(acc), str(ref), int(size), str(mime), str(name), int(conv))
        for a, m, acc, ref, size, mime, name, conv in conn.execute(query)
    ]


def last_attachment_id(conn: Connection) -> int:
    """The newest attachment's id (0 when there is none)."""
    return int(conn.execute(select(func.coalesce(func.max(attachments.c.id), 0))).scalar_one())


def attachments_of(conn: Connection, message_id: int) -> list[AttachmentInfo]:
    """A message's attachments in order, with where their bytes are."""
    rows = conn.execute(
        select(
            attachments.c.id,
            attachments.c.file_name,
            attachments.c.mime,
            attachments.c.size,
            attachments.c.download_state,
        )
        .where(attachments.c.message_id == message_id)
        .order_by(attachments.c.id)
    )
    return [
        AttachmentInfo(int(i), str(name), str(mime), int(size), _state(str(state)))
        for i, name, mime, size, state in rows
    ]


def _state(value: str) -> DownloadState:
    try:
        return DownloadState(value)
    except ValueError:
        return DownloadState.FAILED  # written by a newer DeskChat: nothing this version can do with it


def media_of_attachment(conn: Connection, attachment_id: int) -> StoredFile | None:
    """The attachment's name, type and bytes, or None when they are not in the vault."""
    row = conn.execute(
        select(attachments.c.file_name, attachments.c.mime, media.c.data)
        .join(media, media.c.id == attachments.c.media_id)
        .where(attachments.c.id == attachment_id)
        .where(attachments.c.download_state == DownloadState.DONE.value)
    ).first()
    if row is None:
        return None
    file_name, mime, data = row
    return StoredFile(str(file_name), str(mime), bytes(data))


def vault_size(conn: Connection) -> int:
    """Bytes of media kept in the vault (each distinct file once)."""
    return int(conn.execute(select(func.coalesce(func.sum(media.c.size), 0))).scalar_one())
