"""Which messages of linked conversations were queued for their case's CRM history (see
:mod:`deskchat.services.crm_history`).

A message is *due* for a case when its conversation is linked to the case, the case has a CRM id the contract can
address (a UUID), the message is
worth pushing (not deleted, its body fetched, and sent if it is outgoing) and it was not queued for that case yet.
A link is *new* until its conversation's earlier messages were queued once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, bindparam, text

from deskchat.store import row_values
from deskchat.store.messages import attachment_names

#: (local case id, local message id)
Due = tuple[int, int]
#: (conversation id, local case id)
Link = tuple[int, int]

#: A message worth pushing: not deleted, its body fetched, and (if outgoing) accepted by its channel.
_WORTH_PUSHING = (
    "m.deleted_at IS NULL AND m.body_state != 'headers' AND (m.outgoing = 0 OR m.delivery NOT IN ('queued', 'failed'))"
)
#: A case the contract can address: its CRM id is a UUID (a case known only by a number, as the demo's own, is not).
_ADDRESSABLE = "c.crm_id IS NOT NULL AND length(c.crm_id) = 36 AND c.crm_id LIKE '________-____-____-____-____________'"
_NOT_QUEUED = "NOT EXISTS (SELECT 1 FROM crm_history_pushed p WHERE p.case_id = c.id AND p.message_id = m.id)"
_LINKED = (
    "FROM messages m"
    " JOIN conversation_cases cc ON cc.conversation_id = m.conversation_id"
    f" JOIN crm_cases c ON c.id = cc.case_id AND {_ADDRESSABLE}"
)


def new_links(conn: Connection) -> list[Link]:
    """Links to a case with a CRM id whose conversation's earlier messages were not queued yet."""
    rows = conn.execute(
        text(
            "SELECT cc.conversation_id, cc.case_id FROM conversation_cases cc"
            f" JOIN crm_cases c ON c.id = cc.case_id AND {_ADDRESSABLE}"
            " WHERE NOT EXISTS (SELECT 1 FROM crm_history_links l"
            " WHERE l.conversation_id = cc.conversation_id AND l.case_id = cc.case_id)"
        )
    )
    return [(int(conversation_id), int(case_id)) for conversation_id, case_id in rows]


def forget_gone_links(conn: Connection) -> None:
    """A link that was undone (the conversation moved to another case) is new again if it is made again."""
    conn.execute(
        text(
            "DELETE FROM crm_history_links WHERE NOT EXISTS (SELECT 1 FROM conversation_cases cc"
            " WHERE cc.conversation_id = crm_history_links.conversation_id"
            " AND cc.case_id = crm_history_links.case_id)"
        )
    )


def remember_links(conn: Connection, links: Iterable[Link], *, now: int) -> None:
    rows = [{"conversation_id": conversation_id, "case_id": case_id, "now": now} for conversation_id, case_id in links]
    if rows:
        conn.execute(text("INSERT OR IGNORE INTO crm_history_links VALUES (:conversation_id, :case_id, :now)"), rows)


def due_in_links(conn: Connection, links: Sequence[Link]) -> list[Due]:
    """Every due message of these links' conversations, for these links' cases."""
    found: list[Due] = []
    query = text(
        f"SELECT c.id, m.id {_LINKED} WHERE m.conversation_id = :conversation_id AND c.id = :case_id"
        f" AND {_WORTH_PUSHING} AND {_NOT_QUEUED}"
    )
    for conversation_id, case_id in links:
        rows = conn.execute(query, {"conversation_id": conversation_id, "case_id": case_id})
        found += [(int(case), int(message)) for case, message in rows]
    return found


def due_among(conn: Connection, message_ids: Sequence[int]) -> list[Due]:
    """The due (case, message) pairs among these messages."""
    if not message_ids:
        return []
    query = text(f"SELECT c.id, m.id {_LINKED} WHERE m.id IN :ids AND {_WORTH_PUSHING} AND {_NOT_QUEUED}").bindparams(
        bindparam("ids", expanding=True)
    )
    found: list[Due] = []
    for start in range(0, len(message_ids), 500):
        rows = conn.execute(query, {"ids": list(message_ids[start : start + 500])})
        found += [(int(case), int(message)) for case, message in rows]
    return found


