"""Messages: insertion deduplicated on (account, channel id), keyset paging newest-first, state changes."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from sqlalchemy import Connection, LargeBinary, RowMapping, case, cast, func, insert, select, update

from deskchat.core.events import DELIVERY_RANK, DeliveryState
from deskchat.core.messages import Attachment
from deskchat.store import row_values
from deskchat.store.schema import SEARCH_TABLE, attachments, messages, reactions


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
    attachments: Sequence[Attachment] = field(default_factory=tuple)


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
    #: ``text`` holds only the first :data:`TEXT_PREFIX_BYTES` of a longer text (rows read for the window by
    #: :func:`page_before` and :func:`get`); :func:`full_text` reads it whole.
    text_cut: bool = False
    #: The text was too long to read here at all (over :data:`INLINE_TEXT_BYTES`): ``text``, ``subject`` and the
    #: state columns are empty; :func:`window_row` reads them (off the GUI thread).
    text_missing: bool = False


#: Keyset cursor in a conversation: (sent_at, id) of the oldest row loaded.
PageCursor = tuple[int, int]

#: Rows read for the window carry at most this much of a text: a bubble shows ≤ 4,000 characters of it, and a
#: 10 MB text must not be copied out of the store for a paint.
TEXT_PREFIX_BYTES = 20_000
#: SQLite reads a whole value even to cut it (≈ 25 ms for 10 MB in SQLCipher): longer texts are not read with the
#: page at all (``octet_length`` does not read the value) and their start comes later (:func:`window_row`).
INLINE_TEXT_BYTES = 1_000_000

#: Text columns come as bytes and are decoded in :func:`_row` (see :mod:`deskchat.store.row_values`).
_COLUMNS = (
    messages.c.id,
    messages.c.conversation_id,
    messages.c.account_id,
    row_values.as_bytes(messages.c.channel_id),
    messages.c.outgoing,
    row_values.as_bytes(messages.c.kind),
    row_values.as_bytes(messages.c.sender_name),
    row_values.as_bytes(messages.c.text),
    row_values.as_bytes(messages.c.subject),
    messages.c.sent_at,
    row_values.as_bytes(messages.c.delivery),
    row_values.as_bytes(messages.c.reply_to_channel_id),
    messages.c.edited_at,
    messages.c.deleted_at,
)


_TEXT_BYTES = cast(messages.c.text, LargeBinary)
_TEXT_LENGTH = func.octet_length(messages.c.text)  # SQLite ≥ 3.43; reads the value's size, not the value
_TEXT_START = func.substr(_TEXT_BYTES, 1, TEXT_PREFIX_BYTES)
#: The same columns with the text cut to its first bytes (none when very long), and its whole length.
_WINDOW_COLUMNS = (
    *(column for column in _COLUMNS if column.key != "text"),
    case((_TEXT_LENGTH <= INLINE_TEXT_BYTES, _TEXT_START), else_=None).label("text"),
    _TEXT_LENGTH.label("text_bytes"),
)
#: The same, with the start of a text of any length (for a worker thread).
_WINDOW_COLUMNS_ANY_SIZE = (
    *(column for column in _COLUMNS if column.key != "text"),
    _TEXT_START.label("text"),
    _TEXT_LENGTH.label("text_bytes"),
)


def _row(raw: RowMapping | dict[str, Any]) -> MessageRow:
    """A message row from whatever the store holds: never raises for a stored value (see :mod:`row_values`)."""
    text = row_values.text
    text_bytes = raw.get("text_bytes")
    cut = isinstance(text_bytes, int) and text_bytes > TEXT_PREFIX_BYTES
    missing = _very_long(text_bytes) and raw["text"] in (None, b"")
    return MessageRow(
        id=int(raw["id"]),
        conversation_id=row_values.count(raw["conversation_id"], "messages.conversation_id"),
        account_id=row_values.count(raw["account_id"], "messages.account_id"),
        channel_id=text(raw["channel_id"], "messages.channel_id"),
        outgoing=row_values.flag(raw["outgoing"]),
        kind=text(raw["kind"], "messages.kind"),
        sender_name=text(raw["sender_name"], "messages.sender_name"),
        text=row_values.text_prefix(raw["text"], "messages.text") if cut else text(raw["text"], "messages.text"),
        subject=text(raw["subject"], "messages.subject"),
        sent_at=row_values.timestamp(raw["sent_at"], "messages.sent_at"),
        delivery=text(raw["delivery"], "messages.delivery"),
        reply_to_channel_id=row_values.optional_text(raw["reply_to_channel_id"], "messages.reply_to_channel_id"),
        edited_at=row_values.optional_timestamp(raw["edited_at"], "messages.edited_at"),
        deleted_at=row_values.optional_timestamp(raw["deleted_at"], "messages.deleted_at"),
        text_cut=cut,
        text_missing=missing,
    )


#: Kind of a placeholder row: the channel announced a message it could not read yet (WhatsApp's
#: ``deskchat.channels.whatsapp.values.PENDING_KIND``). The real message, arriving later with the same channel id,
#: takes the row over, but only from the same conversation and the same author (see :func:`_same_author`): a
#: message from another chat reusing the id is a duplicate, not an upgrade. A placeholder never overwrites anything.
PLACEHOLDER_KIND = "pending"


@dataclass(frozen=True, slots=True)
class Written:
    """A message that changed the store: a new row, or a placeholder row ``upgraded`` to the real message."""

    id: int
    conversation_id: int
    upgraded: bool = False


class Upgrade(NamedTuple):
    """The message at ``position`` in a batch took over the placeholder row ``id`` (of ``conversation_id``)."""

    position: int
    id: int
    conversation_id: int


@dataclass(frozen=True, slots=True)
class BulkWritten:
    """What :func:`put_messages` did with the messages of a batch."""

    added: int  # new rows
    ids: list[int | None]  # in batch order: each message's new row; None if stored already (or earlier in the batch)
    upgraded: list[Upgrade]  # in batch order


def _message_params(message: NewMessage, stored_at: int) -> tuple[object, ...]:
    return (
        message.conversation_id,
        message.account_id,
        message.channel_id,
        int(message.outgoing),
        message.kind,
        message.sender_name,
        message.text,
        message.subject,
        message.sent_at,
        stored_at,
        message.delivery.value,
        message.reply_to_channel_id,
    )


def _upgrade_params(message: NewMessage) -> tuple[object, ...]:
    return (
        message.kind,
        message.text,
        message.subject,
        message.sender_name,
        message.reply_to_channel_id,
        message.sent_at,
    )


def _attachment_rows(message_id: int, message: NewMessage) -> list[tuple[object, ...]]:
    return [(message_id, a.file_name, a.mime, a.size, a.thumbnail, a.remote_ref) for a in message.attachments]


_INSERT = (
    "INSERT OR IGNORE INTO messages (conversation_id, account_id, channel_id, outgoing, kind, sender_name, text,"
    " subject, sent_at, stored_at, delivery, reply_to_channel_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_ONE = _INSERT + " RETURNING id"
# The real message replaces what the placeholder could not know; sent_at takes the message's own timestamp, which is
# authoritative. Delivery and direction stay: receipts may already have moved the placeholder's ticks forward.
# The messages_search_update trigger rewrites the row's search entry (text, subject and attachment names).
_UPGRADE_SET = (
    "UPDATE messages SET kind = ?, text = ?, subject = ?, sender_name = coalesce(nullif(?, ''), sender_name),"
    " reply_to_channel_id = ?, sent_at = ?"
)
_UPGRADE_BY_ID = _UPGRADE_SET + f" WHERE id = ? AND kind = '{PLACEHOLDER_KIND}'"
_PLACEHOLDERS_AMONG = (
    "SELECT m.id, m.conversation_id, m.channel_id, m.outgoing, m.sender_name, c.is_group"
    " FROM messages m JOIN conversations c ON c.id = m.conversation_id"
    f" WHERE m.account_id = ? AND m.kind = '{PLACEHOLDER_KIND}' AND m.channel_id IN (SELECT value FROM json_each(?))"
)
_INSERT_ATTACHMENT = (
    "INSERT INTO attachments (message_id, file_name, mime, size, thumbnail, remote_ref) VALUES (?, ?, ?, ?, ?, ?)"
)
_INDEX_ONE = f"INSERT INTO {SEARCH_TABLE} (rowid, body, subject, files) VALUES (?, ?, ?, '')"
_INDEX_NEWER_THAN = (
    f"INSERT INTO {SEARCH_TABLE} (rowid, body, subject, files) SELECT id, text, subject, '' FROM messages WHERE id > ?"
)
_NEWEST_ID = "SELECT coalesce(max(id), 0) FROM messages"
_NEW_ROWS = "SELECT id, account_id, channel_id FROM messages WHERE id > ?"


def put_message(conn: Connection, message: NewMessage, *, now: int) -> Written | None:
    """Store one message with its attachments, or upgrade the placeholder row stored under its channel id.

    None when (account, channel id) is already stored as anything but a placeholder (or ``message`` is itself a
    placeholder): nothing changed.
    """
    found = conn.exec_driver_sql(_INSERT_ONE, _message_params(message, now)).first()
    if found is not None:
        written = Written(int(found[0]), message.conversation_id)
        conn.exec_driver_sql(_INDEX_ONE, (written.id, message.text, message.subject))
    elif message.kind == PLACEHOLDER_KIND:
        return None
    else:
        upgrades = _upgrade_placeholders(conn, [message], [None])
        if not upgrades:
            return None
        written = Written(upgrades[0].id, upgrades[0].conversation_id, upgraded=True)
    if message.attachments:
        # The attachments_search_insert trigger adds each name to the message's search entry.
        conn.exec_driver_sql(_INSERT_ATTACHMENT, _attachment_rows(written.id, message))
    return written


def add_message(conn: Connection, message: NewMessage, *, now: int) -> int | None:
    """Store one message with its attachments; returns the id of the row written, or None if nothing changed.

    See :func:`put_message`, which also tells a new row from an upgraded placeholder.
    """
    written = put_message(conn, message, now=now)
    return written.id if written is not None else None


def put_messages(conn: Connection, batch: Sequence[NewMessage], *, now: int) -> BulkWritten:
    """Store many messages at once (history sync, import); duplicates are skipped, placeholders upgraded.

    The hot path of ingest: one prepared statement executed for every row, one statement indexing the new rows,
    one for all the attachments. Within the batch the first message with a channel id is the one inserted; a later
    real message with the same id upgrades it if it was a placeholder.
    """
    if not batch:
        return BulkWritten(0, [], [])
    stored_at = now
    # Writes are serialised by the single writer and ids are max(id) + 1, so the new rows are exactly the ids
    # newest_before + 1 … newest_after, in batch order.
    newest_before = int(conn.exec_driver_sql(_NEWEST_ID).scalar_one())
    conn.exec_driver_sql(_INSERT, [_message_params(m, stored_at) for m in batch])
    added = int(conn.exec_driver_sql(_NEWEST_ID).scalar_one()) - newest_before
    ids: list[int | None]
    if added == len(batch):
        ids = list(range(newest_before + 1, newest_before + 1 + added))
    elif added == 0:
        ids = [None] * len(batch)
    else:
        new = {(int(a), str(c)): int(i) for i, a, c in conn.exec_driver_sql(_NEW_ROWS, (newest_before,))}
        ids = [new.pop((m.account_id, m.channel_id), None) for m in batch]
    if added:
        conn.exec_driver_sql(_INDEX_NEWER_THAN, (newest_before,))
    upgraded = _upgrade_placeholders(conn, batch, ids) if added < len(batch) else []
    targets = {upgrade.position: upgrade.id for upgrade in upgraded}
    attachment_rows: list[tuple[object, ...]] = []
    for index, message in enumerate(batch):
        if message.attachments:
            target = ids[index] or targets.get(index)
            if target is not None:
                attachment_rows += _attachment_rows(target, message)
    if attachment_rows:
        # The attachments_search_insert trigger adds each name to its message's search entry.
        conn.exec_driver_sql(_INSERT_ATTACHMENT, attachment_rows)
    return BulkWritten(added, ids, upgraded)


def _upgrade_placeholders(conn: Connection, batch: Sequence[NewMessage], ids: list[int | None]) -> list[Upgrade]:
    """Let the batch's real messages that were not inserted take over placeholder rows with their channel ids."""
    candidates: dict[tuple[int, str], int] = {}  # the last real message of the batch for each id not inserted
    for index, message in enumerate(batch):
        if ids[index] is None and message.kind != PLACEHOLDER_KIND:
            candidates[(message.account_id, message.channel_id)] = index
    if not candidates:
        return []
    by_account: dict[int, list[str]] = {}
    for account_id, channel_id in candidates:
        by_account.setdefault(account_id, []).append(channel_id)
    upgraded: list[Upgrade] = []
    for account_id, channel_ids in by_account.items():
        rows = conn.exec_driver_sql(_PLACEHOLDERS_AMONG, (account_id, json.dumps(channel_ids)))
        for message_id, conversation_id, channel_id, outgoing, sender_name, is_group in rows:
            position = candidates[(account_id, str(channel_id))]
            placeholder = _Placeholder(int(conversation_id), bool(outgoing), str(sender_name), bool(is_group))
            if _same_author(placeholder, batch[position]):
                upgraded.append(Upgrade(position, int(message_id), int(conversation_id)))
    if upgraded:
        upgraded.sort()
        conn.exec_driver_sql(
            _UPGRADE_BY_ID, [(*_upgrade_params(batch[upgrade.position]), upgrade.id) for upgrade in upgraded]
        )
    return upgraded


