"""Where the CRM outbox stands, per record and as a journal: what waits, what failed and why, what conflicts.

Every CRM outbox row names the record it writes (``record_key``, ``"cases:<uuid>"``, indexed). A record's sync state
is the most urgent state among its rows not yet done: a conflict, then a failure (parked, the attendant acts), then a
retry at a known time, then pending; with no such row it is synced. A 412 keeps the CRM's fresh version and the fields
both sides changed in ``crm_conflicts`` until the attendant decides.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import Connection, and_, delete, func, insert, or_, select, update

from deskchat.store.outbox import OutboxKind, OutboxState
from deskchat.store.schema import crm_cases, crm_clients, crm_conflicts, outbox

#: The reason the CRM handler gives a write that waits behind an earlier write for its record (not a failure).
WAITING_BEHIND_REASON: Final = "aguardando o envio anterior deste registro ao CRM"
CONFLICT_PREFIX: Final = "conflito:"
JOURNAL_LIMIT: Final = 500

#: CRM fields that the local copies mirror with the same meaning (CRM field → local column).
_MIRRORED: Final[dict[str, dict[str, str]]] = {
    "contacts": {
        "name": "name",
        "cnpj": "cnpj",
        "company_type": "company_type",
        "credit_limit_cents": "credit_limit_cents",
        "debt_cents": "debt_cents",
        "sales_stage": "sales_stage",
    },
    "cases": {"subject": "title", "status": "status", "priority": "priority"},
}


class SyncState:
    SYNCED = "synced"
    PENDING = "pending"
    RETRY = "retry"  # waiting to retry at ``retry_at``
    CONFLICT = "conflict"
    FAILED = "failed"  # parked: action needed


_URGENCY = (SyncState.CONFLICT, SyncState.FAILED, SyncState.RETRY, SyncState.PENDING)


@dataclass(frozen=True)
class RecordSync:
    state: str
    reason: str = ""
    retry_at: int | None = None
    item_id: int | None = None  # the row that decides the state


@dataclass(frozen=True)
class JournalEntry:
    item_id: int
    record_key: str
    operation: str  # create | update | append
    collection: str  # contacts | cases | notes (the payload's)
    label: str  # the record's name or case subject, as stored locally ("" when unknown)
    state: str  # a SyncState other than SYNCED
    reason: str
    retry_at: int | None
    attempts: int


@dataclass(frozen=True)
class FieldConflict:
    field: str
    mine: Any
    theirs: Any


@dataclass(frozen=True)
class StoredConflict:
    item_id: int
    record_key: str
    etag: str
    theirs: dict[str, Any]
    fields: list[FieldConflict]
    payload: dict[str, Any]


@dataclass(frozen=True)
class QueueSummary:
    """The CRM lane's queue: ``queued`` items still to send, ``failed`` parked, ``conflicts`` for the attendant;
    ``retrying`` when the lane's latest try ended in a transient failure (the CRM is not answering)."""

    queued: int
    failed: int
    conflicts: int
    retrying: bool
    fingerprint: tuple[int, int]


def _classify(state: str, last_error: str, next_attempt_at: int, has_conflict: bool, now: int) -> str:
    if state == OutboxState.FAILED:
        return SyncState.CONFLICT if has_conflict or last_error.startswith(CONFLICT_PREFIX) else SyncState.FAILED
    if state == OutboxState.QUEUED and last_error and last_error != WAITING_BEHIND_REASON and next_attempt_at > now:
        return SyncState.RETRY
    return SyncState.PENDING


def _has_conflict() -> Any:
    return select(crm_conflicts.c.outbox_id).where(crm_conflicts.c.outbox_id == outbox.c.id).exists()


def record_sync_state(conn: Connection, record_key: str, now: int) -> RecordSync:
    """How one CRM record stands (``record_key`` as ``"contacts:<uuid>"`` or ``"cases:<uuid>"``)."""
    rows = conn.execute(
        select(
            outbox.c.id,
            outbox.c.state,
            outbox.c.last_error,
            outbox.c.next_attempt_at,
            _has_conflict().label("has_conflict"),
        )
        .where(outbox.c.record_key == record_key)
        .where(outbox.c.state != OutboxState.DONE)
        .order_by(outbox.c.id)
    ).all()
    found: dict[str, RecordSync] = {}
    for row in rows:
        state = _classify(str(row.state), str(row.last_error), int(row.next_attempt_at), bool(row.has_conflict), now)
        if state in found:
            continue
        retry_at = int(row.next_attempt_at) if state == SyncState.RETRY else None
        reason = "" if state == SyncState.PENDING else str(row.last_error)
        found[state] = RecordSync(state, reason, retry_at, int(row.id))
    for state in _URGENCY:
        if state in found:
            return found[state]
    return RecordSync(SyncState.SYNCED)


