"""Conversations: the rows of the attendant's list, paged newest-first per tab."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, RowMapping, bindparam, func, select, update

from deskchat.core.events import ConversationStatus
from deskchat.store import row_values
from deskchat.store.schema import accounts, conversations

#: The list shows the first line of the newest message, at most this long (cut here, not by Qt at paint time).
PREVIEW_CHARS = 200
#: How far into a text the first line is looked for (a 10 MB text is never scanned whole).
_PREVIEW_SCAN = 4 * PREVIEW_CHARS


def preview_text(text: str) -> str:
    """The list preview of ``text``: its first non-blank line, at most :data:`PREVIEW_CHARS` characters."""
    head = text[:_PREVIEW_SCAN].lstrip()
    return head.split("\n", 1)[0].strip()[:PREVIEW_CHARS]


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
    #: In the customer list (:mod:`deskchat.store.customer_list`): every conversation the row stands for, their
    #: channels, and the list position when the row shows a newer conversation than the one it is sorted by.
    member_ids: tuple[int, ...] = ()
    channels: tuple[str, ...] = ()
    list_order: tuple[int, int] | None = None

    @property
    def order(self) -> tuple[int, int]:
        """(time, id) the list is sorted by, newest first."""
        return self.list_order if self.list_order is not None else (self.last_message_at, self.id)

    @property
    def key(self) -> int:
        """What the list row stands for: the customer (contact id), or the group conversation (its id, negated)."""
        return -self.id if self.is_group else self.contact_id


#: Keyset cursor of the list order: (last_message_at, id) of the last row shown.
ListCursor = tuple[int, int]


@dataclass(frozen=True)
class ListScope:
    """Which conversations one list tab shows: one status (``None``: every status), and customer conversations
    only (``groups=False``), groups only (``True``) or both (``None``)."""

    status: str | None
    groups: bool | None = None

    def includes(self, row: ConversationRow) -> bool:
        return (self.status is None or row.status == self.status) and (
            self.groups is None or row.is_group == self.groups
        )

    def count(self, counts: dict[tuple[str, bool], int]) -> int:
        """How many conversations the scope holds, from :func:`count_by_status_and_kind`."""
        return sum(
            n
            for (status, is_group), n in counts.items()
            if (self.status is None or status == self.status) and (self.groups is None or is_group == self.groups)
        )


#: Text columns come as bytes and are decoded in :func:`list_row` (see :mod:`deskchat.store.row_values`).
LIST_COLUMNS = (
    conversations.c.id,
    conversations.c.contact_id,
    conversations.c.account_id,
    row_values.as_bytes(accounts.c.kind, "channel"),
    row_values.as_bytes(conversations.c.title),
    row_values.as_bytes(conversations.c.status),
    conversations.c.unread_count,
    conversations.c.last_message_at,
    row_values.as_bytes(conversations.c.last_preview),
    conversations.c.last_outgoing,
    conversations.c.is_group,
)


def list_row(raw: RowMapping) -> ConversationRow:
    """A list row from whatever the store holds: never raises for a stored value (see :mod:`row_values`)."""
    return ConversationRow(
        id=int(raw["id"]),
        contact_id=row_values.count(raw["contact_id"], "conversations.contact_id"),
        account_id=row_values.count(raw["account_id"], "conversations.account_id"),
        channel=row_values.text(raw["channel"], "accounts.kind"),
        title=row_values.text(raw["title"], "conversations.title"),
        status=row_values.text(raw["status"], "conversations.status"),
        unread_count=row_values.count(raw["unread_count"], "conversations.unread_count"),
        last_message_at=row_values.timestamp(raw["last_message_at"], "conversations.last_message_at"),
        last_preview=row_values.text(raw["last_preview"], "conversations.last_preview"),
        last_outgoing=row_values.flag(raw["last_outgoing"]),
        is_group=row_values.flag(raw["is_group"]),
    )


_FIND_CONVERSATION = "SELECT id FROM conversations WHERE account_id = ? AND channel_key = ?"
_NEW_CONVERSATION = (
    "INSERT INTO conversations (account_id, contact_id, channel_key, title, is_group, created_at)"
    " VALUES (?, ?, ?, ?, ?, ?) RETURNING id"
)


def find_or_create_conversation(
    conn: Connection,
    account_id: int,
    channel_key: str,
    contact_id: int,
    title: str,
    *,
    is_group: bool = False,
    now: int,
) -> int:
    found = conn.exec_driver_sql(_FIND_CONVERSATION, (account_id, channel_key)).scalar()
    if found is not None:
        return int(found)
    new_id = conn.exec_driver_sql(
        _NEW_CONVERSATION, (account_id, contact_id, channel_key, title, int(is_group), now)
    ).scalar_one()
    return int(new_id)


def page(
    conn: Connection, scope: ListScope | str, after: ListCursor | None = None, limit: int = 100
) -> list[ConversationRow]:
    """Conversations of one tab (a :class:`ListScope` or a status), most recent first, starting after ``after``."""
    scope = scope if isinstance(scope, ListScope) else ListScope(scope)
    query = (
        select(*LIST_COLUMNS)
        .join(accounts, accounts.c.id == conversations.c.account_id)
        .order_by(conversations.c.last_message_at.desc(), conversations.c.id.desc())
        .limit(limit)
    )
    if scope.status is not None:
        query = query.where(conversations.c.status == scope.status)
    if scope.groups is not None:
        query = query.where(conversations.c.is_group == int(scope.groups))
    if after is not None:
        last_at, last_id = after
        query = query.where(
            (conversations.c.last_message_at < last_at)
            | ((conversations.c.last_message_at == last_at) & (conversations.c.id < last_id))
        )
    return [list_row(raw) for raw in conn.execute(query).mappings()]


def get(conn: Connection, conversation_id: int) -> ConversationRow | None:
    raw = (
        conn.execute(
            select(*LIST_COLUMNS)
            .join(accounts, accounts.c.id == conversations.c.account_id)
            .where(conversations.c.id == conversation_id)
        )
        .mappings()
        .first()
    )
    return list_row(raw) if raw is not None else None


def count_by_status(conn: Connection) -> dict[str, int]:
    rows = conn.execute(select(conversations.c.status, func.count()).group_by(conversations.c.status))
    counts = {status.value: 0 for status in ConversationStatus}
    counts.update({str(status): int(n) for status, n in rows})
    return counts


#: Covered by the index ix_conversations_tabs(is_group, status): no table rows are read.
_COUNT_BY_KIND_AND_STATUS = "SELECT is_group, status, count(*) FROM conversations GROUP BY is_group, status"


def count_by_status_and_kind(conn: Connection) -> dict[tuple[str, bool], int]:
    """(status, is_group) → how many conversations, for the tab titles of every :class:`ListScope`."""
    counts: dict[tuple[str, bool], int] = {
        (status.value, kind): 0 for status in ConversationStatus for kind in (False, True)
    }
    for is_group, status, n in conn.exec_driver_sql(_COUNT_BY_KIND_AND_STATUS):
        key = (row_values.text(status, "conversations.status"), row_values.flag(is_group))
        counts[key] = counts.get(key, 0) + int(n)
    return counts


#: (id, status, is_group) of every conversation, in id order: the index holds all three.
_TAB_KEYS = "SELECT id, status, is_group FROM conversations INDEXED BY ix_conversations_tabs"


def tab_keys(conn: Connection) -> list[tuple[int, str, bool]]:
    """(id, status, is_group) of every conversation: which tab each one counts in (a full recount)."""
    return [
        (int(cid), row_values.text(status, "conversations.status"), row_values.flag(is_group))
        for cid, status, is_group in conn.exec_driver_sql(_TAB_KEYS)
    ]


_MANY_CHUNK = 500


def get_many(conn: Connection, conversation_ids: Sequence[int]) -> dict[int, ConversationRow]:
    """The list rows of ``conversation_ids`` (those that exist), in few queries."""
    found: dict[int, ConversationRow] = {}
    ids = list(conversation_ids)
    for first in range(0, len(ids), _MANY_CHUNK):
        query = (
            select(*LIST_COLUMNS)
            .join(accounts, accounts.c.id == conversations.c.account_id)
            .where(conversations.c.id.in_(ids[first : first + _MANY_CHUNK]))
        )
        for raw in conn.execute(query).mappings():
            row = list_row(raw)
            found[row.id] = row
    return found


@dataclass(frozen=True)
class ListUpdate:
    """What one batch of messages changes in a conversation's list row."""

    conversation_id: int
    sent_at: int  # of the newest message in the batch
    preview: str
    outgoing: bool
    unread_delta: int = 0


