"""The outbox handler for ``crm_call`` rows: one CRM write per row, with the row's key, classified for the drainer.

A row's payload (written by :mod:`deskchat.services.crm_push`) is one of

* ``{"op": "create", "collection": "contacts" | "cases" | "notes", "id": uuid, "body": {...}}``
* ``{"op": "update", "collection": "contacts" | "cases", "id": uuid, "patch": {...}}``
* ``{"op": "append", "case_id": uuid, "messages": [...]}`` (a batch of history, ids chosen by DeskChat)

**Lost responses.** A create tried before (its response may have been lost, or DeskChat died mid-call) first looks
the record up by its client-generated id: found, it is done; only a 404 lets it be created. An update is sent again
with the same key and If-Match (the CRM replays its stored answer); a history batch is safe to send again (the CRM
counts known message ids as duplicates).

**Stored failures.** The CRM stores a 500 for a key and replays it to every retry with that key when the write
rolled back; a replayed 5xx gets the row a new key, which is safe: a create looks its record up first, an update
carries the same If-Match, and history batches are deduplicated by message id.

**Batches.** A due create or history append goes out in one ``POST /batch`` with up to
:data:`~.crm_batch.BATCH_SIZE` − 1 further due creates and appends that depend on no earlier unfinished write; each
keeps its own key (the batch's operation is the very request its single form would be) and gets its own outcome.
A batch answered 413 (too large for this CRM) is split: batches are halved from then on and its writes go again,
not counted as attempts; a batch also stays under :data:`~.crm_batch.BATCH_BYTES` of payload. A large batch goes
out as :data:`~.crm_batch.PARALLEL_REQUESTS` requests at once (its writes touch no common record, so they may run in
any order), which lets a CRM with several workers check and store them side by side.
A create answered "already exists" was created by an earlier try of its own (the id is ours alone): it is done.

**Order per record.** A write waits (not counted as an attempt) while an earlier write for a record it touches or
needs (the payload's ``records``) has not reached the CRM: a case's close never overtakes its accept, and a note
never goes before its case exists.

**Versions.** An update's If-Match is the version DeskChat last saw of the record (saved by pulls and by this
handler's own confirmed writes), so two changes to one case go out one after the other; a 412 is a conflict for
the attendant. The If-Match of an update's first try is pinned in its row before the request goes out: a retry of
a write whose answer was lost (or whose process was killed) is the very same request, which the CRM replays — with
the version seen anew (the write's own result) it would be a different request under the same key (422).

**An unreachable CRM** (no connection could be made: the request never left) is not an attempt: the whole lane
waits with a capped, jittered backoff that grows while the outage lasts, and no item is parked however long the CRM
stays down.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Connection

from deskchat.channels.base import ChannelAccount, ChannelUnavailable, PermanentSendError, RetryAfter, SendReceipt
from deskchat.crm.answers import AlreadyHeld, CrmConflict, CrmError, CrmRefused, CrmRetry, SignInRequired
from deskchat.crm.client import BatchAnswer, CrmClient
from deskchat.services.crm_conflicts import MERGED_REASON, merge_after_conflict
from deskchat.services.crm_lane import RECONNECT_REASON, CrmLane
from deskchat.services.outbox import crm_batch
from deskchat.services.outbox.outcomes import SendConflict, backoff_ms
from deskchat.store import crm_outbox, crm_records, outbox
from deskchat.store.clock import now_ms
from deskchat.store.database import Store
from deskchat.store.outbox import OutboxItem, OutboxKind

log = logging.getLogger("deskchat.crm.push")

WAITING_REASON = "aguardando o envio anterior deste registro ao CRM"
WAIT_BEHIND_PARKED_MS = 60 * 60_000  # behind a write that failed for good: look again hourly (or when it is retried)


class CrmTransientError(Exception):
    """A retryable CRM failure with no delay named by the server: the drainer backs off exponentially."""


class CrmCallHandler:
    kinds: tuple[str, ...] = (OutboxKind.CRM_CALL,)

    def __init__(self, store: Store, client: CrmClient, lane: CrmLane, *, clock: Callable[[], int] = now_ms) -> None:
        self._store = store
        self._clock = clock
        self._client = client
        self._lane = lane
        self._confirmed: dict[int, str] = {}  # item id → the ETag the CRM answered (saved when the item settles)
        self._waiting: set[int] = set()  # items put back behind an earlier write for their record
        self._new_key: set[int] = set()  # items whose key the CRM answers with a stored failure
        self._unreachable: set[int] = set()  # items whose try never reached the CRM (not counted as attempts)
        self._outages = 0  # tries in a row that found the CRM unreachable
        self._batches = True  # False once the CRM answered that it has no POST /batch
        self._batch_size = crm_batch.BATCH_SIZE  # halved each time the CRM answers a batch with 413

    async def before_resend(self, item: OutboxItem, account: ChannelAccount) -> SendReceipt | None:
        return None  # deliver() itself looks a create up before sending it again

    async def deliver(self, item: OutboxItem, account: ChannelAccount) -> SendReceipt:
        await self._wait_for_earlier_writes(item)
        try:
            etag = await self._send(item)
        except SignInRequired:
            self._lane.require_sign_in()
            raise ChannelUnavailable(RECONNECT_REASON) from None
        except CrmRetry as problem:
            if problem.unreachable:
                self._outages += 1
                delay_ms = backoff_ms(self._outages)
                self._lane.pause_for(delay_ms)
                self._unreachable.add(item.id)
                raise RetryAfter(delay_ms / 1000, str(problem)) from None
            if problem.replayed and problem.status is not None and problem.status >= 500:
                self._new_key.add(item.id)
            if problem.status == 429:
                delay_s = problem.retry_after_s or backoff_ms(item.attempts + 1) / 1000
                self._lane.pause_for(int(delay_s * 1000))
                raise RetryAfter(delay_s, str(problem)) from None
            if problem.retry_after_s is not None:
                raise RetryAfter(problem.retry_after_s, str(problem)) from None
            raise CrmTransientError(str(problem)) from None
        except CrmRefused as problem:
            raise PermanentSendError(str(problem)) from None
        except CrmConflict as problem:
            if await merge_after_conflict(self._store, self._client, item, clock=self._clock):
                raise RetryAfter(0, MERGED_REASON) from None  # merged by itself: goes again at once
            raise SendConflict(str(problem)) from None
        self._outages = 0
        self._confirmed[item.id] = etag
        return SendReceipt(str(item.payload.get("id", "")))

    async def _wait_for_earlier_writes(self, item: OutboxItem) -> None:
        """Order per record: an earlier write for the same record (or one this write needs) goes first."""
        records = [str(record) for record in item.payload.get("records", [])]
        lane_id = item.account_id if item.account_id is not None else self._lane.account_id
        blocker = await self._store.read_later(
            lambda conn: crm_records.earlier_write_pending(conn, lane_id, item.id, records)
        )
        if blocker is None:
            return
        now = self._clock()
        due = blocker.next_attempt_at if blocker.state == "queued" else now + WAIT_BEHIND_PARKED_MS
        self._waiting.add(item.id)
        raise RetryAfter(max(due - now, 1000) / 1000, WAITING_REASON)

    async def _send(self, item: OutboxItem) -> str:
        payload: dict[str, Any] = item.payload
        op, key = payload["op"], item.idempotency_key
        if op in crm_batch.BATCHABLE_OPS:
            sent = await self._send_in_batch(item)
            if sent is not None:
                return sent
        if op == "append":
            await self._client.append_messages(str(payload["case_id"]), list(payload["messages"]), key)
            return ""
        collection, record_id = str(payload["collection"]), str(payload["id"])
        if op == "create":
            if item.attempts > 0 or item.uncertain:
                held = await self._client.get(collection, record_id)
                if held is not None:
                    log.info("outbox item %d: the CRM already holds the record; not created again", item.id)
                    return held.etag
            return (await self._client.create(collection, payload["body"], key)).etag
        if op == "update":
            etag = str(payload.get("if_match") or "") or await self._base_version(item, collection, record_id)
            return (await self._client.update(collection, record_id, payload["patch"], etag, key)).etag
        raise CrmRefused(f"operação desconhecida: {op}", status=400)

    async def _send_in_batch(self, item: OutboxItem) -> str | None:
        """Send ``item`` with the due creates and appends queued after it in one ``POST /batch``; returns its ETag
        (None when nothing else is ready: it goes alone). The companions are settled here, each by its own answer."""
        if not self._batches:
            return None
        lane_id = item.account_id if item.account_id is not None else self._lane.account_id
        limit, now = self._batch_size - 1, self._clock()
        room = crm_batch.BATCH_BYTES - len(json.dumps(item.payload, ensure_ascii=False))
        companions = await self._store.write(
            lambda conn: crm_batch.claim_batch_companions(conn, lane_id, item.id, limit, now, max_bytes=room)
        )
        if not companions:
            return None
        parts = crm_batch.split((item, *companions))
        try:
            async with asyncio.TaskGroup() as group:
                answering = [group.create_task(self._answers_of(part)) for part in parts]
        except BaseException as problem:  # cancelled or timed out: the companions go back, nothing sent twice
            failed: list[BatchAnswer | CrmError] = [CrmRetry("o lote não terminou")] * len(companions)
            self._store.write_now(lambda conn: crm_batch.settle_companions(conn, companions, failed, self._clock()))
            if isinstance(problem, BaseExceptionGroup) and len(problem.exceptions) == 1:
                raise problem.exceptions[0] from None
            raise
        lead, *outcomes = [outcome for task in answering for outcome in task.result()]
        await self._store.write(lambda conn: crm_batch.settle_companions(conn, companions, outcomes, self._clock()))
        if lead is crm_batch.NOT_SENT:
            return None  # the CRM took no batch: it goes alone
        if isinstance(lead, CrmError):
            raise lead
        refused = lead.error()
        if refused is not None and not isinstance(refused, AlreadyHeld):
            raise refused
        return lead.etag

    async def _answers_of(self, part: Sequence[OutboxItem]) -> list[BatchAnswer | CrmError]:
        """One ``POST /batch`` of ``part``: each write's own answer, or the error the whole request ended with."""
        try:
            return list(await self._client.batch([crm_batch.operation_of(one) for one in part]))
        except CrmRefused as problem:  # no POST /batch (404, 405), or this batch refused as a whole
            if problem.status == 413 and len(part) > 2:  # the CRM takes smaller batches: halve them from now on
                self._batch_size = min(self._batch_size, len(part)) // 2
            else:
                self._batches = False  # every write goes alone from now on, each with its own answer
            return [crm_batch.NOT_SENT] * len(part)  # back to the queue, not as an attempt
        except CrmError as problem:
            return [problem] * len(part)

    async def _base_version(self, item: OutboxItem, collection: str, record_id: str) -> str:
        """The version an update is based on, pinned in its row before the first request goes out."""
        etag = await self._store.read_later(lambda conn: crm_records.etag_of_record(conn, collection, record_id))
        if not etag:
            current = await self._client.get(collection, record_id)
            if current is None:
                raise CrmRefused("o registro não existe no CRM (404)", status=404)
            etag = current.etag
        await self._store.write(lambda conn: crm_outbox.pin_payload_field(conn, item.id, "if_match", etag))
        return etag

    def settle_done(self, conn: Connection, item: OutboxItem, receipt: SendReceipt, now: int) -> int | None:
        outbox.finish(conn, item.id, now)
        etag = self._confirmed.pop(item.id, "")
        if etag and item.payload.get("op") in ("create", "update"):
            collection, record_id = str(item.payload["collection"]), str(item.payload["id"])
            crm_records.set_record_etag(conn, collection, record_id, etag, now=now)
        return None

    def settle_parked(self, conn: Connection, item: OutboxItem, reason: str, now: int) -> int | None:
        self._confirmed.pop(item.id, None)
        self._waiting.discard(item.id)
        self._new_key.discard(item.id)
        self._unreachable.discard(item.id)
        outbox.park(conn, item.id, reason, now)
        return None

    def settle_retry(self, conn: Connection, item: OutboxItem, next_at: int, reason: str, now: int) -> int | None:
        if item.id in self._waiting:
            self._waiting.discard(item.id)
            crm_records.wait_behind(conn, item.id, next_at, WAITING_REASON, now=now)
            return None
        if item.id in self._unreachable:
            self._unreachable.discard(item.id)
            crm_records.wait_behind(conn, item.id, next_at, reason, now=now)  # not an attempt
            return None
        if item.id in self._new_key:
            self._new_key.discard(item.id)
            crm_records.replace_outbox_key(conn, item.id, f"deskchat-{uuid.uuid4()}")
        outbox.retry_later(conn, item.id, next_at, reason, now)
        return None
