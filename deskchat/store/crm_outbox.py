"""What the CRM handler keeps on its own outbox rows between tries (beyond the generic outbox's columns)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, select, update

from deskchat.store.outbox import OutboxItem
from deskchat.store.schema import outbox


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


BATCHABLE_OPS = ("create", "append")


def claim_batch_companions(conn: Connection, account_id: int, lead_id: int, limit: int, now: int) -> list[OutboxItem]:
    """Claim up to ``limit`` more due CRM creates and history appends to send in one batch with row ``lead_id``.

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
    for row in rows:
        payload: dict[str, Any] = json.loads(row.payload_json)
        records = {str(record) for record in payload.get("records", [])}
        joins = (
            row.id != lead_id
            and len(chosen) < limit
            and row.state == "queued"
            and int(row.next_attempt_at) <= now
            and payload.get("op") in BATCHABLE_OPS
            and not records & blocked
        )
        if joins:
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
