"""How long queueing a linked conversation's history takes: a conversation of N messages linked to a case (the
backfill, in one transaction), then a burst of 500 new messages (one coalesced round).

    python tests/bench/bench_crm_history.py [messages]

Target: the backfill of 10,000 messages queued in under 2 s (it runs off the GUI thread; the drain is measured by
bench_crm_drain.py), and the burst in few batches.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

from benchlib import report, use_bench_keyring
from sqlalchemy import Connection

from deskchat.core.bus import EventBus
from deskchat.core.events import DeliveryState, MessageStored
from deskchat.core.messages import Identity, IdentityKind
from deskchat.paths import Profile
from deskchat.services.crm_history import CrmHistory
from deskchat.services.crm_push import CrmPush
from deskchat.store import accounts, contacts, conversations, crm_records, messages
from deskchat.store.database import Store
from deskchat.store.messages import NewMessage

NOW = 1_763_800_000_000
CASE = "11111111-1111-4111-8111-111111111111"


async def measure(store: Store, count: int) -> None:
    def build(conn: Connection) -> tuple[int, int, int, int]:
        crm = accounts.create_account(conn, "crm", "CRM", now=NOW)
        wa = accounts.create_account(conn, "whatsapp", "WhatsApp", now=NOW)
        person = contacts.find_or_create_contact(conn, [Identity(IdentityKind.PHONE, "+5511912345678")], now=NOW)
        chat = conversations.find_or_create_conversation(conn, wa, "c", person, "Cliente", now=NOW)
        batch = [
            NewMessage(chat, wa, f"m{n}", n % 2 == 0, f"mensagem número {n} do histórico", NOW + n,
                       DeliveryState.READ if n % 2 == 0 else DeliveryState.RECEIVED)
            for n in range(count)
        ]  # fmt: skip
        messages.add_messages_bulk(conn, batch, now=NOW)
        case = crm_records.save_case(conn, person, None, now=NOW, crm_id=CASE)
        return crm, wa, chat, case

    crm, wa, chat, case = store.write_now(build)
    bus = EventBus()
    push = CrmPush(store, crm)
    history = CrmHistory(store, bus, lambda: push, coalesce_s=0.0, link_check_s=3600)
    history.start()
    await asyncio.wait_for(history.idle.wait(), 60)
    store.write_now(lambda conn: crm_records.link_case(conn, chat, case, "manual", now=NOW))
    started = time.perf_counter()
    history.check_links()
    await asyncio.wait_for(history.idle.wait(), 600)
    backfill_s = time.perf_counter() - started
    report("crm history backfill", f"{count} messages in {backfill_s:.2f} s, {history.batches} batches", "< 2 s",
           backfill_s < 2 * count / 10_000)  # fmt: skip

    before = history.batches
    new_ids: list[int] = []
    for n in range(500):
        message = NewMessage(chat, wa, f"b{n}", False, f"rajada {n}", NOW + count + n, DeliveryState.RECEIVED)
        message_id = store.write_now(partial(messages.add_message, message=message, now=NOW))
        assert message_id is not None
        new_ids.append(message_id)
    started = time.perf_counter()
    for message_id in new_ids:
        bus.publish(MessageStored(chat, message_id, False))
    await asyncio.wait_for(history.idle.wait(), 60)
    burst_s = time.perf_counter() - started
    report("crm history burst", f"500 messages in {burst_s * 1000:.0f} ms, {history.batches - before} batches",
           "≤ 5 batches", history.batches - before <= 5)  # fmt: skip
    await history.stop()


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    use_bench_keyring()
    with tempfile.TemporaryDirectory() as scratch:
        store = Store.open(Profile(Path(scratch) / "p"))
        try:
            asyncio.run(measure(store, count))
        finally:
            store.close()


if __name__ == "__main__":
    main()
