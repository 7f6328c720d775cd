"""The conversation list as the attendant sees it: one row per customer, whatever channels they write on.

A customer (a contact) may have a WhatsApp conversation and an e-mail conversation (one per account). The list shows
one row for them: it sits in the tab of the customer's most active ticket (Pendentes before Em atendimento before
Encerrados), shows the latest activity of any of their conversations and the sum of their unread counts. Group
conversations are never folded: each is a row of its own.

Which conversation stands for the customer (its *representative*) is the most active one, the latest among equals.
The list pages over the representatives only, in the order of the index ``ix_conversations_list``; telling whether a
conversation is a representative is one probe of ``ix_conversations_customer``, so every query stays indexed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import replace

from sqlalchemy import Connection, select, text

from deskchat.core.events import ConversationStatus
from deskchat.store import row_values
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
#: as active and newer. One probe of ix_conversations_customer per candidate row (index only for most customers).
_REPRESENTATIVE = text(
    "(conversations.is_group = 1 OR NOT EXISTS (SELECT 1 FROM conversations AS other"
    " INDEXED BY ix_conversations_customer"
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


_SHARED_AMONG = (
    "SELECT contact_id FROM conversations INDEXED BY ix_conversations_customer WHERE is_group = 0"
    " AND contact_id IN (SELECT value FROM json_each(?)) GROUP BY contact_id HAVING count(*) > 1"
)


def _members_of_contacts(conn: Connection, contact_ids: Iterable[int]) -> dict[int, list[ConversationRow]]:
    """Every customer (non-group) conversation of those of ``contact_ids`` who have several, by contact (a customer
    with one conversation is absent: the caller's row is all of it). Finding them reads only an index."""
    found: dict[int, list[ConversationRow]] = {}
    wanted = sorted(set(contact_ids))
    if not wanted:
        return found
    ids = [int(cid) for (cid,) in conn.exec_driver_sql(_SHARED_AMONG, (json.dumps(wanted),))]
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


# -- tab counts -------------------------------------------------------------------------------------------------------
# Most customers write on one channel: their conversation is their row. So the counts start from the per-conversation
# count (one pass over ix_conversations_tabs, as before the list folded customers) and correct only the customers with
# several conversations, found in ix_conversations_customer; when there are none (the count of distinct customers
# says so), that second read is skipped. Nothing here reads the conversations table row by row.

_PER_CONVERSATION = (
    "SELECT is_group, status, count(*) FROM conversations INDEXED BY ix_conversations_tabs GROUP BY is_group, status"
)
_CUSTOMERS = (
    "SELECT count(DISTINCT contact_id) FROM conversations INDEXED BY ix_conversations_customer WHERE is_group = 0"
)
_SHARED = (
    "SELECT id, contact_id, status, last_message_at FROM conversations INDEXED BY ix_conversations_contact"
    " WHERE is_group = 0 AND contact_id IN"
    " (SELECT contact_id FROM conversations INDEXED BY ix_conversations_customer WHERE is_group = 0"
    " GROUP BY contact_id HAVING count(*) > 1)"
)
_TAB_KEYS = "SELECT id, status, is_group FROM conversations INDEXED BY ix_conversations_tabs"


def _shared_customers(conn: Connection) -> dict[int, list[tuple[int, str, int]]]:
    """contact id → (conversation id, status, last activity) of each customer with several conversations."""
    found: dict[int, list[tuple[int, str, int]]] = {}
    for cid, contact_id, status, last_at in conn.exec_driver_sql(_SHARED):
        found.setdefault(int(contact_id), []).append(
            (int(cid), row_values.text(status, "conversations.status"), int(last_at or 0))
        )
    return found


def _representative_key(members: list[tuple[int, str, int]]) -> tuple[int, str, int]:
    return min(members, key=lambda member: (STATUS_RANK.get(member[1], 2), -member[2], -member[0]))


def counts(conn: Connection) -> dict[tuple[str, bool], int]:
    """(status, is_group) → how many list rows (customers, groups): index reads only, cheap enough for the GUI thread
    at start."""
    found: dict[tuple[str, bool], int] = {
        (status.value, kind): 0 for status in ConversationStatus for kind in (False, True)
    }
    customer_conversations = 0
    for is_group, status, n in conn.exec_driver_sql(_PER_CONVERSATION):
        key = (row_values.text(status, "conversations.status"), row_values.flag(is_group))
        found[key] = found.get(key, 0) + int(n)
        customer_conversations += 0 if key[1] else int(n)
    if customer_conversations == int(conn.exec_driver_sql(_CUSTOMERS).scalar_one()):
        return found  # every customer has one conversation: each is a row
    for members in _shared_customers(conn).values():
        for _cid, status, _last_at in members:
            found[(status, False)] -= 1
        best = _representative_key(members)[1]
        found[(best, False)] = found.get((best, False), 0) + 1
    return found


def tab_keys(conn: Connection) -> list[tuple[int, str, bool]]:
    """(conversation id, status, is_group) of every list row: which tab each row counts in (a full recount; it reads
    every conversation, so run it off the GUI thread)."""
    hidden = {
        cid
        for members in _shared_customers(conn).values()
        for cid, _status, _last_at in members
        if cid != _representative_key(members)[0]
    }
    return [
        (int(cid), row_values.text(status, "conversations.status"), row_values.flag(is_group))
        for cid, status, is_group in conn.exec_driver_sql(_TAB_KEYS)
        if int(cid) not in hidden
    ]
