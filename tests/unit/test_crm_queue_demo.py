"""The demo profile shows the CRM journal's states: one item waiting to retry, one failed with its reason, one
conflict (with both versions kept for the dialog), one pending; and the records' sync badges follow them."""

from __future__ import annotations

from deskchat.demo import populate_demo
from deskchat.store import crm_queue
from deskchat.store.crm_queue import SyncState
from deskchat.store.database import Store

NOW = 1_763_820_000_000


def test_the_demo_journal_has_a_waiting_a_failed_and_a_conflicting_item(store: Store) -> None:
    populate_demo(store, now_ms=NOW)
    with store.read() as conn:
        entries = crm_queue.journal(conn, NOW)
        states = {entry.state: entry for entry in entries}
        assert [entry.state for entry in entries] == [
            SyncState.CONFLICT,
            SyncState.FAILED,
            SyncState.RETRY,
            SyncState.PENDING,
        ]
        assert states[SyncState.FAILED].reason == "o CRM recusou: CNPJ inválido (422)"
        assert states[SyncState.RETRY].retry_at is not None and states[SyncState.RETRY].retry_at > NOW
        assert all(entry.label for entry in entries), "each item names its record"
        conflict = crm_queue.conflict_of(conn, states[SyncState.CONFLICT].item_id)
        assert conflict is not None and [field.field for field in conflict.fields] == ["status", "priority"]
        for state, entry in states.items():
            assert crm_queue.record_sync_state(conn, entry.record_key, NOW).state == state
        summary = crm_queue.queue_summary(conn, None, NOW)
    assert summary.retrying, "the banner shows in the demo too"
