"""Full-text search over message text, e-mail subjects and attachment names (one FTS5 index).

Two orders: newest first (what an attendant usually wants: "the last time this customer mentioned the boleto"),
and best match first (BM25). BM25 must score every matching row, which for a word that half the store contains
costs seconds; ranked search therefore scores the newest :data:`RANK_WINDOW` matches (all of them for any word
rarer than that), which keeps it fast and still exact for the specific words people rank by.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import Connection

from deskchat.store.schema import SEARCH_TABLE

_WORD = re.compile(r"\w+", re.UNICODE)

#: Ranked search scores at most this many of the newest matches.
RANK_WINDOW = 10_000


@dataclass(frozen=True)
class SearchHit:
    message_id: int
    conversation_id: int
    conversation_title: str
    text: str
    subject: str
    sent_at: int
    outgoing: bool


def fts_query(user_text: str, *, last_as_prefix: bool = True) -> str | None:
    """Turn what the attendant typed into a safe FTS5 query: every word must match, the last one as a prefix.

    Operators and quotes typed by the user are treated as text, never as FTS syntax. None when nothing searchable.
    """
    words = _WORD.findall(user_text)
    if not words:
        return None
    quoted = [f'"{word}"' for word in words]
    if last_as_prefix:
        quoted[-1] += "*"
    return " ".join(quoted)


_DETAILS = """
    SELECT m.id, m.conversation_id, c.title, m.text, m.subject, m.sent_at, m.outgoing
    FROM ({hits}) AS hit
    JOIN messages AS m ON m.id = hit.id
    JOIN conversations AS c ON c.id = m.conversation_id
    ORDER BY hit.position
"""
_NEWEST = f"""
    SELECT rowid AS id, -rowid AS position FROM {SEARCH_TABLE}
    WHERE {SEARCH_TABLE} MATCH :query ORDER BY rowid DESC LIMIT :limit
"""
_RANKED = f"""
    SELECT rowid AS id, rank AS position FROM {SEARCH_TABLE}
    WHERE {SEARCH_TABLE} MATCH :query AND rowid >= coalesce((
        SELECT rowid FROM {SEARCH_TABLE} WHERE {SEARCH_TABLE} MATCH :query
        ORDER BY rowid DESC LIMIT 1 OFFSET :window), 0)
    ORDER BY rank LIMIT :limit
"""


def _hits(conn: Connection, query: str, limit: int, hits_sql: str) -> list[SearchHit]:
    params = {"query": query, "limit": limit, "window": RANK_WINDOW - 1}
    rows = conn.exec_driver_sql(_DETAILS.format(hits=hits_sql), params).fetchall()
    return [SearchHit(int(r[0]), int(r[1]), str(r[2]), str(r[3]), str(r[4]), int(r[5]), bool(r[6])) for r in rows]


def _run(conn: Connection, user_text: str, limit: int, hits_sql: str) -> list[SearchHit]:
    """Whole words first; when they give fewer than ``limit`` hits, the last word as a prefix fills the rest.

    A prefix query merges the postings of every word starting with it, tens of milliseconds for a common one,
    while a whole word is a single posting list; so a finished common word answers at once, and a word still
    being typed ("entreg") is completed.
    """
    exact = fts_query(user_text, last_as_prefix=False)
    if exact is None:
        return []
    hits = _hits(conn, exact, limit, hits_sql)
    if len(hits) < limit:
        seen = {hit.message_id for hit in hits}
        prefixed = fts_query(user_text, last_as_prefix=True)
        assert prefixed is not None
        hits += [hit for hit in _hits(conn, prefixed, limit, hits_sql) if hit.message_id not in seen][
            : limit - len(hits)
        ]
    return hits


def search_newest(conn: Connection, user_text: str, limit: int = 50) -> list[SearchHit]:
    """Matching messages, most recently stored first."""
    return _run(conn, user_text, limit, _NEWEST)


def search_ranked(conn: Connection, user_text: str, limit: int = 50) -> list[SearchHit]:
    """Matching messages, best match (BM25) first, among the newest :data:`RANK_WINDOW` matches."""
    return _run(conn, user_text, limit, _RANKED)
