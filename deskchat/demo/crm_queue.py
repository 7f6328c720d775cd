"""The demo's CRM queue: a few CRM writes that have not gone through, so ``--demo`` shows the journal, the banner and
every sync badge state: one waiting to retry, one failed with its reason, one conflict to resolve, one pending.

The rows belong to no account (the demo has no CRM): the drainer never takes them, and they stay as written.
"""

from __future__ import annotations

import uuid
from typing import Any, Final

from sqlalchemy import Connection, select, update

from deskchat.store import crm_queue, outbox
from deskchat.store.crm_queue import FieldConflict
from deskchat.store.outbox import OutboxKind
from deskchat.store.schema import crm_cases, crm_clients
from deskchat.store.schema import outbox as outbox_table

MINUTE_MS: Final = 60_000
RETRY_REASON: Final = "o CRM não respondeu em 30 s; nova tentativa automática"
FAILED_REASON: Final = "o CRM recusou: CNPJ inválido (422)"
CONFLICT_REASON: Final = "conflito: o registro mudou no CRM desde a última leitura (412)"


def _enqueue(conn: Connection, payload: dict[str, Any], record_key: str, now: int) -> int:
    key = f"deskchat-demo-{uuid.uuid4()}"
    return outbox.enqueue(
        conn, OutboxKind.CRM_CALL, key, {**payload, "records": [record_key]}, now=now, record_key=record_key
    )


def _attempted(conn: Connection, item_id: int, **values: Any) -> None:
    conn.execute(update(outbox_table).where(outbox_table.c.id == item_id).values(attempts=1, **values))


def write_demo_crm_queue(conn: Connection, now: int) -> int:
    """Queue the demo's unsent CRM writes over its first cases and clients; returns how many."""
    cases = conn.execute(select(crm_cases.c.crm_id, crm_cases.c.status).order_by(crm_cases.c.id).limit(3)).all()
    clients = conn.execute(select(crm_clients.c.crm_id, crm_clients.c.cnpj).order_by(crm_clients.c.id).limit(2)).all()
    if len(cases) < 3 or len(clients) < 2:
        return 0
    waiting_case, conflict_case, pending_case = cases
    failed_client = clients[0]

    conflict_key = f"cases:{conflict_case.crm_id}"
    conflict_patch = {"status": "encerrado", "priority": "alta"}
    conflict_id = _enqueue(
        conn,
        {
            "op": "update",
            "collection": "cases",
            "id": conflict_case.crm_id,
            "patch": conflict_patch,
            "base": {"status": conflict_case.status, "priority": "normal"},
        },
        conflict_key,
        now - 40 * MINUTE_MS,
    )
    theirs = {"status": "em_atendimento", "priority": "urgente"}
    fields = [FieldConflict("status", "encerrado", "em_atendimento"), FieldConflict("priority", "alta", "urgente")]
    crm_queue.save_conflict(conn, conflict_id, conflict_key, '"9"', theirs, fields, now=now - 35 * MINUTE_MS)
    _attempted(conn, conflict_id, state="failed", last_error=CONFLICT_REASON, updated_at=now - 35 * MINUTE_MS)

    failed_key = f"contacts:{failed_client.crm_id}"
    failed_id = _enqueue(
        conn,
        {"op": "update", "collection": "contacts", "id": failed_client.crm_id, "patch": {"cnpj": "00.000.000/0000-00"}},
        failed_key,
        now - 25 * MINUTE_MS,
    )
    _attempted(conn, failed_id, state="failed", last_error=FAILED_REASON, updated_at=now - 24 * MINUTE_MS)

    waiting_id = _enqueue(
        conn,
        {
            "op": "create",
            "collection": "notes",
            "id": str(uuid.uuid4()),
            "body": {"case_id": waiting_case.crm_id, "body": "Cliente pediu retorno amanhã"},
        },
        f"cases:{waiting_case.crm_id}",
        now - 6 * MINUTE_MS,
    )
    _attempted(conn, waiting_id, last_error=RETRY_REASON, next_attempt_at=now + 12 * MINUTE_MS, updated_at=now)

    _enqueue(
        conn,
        {"op": "update", "collection": "cases", "id": pending_case.crm_id, "patch": {"priority": "alta"}},
        f"cases:{pending_case.crm_id}",
        now - MINUTE_MS,
    )
    return 4
