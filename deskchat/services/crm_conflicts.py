"""A CRM update refused with 412: the record is fetched again and merged, or the attendant decides.

The update's payload carries ``patch`` (my fields) and ``base`` (what those fields held when I edited them, when the
local copy knew). Against the CRM's fresh version, each of my fields is

* already the CRM's value: nothing to send;
* unchanged in the CRM since my edit (its value is my base): mine goes, merged by itself;
* changed on both sides (or with no base to tell): a conflict, for the attendant ("Manter o meu" / "Usar o do CRM" /
  "Editar").

Fields only the CRM changed stay as the CRM has them (a merge patch sends only my fields). Whatever goes is sent with
the fresh ETag under a new ``Idempotency-Key``, from the same outbox row, so the record's order holds.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import Connection

from deskchat.crm.answers import CrmRefused, CrmRetry, SignInRequired
from deskchat.crm.client import CrmClient
from deskchat.store import crm_queue, crm_records, outbox
from deskchat.store.clock import now_ms
from deskchat.store.crm_queue import FieldConflict, StoredConflict
from deskchat.store.database import Store
from deskchat.store.outbox import OutboxItem

log = logging.getLogger("deskchat.crm.push")

MERGED_REASON: Final = "mesclado com a versão atual do CRM; enviando de novo"


@dataclass(frozen=True)
class KeepMine:
    pass


@dataclass(frozen=True)
class UseTheirs:
    pass


@dataclass(frozen=True)
class Edited:
    value: Any


Choice = KeepMine | UseTheirs | Edited


def merge(
    patch: Mapping[str, Any], base: Mapping[str, Any], theirs: Mapping[str, Any]
) -> tuple[dict[str, Any], list[FieldConflict]]:
    """My fields that can go by themselves, and those both sides changed."""
    merged: dict[str, Any] = {}
    conflicts: list[FieldConflict] = []
    for field, mine in patch.items():
        current = theirs.get(field)
        if current == mine:
            continue
        if field in base and base[field] == current:
            merged[field] = mine
        else:
            conflicts.append(FieldConflict(field, mine, current))
    return merged, conflicts


def _new_key() -> str:
    return f"deskchat-{uuid.uuid4()}"


async def merge_after_conflict(
    store: Store, client: CrmClient, item: OutboxItem, *, clock: Callable[[], int] = now_ms
) -> bool:
    """Called by the CRM handler when an update got 412. Fetches the record again; True when the item was merged
    by itself and rewritten to go again at once; False when it stays a conflict (kept for the attendant, or the
    fetch failed: then "Tentar agora" sends it again and a new 412 fetches again)."""
    payload = item.payload
    if payload.get("op") != "update":
        return False
    collection, record_id = str(payload.get("collection", "")), str(payload.get("id", ""))
    try:
        fresh = await client.get(collection, record_id)
    except (CrmRetry, CrmRefused, SignInRequired):
        log.info("outbox item %d: the record could not be fetched again after a conflict", item.id)
        return False
    if fresh is None:
        return False
    patch = dict(payload.get("patch") or {})
    base = dict(payload.get("base") or {})
    merged, conflicts = merge(patch, base, fresh.body)
    record_key = f"{collection}:{record_id}"
    now = clock()

    def write(conn: Connection) -> None:
        if conflicts:
            crm_queue.save_conflict(conn, item.id, record_key, fresh.etag, fresh.body, conflicts, now=now)
            return
        crm_records.set_record_etag(conn, collection, record_id, fresh.etag, now=now)
        base = {field: fresh.body.get(field) for field in merged}
        resend = {**payload, "patch": merged, "base": base, "if_match": fresh.etag}  # the version just fetched
        crm_queue.rewrite_for_resend(conn, item.id, resend, _new_key(), now=now)

    await store.write(write)
    if conflicts:
        log.info("outbox item %d: %d field(s) changed on both sides; the attendant decides", item.id, len(conflicts))
    else:
        log.info("outbox item %d: merged with the CRM's current version", item.id)
    return not conflicts


class ConflictResolver:
    """The attendant's side of a conflict: what both sides hold, and the decision sent with the fresh ETag.

    Args:
        store: the store.
        wake: the outbox drainer's wake event (set when the decided write is queued), if any.
        clock: unix ms.
    """

    def __init__(self, store: Store, *, wake: asyncio.Event | None = None, clock: Callable[[], int] = now_ms) -> None:
        self._store = store
        self._wake = wake
        self._clock = clock

    async def conflict(self, item_id: int) -> StoredConflict | None:
        return await self._store.read_later(lambda conn: crm_queue.conflict_of(conn, item_id))

    async def resolve(self, item_id: int, choices: Mapping[str, Choice]) -> bool:
        """Send the decision: for each conflicting field the attendant's choice (a field without one keeps mine);
        fields only I changed go as they are. Returns False when the conflict is no longer stored."""
        now = self._clock()

        def write(conn: Connection) -> bool:
            stored = crm_queue.conflict_of(conn, item_id)
            if stored is None:
                return False
            payload = stored.payload
            collection, record_id = str(payload["collection"]), str(payload["id"])
            decided = {field.field: field for field in stored.fields}
            final: dict[str, Any] = {}
            for field, mine in dict(payload.get("patch") or {}).items():
                choice = choices.get(field, KeepMine())
                if field not in decided:
                    if stored.theirs.get(field) != mine:
                        final[field] = mine
                elif isinstance(choice, Edited):
                    final[field] = choice.value
                elif isinstance(choice, KeepMine):
                    final[field] = mine
            theirs_kept = {field: stored.theirs.get(field) for field in decided if field not in final}
            crm_records.set_record_etag(conn, collection, record_id, stored.etag, now=now)
            crm_queue.apply_locally(conn, collection, record_id, {**theirs_kept, **final}, now=now)
            if not final:
                crm_queue.drop_conflict(conn, item_id)  # nothing left to send: the CRM holds it all
                outbox.finish(conn, item_id, now)
                return True
            base = {field: stored.theirs.get(field) for field in final}
            resend = {**payload, "patch": final, "base": base, "if_match": stored.etag}  # the version decided on
            crm_queue.rewrite_for_resend(conn, item_id, resend, _new_key(), now=now)
            return True

        done = await self._store.write(write)
        if done and self._wake is not None:
            self._wake.set()
        return bool(done)
