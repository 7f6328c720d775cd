"""Messages: insertion deduplicated on (account, channel id), keyset paging newest-first, state changes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import Connection, RowMapping, func, insert, select, update

from deskchat.core.events import DELIVERY_RANK, DeliveryState
from deskchat.store.clock import now_ms
from deskchat.store.schema import SEARCH_TABLE, attachments, messages, reactions


@dataclass(frozen=True)
class NewAttachment:
    file_name: str
    mime: str
    size: int = 0
    thumbnail: bytes | None = None
    remote_ref: str = ""


@dataclass(slots=True)
class NewMessage:
    """A message about to be stored."""

    conversation_id: int
    account_id: int
    channel_id: str
    outgoing: bool
    text: str
    sent_at: int  # unix ms
    delivery: DeliveryState
    kind: str = "text"
    sender_name: str = ""
    subject: str = ""
    reply_to_channel_id: str | None = None
    attachments: Sequence[NewAttachment] = field(default_factory=tuple)


@dataclass(frozen=True)
class MessageRow:
    id: int
    conversation_id: int
    account_id: int
    channel_id: str
    outgoing: bool
    kind: str
    sender_name: str
    text: str
    subject: str
    sent_at: int
    delivery: str
    reply_to_channel_id: str | None
    edited_at: int | None
    deleted_at: int | None


#: Keyset cursor in a conversation: (sent_at, id) of the oldest row loaded.
PageCursor = tuple[int, int]

_COLUMNS = (
    messages.c.id,
    messages.c.conversation_id,
    messages.c.account_id,
    messages.c.channel_id,
    messages.c.outgoing,
    messages.c.kind,
    messages.c.sender_name,
    messages.c.text,
    messages.c.subject,
    messages.c.sent_at,
    messages.c.delivery,
    messages.c.reply_to_channel_id,
    messages.c.edited_at,
    messages.c.deleted_at,
)


def _row(raw: RowMapping) -> MessageRow:
    fields = dict(raw)
    fields["outgoing"] = bool(fields["outgoing"])
    return MessageRow(**fields)


def _values(message: NewMessage, stored_at: int) -> dict[str, object]:
    return {
        "conversation_id": message.conversation_id,
        "account_id": message.account_id,
        "channel_id": message.channel_id,
        "outgoing": int(message.outgoing),
        "kind": message.kind,
        "sender_name": message.sender_name,
        "text": message.text,
        "subject": message.subject,
        "sent_at": message.sent_at,
        "stored_at": stored_at,
        "delivery": message.delivery.value,
        "reply_to_channel_id": message.reply_to_channel_id,
    }


def add_message(conn: Connection, message: NewMessage) -> int | None:
    """Store one message with its attachments; returns its id, or None if (account, channel id) is already stored."""
    result = conn.execute(
        insert(messages).prefix_with("OR IGNORE").values(**_values(message, now_ms())).returning(messages.c.id)
    ).first()
    if result is None:
        return None
    message_id = int(result[0])
    conn.exec_driver_sql(_INDEX_ONE, (message_id, message.text, message.subject))
    for attachment in message.attachments:
        conn.execute(
            insert(attachments).values(
                message_id=message_id,
                file_name=attachment.file_name,
                mime=attachment.mime,
                size=attachment.size,
                thumbnail=attachment.thumbnail,
                remote_ref=attachment.remote_ref,
            )
        )
    return message_id


_INDEX_ONE = f"INSERT INTO {SEARCH_TABLE} (rowid, body, subject, files) VALUES (?, ?, ?, '')"
_INDEX_NEWER_THAN = (
    f"INSERT INTO {SEARCH_TABLE} (rowid, body, subject, files) SELECT id, text, subject, '' FROM messages WHERE id > ?"
)
_BULK_INSERT = (
    "INSERT OR IGNORE INTO messages (conversation_id, account_id, channel_id, outgoing, kind, sender_name, text,"
    " subject, sent_at, stored_at, delivery, reply_to_channel_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def add_messages_bulk(conn: Connection, batch: Sequence[NewMessage]) -> int:
    """Store many attachment-less messages at once (history sync, import); duplicates are skipped.

    The hot path of ingest: one prepared statement, executed for every row. Returns how many rows were new.
    """
    if not batch:
        return 0
    stored_at = now_ms()
    # Writes are serialised by the single writer, so the rows above the current maximum id are exactly the new ones.
    newest_before = conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM messages").scalar_one()
    before = conn.exec_driver_sql("SELECT total_changes()").scalar_one()
    conn.exec_driver_sql(
        _BULK_INSERT,
        [
            (
                m.conversation_id,
                m.account_id,
                m.channel_id,
                int(m.outgoing),
                m.kind,
                m.sender_name,
                m.text,
                m.subject,
                m.sent_at,
                stored_at,
                m.delivery.value,
                m.reply_to_channel_id,
            )
            for m in batch
        ],
    )
    added = int(conn.exec_driver_sql("SELECT total_changes()").scalar_one() - before)
    if added:
        conn.exec_driver_sql(_INDEX_NEWER_THAN, (newest_before,))
    return added


def page_before(
    conn: Connection, conversation_id: int, before: PageCursor | None = None, limit: int = 50
) -> list[MessageRow]:
    """Up to ``limit`` messages older than ``before`` (the newest ones when None), oldest first."""
    query = (
        select(*_COLUMNS)
        .where(messages.c.conversation_id == conversation_id)
        .order_by(messages.c.sent_at.desc(), messages.c.id.desc())
        .limit(limit)
    )
    if before is not None:
        sent_at, message_id = before
        query = query.where(
            (messages.c.sent_at < sent_at) | ((messages.c.sent_at == sent_at) & (messages.c.id < message_id))
        )
    rows = [_row(raw) for raw in conn.execute(query).mappings()]
    rows.reverse()
    return rows


def get(conn: Connection, message_id: int) -> MessageRow | None:
    raw = conn.execute(select(*_COLUMNS).where(messages.c.id == message_id)).mappings().first()
    return _row(raw) if raw is not None else None


def find_by_channel_id(conn: Connection, account_id: int, channel_id: str) -> MessageRow | None:
    raw = (
        conn.execute(
            select(*_COLUMNS).where(messages.c.account_id == account_id).where(messages.c.channel_id == channel_id)
        )
        .mappings()
        .first()
    )
    return _row(raw) if raw is not None else None


def count_in_conversation(conn: Connection, conversation_id: int) -> int:
    return int(conn.execute(select(func.count()).where(messages.c.conversation_id == conversation_id)).scalar_one())


def advance_delivery(conn: Connection, message_id: int, state: DeliveryState) -> bool:
    """Move an outgoing message's delivery state forward (never backwards; FAILED only from QUEUED/SENT).

    Returns whether the row changed.
    """
    current = conn.execute(select(messages.c.delivery).where(messages.c.id == message_id)).scalar()
    if current is None:
        return False
    current_state = DeliveryState(current)
    if state is DeliveryState.FAILED:
        allowed = current_state in (DeliveryState.QUEUED, DeliveryState.SENT)
    elif current_state is DeliveryState.FAILED:
        allowed = True  # a retry went through
    else:
        allowed = DELIVERY_RANK[state] > DELIVERY_RANK[current_state]
    if allowed:
        conn.execute(update(messages).where(messages.c.id == message_id).values(delivery=state.value))
    return allowed


def set_channel_id(conn: Connection, message_id: int, channel_id: str) -> None:
    conn.execute(update(messages).where(messages.c.id == message_id).values(channel_id=channel_id))


def mark_edited(conn: Connection, message_id: int, new_text: str, edited_at: int) -> None:
    conn.execute(update(messages).where(messages.c.id == message_id).values(text=new_text, edited_at=edited_at))


def mark_deleted(conn: Connection, message_id: int, deleted_at: int) -> None:
    conn.execute(update(messages).where(messages.c.id == message_id).values(text="", deleted_at=deleted_at))


def set_reaction(conn: Connection, message_id: int, sender: str, emoji: str, reacted_at: int) -> None:
    """Set (or with an empty ``emoji`` remove) one sender's reaction."""
    conn.execute(reactions.delete().where(reactions.c.message_id == message_id).where(reactions.c.sender == sender))
    if emoji:
        conn.execute(insert(reactions).values(message_id=message_id, sender=sender, emoji=emoji, reacted_at=reacted_at))


def reactions_of(conn: Connection, message_ids: Sequence[int]) -> dict[int, list[str]]:
    result: dict[int, list[str]] = {}
    if not message_ids:
        return result
    rows = conn.execute(
        select(reactions.c.message_id, reactions.c.emoji)
        .where(reactions.c.message_id.in_(message_ids))
        .order_by(reactions.c.reacted_at)
    )
    for message_id, emoji in rows:
        result.setdefault(int(message_id), []).append(str(emoji))
    return result


def attachment_names(conn: Connection, message_ids: Sequence[int]) -> dict[int, list[tuple[str, str, int]]]:
    """(file name, mime, size) of each message's attachments."""
    result: dict[int, list[tuple[str, str, int]]] = {}
    if not message_ids:
        return result
    rows = conn.execute(
        select(attachments.c.message_id, attachments.c.file_name, attachments.c.mime, attachments.c.size)
        .where(attachments.c.message_id.in_(message_ids))
        .order_by(attachments.c.id)
    )
    for message_id, name, mime, size in rows:
        result.setdefault(int(message_id), []).append((str(name), str(mime), int(size)))
    return result
