"""CRM writes sent several to a request (``POST /batch``): what each row becomes on the wire, and how the rows that
rode along with the drainer's own row are settled from their own answers.

The drainer claims and settles one row; the CRM handler claims the companions (:func:`claim_batch_companions`),
sends them all in one batch and settles the companions itself here, each as the drainer would settle it alone:
done, retried later (the attempt counts; parked after too many), or parked with the reason in words.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, Final

from sqlalchemy import Connection

from deskchat.crm.answers import AlreadyHeld, CrmConflict, CrmError, CrmRefused, CrmRetry, SignInRequired
from deskchat.crm.client import BatchAnswer, BatchOperation
from deskchat.services.outbox.outcomes import MAX_TRANSIENT_ATTEMPTS, backoff_ms
from deskchat.store import crm_records, outbox
from deskchat.store.crm_outbox import BATCHABLE_OPS, claim_batch_companions, finish_many, set_record_etags
from deskchat.store.outbox import OutboxItem

BATCH_SIZE: Final = 500  # writes per request (the most the contract allows)
BATCH_BYTES: Final = 4 * 1024 * 1024  # payload bytes per request, well under what proxies commonly refuse
PARALLEL_REQUESTS: Final = 2  # a large batch goes out as this many requests at once
MIN_PART: Final = 50  # writes per request, at least, when a batch is split
NOT_SENT: Final = CrmRetry("o CRM não aceita lotes; enviado sozinho", unreachable=True)  # back, not an attempt

__all__ = [
    "BATCHABLE_OPS",
    "BATCH_BYTES",
    "BATCH_SIZE",
    "NOT_SENT",
    "PARALLEL_REQUESTS",
    "claim_batch_companions",
    "operation_of",
    "settle_companions",
    "split",
]


def split(batch: Sequence[OutboxItem]) -> list[Sequence[OutboxItem]]:
    """A batch cut into up to :data:`PARALLEL_REQUESTS` consecutive parts of at least :data:`MIN_PART` writes."""
    count = max(1, min(PARALLEL_REQUESTS, len(batch) // MIN_PART))
    size = -(-len(batch) // count)
    return [batch[start : start + size] for start in range(0, len(batch), size)]


def operation_of(item: OutboxItem) -> BatchOperation:
    """The row's write exactly as its single request would be (same path and body, same key)."""
    payload: dict[str, Any] = item.payload
    if payload["op"] == "append":
        path = f"/cases/{payload['case_id']}/messages"
        return BatchOperation(item.idempotency_key, "POST", path, {"messages": list(payload["messages"])})
    return BatchOperation(item.idempotency_key, "POST", f"/{payload['collection']}", dict(payload["body"]))


def settle_companions(
    conn: Connection, companions: Sequence[OutboxItem], outcomes: Sequence[BatchAnswer | CrmError], now: int
) -> None:
    """Record each companion's own result (an answer of the batch, or the error the whole batch ended with), all in
    the caller's one transaction (the confirmed ones in one statement)."""
    confirmed: list[int] = []
    etags: dict[str, dict[str, str]] = {}  # collection → record id → the ETag the CRM answered
    for item, outcome in zip(companions, outcomes, strict=True):
        problem = outcome.error() if isinstance(outcome, BatchAnswer) else outcome
        if problem is None or isinstance(problem, AlreadyHeld):
            confirmed.append(item.id)
            etag = outcome.etag if isinstance(outcome, BatchAnswer) else ""
            if etag and item.payload.get("op") == "create":
                collection, record_id = str(item.payload["collection"]), str(item.payload["id"])
                etags.setdefault(collection, {})[record_id] = etag
        elif problem is NOT_SENT:
            crm_records.wait_behind(conn, item.id, now, str(problem), now=now)  # not an attempt
        elif isinstance(problem, CrmRetry) and problem.unreachable:
            crm_records.wait_behind(conn, item.id, now + backoff_ms(1), str(problem), now=now)  # not an attempt
        elif isinstance(problem, CrmRetry) and problem.status == 429:  # the CRM ran nothing: the lane is paused
            delay_ms = int((problem.retry_after_s or 1) * 1000)
            crm_records.wait_behind(conn, item.id, now + delay_ms, str(problem), now=now)  # not an attempt
        elif isinstance(problem, SignInRequired):
            crm_records.wait_behind(conn, item.id, now, str(problem), now=now)  # waits for the sign-in, not an attempt
        elif isinstance(problem, CrmRefused):
            outbox.park(conn, item.id, str(problem), now)
        elif isinstance(problem, CrmConflict):
            outbox.park(conn, item.id, f"conflito: {problem}", now)
        else:
            _retry(conn, item, problem, now)
    finish_many(conn, confirmed, now)
    for collection, of_records in etags.items():
        set_record_etags(conn, collection, of_records, now)


def _retry(conn: Connection, item: OutboxItem, problem: CrmError, now: int) -> None:
    attempts = item.attempts + 1
    reason = f"{type(problem).__name__}: {problem}"
    if attempts >= MAX_TRANSIENT_ATTEMPTS:
        outbox.park(conn, item.id, f"failed {attempts} times; last: {reason}", now)
        return
    delay_ms = backoff_ms(attempts)
    if isinstance(problem, CrmRetry):
        if problem.retry_after_s is not None:
            delay_ms = int(problem.retry_after_s * 1000)
        if problem.replayed and problem.status is not None and problem.status >= 500:
            crm_records.replace_outbox_key(conn, item.id, f"deskchat-{uuid.uuid4()}")
    outbox.retry_later(conn, item.id, now + delay_ms, reason, now)
