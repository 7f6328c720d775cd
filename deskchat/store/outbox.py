"""The outbox: work that must reach a channel or the CRM, committed with the change it carries.

A row is ``queued`` until its account's lane claims it (``in_flight``, one at a time per lane), then ``done``; or
back to ``queued`` with a later ``next_attempt_at`` after a transient failure; or back to ``queued`` with no attempt
counted when the channel was unavailable; or ``failed`` (parked) with a reason the attendant can read. A row found
``in_flight`` at start was interrupted by a crash: it becomes ``uncertain``, and its handler must find out whether the
first try arrived before it sends again.

``channel_id`` is the channel's id for the message, chosen before the first send (at the latest in the transaction
that first claims the row) and reused on every resend. Every writer takes ``now`` (unix ms) so tests can use a clock.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, and_, delete, func, insert, or_, select, update

from deskchat.store.rows import inserted_id
from deskchat.store.schema import messages, outbox


class OutboxState:
    QUEUED = "queued"
    IN_FLIGHT = "in_flight"
    UNCERTAIN = "uncertain"  # in flight when the app died: the first try may have arrived
    DONE = "done"
    FAILED = "failed"  # parked: the attendant reads the reason and may retry


class OutboxKind:
    CHANNEL_MESSAGE = "channel_message"  # a chat text (and, in rows written before files had a kind, a file)
    CHAT_FILE = "chat_file"  # an image or document, its bytes in the media vault
    CRM_CALL = "crm_call"


@dataclass(frozen=True)
class OutboxItem:
    id: int
    kind: str
    account_id: int | None
    message_id: int | None
    payload: dict[str, Any]
    idempotency_key: str
    attempts: int  # earlier attempts, not counting this one
    channel_id: str = ""
    uncertain: bool = False
    created_at: int = 0


@dataclass(frozen=True)
class OutboxRow:
    """What a row looks like now (for the services and tests)."""

    state: str
    attempts: int
    last_error: str
    next_attempt_at: int
    channel_id: str | None


def enqueue(
    conn: Connection,
    kind: str,
    idempotency_key: str,
    payload: dict[str, Any],
    *,
    now: int,
    account_id: int | None = None,
    message_id: int | None = None,
    channel_id: str | None = None,
    record_key: str | None = None,
) -> int:
    """Queue one row; a CRM row names the record it writes in ``record_key`` ("cases:<uuid>")."""
    return inserted_id(
        conn.execute(
            insert(outbox).values(
                kind=kind,
                account_id=account_id,
                message_id=message_id,
                payload_json=json.dumps(payload, ensure_ascii=False),
                idempotency_key=idempotency_key,
                channel_id=channel_id,
                record_key=record_key,
                created_at=now,
                updated_at=now,
            )
        )
    )


def _claimable(now: int) -> Any:
    return or_(
        and_(outbox.c.state == OutboxState.QUEUED, outbox.c.next_attempt_at <= now),
        outbox.c.state == OutboxState.UNCERTAIN,
    )


def lanes_with_work(conn: Connection, kinds: Sequence[str], now: int) -> list[int | None]:
    """Accounts (lanes) that have a row to claim now."""
    rows = conn.execute(
        select(outbox.c.account_id).where(outbox.c.kind.in_(kinds)).where(_claimable(now)).distinct()
    ).scalars()
    return list(rows)


def next_due_at(conn: Connection, kinds: Sequence[str]) -> int | None:
    """When the earliest queued row comes due (None when nothing is queued)."""
    value = conn.execute(
        select(func.min(outbox.c.next_attempt_at))
        .where(outbox.c.kind.in_(kinds))
        .where(outbox.c.state.in_([OutboxState.QUEUED, OutboxState.UNCERTAIN]))
    ).scalar()
    return None if value is None else int(value)


def claim_next(
    conn: Connection, account_id: int | None, kinds: Sequence[str], now: int, choose_id: Callable[[], str]
) -> OutboxItem | None:
    """Mark the lane's oldest claimable row in flight and return it.

    A row without a channel id gets one from ``choose_id`` in this same transaction, and so does its message row:
    the id is stored before the first send and reused on every resend.
    """
    lane = outbox.c.account_id.is_(None) if account_id is None else outbox.c.account_id == account_id
    row = conn.execute(
        select(
            outbox.c.id,
            outbox.c.kind,
            outbox.c.account_id,
            outbox.c.message_id,
            outbox.c.payload_json,
            outbox.c.idempotency_key,
            outbox.c.attempts,
            outbox.c.channel_id,
            outbox.c.state,
            outbox.c.created_at,
        )
        .where(lane)
        .where(outbox.c.kind.in_(kinds))
        .where(_claimable(now))
        .order_by(outbox.c.id)
        .limit(1)
    ).first()
    if row is None:
        return None
    channel_id = row.channel_id
    values: dict[str, Any] = {"state": OutboxState.IN_FLIGHT, "attempts": outbox.c.attempts + 1, "updated_at": now}
    if not channel_id:
        channel_id = choose_id()
        values["channel_id"] = channel_id
        if row.message_id is not None:
            conn.execute(update(messages).where(messages.c.id == row.message_id).values(channel_id=channel_id))
    conn.execute(update(outbox).where(outbox.c.id == row.id).values(**values))
    return OutboxItem(
        id=row.id,
        kind=row.kind,
        account_id=row.account_id,
        message_id=row.message_id,
        payload=json.loads(row.payload_json),
        idempotency_key=row.idempotency_key,
        attempts=int(row.attempts),
        channel_id=str(channel_id),
        uncertain=row.state == OutboxState.UNCERTAIN,
        created_at=int(row.created_at),
    )


def finish(conn: Connection, item_id: int, now: int) -> None:
    conn.execute(update(outbox).where(outbox.c.id == item_id).values(state=OutboxState.DONE, updated_at=now))


def retry_later(conn: Connection, item_id: int, next_attempt_at: int, error: str, now: int) -> None:
    """A transient failure: the attempt counts; the row comes due again at ``next_attempt_at``."""
    conn.execute(
        update(outbox)
        .where(outbox.c.id == item_id)
        .values(state=OutboxState.QUEUED, next_attempt_at=next_attempt_at, last_error=error, updated_at=now)
    )


def release_unattempted(conn: Connection, item_id: int, reason: str, now: int) -> None:
    """The channel was unavailable: back to the queue, and the claim is not counted as an attempt."""
    conn.execute(
        update(outbox)
        .where(outbox.c.id == item_id)
        .where(outbox.c.state == OutboxState.IN_FLIGHT)
        .values(
            state=OutboxState.QUEUED,
            attempts=func.max(outbox.c.attempts - 1, 0),
            last_error=reason,
            updated_at=now,
        )
    )


def park(conn: Connection, item_id: int, reason: str, now: int) -> None:
    """Refused for good (or too many failures): the attendant reads ``reason`` and may retry."""
    conn.execute(
        update(outbox).where(outbox.c.id == item_id).values(state=OutboxState.FAILED, last_error=reason, updated_at=now)
    )


def requeue_message(conn: Connection, message_id: int, now: int) -> bool:
    """Put a parked message's outbox row back in the queue (the attendant pressed "tentar novamente")."""
    result = conn.execute(
        update(outbox)
        .where(outbox.c.message_id == message_id)
        .where(outbox.c.state == OutboxState.FAILED)
        .values(state=OutboxState.QUEUED, next_attempt_at=0, updated_at=now)
    )
    return bool(result.rowcount)


