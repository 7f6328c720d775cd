"""Receipts and changes waiting for a message that is not stored yet (``pending_changes``).

The channel decides what waits and for how long (its bounds per target, per chat and in all); these functions run
inside the caller's transaction: :func:`keep` goes with the removal of the spool rows the values came from.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, delete, func, insert, select

from deskchat.core.pending import PendingRecord
from deskchat.store.schema import pending_changes

_CHUNK = 500


def keep(conn: Connection, account_id: int, records: Sequence[PendingRecord]) -> list[int]:
    """Store waiting values; returns their row ids, in order."""
    if not records:
        return []
    rows = [
        {
            "account_id": account_id,
            "target_channel_id": record.target_channel_id,
            "kind": record.kind,
            "payload": record.payload,
            "received_at": record.received_at,
        }
        for record in records
    ]
    statement = insert(pending_changes).returning(pending_changes.c.id, sort_by_parameter_order=True)
    return [int(row_id) for row_id in conn.execute(statement, rows).scalars()]


def remove(conn: Connection, account_id: int, row_ids: Sequence[int]) -> None:
    """Remove values that were applied or evicted."""
    ids = list(row_ids)
    for start in range(0, len(ids), _CHUNK):
        conn.execute(
            delete(pending_changes).where(
                pending_changes.c.account_id == account_id, pending_changes.c.id.in_(ids[start : start + _CHUNK])
            )
        )


def load(conn: Connection, account_id: int) -> list[PendingRecord]:
    """The account's waiting values, oldest first."""
    rows = conn.execute(
        select(
            pending_changes.c.id,
            pending_changes.c.target_channel_id,
            pending_changes.c.kind,
            pending_changes.c.payload,
            pending_changes.c.received_at,
        )
        .where(pending_changes.c.account_id == account_id)
        .order_by(pending_changes.c.id)
    )
    return [PendingRecord(str(t), str(k), bytes(p), int(r), int(i)) for i, t, k, p, r in rows]


def count(conn: Connection, account_id: int) -> int:
    query = select(func.count()).select_from(pending_changes).where(pending_changes.c.account_id == account_id)
    return int(conn.execute(query).scalar_one())
