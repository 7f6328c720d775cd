"""The demo's CRM queue: a few CRM writes that have not gone through, so ``--demo`` shows the journal, the banner and
every sync badge state: one waiting to retry, one failed with its reason, one conflict to resolve, one pending.

The rows are in the demo CRM account's lane and name records the demo's CRM server holds (:mod:`crm_seed`), so
they behave as they say once the demo signs in: the pending change goes through, the waiting note is sent at its
retry time (or on "Tentar agora"), the failed CNPJ is refused again (the contract wants 14 digits), and the conflict
is real — the server holds the case in the newer version the conflict shows ("theirs").
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import Connection, update

from deskchat.demo.crm_seed import CONFLICT_THEIRS, CONFLICT_VERSION, PRIORITY, case_id
from deskchat.demo.plan_model import CasePlan, DemoPlan
from deskchat.store import crm_queue, outbox
from deskchat.store.crm_queue import FieldConflict
from deskchat.store.outbox import OutboxKind
from deskchat.store.schema import outbox as outbox_table

MINUTE_MS: Final = 60_000
RETRY_REASON: Final = "o CRM não respondeu em 30 s; nova tentativa automática"
FAILED_REASON: Final = "o CRM recusou: CNPJ inválido (422)"
CONFLICT_REASON: Final = "conflito: o registro mudou no CRM desde a última leitura (412)"


@dataclass(frozen=True)
class JournalCases:
    """The open cases of CRM clients the journal's examples are about (None when the plan has too few)."""

    waiting: CasePlan | None = None
    conflict: CasePlan | None = None
    pending: CasePlan | None = None


def journal_cases(plan: DemoPlan) -> JournalCases:
    """The plan's first three open cases of CRM clients: the waiting note, the conflict, the pending change."""
    open_cases = [case for case in plan.cases if case.person.client is not None and case.status != "encerrado"]
    if len(open_cases) < 3:
        return JournalCases()
    return JournalCases(*open_cases[:3])


def _enqueue(conn: Connection, account_id: int, payload: dict[str, Any], record_key: str, now: int) -> int:
    key = f"deskchat-demo-{uuid.uuid4()}"
    return outbox.enqueue(
        conn,
        OutboxKind.CRM_CALL,
        key,
        {**payload, "records": [record_key]},
        now=now,
        account_id=account_id,
        record_key=record_key,
    )


def _attempted(conn: Connection, item_id: int, **values: Any) -> None:
    conn.execute(update(outbox_table).where(outbox_table.c.id == item_id).values(attempts=1, **values))


def write_demo_crm_queue(conn: Connection, cases: JournalCases, account_id: int, now: int) -> int:
    """Queue the demo's unsent CRM writes in the CRM account's lane; returns how many."""
    if cases.waiting is None or cases.conflict is None or cases.pending is None:
        return 0
    waiting_id, conflict_id, pending_id = (
        case_id(case.number) for case in (cases.waiting, cases.conflict, cases.pending)
    )
    failed_client = cases.conflict.person.client
    assert failed_client is not None

    conflict_key = f"cases:{conflict_id}"
    base = {"status": cases.conflict.status, "priority": PRIORITY.get(cases.conflict.priority, "normal")}
    conflict_patch = {"status": "encerrado", "priority": "alta"}
    conflict_item = _enqueue(
        conn,
        account_id,
        {"op": "update", "collection": "cases", "id": conflict_id, "patch": conflict_patch, "base": base},
        conflict_key,
        now - 40 * MINUTE_MS,
    )
    fields = [
        FieldConflict("status", "encerrado", CONFLICT_THEIRS["status"]),
        FieldConflict("priority", "alta", CONFLICT_THEIRS["priority"]),
    ]
    etag = f'"{CONFLICT_VERSION}"'
    crm_queue.save_conflict(
        conn, conflict_item, conflict_key, etag, dict(CONFLICT_THEIRS), fields, now=now - 35 * MINUTE_MS
    )
    _attempted(conn, conflict_item, state="failed", last_error=CONFLICT_REASON, updated_at=now - 35 * MINUTE_MS)

    failed_key = f"contacts:{failed_client.crm_id}"
    failed_item = _enqueue(
        conn,
        account_id,
        {"op": "update", "collection": "contacts", "id": failed_client.crm_id, "patch": {"cnpj": "00.000.000/0000-00"}},
        failed_key,
        now - 25 * MINUTE_MS,
    )
    _attempted(conn, failed_item, state="failed", last_error=FAILED_REASON, updated_at=now - 24 * MINUTE_MS)

    note_id = str(uuid.uuid4())
    waiting_item = _enqueue(
        conn,
        account_id,
        {
            "op": "create",
            "collection": "notes",
            "id": note_id,
            "body": {"id": note_id, "case_id": waiting_id, "body": "Cliente pediu retorno amanhã"},
        },
        f"cases:{waiting_id}",
        now - 6 * MINUTE_MS,
    )
    _attempted(conn, waiting_item, last_error=RETRY_REASON, next_attempt_at=now + 12 * MINUTE_MS, updated_at=now)

    _enqueue(
        conn,
        account_id,
        {"op": "update", "collection": "cases", "id": pending_id, "patch": {"priority": "alta"}},
        f"cases:{pending_id}",
        now - MINUTE_MS,
    )
    return 4
