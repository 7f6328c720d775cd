"""The worst event-loop stall while 1,000 customers each send one message through the real WhatsApp adapter,
with 100,000 conversations in the store and the window open.

    python tests/bench/bench_burst_adapter.py [customers] [conversations]

As bench_burst.py (same store, same window, same stall meter), but the messages arrive as WhatsApp delivers them:
raw ``MessageEv`` bytes pushed from one thread through neonize's own dispatch (``Event.execute``: the spool append
on that thread, then the adapter's consumer on the loop, the ingest on the store's writer thread). Prints the
burst's duration, the worst stall and the same without the time the OS kept the loop's thread off the CPU.
"""

from __future__ import annotations

import asyncio
import ctypes
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit" / "whatsapp"))

import neonize.aioze.events as neonize_events
import qasync
from bench_burst import TARGET_MS, GapCounter, burst_store
from benchlib import machine_load, report
from neonize.events import EVENT_TO_INT
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from wa_factory import NoDialClient, jid, message_event, text

from deskchat.channels.whatsapp.client import WhatsAppChannel
from deskchat.channels.whatsapp.sinks import WhatsAppSinks
from deskchat.paths import Profile
from deskchat.runtime import Runtime
from deskchat.services.inbound_spool import InboundSpool
from deskchat.store import accounts, spool
from deskchat.store.clock import now_ms
from deskchat.store.database import Store
from deskchat.tuning import tune_for_responsiveness
from deskchat.ui.main_window import MainWindow, WindowServices
from deskchat.ui.models.conversation_list import ConversationIdRole


def burst_payloads(customers: int) -> list[bytes]:
    now = int(time.time() * 1000)
    return [
        message_event(
            f"BURST-{n}",
            text(f"Boa tarde, gostaria de um orçamento para o item {n}"),
            chat=jid(f"55219{n:08d}"),
            push_name=f"Cliente novo {n}",
            timestamp_ms=now + n,
        ).SerializePartialToString()
        for n in range(customers)
    ]


async def scenario(window: MainWindow, store: Store, runtime: Runtime, customers: int) -> tuple[float, float, float]:
    account_id = await store.write(lambda conn: accounts.create_account(conn, "whatsapp", "Burst", now=now_ms()))
    inbound = InboundSpool(store, runtime.bus)
    sinks = WhatsAppSinks(
        on_messages=runtime.ingest.ingest,
        spool_append=inbound.append,
        spool_pending=inbound.pending,
        spool_remove=inbound.remove,
        dead_letter=inbound.dead_letter,
    )
    neonize_events.event_global_loop = asyncio.get_running_loop()
    channel = WhatsAppChannel(account_id, store.profile.root / "wa", sinks, client_class=NoDialClient)
    await channel.start()
    client = channel.client
    pane = window.conversation_pane
    window.open_conversation(int(pane.current_list().model().index(0, 0).data(ConversationIdRole)))
    payloads = burst_payloads(customers)
    code = EVENT_TO_INT[type(message_event("x", text("x")))]

    def go_thread() -> None:
        for payload in payloads:
            buffer = ctypes.create_string_buffer(payload, len(payload))
            client.event.execute(b"uuid", ctypes.addressof(buffer), len(payload), code)

    meter = GapCounter()
    meter.start()
    started = time.perf_counter()
    feeder = threading.Thread(target=go_thread, name="fake-go")
    feeder.start()
    await channel.pipeline.wait_received(customers, timeout=600)
    while True:
        await channel.pipeline.join()
        if not await store.read_later(lambda conn: spool.count(conn, account_id)):
            break
        await asyncio.sleep(0.05)  # polling the spool's row count, not synchronisation
    elapsed = time.perf_counter() - started
    await asyncio.sleep(0.1)  # the last frame's changes reach the lists while the meter still runs
    worst = await meter.stop()
    await asyncio.to_thread(feeder.join)
    await channel.stop()
    inbound.close()
    return elapsed, worst, meter.worst_own_ms


def main(customers: int, conversations: int) -> None:
    source = burst_store(conversations)
    app = QApplication([])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with tempfile.TemporaryDirectory() as scratch:
        profile = Profile(Path(scratch) / "p")
        shutil.copytree(source.root, profile.root)
        store = Store.open(profile)
        runtime = Runtime(store)
        settings = QSettings(str(profile.root / "window.ini"), QSettings.Format.IniFormat)
        window = MainWindow(WindowServices(store, runtime.bus, runtime.messaging, runtime.tickets), settings)
        window.show()
        app.processEvents()
        tune_for_responsiveness()
        with loop:
            elapsed, worst, own = loop.run_until_complete(scenario(window, store, runtime, customers))
            pending_title = window.conversation_pane.tabs.tabText(0)
        window.close()
        store.close()
    print(
        f"{customers:,} messages from {customers:,} customers through the WhatsApp adapter, {conversations:,} "
        f"conversations stored: spooled, stored and drained in {elapsed:.1f} s; first tab now reads '{pending_title}'"
    )
    report("worst event-loop stall during the burst", f"{worst:.1f} ms", f"< {TARGET_MS} ms", worst < TARGET_MS)
    print(
        f"[bench] the same without the time the OS kept the loop's thread off the CPU: {own:.1f} ms "
        f"(load average {machine_load()} on {os.cpu_count()} CPUs)"
    )


if __name__ == "__main__":
    main(
        int(sys.argv[1]) if len(sys.argv) > 1 else 1000,
        int(sys.argv[2]) if len(sys.argv) > 2 else 100_000,
    )
