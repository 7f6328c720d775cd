"""Full-text search over message text, e-mail subjects and attachment names (one FTS5 index)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import Connection

from deskchat.store.schema import SEARCH_TABLE

_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class SearchHit:
    message_id: int
    conversation_id: int
    conversation_title: str
    text: str
    subject: str
    sent_at: int
    outgoing: bool


def fts_query(user_text: str) -> str | None:
    """Turn what the attendant typed into a safe FTS5 query: every word must match, the last one as a prefix.

    Operators and quotes typed by the user are treated as text, never as FTS syntax. None when nothing searchable.
    """
    words = _WORD.findall(user_text)
    if not words:
        return None
    quoted = [f'"{word}"' for word in words]
    quoted[-1] += "*"
    return " ".join(quoted)


_HIT_SQL = f"""
    SELECT m.id, m.conversation_id, c.title, m.text, m.subject, m.sent_at, m.outgoing
    FROM (SELECT rowid AS id, {{order}} AS score FROM {SEARCH_TABLE} WHERE {SEARCH_TABLE} MATCH ?
          ORDER BY score LIMIT ?) AS hit
    JOIN messages AS m ON m.id = hit.id
    JOIN conversations AS c ON c.id = m.conversation_id
    ORDER BY hit.score
"""


def _run(conn: Connection, user_text: str, limit: int, order: str) -> list[SearchHit]:
    query = fts_query(user_text)
    if query is None:
        return []
    rows = conn.exec_driver_sql(_HIT_SQL.format(order=order), (query, limit)).fetchall()
    return [SearchHit(int(r[0]), int(r[1]), str(r[2]), str(r[3]), str(r[4]), int(r[5]), bool(r[6])) for r in rows]


def search_newest(conn: Connection, user_text: str, limit: int = 50) -> list[SearchHit]:
    """Matching messages, most recently stored first."""
    return _run(conn, user_text, limit, "-rowid")


def search_ranked(conn: Connection, user_text: str, limit: int = 50) -> list[SearchHit]:
    """Matching messages, best match (BM25) first."""
    return _run(conn, user_text, limit, "rank")