def due_everywhere(conn: Connection) -> list[Due]:
    """Every due message of every linked conversation (at start: what was stored but not queued before an exit)."""
    rows = conn.execute(text(f"SELECT c.id, m.id {_LINKED} WHERE {_WORTH_PUSHING} AND {_NOT_QUEUED}"))
    return [(int(case), int(message)) for case, message in rows]


def remember_queued(conn: Connection, due: Iterable[Due], *, now: int) -> None:
    rows = [{"case_id": case_id, "message_id": message_id, "now": now} for case_id, message_id in due]
    if rows:
        conn.execute(text("INSERT OR IGNORE INTO crm_history_pushed VALUES (:case_id, :message_id, :now)"), rows)


def in_time_order(conn: Connection, message_ids: Sequence[int]) -> list[int]:
    """The messages in the order they were sent."""
    query = text("SELECT id, sent_at FROM messages WHERE id IN :ids").bindparams(bindparam("ids", expanding=True))
    found: list[tuple[int, int]] = []
    for start in range(0, len(message_ids), 500):
        rows = conn.execute(query, {"ids": list(message_ids[start : start + 500])})
        found += [(int(sent_at), int(message_id)) for message_id, sent_at in rows]
    return [message_id for _, message_id in sorted(found)]


def case_crm_ids(conn: Connection, case_ids: Iterable[int]) -> dict[int, str]:
    wanted = sorted(set(case_ids))
    if not wanted:
        return {}
    query = text("SELECT id, crm_id FROM crm_cases WHERE id IN :ids AND crm_id IS NOT NULL").bindparams(
        bindparam("ids", expanding=True)
    )
    return {int(case_id): str(crm_id) for case_id, crm_id in conn.execute(query, {"ids": wanted})}


@dataclass(frozen=True)
class HistoryEntry:
    """What the CRM history says of one message: its plain text (never its HTML) and its attachments' names."""

    message_id: int
    outgoing: bool
    account_kind: str  # whatsapp | email | …
    sender_name: str
    subject: str
    text: str  # at most ``max_text_bytes`` of it
    text_cut: bool
    sent_at: int
    channel_id: str
    attachments: tuple[tuple[str, str, int], ...]  # (file name, mime, size)


def entries(conn: Connection, message_ids: Sequence[int], *, max_text_bytes: int) -> dict[int, HistoryEntry]:
    """The messages as the CRM history shows them (their text cut to ``max_text_bytes``)."""
    if not message_ids:
        return {}
    query = text(
        "SELECT m.id, m.outgoing, a.kind, CAST(m.sender_name AS BLOB), CAST(m.subject AS BLOB),"
        " substr(CAST(m.text AS BLOB), 1, :cut), octet_length(m.text) > :cut, m.sent_at, CAST(m.channel_id AS BLOB)"
        " FROM messages m LEFT JOIN accounts a ON a.id = m.account_id WHERE m.id IN :ids"
    ).bindparams(bindparam("ids", expanding=True))
    files = attachment_names(conn, message_ids)
    found: dict[int, HistoryEntry] = {}
    for row in conn.execute(query, {"ids": list(message_ids), "cut": max_text_bytes}):
        message_id = int(row[0])
        found[message_id] = HistoryEntry(
            message_id=message_id,
            outgoing=bool(row[1]),
            account_kind=str(row[2] or ""),
            sender_name=row_values.text(row[3], "messages.sender_name"),
            subject=row_values.text(row[4], "messages.subject"),
            text=row_values.text_prefix(row[5], "messages.text")
            if row[6]
            else row_values.text(row[5], "messages.text"),
            text_cut=bool(row[6]),
            sent_at=row_values.timestamp(row[7], "messages.sent_at"),
            channel_id=row_values.text(row[8], "messages.channel_id"),
            attachments=tuple(files.get(message_id, ())),
        )
    return found