def _labels(conn: Connection, keys: Sequence[str]) -> dict[str, str]:
    wanted: dict[str, list[str]] = {"contacts": [], "cases": []}
    for key in keys:
        collection, _, crm_id = key.partition(":")
        if collection in wanted:
            wanted[collection].append(crm_id)
    labels: dict[str, str] = {}
    if wanted["contacts"]:
        for crm_id, name in conn.execute(
            select(crm_clients.c.crm_id, crm_clients.c.name).where(crm_clients.c.crm_id.in_(wanted["contacts"]))
        ):
            labels[f"contacts:{crm_id}"] = str(name)
    if wanted["cases"]:
        for crm_id, title in conn.execute(
            select(crm_cases.c.crm_id, crm_cases.c.title).where(crm_cases.c.crm_id.in_(wanted["cases"]))
        ):
            labels[f"cases:{crm_id}"] = str(title)
    return labels


def journal(conn: Connection, now: int, *, limit: int = JOURNAL_LIMIT) -> list[JournalEntry]:
    """Every CRM write not yet done: conflicts first, then failures, then what waits; oldest first within each."""
    rows = conn.execute(
        select(
            outbox.c.id,
            outbox.c.record_key,
            outbox.c.payload_json,
            outbox.c.state,
            outbox.c.last_error,
            outbox.c.next_attempt_at,
            outbox.c.attempts,
            _has_conflict().label("has_conflict"),
        )
        .where(outbox.c.kind == OutboxKind.CRM_CALL)
        .where(outbox.c.state != OutboxState.DONE)
        .order_by(outbox.c.id)
        .limit(limit)
    ).all()
    labels = _labels(conn, [str(row.record_key) for row in rows if row.record_key])
    entries: list[JournalEntry] = []
    for row in rows:
        state = _classify(str(row.state), str(row.last_error), int(row.next_attempt_at), bool(row.has_conflict), now)
        try:
            payload = json.loads(row.payload_json)
        except ValueError:
            payload = {}
        payload = payload if isinstance(payload, dict) else {}
        key = str(row.record_key or "")
        entries.append(
            JournalEntry(
                item_id=int(row.id),
                record_key=key,
                operation=str(payload.get("op", "")),
                collection=str(payload.get("collection", "cases" if payload.get("op") == "append" else "")),
                label=labels.get(key, ""),
                state=state,
                reason="" if state == SyncState.PENDING else str(row.last_error),
                retry_at=int(row.next_attempt_at) if state == SyncState.RETRY else None,
                attempts=int(row.attempts),
            )
        )
    entries.sort(key=lambda entry: (_URGENCY.index(entry.state), entry.item_id))
    return entries


def queue_summary(conn: Connection, account_id: int | None, now: int) -> QueueSummary:
    """Counts for the banner, and whether the lane's latest try failed (read from two small indexed queries)."""
    lane = outbox.c.kind == OutboxKind.CRM_CALL
    if account_id is not None:
        lane = and_(lane, outbox.c.account_id == account_id)
    counts: dict[str, int] = {
        str(state): int(count)
        for state, count in conn.execute(
            select(outbox.c.state, func.count())
            .where(lane)
            .where(outbox.c.state != OutboxState.DONE)
            .group_by(outbox.c.state)
        )
    }
    conflicts = int(
        conn.execute(
            select(func.count())
            .select_from(outbox)
            .where(lane)
            .where(outbox.c.state == OutboxState.FAILED)
            .where(or_(_has_conflict(), outbox.c.last_error.startswith(CONFLICT_PREFIX)))
        ).scalar_one()
    )
    latest = conn.execute(
        select(outbox.c.state, outbox.c.last_error, outbox.c.next_attempt_at, outbox.c.updated_at)
        .where(lane)
        .where(outbox.c.state != OutboxState.IN_FLIGHT)
        .where(outbox.c.attempts > 0)  # tried at least once: its result is the lane's latest news
        .order_by(outbox.c.updated_at.desc(), outbox.c.id.desc())
        .limit(1)
    ).first()
    retrying = latest is not None and (
        _classify(str(latest.state), str(latest.last_error), int(latest.next_attempt_at), False, now) == SyncState.RETRY
    )
    total = sum(counts.values())
    fingerprint = (total, int(latest.updated_at) if latest is not None else 0)
    queued = sum(counts.get(state, 0) for state in (OutboxState.QUEUED, OutboxState.IN_FLIGHT, OutboxState.UNCERTAIN))
    failed = counts.get(OutboxState.FAILED, 0) - conflicts
    return QueueSummary(queued, failed, conflicts, retrying, fingerprint)


