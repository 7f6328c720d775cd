"""Conversations: the rows of the attendant's list, paged newest-first per tab."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, RowMapping, func, insert, select, update

from deskchat.core.events import ConversationStatus
from deskchat.store.clock import now_ms
from deskchat.store.rows import inserted_id
from deskchat.store.schema import accounts, conversations

PREVIEW_CHARS = 120


@dataclass(frozen=True)
class ConversationRow:
    id: int
    contact_id: int
    account_id: int
    channel: str  # ChannelKind value of the account
    title: str
    status: str
    unread_count: int
    last_message_at: int
    last_preview: str
    last_outgoing: bool
    is_group: bool


#: Keyset cursor of the list order: (last_message_at, id) of the last row shown.
ListCursor = tuple[int, int]

_COLUMNS = (
    conversations.c.id,
    conversations.c.contact_id,
    conversations.c.account_id,
    accounts.c.kind.label("channel"),
    conversations.c.title,
    conversations.c.status,
    conversations.c.unread_count,
    conversations.c.last_message_at,
    conversations.c.last_preview,
    conversations.c.last_outgoing,
    conversations.c.is_group,
)


def _row(raw: RowMapping) -> ConversationRow:
    fields = dict(raw)
    fields["last_outgoing"] = bool(fields["last_outgoing"])
    fields["is_group"] = bool(fields["is_group"])
    return ConversationRow(**fields)


def find_or_create_conversation(
    conn: Connection,
    account_id: int,
    channel_key: str,
    contact_id: int,
    title: str,
    *,
    is_group: bool = False,
) -> int:
    found = conn.execute(
        select(conversations.c.id)
        .where(conversations.c.account_id == account_id)
        .where(conversations.c.channel_key == channel_key)
    ).scalar()
    if found is not None:
        return int(found)
    return inserted_id(conn.execute(
            insert(conversations).values(
                account_id=account_id,
                contact_id=contact_id,
                channel_key=channel_key,
                title=title,
                is_group=int(is_group),
                created_at=now_ms(),
            )
        ))


def page(conn: Connection, status: str, after: ListCursor | None = None, limit: int = 100) -> list[ConversationRow]:
    """Conversations of one tab, most recent first, starting after ``after``."""
    query = (
        select(*_COLUMNS)
        .join(accounts, accounts.c.id == conversations.c.account_id)
        .where(conversations.c.status == status)
        .order_by(conversations.c.last_message_at.desc(), conversations.c.id.desc())
        .limit(limit)
    )
    if after is not None:
        last_at, last_id = after
        query = query.where(
            (conversations.c.last_message_at < last_at)
            | ((conversations.c.last_message_at == last_at) & (conversations.c.id < last_id))
        )
    return [_row(raw) for raw in conn.execute(query).mappings()]


def get(conn: Connection, conversation_id: int) -> ConversationRow | None:
    raw = conn.execute(
        select(*_COLUMNS)
        .join(accounts, accounts.c.id == conversations.c.account_id)
        .where(conversations.c.id == conversation_id)
    ).mappings().first()
    return _row(raw) if raw is not None else None


def count_by_status(conn: Connection) -> dict[str, int]:
    rows = conn.execute(select(conversations.c.status, func.count()).group_by(conversations.c.status))
    counts = {status.value: 0 for status in ConversationStatus}
    counts.update({str(status): int(n) for status, n in rows})
    return counts


def record_message(
    conn: Connection, conversation_id: int, sent_at: int, preview: str, *, outgoing: bool, unread_delta: int
) -> None:
    """Update the list row after a message: newest preview and time (only if newer), unread badge."""
    conn.execute(
        update(conversations)
        .where(conversations.c.id == conversation_id)
        .where(conversations.c.last_message_at <= sent_at)
        .values(last_message_at=sent_at, last_preview=preview[:PREVIEW_CHARS], last_outgoing=int(outgoing))
    )
    if unread_delta:
        conn.execute(
            update(conversations)
            .where(conversations.c.id == conversation_id)
            .values(unread_count=conversations.c.unread_count + unread_delta)
        )


def mark_read(conn: Connection, conversation_id: int) -> None:
    conn.execute(update(conversations).where(conversations.c.id == conversation_id).values(unread_count=0))


def set_status(conn: Connection, conversation_id: int, status: ConversationStatus, closed_at: int | None) -> None:
    conn.execute(
        update(conversations)
        .where(conversations.c.id == conversation_id)
        .values(status=status.value, closed_at=closed_at)
    )