class _Placeholder(NamedTuple):
    conversation_id: int
    outgoing: bool
    sender_name: str
    is_group: bool


def _same_author(placeholder: _Placeholder, message: NewMessage) -> bool:
    """Whether ``message`` may take over ``placeholder``: the same conversation and the same author.

    In a 1:1 conversation the author is the side (the customer or us). In a group the store knows an incoming
    message's author only by the name it was sent with, so both names must agree when both are known.
    """
    if placeholder.conversation_id != message.conversation_id or placeholder.outgoing != message.outgoing:
        return False
    if not placeholder.is_group or message.outgoing or not placeholder.sender_name or not message.sender_name:
        return True
    return placeholder.sender_name == message.sender_name


def add_messages_bulk(conn: Connection, batch: Sequence[NewMessage], *, now: int) -> int:
    """Store many messages at once (see :func:`put_messages`); returns how many rows were new."""
    return put_messages(conn, batch, now=now).added


def page_before(
    conn: Connection, conversation_id: int, before: PageCursor | None = None, limit: int = 50
) -> list[MessageRow]:
    """Up to ``limit`` messages older than ``before`` (the newest ones when None), oldest first.

    Long texts come cut (see :attr:`MessageRow.text_cut`). A very long one is not read at all, nor are the columns
    stored after it (reaching them walks the whole value): its row comes with ``text_missing`` and
    :func:`window_row` completes it.
    """
    query = (
        select(messages.c.id, messages.c.sent_at, _TEXT_LENGTH.label("text_bytes"))
        .where(messages.c.conversation_id == conversation_id)
        .order_by(messages.c.sent_at.desc(), messages.c.id.desc())
        .limit(limit)
    )
    if before is not None:
        sent_at, message_id = before
        query = query.where(
            (messages.c.sent_at < sent_at) | ((messages.c.sent_at == sent_at) & (messages.c.id < message_id))
        )
    keys = conn.execute(query).all()
    very_long = {int(message_id): sent_at for message_id, sent_at, size in keys if _very_long(size)}
    rows = [
        *_rows_by_id(conn, [int(key[0]) for key in keys if int(key[0]) not in very_long]),
        *_partial_rows(conn, very_long),
    ]
    rows.sort(key=lambda row: (row.sent_at, row.id))
    return rows