def retry_now(conn: Connection, item_ids: Sequence[int] | None, now: int) -> int:
    """ "Tentar agora": the items (every CRM item waiting or failed, with None) come due at once; a conflict the
    attendant must decide stays. Writes waiting behind them come due too. Returns how many were put back."""
    target = and_(outbox.c.kind == OutboxKind.CRM_CALL, outbox.c.state.in_([OutboxState.QUEUED, OutboxState.FAILED]))
    target = and_(target, ~_has_conflict())
    if item_ids is not None:
        target = and_(target, outbox.c.id.in_(list(item_ids)))
    keys = [str(key) for key in conn.execute(select(outbox.c.record_key).where(target)).scalars() if key]
    result = conn.execute(
        update(outbox).where(target).values(state=OutboxState.QUEUED, next_attempt_at=now, updated_at=now)
    )
    if keys:
        conn.execute(
            update(outbox)
            .where(outbox.c.record_key.in_(keys))
            .where(outbox.c.state == OutboxState.QUEUED)
            .where(outbox.c.next_attempt_at > now)
            .values(next_attempt_at=now, updated_at=now)
        )
    return int(result.rowcount)


# -- conflicts ------------------------------------------------------------------------------------------------------


def base_values(conn: Connection, collection: str, crm_id: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    """The values an edit of ``fields`` replaces, as the local copy holds them (only the fields it mirrors).

    Kept in an update's payload as ``base``: after a 412 it tells which fields the CRM changed meanwhile.
    """
    mirrored = _MIRRORED.get(collection, {})
    columns = {field: mirrored[field] for field in fields if field in mirrored}
    if not columns:
        return {}
    table = crm_clients if collection == "contacts" else crm_cases
    row = conn.execute(
        select(*(table.c[column] for column in columns.values())).where(table.c.crm_id == crm_id)
    ).first()
    if row is None:
        return {}
    return dict(zip(columns, row, strict=True))


def apply_locally(conn: Connection, collection: str, crm_id: str, values: Mapping[str, Any], *, now: int) -> None:
    """Show values the CRM holds (or will hold) in the local copy (only the fields it mirrors)."""
    mirrored = _MIRRORED.get(collection, {})
    columns = {mirrored[field]: value for field, value in values.items() if field in mirrored}
    if not columns:
        return
    table = crm_clients if collection == "contacts" else crm_cases
    conn.execute(update(table).where(table.c.crm_id == crm_id).values(updated_at=now, **columns))


def save_conflict(
    conn: Connection,
    item_id: int,
    record_key: str,
    etag: str,
    theirs: Mapping[str, Any],
    fields: Sequence[FieldConflict],
    *,
    now: int,
) -> None:
    conn.execute(delete(crm_conflicts).where(crm_conflicts.c.outbox_id == item_id))
    conn.execute(
        insert(crm_conflicts).values(
            outbox_id=item_id,
            record_key=record_key,
            etag=etag,
            theirs_json=json.dumps(dict(theirs), ensure_ascii=False),
            fields_json=json.dumps(
                [{"field": f.field, "mine": f.mine, "theirs": f.theirs} for f in fields], ensure_ascii=False
            ),
            detected_at=now,
        )
    )


def conflict_of(conn: Connection, item_id: int) -> StoredConflict | None:
    row = conn.execute(
        select(crm_conflicts, outbox.c.payload_json)
        .join(outbox, outbox.c.id == crm_conflicts.c.outbox_id)
        .where(crm_conflicts.c.outbox_id == item_id)
    ).first()
    if row is None:
        return None
    fields = [FieldConflict(str(f["field"]), f.get("mine"), f.get("theirs")) for f in json.loads(row.fields_json)]
    return StoredConflict(
        int(row.outbox_id),
        str(row.record_key),
        str(row.etag),
        dict(json.loads(row.theirs_json)),
        fields,
        dict(json.loads(row.payload_json)),
    )


def rewrite_for_resend(conn: Connection, item_id: int, payload: Mapping[str, Any], key: str, *, now: int) -> None:
    """A merged or decided update goes again at once: the same row (its place in the record's order), a new
    payload and a new ``Idempotency-Key`` (its If-Match changed); the stored conflict is gone."""
    drop_conflict(conn, item_id)
    conn.execute(
        update(outbox)
        .where(outbox.c.id == item_id)
        .values(
            payload_json=json.dumps(dict(payload), ensure_ascii=False),
            idempotency_key=key,
            state=OutboxState.QUEUED,
            next_attempt_at=now,
            last_error="",
            updated_at=now,
        )
    )


def drop_conflict(conn: Connection, item_id: int) -> None:
    conn.execute(delete(crm_conflicts).where(crm_conflicts.c.outbox_id == item_id))
