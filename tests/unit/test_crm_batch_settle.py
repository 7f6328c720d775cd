"""The writes of a CRM batch are claimed and settled in one store transaction each: every confirmed row is done
with the version the CRM answered remembered, a failed one goes back for another try, and a byte budget keeps a
batch small enough for the CRM."""

from __future__ import annotations

import uuid

from sqlalchemy import Connection, select

from deskchat.crm.answers import CrmRetry
from deskchat.crm.client import BatchAnswer
from deskchat.services.outbox import crm_batch
from deskchat.store import accounts, crm_records, outbox
from deskchat.store.database import Store
from deskchat.store.outbox import OutboxKind
from deskchat.store.schema import crm_clients
from deskchat.store.schema import outbox as outbox_table

NOW = 1_700_000_000_000


def _queue_leads(store: Store, count: int) -> tuple[int, list[str]]:
    ids = [str(uuid.uuid4()) for _ in range(count)]

    def write(conn: Connection) -> int:
        account_id = accounts.create_account(conn, "crm", "CRM", now=NOW)
        for crm_id in ids:
            crm_records.save_client(conn, None, now=NOW, crm_id=crm_id, name="Lead")
            body = {"id": crm_id, "name": "Lead", "status": "lead", "source": "whatsapp"}
            payload = {"op": "create", "collection": "contacts", "id": crm_id, "body": body}
            payload["records"] = [f"contacts:{crm_id}"]
            outbox.enqueue(conn, OutboxKind.CRM_CALL, f"k-{crm_id}", payload, now=NOW, account_id=account_id)
        return account_id

    return store.write_now(write), ids


def test_a_batch_settles_each_write_by_its_own_answer_in_one_transaction(store: Store) -> None:
    account_id, ids = _queue_leads(store, 3)
    claimed = store.write_now(lambda conn: crm_batch.claim_batch_companions(conn, account_id, -1, 10, NOW))
    assert [item.payload["id"] for item in claimed] == ids
    answers = [BatchAnswer(201, '"1"', {}, False), BatchAnswer(201, '"1"', {}, False), CrmRetry("500", status=500)]
    store.write_now(lambda conn: crm_batch.settle_companions(conn, claimed, answers, NOW + 1))

    with store.read() as conn:
        states = [outbox.row_of(conn, item.id) for item in claimed]
        etags = dict(conn.execute(select(crm_clients.c.crm_id, crm_clients.c.etag)).all())
    assert [row.state if row else None for row in states] == ["done", "done", "queued"]
    assert states[2] is not None and states[2].attempts == 1
    assert etags == {ids[0]: '"1"', ids[1]: '"1"', ids[2]: ""}


def test_a_batch_stays_within_its_byte_budget(store: Store) -> None:
    account_id, _ids = _queue_leads(store, 5)
    with store.read() as conn:
        one_row = len(conn.execute(select(outbox_table.c.payload_json)).scalars().first() or "")
    claimed = store.write_now(
        lambda conn: crm_batch.claim_batch_companions(conn, account_id, -1, 10, NOW, max_bytes=2 * one_row + 10)
    )
    assert len(claimed) == 2