_SET_LAST = (
    update(conversations)
    .where(conversations.c.id == bindparam("cid"))
    .where(conversations.c.last_message_at <= bindparam("at"))
    .values(last_message_at=bindparam("at"), last_preview=bindparam("preview"), last_outgoing=bindparam("out"))
)
_ADD_UNREAD = (
    update(conversations)
    .where(conversations.c.id == bindparam("cid"))
    .values(unread_count=conversations.c.unread_count + bindparam("delta"))
)


def record_messages(conn: Connection, updates: list[ListUpdate]) -> None:
    """Update list rows after new messages: newest preview and time (only if newer), unread badges."""
    if not updates:
        return
    conn.execute(
        _SET_LAST,
        [
            {"cid": u.conversation_id, "at": u.sent_at, "preview": preview_text(u.preview), "out": int(u.outgoing)}
            for u in updates
        ],
    )
    unread = [{"cid": u.conversation_id, "delta": u.unread_delta} for u in updates if u.unread_delta]
    if unread:
        conn.execute(_ADD_UNREAD, unread)


def record_message(
    conn: Connection, conversation_id: int, sent_at: int, preview: str, *, outgoing: bool, unread_delta: int
) -> None:
    """Update one list row after a message (see :func:`record_messages`)."""
    record_messages(conn, [ListUpdate(conversation_id, sent_at, preview, outgoing, unread_delta)])


