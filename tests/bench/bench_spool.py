"""Inbound spool throughput and the worst loop stall while live messages go through the adapter.

    python tests/bench/bench_spool.py [messages]

1. Appends: raw message events appended one commit each on the spool's own connection (``synchronous = NORMAL``,
   what ships) and, for comparison, with ``synchronous = FULL``.
2. Live: ``messages`` (default 100,000) WhatsApp messages pushed from one thread through neonize's own dispatch
   (``Event.execute``: spool append on that thread, then the handler on the loop), consumed by the adapter into a
   real SQLCipher store; events/s appended and drained, and the longest gap of a 2 ms ticker on the loop.
"""

from __future__ import annotations

import asyncio
import ctypes
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit" / "whatsapp"))

import neonize.aioze.events as neonize_events
from benchlib import StallMeter, machine_load, report
from neonize.events import EVENT_TO_INT
from wa_factory import NoDialClient, message_event, text

from deskchat.channels.whatsapp.client import WhatsAppChannel
from deskchat.channels.whatsapp.sinks import WhatsAppSinks
from deskchat.core.bus import EventBus
from deskchat.paths import Profile
from deskchat.services.inbound_spool import InboundSpool
from deskchat.services.ingest import IngestService
from deskchat.store import accounts, spool
from deskchat.store.clock import now_ms
from deskchat.store.database import Store
from deskchat.tuning import tune_for_responsiveness


def _payloads(count: int, prefix: str) -> list[bytes]:
    return [
        message_event(f"{prefix}{index}", text(f"mensagem número {index}")).SerializePartialToString()
        for index in range(count)
    ]


def bench_appends(store: Store, count: int) -> None:
    payloads = _payloads(count, "A")
    for mode in ("NORMAL", "FULL"):
        appender = spool.SpoolAppender(store.engine)
        cursor = appender._connection.cursor()
        cursor.execute(f"PRAGMA synchronous = {mode}").fetchall()
        cursor.close()
        started = time.perf_counter()
        for payload in payloads:
            appender.append(1, "wa.message", payload, now=now_ms())
        elapsed = time.perf_counter() - started
        appender.close()
        print(
            f"[bench] spool append, synchronous={mode}: {count / elapsed:,.0f} events/s "
            f"({elapsed / count * 1e6:.0f} µs each)",
            flush=True,
        )
    store.write_now(lambda conn: spool.remove(conn, [row.id for row in spool.pending(conn, 1)]))


async def bench_live(store: Store, total: int) -> None:
    bus = EventBus()
    inbound = InboundSpool(store, bus)
    account_id = store.write_now(lambda conn: accounts.create_account(conn, "whatsapp", "Bench", now=now_ms()))
    sinks = WhatsAppSinks(
        on_messages=IngestService(store, bus).ingest,
        spool_append=inbound.append,
        spool_pending=inbound.pending,
        spool_remove=inbound.remove,
        dead_letter=inbound.dead_letter,
    )
    neonize_events.event_global_loop = asyncio.get_running_loop()
    channel = WhatsAppChannel(account_id, store.profile.root / "wa", sinks, client_class=NoDialClient)
    await channel.start()
    client = channel.client
    code = EVENT_TO_INT[type(message_event("x", text("x")))]
    payloads = _payloads(total, "L")
    tune_for_responsiveness()  # as the app does once its window is up
    fed = threading.Event()
    appended_s: list[float] = []

    def go_thread() -> None:
        started = time.perf_counter()
        for payload in payloads:
            buffer = ctypes.create_string_buffer(payload, len(payload))
            client.event.execute(b"uuid", ctypes.addressof(buffer), len(payload), code)
        appended_s.append(time.perf_counter() - started)
        fed.set()

    meter = StallMeter()
    meter.start()
    started = time.perf_counter()
    thread = threading.Thread(target=go_thread)
    thread.start()
    await channel.pipeline.wait_received(total, timeout=600)
    while True:
        await channel.pipeline.join()
        left = await store.read_later(lambda conn: spool.count(conn, account_id))
        if not left:
            break
        await asyncio.sleep(0.05)
    drained_s = time.perf_counter() - started
    worst = await meter.stop()
    await asyncio.to_thread(thread.join)
    await channel.stop()
    inbound.close()
    print(
        f"[bench] live: {total:,} messages appended in {appended_s[0]:.1f} s "
        f"({total / appended_s[0]:,.0f}/s), stored and drained in {drained_s:.1f} s "
        f"({total / drained_s:,.0f}/s)",
        flush=True,
    )
    report("worst loop stall during live ingest through the spool", f"{worst:.0f} ms", "< 50 ms", worst < 50)
    own = meter.worst_own_ms
    print(
        f"[bench] the same without the time the OS kept the loop's thread off the CPU: {own:.0f} ms "
        f"(load average {machine_load()} on {os.cpu_count()} CPUs)",
        flush=True,
    )


def main(total: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(Profile(Path(folder) / "p"), ephemeral=True)
        try:
            bench_appends(store, min(total, 20_000))
            asyncio.run(bench_live(store, total))
        finally:
            store.close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
