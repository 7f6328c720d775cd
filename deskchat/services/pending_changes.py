"""The services side of the waiting receipts and changes: durable copies for the channels' ``pending_*`` sinks."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection

from deskchat.core.pending import PendingRecord
from deskchat.store import pending, spool
from deskchat.store.database import Store


class PendingChanges:
    def __init__(self, store: Store) -> None:
        self._store = store

    async def keep(self, account_id: int, records: Sequence[PendingRecord], spool_ids: Sequence[int]) -> list[int]:
        """Store waiting values and remove the spool rows they came from, in one transaction; returns row ids."""

        def work(conn: Connection) -> list[int]:
            row_ids = pending.keep(conn, account_id, records)
            spool.remove(conn, list(spool_ids))
            return row_ids

        return await self._store.write(work)

    async def drop(self, account_id: int, row_ids: Sequence[int]) -> None:
        if row_ids:
            await self._store.write(lambda conn: pending.remove(conn, account_id, row_ids))

    async def load(self, account_id: int) -> list[PendingRecord]:
        return await self._store.read_later(lambda conn: pending.load(conn, account_id))
