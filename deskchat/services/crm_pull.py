"""Pull from the CRM: queues and attendants, then contacts, then cases, each page stored with its cursor.

Each page and the cursor after it commit in one transaction, so a pull cut short resumes where it stopped and
never skips a record. The directory (queues, attendants) comes first so cases show names, not ids.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Final

from sqlalchemy import Connection

from deskchat.crm.client import CrmClient, Page
from deskchat.store import crm_records
from deskchat.store.clock import now_ms
from deskchat.store.crm_records import CrmSyncState
from deskchat.store.database import Store

COLLECTIONS: Final = ("queues", "attendants", "contacts", "cases")
PAGE_SIZE: Final = 200


@dataclass(frozen=True)
class PullCounts:
    queues: int = 0
    attendants: int = 0
    contacts: int = 0
    cases: int = 0


class CrmPull:
    def __init__(self, store: Store, client: CrmClient, account_id: int, *, clock: Callable[[], int] = now_ms) -> None:
        self._store = store
        self._client = client
        self._account_id = account_id
        self._clock = clock

    async def pull_once(self) -> PullCounts:
        """Everything that changed since the last pull; raises the client's errors (the caller retries later)."""
        counts: dict[str, int] = {}
        for collection in COLLECTIONS:
            counts[collection] = 0
            while True:
                state = await self._store.read_later(lambda conn: crm_records.crm_sync_state(conn, self._account_id))
                page = await self._client.page(collection, state.cursors.get(collection, ""), PAGE_SIZE)
                counts[collection] += await self._store.write(partial(self._apply, collection=collection, page=page))
                if not page.has_more:
                    break
        return PullCounts(**counts)

    def _apply(self, conn: Connection, *, collection: str, page: Page) -> int:
        now = self._clock()
        state = crm_records.crm_sync_state(conn, self._account_id)
        if collection in ("queues", "attendants"):
            names = dict(state.queues if collection == "queues" else state.attendants)
            names.update({str(item["id"]): str(item.get("name", "")) for item in page.items})
            state = dataclasses.replace(state, **{collection: names})
        elif collection == "contacts":
            crm_records.apply_pulled_contacts(conn, page.items, state.attendants, now=now)
        else:
            crm_records.apply_pulled_cases(conn, page.items, state, now=now)
        cursors = {**state.cursors, collection: page.next_cursor or state.cursors.get(collection, "")}
        crm_records.save_crm_sync_state(
            conn, self._account_id, CrmSyncState(cursors, state.queues, state.attendants), now=now
        )
        return len(page.items)
