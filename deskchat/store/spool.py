"""The inbound spool and the dead letters: raw inbound events kept (encrypted, in the store) until stored.

:class:`SpoolAppender` appends from any thread (neonize's Go callback thread) on its own connection, one short
transaction per event with ``synchronous = NORMAL``: in WAL mode the commit is in the WAL file before it returns, so
it survives a crash of the process (SIGKILL); only a power loss can take the last commits back, and the next
``synchronous = FULL`` commit of the writer thread fsyncs them as well. The other functions run inside the caller's
transaction (the ingest transaction removes the rows whose result it stores).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select

from deskchat.core.spool import DeadLetter, SpooledEvent
from deskchat.store.rows import inserted_id
from deskchat.store.schema import dead_letters, inbound_spool
from deskchat.store.write_gate import WriteGate

_ERROR_LIMIT = 500


class SpoolAppender:
    """Durable, thread-safe appends on a connection of their own (see the module docstring)."""

    def __init__(self, engine: Engine, gate: WriteGate | None = None) -> None:
        self._lock = threading.Lock()
        self._gate = gate if gate is not None else WriteGate()
        self._connection: Any = engine.raw_connection()
        cursor = self._connection.cursor()
        try:
            cursor.execute("PRAGMA synchronous = NORMAL").fetchall()
        finally:
            cursor.close()

    def append(self, account_id: int, kind: str, payload: bytes, *, now: int) -> int:
        """Append one event and commit it; returns its spool id. Raises what SQLite raises (SQLITE_FULL…)."""
        with self._lock, self._gate.urgent():
            cursor = self._connection.cursor()
            try:
                cursor.execute(
                    "INSERT INTO inbound_spool (account_id, kind, payload, received_at) VALUES (?, ?, ?, ?)",
                    (account_id, kind, payload, now),
                )
                return int(cursor.lastrowid)
            finally:
                cursor.close()

    def close(self) -> None:
        with self._lock:
            self._connection.close()


def pending(conn: Connection, account_id: int) -> list[SpooledEvent]:
    """The account's spooled events, oldest first."""
    rows = conn.execute(
        select(
            inbound_spool.c.id,
            inbound_spool.c.account_id,
            inbound_spool.c.kind,
            inbound_spool.c.payload,
            inbound_spool.c.received_at,
        )
        .where(inbound_spool.c.account_id == account_id)
        .order_by(inbound_spool.c.id)
    )
    return [SpooledEvent(int(i), int(a), str(k), bytes(p), int(r)) for i, a, k, p, r in rows]


def count(conn: Connection, account_id: int | None = None) -> int:
    query = select(inbound_spool.c.id)
    if account_id is not None:
        query = query.where(inbound_spool.c.account_id == account_id)
    return len(conn.execute(query).all())


def remove(conn: Connection, ids: Sequence[int]) -> None:
    """Remove consumed rows (inside the transaction that stored their result)."""
    for start in range(0, len(ids), 500):
        conn.execute(delete(inbound_spool).where(inbound_spool.c.id.in_(list(ids[start : start + 500]))))


def dead_letter(conn: Connection, spool_id: int, error: str, *, now: int) -> bool:
    """Move one spool row to the dead letters (the caller's transaction makes it one step); False if it is gone."""
    row = conn.execute(
        select(
            inbound_spool.c.account_id, inbound_spool.c.kind, inbound_spool.c.payload, inbound_spool.c.received_at
        ).where(inbound_spool.c.id == spool_id)
    ).first()
    if row is None:
        return False
    account_id, kind, payload, received_at = row
    conn.execute(
        insert(dead_letters).values(
            account_id=account_id,
            kind=kind,
            payload=payload,
            error=error[:_ERROR_LIMIT],
            received_at=received_at,
            failed_at=now,
        )
    )
    conn.execute(delete(inbound_spool).where(inbound_spool.c.id == spool_id))
    return True


def list_dead_letters(conn: Connection, account_id: int) -> list[DeadLetter]:
    rows = conn.execute(
        select(
            dead_letters.c.id,
            dead_letters.c.account_id,
            dead_letters.c.kind,
            dead_letters.c.error,
            dead_letters.c.received_at,
            dead_letters.c.failed_at,
            dead_letters.c.retries,
        )
        .where(dead_letters.c.account_id == account_id)
        .order_by(dead_letters.c.id)
    )
    return [DeadLetter(int(i), a, str(k), str(e), int(r), int(f), int(n)) for i, a, k, e, r, f, n in rows]


def requeue_dead_letters(conn: Connection, account_id: int) -> list[SpooledEvent]:
    """Move the account's dead letters back into the spool (new ids, after everything spooled so far)."""
    rows = conn.execute(
        select(dead_letters.c.id, dead_letters.c.kind, dead_letters.c.payload, dead_letters.c.received_at)
        .where(dead_letters.c.account_id == account_id)
        .order_by(dead_letters.c.id)
    ).all()
    queued: list[SpooledEvent] = []
    for letter_id, kind, payload, received_at in rows:
        new_id = inserted_id(
            conn.execute(
                insert(inbound_spool).values(account_id=account_id, kind=kind, payload=payload, received_at=received_at)
            )
        )
        conn.execute(delete(dead_letters).where(dead_letters.c.id == letter_id))
        queued.append(SpooledEvent(new_id, account_id, str(kind), bytes(payload), int(received_at)))
    return queued
