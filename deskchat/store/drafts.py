"""Drafts: what the attendant typed for a conversation and has not sent, kept across restarts.

A draft is the composer's text, the message the reply bar quotes (by its channel id) and the files chosen for it.
An empty draft is no row.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import Connection, delete, select

from deskchat.store import row_values
from deskchat.store.schema import drafts


@dataclass(frozen=True)
class Draft:
    text: str = ""
    reply_to_channel_id: str | None = None
    attachments: tuple[str, ...] = ()  # paths of files chosen to go with the text

    @property
    def is_empty(self) -> bool:
        return not self.text.strip() and self.reply_to_channel_id is None and not self.attachments


EMPTY = Draft()

_SAVE = (
    "INSERT INTO drafts (conversation_id, text, reply_to_channel_id, attachments_json, updated_at)"
    " SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM conversations WHERE id = ?)"
    " ON CONFLICT (conversation_id) DO UPDATE SET text = excluded.text,"
    " reply_to_channel_id = excluded.reply_to_channel_id, attachments_json = excluded.attachments_json,"
    " updated_at = excluded.updated_at"
)


def save(conn: Connection, conversation_id: int, draft: Draft, now: int) -> None:
    """Keep ``draft`` for the conversation (an empty one removes it); a conversation gone meanwhile is skipped."""
    if draft.is_empty:
        discard(conn, conversation_id)
        return
    attachments = json.dumps(list(draft.attachments))
    conn.exec_driver_sql(
        _SAVE, (conversation_id, draft.text, draft.reply_to_channel_id, attachments, now, conversation_id)
    )


def save_all(conn: Connection, pending: Mapping[int, Draft], now: int) -> None:
    """Save several conversations' drafts in one transaction (an empty draft deletes its row)."""
    for conversation_id, draft in pending.items():
        save(conn, conversation_id, draft, now)


def discard(conn: Connection, conversation_id: int) -> None:
    conn.execute(delete(drafts).where(drafts.c.conversation_id == conversation_id))


def get(conn: Connection, conversation_id: int) -> Draft:
    """The conversation's draft (:data:`EMPTY` when none); stored values are read defensively."""
    raw = (
        conn.execute(
            select(
                row_values.as_bytes(drafts.c.text),
                row_values.as_bytes(drafts.c.reply_to_channel_id),
                row_values.as_bytes(drafts.c.attachments_json),
            ).where(drafts.c.conversation_id == conversation_id)
        )
        .mappings()
        .first()
    )
    if raw is None:
        return EMPTY
    return Draft(
        text=row_values.text(raw["text"], "drafts.text"),
        reply_to_channel_id=row_values.optional_text(raw["reply_to_channel_id"], "drafts.reply_to_channel_id") or None,
        attachments=_attachments(row_values.text(raw["attachments_json"], "drafts.attachments_json")),
    )


def _attachments(stored: str) -> tuple[str, ...]:
    try:
        value = json.loads(stored or "[]")
    except (ValueError, RecursionError):
        return ()
    if not isinstance(value, list):
        return ()
    return tuple(item for item in value if isinstance(item, str))
