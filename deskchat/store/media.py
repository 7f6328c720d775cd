"""Attachment previews (thumbnails) as the chat shows them."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, select

from deskchat.store.schema import attachments


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
