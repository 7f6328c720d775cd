"""Where a CRM record's sync stands and what the journal lists, over a real store: pending, waiting to retry at a
time, failed with its reason, conflict, synced; "Tentar agora"; and rows written before the record-key column."""

from __future__ import annotations

import asyncio
import json

from sqlalchemy import Connection

from deskchat.core.bus import EventBus
from deskchat.core.events import CrmSyncChanged
from deskchat.core.messages import Identity
from deskchat.paths import Profile
from deskchat.services.crm_conflicts import merge
from deskchat.services.crm_push import CaseChange, CrmPush, NewLead
from deskchat.services.crm_sync_status import CrmSyncMonitor, Stalled
from deskchat.services.outbox.ids import choose_message_id
from deskchat.store import accounts, contacts, crm_queue, crm_records, outbox
from deskchat.store.crm_queue import FieldConflict, SyncState
from deskchat.store.database import Store, _make_engine
from deskchat.store.keys import create_key
from deskchat.store.migrations import STEPS, migrate
from deskchat.store.outbox import OutboxKind

NOW = 1_763_800_000_000
MINUTE = 60_000


class Lane:
    def __init__(self, account_id: int) -> None:
        self.account_id = account_id
        self.sign_in_required = False
        self.paused_until_ms = 0


def _crm_account(store: Store) -> int:
    return store.write_now(lambda conn: accounts.create_account(conn, "crm", "CRM", now=NOW))


def _claim(store: Store, account_id: int, now: int = NOW) -> int:
    item = store.write_now(
        lambda conn: outbox.claim_next(conn, account_id, [OutboxKind.CRM_CALL], now, choose_message_id)
    )
    assert item is not None
    return item.id


def _lead_and_case(store: Store) -> tuple[int, str, str]:
    """A lead with a local client record and one of its cases: returns (account, lead key, case key)."""

    def local(conn: Connection) -> int:
        contact_id = contacts.find_or_create_contact(conn, [Identity("phone", "+5511987654321")], "Padaria", now=NOW)
        crm_records.save_client(conn, contact_id, now=NOW, crm_id="lead-1", name="Padaria Pão Quente")
        crm_records.save_case(conn, contact_id, None, now=NOW, crm_id="case-1", title="Orçamento", status="pendente")
        return contact_id

    store.write_now(local)
    return _crm_account(store), "contacts:lead-1", "cases:case-1"


def _state(store: Store, key: str, now: int = NOW) -> crm_queue.RecordSync:
    with store.read() as conn:
        return crm_queue.record_sync_state(conn, key, now)


def test_each_record_shows_pending_then_retry_at_a_time_then_failed_with_its_reason_then_synced(store: Store) -> None:
    account_id = _crm_account(store)
    push = CrmPush(store, account_id, clock=lambda: NOW)
    lead_id = asyncio.run(push.create_lead(NewLead("Cliente novo", "whatsapp")))
    key = f"contacts:{lead_id}"
    assert _state(store, key) == crm_queue.RecordSync(SyncState.PENDING, item_id=1)
    assert _state(store, "contacts:someone-else").state == SyncState.SYNCED

    item_id = _claim(store, account_id)
    store.write_now(lambda conn: outbox.retry_later(conn, item_id, NOW + 5 * MINUTE, "o CRM não respondeu", NOW))
    waiting = _state(store, key)
    assert (waiting.state, waiting.retry_at, waiting.reason) == (
        SyncState.RETRY,
        NOW + 5 * MINUTE,
        "o CRM não respondeu",
    )
    assert _state(store, key, now=NOW + 5 * MINUTE).state == SyncState.PENDING, "due again: just pending"

    store.write_now(lambda conn: outbox.park(conn, item_id, "o CRM recusou o telefone (422)", NOW))
    failed = _state(store, key)
    assert (failed.state, failed.reason, failed.item_id) == (
        SyncState.FAILED,
        "o CRM recusou o telefone (422)",
        item_id,
    )

    store.write_now(lambda conn: outbox.finish(conn, item_id, NOW))
    assert _state(store, key).state == SyncState.SYNCED


