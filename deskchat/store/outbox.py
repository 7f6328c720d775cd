"""The outbox: work that must reach a channel or the CRM, committed with the change it carries.

A row is ``queued`` until a worker claims it (``in_flight``), then ``done``, or back to ``queued`` with a later
``next_attempt_at`` after a transient failure, or ``failed`` when the attendant must act. Rows left ``in_flight`` by a
crash are put back to ``queued`` at start (at-least-once; the receiver deduplicates on ``idempotency_key``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, insert, select, update

from deskchat.store.clock import now_ms
from deskchat.store.rows import inserted_id
from deskchat.store.schema import outbox


class OutboxState:
    QUEUED = "queued"
    IN_FLIGHT = "in_flight"
    DONE = "done"
    FAILED = "failed"


class OutboxKind:
    CHANNEL_MESSAGE = "channel_message"
    CRM_CALL = "crm_call"


@dataclass(frozen=True)
class OutboxItem:
    id: int
    kind: str
    account_id: int | None
    message_id: int | None
    payload: dict[str, Any]
    idempotency_key: str
    attempts: int


def enqueue(
    conn: Connection,
    kind: str,
    idempotency_key: str,
    payload: dict[str, Any],
    *,
    account_id: int | None = None,
    message_id: int | None = None,
) -> int:
    now = now_ms()
    return inserted_id(
        conn.execute(
            insert(outbox).values(
                kind=kind,
                account_id=account_id,
                message_id=message_id,
                payload_json=json.dumps(payload, ensure_ascii=False),
                idempotency_key=idempotency_key,
                created_at=now,
                updated_at=now,
            )
        )
    )


def claim_due(conn: Connection, kind: str, limit: int = 20, now: int | None = None) -> list[OutboxItem]:
    """Mark up to ``limit`` due rows of ``kind`` in flight and return them, oldest first."""
    now = now_ms() if now is None else now
    rows = conn.execute(
        select(
            outbox.c.id,
            outbox.c.kind,
            outbox.c.account_id,
            outbox.c.message_id,
            outbox.c.payload_json,
            outbox.c.idempotency_key,
            outbox.c.attempts,
        )
        .where(outbox.c.state == OutboxState.QUEUED)
        .where(outbox.c.kind == kind)
        .where(outbox.c.next_attempt_at <= now)
        .order_by(outbox.c.id)
        .limit(limit)
    ).all()
    items = [OutboxItem(r[0], r[1], r[2], r[3], json.loads(r[4]), r[5], r[6]) for r in rows]
    if items:
        conn.execute(
            update(outbox)
            .where(outbox.c.id.in_([item.id for item in items]))
            .values(state=OutboxState.IN_FLIGHT, attempts=outbox.c.attempts + 1, updated_at=now)
        )
    return items


def finish(conn: Connection, item_id: int) -> None:
    conn.execute(update(outbox).where(outbox.c.id == item_id).values(state=OutboxState.DONE, updated_at=now_ms()))


def retry_later(conn: Connection, item_id: int, delay_ms: int, error: str) -> None:
    now = now_ms()
    conn.execute(
        update(outbox)
        .where(outbox.c.id == item_id)
        .values(state=OutboxState.QUEUED, next_attempt_at=now + delay_ms, last_error=error, updated_at=now)
    )


def fail(conn: Connection, item_id: int, error: str) -> None:
    conn.execute(
        update(outbox)
        .where(outbox.c.id == item_id)
        .values(state=OutboxState.FAILED, last_error=error, updated_at=now_ms())
    )


def requeue_message(conn: Connection, message_id: int) -> bool:
    """Put a failed message's outbox row back in the queue (the attendant pressed "tentar novamente")."""
    result = conn.execute(
        update(outbox)
        .where(outbox.c.message_id == message_id)
        .where(outbox.c.state == OutboxState.FAILED)
        .values(state=OutboxState.QUEUED, next_attempt_at=0, updated_at=now_ms())
    )
    return bool(result.rowcount)


def recover_in_flight(conn: Connection) -> int:
    """After a crash: rows claimed but never finished go back to the queue. Returns how many."""
    result = conn.execute(
        update(outbox).where(outbox.c.state == OutboxState.IN_FLIGHT).values(state=OutboxState.QUEUED)
    )
    return int(result.rowcount)


def state_of(conn: Connection, item_id: int) -> str | None:
    value = conn.execute(select(outbox.c.state).where(outbox.c.id == item_id)).scalar()
    return None if value is None else str(value)
