"""The spool's appends (on a channel library's thread) and the writer thread's transactions share the store file:
an event that arrives while a batch is being stored never makes that batch fail (it used to fail at its first
write with "database is locked", then was split, retried and could end in the dead letters)."""

from __future__ import annotations

import threading

from sqlalchemy import Connection

from deskchat.core.bus import EventBus
from deskchat.services.inbound_spool import InboundSpool
from deskchat.store import accounts, spool
from deskchat.store.clock import now_ms
from deskchat.store.database import Store


def test_an_event_spooled_while_a_batch_is_written_fails_neither(store: Store) -> None:
    inbound = InboundSpool(store, EventBus())
    account_id = store.write_now(lambda conn: accounts.create_account(conn, "whatsapp", "Loja", now=now_ms()))
    read_done = threading.Event()
    appended = threading.Event()
    appended_ids: list[int] = []

    def go_thread() -> None:
        read_done.wait(timeout=10)
        appended_ids.append(inbound.append(account_id, "wa.message", b"raw event"))
        appended.set()

    def batch(conn: Connection) -> int:
        before = spool.count(conn, account_id)  # a batch reads first (conversations, duplicates)…
        read_done.set()
        appended.wait(timeout=0.5)  # …while an event arrives (it may also wait for this batch: then it is later)
        return accounts.create_account(conn, "whatsapp", f"Filial {before}", now=now_ms())  # …then writes

    feeder = threading.Thread(target=go_thread)
    feeder.start()
    try:
        created = store.write_now(batch)
    finally:
        feeder.join(timeout=30)
        inbound.close()
    assert created > account_id
    assert len(appended_ids) == 1
    with store.read() as conn:
        assert [row.id for row in spool.pending(conn, account_id)] == appended_ids