def test_a_conflict_outranks_other_writes_of_the_record_and_keeps_both_versions(store: Store) -> None:
    account_id, _lead, case_key = _lead_and_case(store)
    push = CrmPush(store, account_id, clock=lambda: NOW)
    asyncio.run(push.change_case("case-1", CaseChange.close()))
    asyncio.run(push.change_case("case-1", CaseChange.reopen()))
    first = _claim(store, account_id)

    def conflict(conn: Connection) -> None:
        fields = [FieldConflict("status", "encerrado", "em_atendimento")]
        crm_queue.save_conflict(conn, first, case_key, '"7"', {"status": "em_atendimento"}, fields, now=NOW)
        outbox.park(conn, first, "conflito: o registro mudou no CRM desde a última leitura (412)", NOW)

    store.write_now(conflict)
    assert _state(store, case_key).state == SyncState.CONFLICT
    with store.read() as conn:
        stored = crm_queue.conflict_of(conn, first)
        entries = crm_queue.journal(conn, NOW)
    assert stored is not None and stored.etag == '"7"'
    assert stored.fields == [FieldConflict("status", "encerrado", "em_atendimento")]
    assert stored.payload["base"] == {"status": "pendente"}, "the edit kept what it replaced"
    assert [(e.state, e.label, e.operation) for e in entries] == [
        (SyncState.CONFLICT, "Orçamento", "update"),
        (SyncState.PENDING, "Orçamento", "update"),
    ]


def test_the_journal_lists_what_waits_what_failed_and_why_and_what_conflicts(store: Store) -> None:
    account_id, lead_key, case_key = _lead_and_case(store)
    push = CrmPush(store, account_id, clock=lambda: NOW)
    asyncio.run(push.add_note("Retornar amanhã", contact_crm_id="lead-1"))
    asyncio.run(push.change_case("case-1", CaseChange.close()))
    asyncio.run(push.create_lead(NewLead("Outro", "email")))
    note, change, lead = (_claim(store, account_id) for _ in range(3))

    def settle(conn: Connection) -> None:
        outbox.retry_later(conn, note, NOW + 10 * MINUTE, "o CRM não respondeu em 30 s", NOW)
        outbox.park(conn, change, "conflito: o registro mudou no CRM desde a última leitura (412)", NOW)
        outbox.park(conn, lead, "o CRM recusou: e-mail inválido (422)", NOW)

    store.write_now(settle)
    with store.read() as conn:
        entries = crm_queue.journal(conn, NOW)
        summary = crm_queue.queue_summary(conn, account_id, NOW)
    assert [(e.item_id, e.state, e.reason) for e in entries] == [
        (change, SyncState.CONFLICT, "conflito: o registro mudou no CRM desde a última leitura (412)"),
        (lead, SyncState.FAILED, "o CRM recusou: e-mail inválido (422)"),
        (note, SyncState.RETRY, "o CRM não respondeu em 30 s"),
    ]
    assert entries[2].retry_at == NOW + 10 * MINUTE and entries[2].record_key == lead_key
    assert entries[0].record_key == case_key and entries[2].label == "Padaria Pão Quente"
    assert (summary.queued, summary.failed, summary.conflicts) == (1, 1, 1)


def test_retry_now_makes_failed_and_waiting_items_due_at_once_but_leaves_a_decision_to_the_attendant(
    store: Store,
) -> None:
    account_id, _lead, case_key = _lead_and_case(store)
    push = CrmPush(store, account_id, clock=lambda: NOW)
    asyncio.run(push.add_note("Nota", contact_crm_id="lead-1"))
    asyncio.run(push.create_lead(NewLead("Outro", "email")))
    asyncio.run(push.change_case("case-1", CaseChange.close()))
    waiting, failed, conflicting = (_claim(store, account_id) for _ in range(3))

    def settle(conn: Connection) -> None:
        outbox.retry_later(conn, waiting, NOW + 60 * MINUTE, "o CRM não respondeu", NOW)
        outbox.park(conn, failed, "falhou 8 vezes", NOW)
        crm_queue.save_conflict(conn, conflicting, case_key, '"2"', {}, [FieldConflict("status", "a", "b")], now=NOW)
        outbox.park(conn, conflicting, "conflito: 412", NOW)

    store.write_now(settle)
    assert store.write_now(lambda conn: crm_queue.retry_now(conn, [failed], NOW + 1)) == 1
    with store.read() as conn:
        assert outbox.lanes_with_work(conn, [OutboxKind.CRM_CALL], NOW + 1) == [account_id]
        assert crm_queue.record_sync_state(conn, case_key, NOW + 1).state == SyncState.CONFLICT
    assert store.write_now(lambda conn: crm_queue.retry_now(conn, None, NOW + 2)) == 2  # the waiting one, again
    claimed = [_claim(store, account_id, NOW + 2) for _ in range(2)]
    assert sorted(claimed) == sorted([waiting, failed])


