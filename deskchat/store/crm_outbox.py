"""What the CRM handler keeps on its own outbox rows between tries (beyond the generic outbox's columns)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, bindparam, select, update

from deskchat.store.outbox import OutboxItem, OutboxState
from deskchat.store.schema import crm_cases, crm_clients, outbox


def pin_payload_field(conn: Connection, item_id: int, name: str, value: Any) -> None:
    """Store ``value`` under ``name`` in a row's payload (e.g. the If-Match an update is first sent with, so every
    retry under the same Idempotency-Key sends the very same request)."""
    raw = conn.execute(select(outbox.c.payload_json).where(outbox.c.id == item_id)).scalar()
    if raw is None:
        return
    payload: dict[str, Any] = json.loads(raw)
    payload[name] = value
    conn.execute(
        update(outbox).where(outbox.c.id == item_id).values(payload_json=json.dumps(payload, ensure_ascii=False))
    )


def finish_many(conn: Connection, item_ids: list[int], now: int) -> None:
    """Mark several rows done in one statement (the writes of a batch the CRM confirmed)."""
    if item_ids:
        conn.execute(update(outbox).where(outbox.c.id.in_(item_ids)).values(state=OutboxState.DONE, updated_at=now))


def set_record_etags(conn: Connection, collection: str, etags: dict[str, str], now: int) -> None:
    """:func:`~deskchat.store.crm_records.set_record_etag` for many records of one collection (one statement)."""
    if collection not in ("contacts", "cases") or not etags:
        return
    table = crm_clients if collection == "contacts" else crm_cases
    conn.execute(
        update(table)
        .where(table.c.crm_id == bindparam("record_id"))
        .values(etag=bindparam("new_etag"), updated_at=now),
        [{"record_id": record_id, "new_etag": etag} for record_id, etag in etags.items()],
    )


BATCHABLE_OPS = ("create", "append")


def claim_batch_companions(
    conn: Connection, account_id: int, lead_id: int, limit: int, now: int, *, max_bytes: int | None = None
) -> list[OutboxItem]:
    """Claim up to ``limit`` more due CRM creates and history appends to send in one batch with row ``lead_id``
    (and, with ``max_bytes``, no more than that many bytes of payload in all: a CRM may refuse a large body).

    A row joins only when no earlier unfinished row (sent, waiting, parked, or in this batch) touches one of its
    records, so order per record holds whatever happens to the batch. Claimed rows are in flight, each attempt
    counted, exactly as the drainer's own claim leaves a row.
    """
    rows = conn.execute(
        select(
            outbox.c.id,
            outbox.c.kind,
            outbox.c.payload_json,
            outbox.c.state,
            outbox.c.next_attempt_at,
            outbox.c.attempts,
            outbox.c.idempotency_key,
            outbox.c.created_at,
        )
        .where(outbox.c.kind == "crm_call", outbox.c.account_id == account_id, outbox.c.state != "done")
        .order_by(outbox.c.id)
        .limit(limit * 2 + 100)
    ).all()
    blocked: set[str] = set()
    chosen: list[OutboxItem] = []
    budget = max_bytes if max_bytes is not None else -1
    for row in rows:
        payload: dict[str, Any] = json.loads(row.payload_json)
        records = {str(record) for record in payload.get("records", [])}
        fits = max_bytes is None or len(row.payload_json) <= budget
        joins = (
            row.id != lead_id
            and len(chosen) < limit
            and fits
            and row.state == "queued"
            and int(row.next_attempt_at) <= now
            and payload.get("op") in BATCHABLE_OPS
            and not records & blocked
        )
        if joins:
            budget -= len(row.payload_json)
            chosen.append(
                OutboxItem(
                    id=int(row.id),
                    kind=str(row.kind),
                    account_id=account_id,
                    message_id=None,
                    payload=payload,
                    idempotency_key=str(row.idempotency_key),
                    attempts=int(row.attempts),
                    created_at=int(row.created_at),
                )
            )
        blocked |= records
    if chosen:
        conn.execute(
            update(outbox)
            .where(outbox.c.id.in_([item.id for item in chosen]), outbox.c.state == "queued")
            .values(state="in_flight", attempts=outbox.c.attempts + 1, updated_at=now)
        )
    return chosen