def get(conn: Connection, message_id: int) -> MessageRow | None:
    """One message as the window shows it: a long text comes cut, a very long one left out (see page_before)."""
    head = conn.execute(select(messages.c.conversation_id, _TEXT_LENGTH).where(messages.c.id == message_id)).first()
    if head is None:
        return None
    conversation_id, size = head
    if not _very_long(size):
        return window_row(conn, message_id)
    sent_at = conn.execute(  # from the index: the row's own copy lies after the text
        select(messages.c.sent_at)
        .with_hint(messages, "INDEXED BY ix_messages_conversation_time")
        .where(messages.c.conversation_id == conversation_id)
        .where(messages.c.id == message_id)
    ).scalar()
    return next(iter(_partial_rows(conn, {message_id: sent_at})), None)


def window_row(conn: Connection, message_id: int) -> MessageRow | None:
    """One message with at most :data:`TEXT_PREFIX_BYTES` of its text, whatever its length (reads it whole)."""
    raw = conn.execute(select(*_WINDOW_COLUMNS_ANY_SIZE).where(messages.c.id == message_id)).mappings().first()
    return _row(raw) if raw is not None else None


def full_text(conn: Connection, message_id: int) -> str:
    """The whole text of a message ("" if there is none)."""
    raw = conn.execute(select(row_values.as_bytes(messages.c.text)).where(messages.c.id == message_id)).scalar()
    return row_values.text(raw, "messages.text")