def closed_among(conn: Connection, conversation_ids: list[int]) -> list[int]:
    """Which of ``conversation_ids`` are closed (their tickets may reopen)."""
    if not conversation_ids:
        return []
    rows = conn.execute(
        select(conversations.c.id)
        .where(conversations.c.status == ConversationStatus.CLOSED.value)
        .where(conversations.c.id.in_(conversation_ids))
    )
    return [int(row[0]) for row in rows]


def mark_read(conn: Connection, conversation_id: int) -> None:
    conn.execute(update(conversations).where(conversations.c.id == conversation_id).values(unread_count=0))


def set_status(conn: Connection, conversation_id: int, status: ConversationStatus, closed_at: int | None) -> None:
    conn.execute(
        update(conversations)
        .where(conversations.c.id == conversation_id)
        .values(status=status.value, closed_at=closed_at)
    )


def unread_total(conn: Connection, *, include_groups: bool = True) -> int:
    """Unread customer messages over every conversation (the window title's and the tray's count)."""
    query = select(func.coalesce(func.sum(conversations.c.unread_count), 0)).where(conversations.c.unread_count > 0)
    if not include_groups:
        query = query.where(conversations.c.is_group == 0)
    return int(conn.execute(query).scalar_one())


def channel_address(conn: Connection, conversation_id: int) -> tuple[int, str]:
    """The account and the channel's key (chat JID, customer address) of a conversation."""
    account_id, channel_key = conn.execute(
        select(conversations.c.account_id, conversations.c.channel_key).where(conversations.c.id == conversation_id)
    ).one()
    return int(account_id), str(channel_key)


def ticket_state(conn: Connection, conversation_id: int) -> tuple[str, int | None]:
    """The conversation's status and when it was closed (unix ms, or None)."""
    status, closed_at = conn.execute(
        select(conversations.c.status, conversations.c.closed_at).where(conversations.c.id == conversation_id)
    ).one()
    return str(status), None if closed_at is None else int(closed_at)


def unread_count(conn: Connection, conversation_id: int) -> int:
    found = conn.execute(select(conversations.c.unread_count).where(conversations.c.id == conversation_id)).scalar()
    return int(found or 0)


def by_channel_key(conn: Connection, account_id: int, channel_key: str) -> int | None:
    """The conversation of ``account_id`` kept under ``channel_key``, if any."""
    found = conn.execute(
        select(conversations.c.id)
        .where(conversations.c.account_id == account_id)
        .where(conversations.c.channel_key == channel_key)
    ).scalar()
    return None if found is None else int(found)


def rekey(conn: Connection, conversation_id: int, channel_key: str, contact_id: int) -> None:
    """Keep the conversation under another channel key, for ``contact_id`` (a LID chat whose number became known)."""
    conn.execute(
        update(conversations)
        .where(conversations.c.id == conversation_id)
        .values(channel_key=channel_key, contact_id=contact_id)
    )


_SET_CUSTOMER_STATUS = (
    "UPDATE conversations SET status = ?, closed_at = ? WHERE id = ? OR (is_group = 0 AND contact_id ="
    " (SELECT contact_id FROM conversations WHERE id = ? AND is_group = 0))"
)


def set_customer_status(
    conn: Connection, conversation_id: int, status: ConversationStatus, closed_at: int | None
) -> None:
    """The ticket belongs to the customer: set the status of every customer conversation of the contact of
    ``conversation_id`` (WhatsApp and e-mail alike); a group conversation alone."""
    conn.exec_driver_sql(_SET_CUSTOMER_STATUS, (status.value, closed_at, conversation_id, conversation_id))