def mark_interrupted(conn: Connection, now: int) -> int:
    """At start: rows a crash left in flight become ``uncertain`` (their first try may have arrived)."""
    result = conn.execute(
        update(outbox)
        .where(outbox.c.state == OutboxState.IN_FLIGHT)
        .values(state=OutboxState.UNCERTAIN, updated_at=now)
    )
    return int(result.rowcount)


def row_of(conn: Connection, item_id: int) -> OutboxRow | None:
    row = conn.execute(
        select(
            outbox.c.state, outbox.c.attempts, outbox.c.last_error, outbox.c.next_attempt_at, outbox.c.channel_id
        ).where(outbox.c.id == item_id)
    ).first()
    if row is None:
        return None
    return OutboxRow(str(row.state), int(row.attempts), str(row.last_error), int(row.next_attempt_at), row.channel_id)


def row_of_message(conn: Connection, message_id: int) -> tuple[int, OutboxRow] | None:
    """The outbox row (id and state) that carries an outgoing message."""
    item_id = conn.execute(select(outbox.c.id).where(outbox.c.message_id == message_id)).scalar()
    if item_id is None:
        return None
    found = row_of(conn, int(item_id))
    return None if found is None else (int(item_id), found)


def parked_reasons(conn: Connection, message_ids: Sequence[int]) -> dict[int, str]:
    """Why each of these messages is parked (only the parked ones)."""
    if not message_ids:
        return {}
    rows = conn.execute(
        select(outbox.c.message_id, outbox.c.last_error)
        .where(outbox.c.message_id.in_(list(message_ids)))
        .where(outbox.c.state == OutboxState.FAILED)
    )
    return {int(message_id): str(error) for message_id, error in rows}


def find_echo(conn: Connection, message_id: int, since: int) -> tuple[int, str] | None:
    """Another stored copy of our outgoing message: same conversation and text, outgoing, sent since ``since``.

    That is how a channel that chose its own id shows a first try that did arrive (our message coming back from
    another device or from history). Returns the copy's (message id, channel id).
    """
    ours = conn.execute(select(messages.c.conversation_id, messages.c.text).where(messages.c.id == message_id)).first()
    if ours is None:
        return None
    echo = conn.execute(
        select(messages.c.id, messages.c.channel_id)
        .where(messages.c.conversation_id == ours.conversation_id)
        .where(messages.c.outgoing == 1)
        .where(messages.c.text == ours.text)
        .where(messages.c.id != message_id)
        .where(messages.c.sent_at >= since)
        .where(messages.c.id.not_in(select(outbox.c.message_id).where(outbox.c.message_id.is_not(None))))
        .order_by(messages.c.sent_at)
        .limit(1)
    ).first()
    return None if echo is None else (int(echo.id), str(echo.channel_id))


def adopt_echo(conn: Connection, message_id: int, echo_id: int, echo_channel_id: str) -> None:
    """Our row takes the echo's channel id; the echo row (a second copy of the same message) goes."""
    conn.execute(delete(messages).where(messages.c.id == echo_id))
    conn.execute(update(messages).where(messages.c.id == message_id).values(channel_id=echo_channel_id))