def _very_long(size: object) -> bool:
    return isinstance(size, int) and size > INLINE_TEXT_BYTES


def _rows_by_id(conn: Connection, ids: list[int]) -> list[MessageRow]:
    if not ids:
        return []
    return [_row(raw) for raw in conn.execute(select(*_WINDOW_COLUMNS).where(messages.c.id.in_(ids))).mappings()]


#: The columns stored before ``text`` (reading them never walks the text).
_LEADING_COLUMNS = (
    messages.c.id,
    messages.c.conversation_id,
    messages.c.account_id,
    row_values.as_bytes(messages.c.channel_id),
    messages.c.outgoing,
    row_values.as_bytes(messages.c.kind),
    row_values.as_bytes(messages.c.sender_name),
)


def _partial_rows(conn: Connection, sent_at_by_id: dict[int, object]) -> list[MessageRow]:
    """Rows of very long texts from their leading columns only: text, subject and state come with window_row."""
    if not sent_at_by_id:
        return []
    query = select(*_LEADING_COLUMNS).where(messages.c.id.in_(list(sent_at_by_id)))
    return [
        _row(
            {
                **raw,
                "text": b"",
                "subject": b"",
                "sent_at": sent_at_by_id[int(raw["id"])],
                "delivery": b"",
                "reply_to_channel_id": None,
                "edited_at": None,
                "deleted_at": None,
                "text_bytes": INLINE_TEXT_BYTES + 1,
            }
        )
        for raw in conn.execute(query).mappings()
    ]


