"""Contact merges: one person found under two contacts becomes one, and the merge can be undone exactly.

A merge moves everything the absorbed contact owns to the kept contact — identities, conversations, CRM cases and
its CRM client record — in the caller's transaction, and records each moved row in ``contact_merge_moves``. Undo
moves exactly those rows back (rows added to the kept contact after the merge stay where they are). The absorbed
contact row is kept, empty, so the undo restores the same contact id.

With ``fold_chats`` a WhatsApp conversation of the absorbed contact keyed by its LID (``…@lid``) is folded into the
kept contact's phone-number conversation on the same account (``…@s.whatsapp.net``): its messages move there and its
row is removed, its columns, case links and draft kept in the merge record for the undo. Callers that fold must make
the ingest forget cached conversation ids.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import Connection

from deskchat.core.messages import Identity
from deskchat.store.conversations import preview_text

# Kinds of moved rows in contact_merge_moves.what
IDENTITY: Final = "identity"
CONVERSATION: Final = "conversation"
CASE: Final = "case"
CLIENT: Final = "client"
NAME: Final = "name"
FOLDED: Final = "folded"

_LID_KEY_SUFFIX: Final = "@lid"
_PN_KEY_SUFFIX: Final = "@s.whatsapp.net"


@dataclass(frozen=True)
class Merge:
    id: int
    kept_contact_id: int
    absorbed_contact_id: int
    reason: str  # phone | lid | email | crm | manual — why the two were found to be one person
    merged_at: int
    undone_at: int | None


@dataclass(frozen=True)
class Undone:
    """What an undo changed: the contact split off again and the conversations that moved or reappeared."""

    merge: Merge
    conversation_ids: tuple[int, ...]


def _ids(conn: Connection, sql: str, *params: object) -> list[int]:
    return [int(value) for value in conn.exec_driver_sql(sql, params).scalars()]


def _record(conn: Connection, merge_id: int, what: str, row_ids: list[int], detail: str = "") -> None:
    if row_ids:
        conn.exec_driver_sql(
            "INSERT INTO contact_merge_moves (merge_id, what, row_id, detail) VALUES (?, ?, ?, ?)",
            [(merge_id, what, row_id, detail) for row_id in row_ids],
        )


def was_split(conn: Connection, first: int, second: int) -> bool:
    """Whether the attendant undid a merge of these two contacts (they are then never merged by themselves again)."""
    found = conn.exec_driver_sql(
        "SELECT 1 FROM contact_merges WHERE undone_at IS NOT NULL"
        " AND ((kept_contact_id = ? AND absorbed_contact_id = ?) OR (kept_contact_id = ? AND absorbed_contact_id = ?))"
        " LIMIT 1",
        (first, second, second, first),
    ).scalar()
    return found is not None


def client_id_of(conn: Connection, contact_id: int) -> int | None:
    found = conn.exec_driver_sql("SELECT id FROM crm_clients WHERE contact_id = ?", (contact_id,)).scalar()
    return None if found is None else int(found)


def merge_contacts(
    conn: Connection, kept: int, absorbed: int, reason: str, *, now: int, fold_chats: bool = False
) -> int | None:
    """Move everything ``absorbed`` owns to ``kept`` and record it; returns the merge id.

    ``None`` (nothing done) when the two are the same contact, when ``absorbed`` owns nothing any more (merging
    twice is harmless) or when both have a CRM client record (two CRM records are two people to the CRM; the CRM
    must merge them first).
    """
    if kept == absorbed:
        return None
    absorbed_client = client_id_of(conn, absorbed)
    if absorbed_client is not None and client_id_of(conn, kept) is not None:
        return None
    identities = _ids(conn, "SELECT id FROM contact_identities WHERE contact_id = ? ORDER BY id", absorbed)
    chats = _ids(conn, "SELECT id FROM conversations WHERE contact_id = ? ORDER BY id", absorbed)
    cases = _ids(conn, "SELECT id FROM crm_cases WHERE contact_id = ? ORDER BY id", absorbed)
    if not identities and not chats and not cases and absorbed_client is None:
        return None
    merge_id = int(
        conn.exec_driver_sql(
            "INSERT INTO contact_merges (kept_contact_id, absorbed_contact_id, reason, merged_at)"
            " VALUES (?, ?, ?, ?) RETURNING id",
            (kept, absorbed, reason, now),
        ).scalar_one()
    )
    conn.exec_driver_sql("UPDATE contact_identities SET contact_id = ? WHERE contact_id = ?", (kept, absorbed))
    conn.exec_driver_sql("UPDATE conversations SET contact_id = ? WHERE contact_id = ?", (kept, absorbed))
    conn.exec_driver_sql("UPDATE crm_cases SET contact_id = ? WHERE contact_id = ?", (kept, absorbed))
    _record(conn, merge_id, IDENTITY, identities)
    _record(conn, merge_id, CONVERSATION, chats)
    _record(conn, merge_id, CASE, cases)
    if absorbed_client is not None:
        conn.exec_driver_sql("UPDATE crm_clients SET contact_id = ? WHERE id = ?", (kept, absorbed_client))
        _record(conn, merge_id, CLIENT, [absorbed_client])
    _take_name(conn, merge_id, kept, absorbed, now)
    if fold_chats:
        for lid_chat, pn_chat in _foldable(conn, kept, chats):
            _fold(conn, merge_id, lid_chat, pn_chat)
    return merge_id


def _take_name(conn: Connection, merge_id: int, kept: int, absorbed: int, now: int) -> None:
    kept_name, absorbed_name = (
        str(conn.exec_driver_sql("SELECT display_name FROM contacts WHERE id = ?", (contact,)).scalar_one())
        for contact in (kept, absorbed)
    )
    if not kept_name and absorbed_name:
        conn.exec_driver_sql(
            "UPDATE contacts SET display_name = ?, updated_at = ? WHERE id = ?", (absorbed_name, now, kept)
        )
        _record(conn, merge_id, NAME, [kept], kept_name)


def _foldable(conn: Connection, kept: int, moved_chats: list[int]) -> list[tuple[int, int]]:
    """Pairs (LID conversation that moved, the kept contact's phone-number conversation on the same account)."""
    pairs: list[tuple[int, int]] = []
    for chat in moved_chats:
        account_id, key, is_group = conn.exec_driver_sql(
            "SELECT account_id, channel_key, is_group FROM conversations WHERE id = ?", (chat,)
        ).one()
        if is_group or not str(key).endswith(_LID_KEY_SUFFIX):
            continue
        target = conn.exec_driver_sql(
            "SELECT id FROM conversations WHERE contact_id = ? AND account_id = ? AND is_group = 0"
            " AND channel_key LIKE ? AND id != ? ORDER BY id LIMIT 1",
            (kept, account_id, "%" + _PN_KEY_SUFFIX, chat),
        ).scalar()
        if target is not None:
            pairs.append((chat, int(target)))
    return pairs


def _row_dict(conn: Connection, sql: str, *params: object) -> list[dict[str, Any]]:
    return [dict(row._mapping) for row in conn.exec_driver_sql(sql, params)]


def _fold(conn: Connection, merge_id: int, source: int, target: int) -> None:
    (row,) = _row_dict(conn, "SELECT * FROM conversations WHERE id = ?", source)
    detail = {
        "into": target,
        "row": row,
        "messages": _ids(conn, "SELECT id FROM messages WHERE conversation_id = ? ORDER BY id", source),
        "cases": _row_dict(conn, "SELECT * FROM conversation_cases WHERE conversation_id = ?", source),
        "drafts": _row_dict(conn, "SELECT * FROM drafts WHERE conversation_id = ?", source),
        "added_links": _ids(
            conn,
            "SELECT case_id FROM conversation_cases WHERE conversation_id = ? AND case_id NOT IN"
            " (SELECT case_id FROM conversation_cases WHERE conversation_id = ?)",
            source,
            target,
        ),
    }
    conn.exec_driver_sql("UPDATE messages SET conversation_id = ? WHERE conversation_id = ?", (target, source))
    conn.exec_driver_sql(
        "INSERT OR IGNORE INTO conversation_cases (conversation_id, case_id, linked_by, linked_at)"
        " SELECT ?, case_id, linked_by, linked_at FROM conversation_cases WHERE conversation_id = ?",
        (target, source),
    )
    conn.exec_driver_sql(
        "UPDATE conversations SET unread_count = unread_count + ? WHERE id = ?", (row["unread_count"], target)
    )
    conn.exec_driver_sql("DELETE FROM conversations WHERE id = ?", (source,))
    _refresh_summary(conn, target)
    _record(conn, merge_id, FOLDED, [source], json.dumps(detail))


def _refresh_summary(conn: Connection, conversation_id: int) -> None:
    """The list columns of a conversation (newest message, preview) from the messages it now holds."""
    newest = conn.exec_driver_sql(
        "SELECT sent_at, text, subject, outgoing FROM messages WHERE conversation_id = ?"
        " ORDER BY sent_at DESC, id DESC LIMIT 1",
        (conversation_id,),
    ).first()
    if newest is None:
        conn.exec_driver_sql(
            "UPDATE conversations SET last_message_at = 0, last_preview = '', last_outgoing = 0 WHERE id = ?",
            (conversation_id,),
        )
        return
    sent_at, text, subject, outgoing = newest
    conn.exec_driver_sql(
        "UPDATE conversations SET last_message_at = ?, last_preview = ?, last_outgoing = ? WHERE id = ?",
        (sent_at, preview_text(str(text or subject or "")), outgoing, conversation_id),
    )


def _merge(row: Any) -> Merge:
    merge_id, kept, absorbed, reason, merged_at, undone_at = row
    return Merge(int(merge_id), int(kept), int(absorbed), str(reason), int(merged_at), undone_at)


_MERGE_COLUMNS = "id, kept_contact_id, absorbed_contact_id, reason, merged_at, undone_at"


def active_merges_into(conn: Connection, contact_id: int) -> list[Merge]:
    """Merges into ``contact_id`` not undone, newest first (what the info pane offers to undo)."""
    rows = conn.exec_driver_sql(
        f"SELECT {_MERGE_COLUMNS} FROM contact_merges WHERE kept_contact_id = ? AND undone_at IS NULL ORDER BY id DESC",
        (contact_id,),
    )
    return [_merge(row) for row in rows]


def moved_identities(conn: Connection, merge_id: int) -> list[Identity]:
    """The identities a merge moved (what the absorbed contact was known by)."""
    rows = conn.exec_driver_sql(
        "SELECT i.kind, i.value FROM contact_merge_moves m JOIN contact_identities i ON i.id = m.row_id"
        " WHERE m.merge_id = ? AND m.what = ? ORDER BY i.kind, i.id",
        (merge_id, IDENTITY),
    )
    return [Identity(str(kind), str(value)) for kind, value in rows]


def get(conn: Connection, merge_id: int) -> Merge | None:
    row = conn.exec_driver_sql(f"SELECT {_MERGE_COLUMNS} FROM contact_merges WHERE id = ?", (merge_id,)).first()
    return None if row is None else _merge(row)


def undo_merge(conn: Connection, merge_id: int, *, now: int) -> Undone | None:
    """Move back exactly what the merge moved; ``None`` when there is no such merge or it was already undone."""
    merge = get(conn, merge_id)
    if merge is None or merge.undone_at is not None:
        return None
    kept, absorbed = merge.kept_contact_id, merge.absorbed_contact_id
    moves: dict[str, list[tuple[int, str]]] = {}
    for what, row_id, detail in conn.exec_driver_sql(
        "SELECT what, row_id, detail FROM contact_merge_moves WHERE merge_id = ? ORDER BY rowid", (merge_id,)
    ):
        moves.setdefault(str(what), []).append((int(row_id), str(detail)))
    changed: list[int] = []
    for source, detail in reversed(moves.get(FOLDED, [])):
        changed += _unfold(conn, source, json.loads(detail))
    for what, table in ((IDENTITY, "contact_identities"), (CASE, "crm_cases"), (CLIENT, "crm_clients")):
        for row_id, _ in moves.get(what, []):
            conn.exec_driver_sql(
                f"UPDATE {table} SET contact_id = ? WHERE id = ? AND contact_id = ?", (absorbed, row_id, kept)
            )
    for row_id, _ in moves.get(CONVERSATION, []):
        moved = conn.exec_driver_sql(
            "UPDATE conversations SET contact_id = ? WHERE id = ? AND contact_id = ?", (absorbed, row_id, kept)
        ).rowcount
        if moved:
            changed.append(row_id)
    for _, old_name in moves.get(NAME, []):
        conn.exec_driver_sql("UPDATE contacts SET display_name = ?, updated_at = ? WHERE id = ?", (old_name, now, kept))
    conn.exec_driver_sql("UPDATE contact_merges SET undone_at = ? WHERE id = ?", (now, merge_id))
    undone = get(conn, merge_id)
    assert undone is not None
    return Undone(undone, tuple(dict.fromkeys(changed)))


def _unfold(conn: Connection, source: int, detail: dict[str, Any]) -> list[int]:
    """Recreate a folded conversation (same id when free) and move its own messages back into it."""
    row: dict[str, Any] = detail["row"]
    target = int(detail["into"])
    existing = conn.exec_driver_sql(
        "SELECT id FROM conversations WHERE account_id = ? AND channel_key = ?", (row["account_id"], row["channel_key"])
    ).scalar()
    if existing is not None:
        restored = int(existing)
    else:
        if conn.exec_driver_sql("SELECT 1 FROM conversations WHERE id = ?", (source,)).scalar() is not None:
            row = {name: value for name, value in row.items() if name != "id"}
        columns = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        restored = int(
            conn.exec_driver_sql(
                f"INSERT INTO conversations ({columns}) VALUES ({marks}) RETURNING id", tuple(row.values())
            ).scalar_one()
        )
    for message_id in detail["messages"]:
        conn.exec_driver_sql(
            "UPDATE messages SET conversation_id = ? WHERE id = ? AND conversation_id = ?",
            (restored, message_id, target),
        )
    for case_id in detail["added_links"]:
        conn.exec_driver_sql(
            "DELETE FROM conversation_cases WHERE conversation_id = ? AND case_id = ?", (target, case_id)
        )
    for link in detail["cases"]:
        conn.exec_driver_sql(
            "INSERT OR IGNORE INTO conversation_cases (conversation_id, case_id, linked_by, linked_at)"
            " SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM crm_cases WHERE id = ?)",
            (restored, link["case_id"], link["linked_by"], link["linked_at"], link["case_id"]),
        )
    for draft in detail["drafts"]:
        draft = {**draft, "conversation_id": restored}
        columns = ", ".join(draft)
        conn.exec_driver_sql(
            f"INSERT OR IGNORE INTO drafts ({columns}) VALUES ({', '.join('?' for _ in draft)})", tuple(draft.values())
        )
    conn.exec_driver_sql(
        "UPDATE conversations SET unread_count = max(0, unread_count - ?) WHERE id = ?", (row["unread_count"], target)
    )
    _refresh_summary(conn, target)
    _refresh_summary(conn, restored)
    return [restored, target]
