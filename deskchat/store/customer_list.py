"""The conversation list as the attendant sees it: one row per customer, whatever channels they write on.

A customer (a contact) may have a WhatsApp conversation and an e-mail conversation (one per account). The list shows
one row for them: it sits in the tab of the customer's most active ticket (Pendentes before Em atendimento before
Encerrados), shows the latest activity of any of their conversations and the sum of their unread counts. Group
conversations are never folded: each is a row of its own.

Which conversation stands for the customer (its *representative*) is the most active one, the latest among equals.
The list pages over the representatives only, in the order of the index ``ix_conversations_list``; telling whether a
conversation is a representative is one probe of ``ix_conversations_contact``, so every query stays indexed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from sqlalchemy import Connection, select, text

from deskchat.core.events import ConversationStatus
from deskchat.store.conversations import LIST_COLUMNS, ConversationRow, ListCursor, ListScope, list_row
from deskchat.store.schema import accounts, conversations

#: Lower is more active: the tab a customer with several conversations is listed in.
STATUS_RANK: dict[str, int] = {
    ConversationStatus.PENDING.value: 0,
    ConversationStatus.OPEN.value: 1,
    ConversationStatus.CLOSED.value: 2,
}


def _rank_sql(table: str) -> str:
    return f"(CASE {table}.status WHEN 'pending' THEN 0 WHEN 'open' THEN 1 ELSE 2 END)"


#: The outer conversation stands for its customer: no other customer conversation of the contact is more active, or
#: as active and newer. One probe of ix_conversations_contact per candidate row.
_REPRESENTATIVE = text(
    "(conversations.is_group = 1 OR NOT EXISTS (SELECT 1 FROM conversations AS other"
    " WHERE other.contact_id = conversations.contact_id AND other.is_group = 0 AND other.id != conversations.id"
    f" AND ({_rank_sql('other')} < {_rank_sql('conversations')}"
    f" OR ({_rank_sql('other')} = {_rank_sql('conversations')}"
    " AND (other.last_message_at > conversations.last_message_at"
    " OR (other.last_message_at = conversations.last_message_at AND other.id > conversations.id))))))"
)

_MEMBERS_CHUNK = 500


def _representative_of(members: Sequence[ConversationRow]) -> ConversationRow:
    return min(members, key=lambda row: (STATUS_RANK.get(row.status, 2), -row.last_message_at, -row.id))


def _looks_like_address(title: str) -> bool:
    return "@" in title or not title.strip()


def customer_row(members: Sequence[ConversationRow]) -> ConversationRow:
    """One list row from every customer conversation of one contact (or from one group conversation)."""
    representative = _representative_of(members)
    if len(members) == 1:
        return replace(representative, member_ids=(representative.id,), channels=(representative.channel,))
    latest = max(members, key=lambda row: (row.last_message_at, row.id))
    by_activity = sorted(members, key=lambda row: (row.last_message_at, row.id), reverse=True)
    title = next((row.title for row in by_activity if not _looks_like_address(row.title)), representative.title)
    return replace(
        representative,
        title=title,
        channel=latest.channel,
        unread_count=sum(row.unread_count for row in members),
        last_message_at=latest.last_message_at,
        last_preview=latest.last_preview,
        last_outgoing=latest.last_outgoing,
        member_ids=tuple(row.id for row in sorted(members, key=lambda row: row.id)),
        channels=tuple(sorted({row.channel for row in members})),
        list_order=(representative.last_message_at, representative.id),
    )


def _members_of_contacts(conn: Connection, contact_ids: Iterable[int]) -> dict[int, list[ConversationRow]]:
    """Every customer (non-group) conversation of ``contact_ids``, by contact."""
    found: dict[int, list[ConversationRow]] = {}
    ids = sorted(set(contact_ids))
    for first in range(0, len(ids), _MEMBERS_CHUNK):
        query = (
            select(*LIST_COLUMNS)
            .join(accounts, accounts.c.id == conversations.c.account_id)
            .where(conversations.c.contact_id.in_(ids[first : first + _MEMBERS_CHUNK]))
            .where(conversations.c.is_group == 0)
        )
        for raw in conn.execute(query).mappings():
            row = list_row(raw)
            found.setdefault(row.contact_id, []).append(row)
    return found


def _fold(conn: Connection, representatives: Sequence[ConversationRow]) -> list[ConversationRow]:
    members = _members_of_contacts(conn, (row.contact_id for row in representatives if not row.is_group))
    return [customer_row([row] if row.is_group else members.get(row.contact_id, [row])) for row in representatives]


def page(
    conn: Connection, scope: ListScope, after: ListCursor | None = None, limit: int = 100
) -> list[ConversationRow]:
    """One row per customer (and per group) of one tab, most recent first, starting after ``after``."""
    query = (
        select(*LIST_COLUMNS)
        .join(accounts, accounts.c.id == conversations.c.account_id)
        .where(_REPRESENTATIVE)
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
    return _fold(conn, [list_row(raw) for raw in conn.execute(query).mappings()])


def rows_of(conn: Connection, conversation_ids: Sequence[int]) -> dict[int, ConversationRow]:
    """The list row each of ``conversation_ids`` is shown in (its customer's row; its own for a group)."""
    own: dict[int, ConversationRow] = {}
    ids = list(conversation_ids)
    for first in range(0, len(ids), _MEMBERS_CHUNK):
        query = (
            select(*LIST_COLUMNS)
            .join(accounts, accounts.c.id == conversations.c.account_id)
            .where(conversations.c.id.in_(ids[first : first + _MEMBERS_CHUNK]))
        )
        own.update((row.id, row) for row in map(list_row, conn.execute(query).mappings()))
    members = _members_of_contacts(conn, (row.contact_id for row in own.values() if not row.is_group))
    folded: dict[int, ConversationRow] = {}
    by_contact: dict[int, ConversationRow] = {}
    for conversation_id, row in own.items():
        if row.is_group:
            folded[conversation_id] = customer_row([row])
            continue
        if row.contact_id not in by_contact:
            by_contact[row.contact_id] = customer_row(members.get(row.contact_id, [row]))
        folded[conversation_id] = by_contact[row.contact_id]
    return folded


def row_of(conn: Connection, conversation_id: int) -> ConversationRow | None:
    return rows_of(conn, [conversation_id]).get(conversation_id)


#: (id, status, is_group) of each list row's conversation: groups, and the representative of each customer.
_ROW_KEYS = (
    "SELECT id, status, is_group FROM conversations WHERE is_group = 1 OR NOT EXISTS (SELECT 1 FROM conversations AS"
    " other WHERE other.contact_id = conversations.contact_id AND other.is_group = 0 AND other.id != conversations.id"
    f" AND ({_rank_sql('other')} < {_rank_sql('conversations')}"
    f" OR ({_rank_sql('other')} = {_rank_sql('conversations')}"
    " AND (other.last_message_at > conversations.last_message_at"
    " OR (other.last_message_at = conversations.last_message_at AND other.id > conversations.id)))))"
)


def tab_keys(conn: Connection) -> list[tuple[int, str, bool]]:
    """(conversation id, status, is_group) of every list row: which tab each row counts in (a full recount)."""
    return [(int(cid), str(status), bool(is_group)) for cid, status, is_group in conn.exec_driver_sql(_ROW_KEYS)]


def counts(conn: Connection) -> dict[tuple[str, bool], int]:
    """(status, is_group) → how many list rows (customers, groups)."""
    found: dict[tuple[str, bool], int] = {
        (status.value, kind): 0 for status in ConversationStatus for kind in (False, True)
    }
    for _cid, status, is_group in tab_keys(conn):
        found[(status, is_group)] = found.get((status, is_group), 0) + 1
    return found