_KNOWN_AMONG = "SELECT channel_id FROM messages WHERE account_id = ? AND channel_id IN (SELECT value FROM json_each(?))"


def known_channel_ids(conn: Connection, account_id: int, channel_ids: Sequence[str]) -> set[str]:
    """Which of ``channel_ids`` are stored on ``account_id`` (one probe of the (account, channel id) index each)."""
    if not channel_ids:
        return set()
    found = conn.exec_driver_sql(_KNOWN_AMONG, (account_id, json.dumps(list(channel_ids))))
    return {row_values.text(value, "messages.channel_id") for (value,) in found}


def find_by_channel_id(conn: Connection, account_id: int, channel_id: str) -> MessageRow | None:
    raw = (
        conn.execute(
            select(*_COLUMNS).where(messages.c.account_id == account_id).where(messages.c.channel_id == channel_id)
        )
        .mappings()
        .first()
    )
    return _row(raw) if raw is not None else None


def latest_incoming_ids(conn: Connection, conversation_id: int, limit: int) -> list[str]:
    """The channel ids of the conversation's ``limit`` newest incoming messages."""
    if limit <= 0:
        return []
    found = conn.execute(
        select(messages.c.channel_id)
        .where(messages.c.conversation_id == conversation_id)
        .where(messages.c.outgoing == 0)
        .order_by(messages.c.sent_at.desc(), messages.c.id.desc())
        .limit(limit)
    ).scalars()
    return [str(channel_id) for channel_id in found]


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
        select(reactions.c.message_id, row_values.as_bytes(reactions.c.emoji))
        .where(reactions.c.message_id.in_(message_ids))
        .order_by(reactions.c.reacted_at)
    )
    for message_id, emoji in rows:
        result.setdefault(int(message_id), []).append(row_values.text(emoji, "reactions.emoji"))
    return result


def attachment_names(conn: Connection, message_ids: Sequence[int]) -> dict[int, list[tuple[str, str, int]]]:
    """(file name, mime, size) of each message's attachments."""
    result: dict[int, list[tuple[str, str, int]]] = {}
    if not message_ids:
        return result
    rows = conn.execute(
        select(
            attachments.c.message_id,
            row_values.as_bytes(attachments.c.file_name),
            row_values.as_bytes(attachments.c.mime),
            attachments.c.size,
        )
        .where(attachments.c.message_id.in_(message_ids))
        .order_by(attachments.c.id)
    )
    for message_id, name, mime, size in rows:
        entry = (
            row_values.text(name, "attachments.file_name"),
            row_values.text(mime, "attachments.mime"),
            row_values.count(size, "attachments.size"),
        )
        result.setdefault(int(message_id), []).append(entry)
    return result