def test_the_monitor_says_the_lane_is_stalled_with_how_many_wait_and_stops_when_it_drains(store: Store) -> None:
    account_id = _crm_account(store)
    push = CrmPush(store, account_id, clock=lambda: NOW)
    for name in ("A", "B", "C"):
        asyncio.run(push.create_lead(NewLead(name, "manual")))
    bus, seen = EventBus(), list[CrmSyncChanged]()
    bus.subscribe(CrmSyncChanged, seen.append)
    lane = Lane(account_id)
    monitor = CrmSyncMonitor(store, bus, lane, clock=lambda: NOW)

    async def scenario() -> None:
        assert (await monitor.refresh()).stalled == Stalled.NO, "queued, not yet tried: not stalled"
        first = _claim(store, account_id)
        store.write_now(lambda conn: outbox.retry_later(conn, first, NOW + MINUTE, "ConnectError", NOW))
        assert await monitor.refresh() == CrmSyncChanged(Stalled.UNAVAILABLE, 3, 0, 0)
        lane.paused_until_ms = NOW + MINUTE
        assert (await monitor.refresh()).stalled == Stalled.RATE_LIMITED
        lane.sign_in_required = True
        assert (await monitor.refresh()).stalled == Stalled.SIGN_IN
        lane.sign_in_required, lane.paused_until_ms = False, 0
        for item_id in (first, _claim(store, account_id), _claim(store, account_id)):
            store.write_now(lambda conn, item_id=item_id: outbox.finish(conn, item_id, NOW + 1))
        assert await monitor.refresh() == CrmSyncChanged(Stalled.NO, 0, 0, 0)

    asyncio.run(scenario())
    assert [event.stalled for event in seen] == ["", "unavailable", "rate_limited", "sign_in", ""]


def test_fields_changed_on_one_side_merge_and_fields_changed_on_both_are_conflicts() -> None:
    patch = {"status": "encerrado", "priority": "alta", "subject": "Novo"}
    base = {"status": "pendente", "priority": "normal"}
    theirs = {"status": "pendente", "priority": "urgente", "subject": "Novo", "queue_id": "q2"}
    merged, conflicts = merge(patch, base, theirs)
    assert merged == {"status": "encerrado"}
    assert conflicts == [FieldConflict("priority", "alta", "urgente")]
    assert merge({"queue_id": "q3"}, {}, theirs) == ({}, [FieldConflict("queue_id", "q3", "q2")]), "no base: ask"


def test_rows_queued_before_the_record_key_column_get_it_from_their_payload(profile: Profile) -> None:
    profile.ensure()
    engine = _make_engine(str(profile.store_file), create_key(profile.store_meta_file))
    # the journal step: the one that adds outbox.record_key
    step = next(n for n, statements in enumerate(STEPS, 1) if any("ADD COLUMN record_key" in sql for sql in statements))
    with engine.connect() as conn:
        migrate(conn, target=step - 1)
        with conn.begin():
            for key, payload in (
                ("k1", {"op": "create", "collection": "contacts", "id": "x", "records": ["contacts:x"]}),
                ("k2", {"op": "append", "case_id": "c", "messages": [], "records": ["cases:c", "contacts:x"]}),
                ("k3", {"op": "update"}),
            ):
                conn.exec_driver_sql(
                    "INSERT INTO outbox (kind, payload_json, idempotency_key, created_at, updated_at)"
                    " VALUES ('crm_call', ?, ?, 1, 1)",
                    (json.dumps(payload), key),
                )
            conn.exec_driver_sql(
                "INSERT INTO outbox (kind, payload_json, idempotency_key, created_at, updated_at)"
                " VALUES ('channel_message', 'not json', 'k4', 1, 1)"
            )
    engine.dispose()
    migrated = Store.open(profile)
    try:
        with migrated.read() as conn:
            keys = conn.exec_driver_sql("SELECT record_key FROM outbox ORDER BY id").scalars().all()
            assert keys == ["contacts:x", "cases:c", None, None]
            assert crm_queue.record_sync_state(conn, "cases:c", NOW).state == SyncState.PENDING
    finally:
        migrated.close()
