"""Pull from the CRM: queues and attendants, then — on the first pull — the signed-in attendant's own cases and the
cases of their queues, then contacts and all cases, each page stored with its cursor.

Each page and the cursor after it commit in one transaction, so a pull cut short resumes where it stopped and
never skips a record. The directory (queues, attendants) comes first so cases show names, not ids; it is kept in
its own tables, with the attendant's queues flagged. **My cases and my queues first:** until the first full pull of
cases has finished, the attendant's cases (``assignee_id``) and then their queues' cases (``queue_id``) are fetched
first, each with its contact, so the cases the attendant works on show up before the rest of the CRM arrives.

**The attendant's edits hold.** A pulled record keeps the fields the attendant changed while those changes have not
reached the CRM (and the version they were made on); see :func:`deskchat.store.crm_records.pending_edits`. After
each page that changed what a screen shows, :class:`~deskchat.core.events.CrmRecordsPulled` goes on the bus.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, Final

from sqlalchemy import Connection

from deskchat.core.events import CrmRecordsPulled, Event
from deskchat.crm.client import CrmClient, Page
from deskchat.store import crm_directory, crm_records
from deskchat.store.clock import now_ms
from deskchat.store.crm_records import CrmSyncState, PulledChanges
from deskchat.store.database import Store

COLLECTIONS: Final = ("queues", "attendants", "contacts", "cases")
PAGE_SIZE: Final = 200
MINE_FIRST_DONE: Final = "mine_first"  # a key in the saved cursors: the attendant's own cases came first already


@dataclass(frozen=True)
class PullCounts:
    queues: int = 0
    attendants: int = 0
    contacts: int = 0
    cases: int = 0
    mine: int = 0  # cases of the attendant and of their queues fetched ahead of the rest (first pull only)


class CrmPull:
    def __init__(
        self,
        store: Store,
        client: CrmClient,
        account_id: int,
        *,
        clock: Callable[[], int] = now_ms,
        publish: Callable[[Event], None] | None = None,
    ) -> None:
        self._store = store
        self._client = client
        self._account_id = account_id
        self._clock = clock
        self._publish = publish  # the bus: told after each page that changed what a screen shows

    async def pull_once(self) -> PullCounts:
        """Everything that changed since the last pull; raises the client's errors (the caller retries later)."""
        counts: dict[str, int] = {"mine": 0}
        for collection in COLLECTIONS:
            if collection == "contacts":
                counts["mine"] = await self._mine_first()
            counts[collection] = 0
            while True:
                state = await self._store.read_later(lambda conn: crm_records.crm_sync_state(conn, self._account_id))
                page = await self._client.page(collection, state.cursors.get(collection, ""), PAGE_SIZE)
                changes = PulledChanges()
                apply = partial(self._apply, collection=collection, page=page, changes=changes)
                counts[collection] += await self._store.write(apply)
                self._announce(changes)
                if not page.has_more:
                    break
        return PullCounts(**counts)

    async def _mine_first(self) -> int:
        """The attendant's cases, then their queues' cases, with their contacts (once, before the first full pull)."""
        state = await self._store.read_later(lambda conn: crm_records.crm_sync_state(conn, self._account_id))
        me = self._client.attendant_id
        if state.cursors.get(MINE_FIRST_DONE) or state.cursors.get("cases") or me is None:
            return 0
        queues = await self._store.read_later(crm_directory.my_queue_ids)
        pulled = 0
        for filters in [{"assignee_id": me}, *({"queue_id": queue} for queue in queues)]:
            cursor = ""
            while True:
                page = await self._client.page("cases", cursor, PAGE_SIZE, filters)
                contacts = await self._contacts_of(page.items)
                changes = PulledChanges()
                apply = partial(self._apply_cases, cases=page.items, contacts=contacts, changes=changes)
                pulled += await self._store.write(apply)
                self._announce(changes)
                cursor = page.next_cursor or cursor
                if not page.has_more:
                    break

        def done(conn: Connection) -> None:
            saved = crm_records.crm_sync_state(conn, self._account_id)
            cursors = {**saved.cursors, MINE_FIRST_DONE: "1"}
            mine_done = dataclasses.replace(saved, cursors=cursors)
            crm_records.save_crm_sync_state(conn, self._account_id, mine_done, now=self._clock())

        await self._store.write(done)
        return pulled

    async def _contacts_of(self, cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The contacts these cases belong to that the store does not hold yet, fetched one by one."""
        wanted = {str(case["contact_id"]) for case in cases if case.get("contact_id")}

        def held(conn: Connection) -> set[str]:
            return crm_records.held_client_ids(conn, wanted)

        missing = sorted(wanted - await self._store.read_later(held))
        contacts = []
        for crm_id in missing:
            record = await self._client.get("contacts", crm_id)
            if record is not None:
                contacts.append(record.body)
        return contacts

    def _announce(self, changes: PulledChanges) -> None:
        """After the page committed: say which records a screen shows changed (nothing when none did)."""
        if changes and self._publish is not None:
            self._publish(CrmRecordsPulled(frozenset(changes.contact_ids), frozenset(changes.case_ids)))

    def _apply_cases(
        self,
        conn: Connection,
        *,
        cases: list[dict[str, Any]],
        contacts: list[dict[str, Any]],
        changes: PulledChanges,
    ) -> int:
        now = self._clock()
        state = crm_records.crm_sync_state(conn, self._account_id)
        crm_records.apply_pulled_contacts(conn, contacts, state.attendants, now=now, changes=changes)
        return crm_records.apply_pulled_cases(conn, cases, state, now=now, changes=changes)

    def _apply(self, conn: Connection, *, collection: str, page: Page, changes: PulledChanges) -> int:
        now = self._clock()
        state = crm_records.crm_sync_state(conn, self._account_id)
        if collection in ("queues", "attendants"):
            names = dict(state.queues if collection == "queues" else state.attendants)
            names.update({str(item["id"]): str(item.get("name", "")) for item in page.items})
            state = dataclasses.replace(state, **{collection: names})
            if collection == "queues":
                crm_directory.save_queues(conn, page.items, now=now)
            else:
                crm_directory.save_attendants(conn, page.items, now=now)
            crm_directory.mark_my_queues(conn, self._client.attendant_id)
        elif collection == "contacts":
            crm_records.apply_pulled_contacts(conn, page.items, state.attendants, now=now, changes=changes)
        else:
            crm_records.apply_pulled_cases(conn, page.items, state, now=now, changes=changes)
        cursors = {**state.cursors, collection: page.next_cursor or state.cursors.get(collection, "")}
        crm_records.save_crm_sync_state(
            conn, self._account_id, CrmSyncState(cursors, state.queues, state.attendants), now=now
        )
        return len(page.items)
