"""The worst event-loop stall while 1,000 customers each send one message, 100,000 conversations in the store.

    python tests/bench/bench_burst.py [customers] [conversations]

The store (made once with the demo bulk generator, then copied for each run) holds 100,000 conversations; the real
window is open offscreen with a conversation on screen; 1,000 messages from 1,000 new customers arrive one by one
through IngestService, as a live channel delivers them. A ticker measures the longest gap between its wake-ups
(see bench_stall.py). Target: worst stall under 50 ms. Before the lists were coalesced per frame and the tab counts
kept per change, 150 such messages froze the window for 3.07 s.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import qasync
from benchlib import DATA_DIR, StallMeter, report, use_bench_keyring
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from deskchat.core.messages import Identity, InboundMessage
from deskchat.paths import Profile
from deskchat.runtime import Runtime
from deskchat.store import accounts
from deskchat.store.clock import now_ms
from deskchat.store.database import Store
from deskchat.tuning import tune_for_responsiveness
from deskchat.ui.main_window import MainWindow, WindowServices
from deskchat.ui.models.conversation_list import ConversationIdRole

MESSAGES_PER_CONVERSATION = 2
TARGET_MS = 50


class GapCounter(StallMeter):
    """The stall meter, also counting the gaps over the target (one bad gap may be another process on the CPU)."""

    def __init__(self) -> None:
        super().__init__()
        self.over_target = 0

    def record(self, gap_ms: float) -> None:
        super().record(gap_ms)
        self.over_target += gap_ms >= TARGET_MS


def burst_store(conversations: int) -> Profile:
    """A store of ``conversations`` conversations (made once, then reused)."""
    use_bench_keyring()
    profile = Profile(DATA_DIR / f"store-burst-{conversations}")
    marker = profile.root / "bench.json"
    if marker.exists():
        return profile
    from deskchat.demo.bulk import generate_bulk

    if profile.root.exists():
        shutil.rmtree(profile.root)
    print(f"generating {conversations:,} conversations (once)…", flush=True)
    started = time.perf_counter()
    store = Store.open(profile)
    generate_bulk(store, conversations=conversations, messages=conversations * MESSAGES_PER_CONVERSATION)
    store.close()
    marker.write_text(json.dumps({"conversations": conversations}))
    print(f"  generated in {time.perf_counter() - started:.1f} s", flush=True)
    return profile


def burst(account_id: int, customers: int) -> list[InboundMessage]:
    now = int(time.time() * 1000)
    return [
        InboundMessage(
            account_id=account_id,
            chat_key=f"55219{n:08d}@s.whatsapp.net",
            chat_title=f"Cliente novo {n}",
            identities=[Identity("phone", f"+55219{n:08d}")],
            channel_id=f"BURST-{n}",
            text=f"Boa tarde, gostaria de um orçamento para o item {n}",
            sent_at=now + n,
        )
        for n in range(customers)
    ]


async def scenario(window: MainWindow, store: Store, runtime: Runtime, customers: int) -> tuple[float, float, int]:
    account_id = await store.write(lambda conn: accounts.create_account(conn, "whatsapp", "Burst", now=now_ms()))
    pane = window.conversation_pane
    window.open_conversation(int(pane.current_list().model().index(0, 0).data(ConversationIdRole)))
    messages = burst(account_id, customers)
    meter = GapCounter()
    meter.start()
    started = time.perf_counter()
    for message in messages:
        await runtime.ingest.ingest([message])
    elapsed = time.perf_counter() - started
    await asyncio.sleep(0.1)  # the last frame's changes reach the lists while the meter still runs
    worst = await meter.stop()
    return elapsed, worst, meter.over_target


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
            elapsed, worst, over = loop.run_until_complete(scenario(window, store, runtime, customers))
            pending_title = window.conversation_pane.tabs.tabText(0)
        window.close()
        store.close()
    print(
        f"{customers:,} messages from {customers:,} customers, one by one, {conversations:,} conversations stored: "
        f"{elapsed:.1f} s; first tab now reads '{pending_title}'"
    )
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"event-loop gaps of {TARGET_MS} ms or more: {over} (load average of the machine: {load})")
    report("worst event-loop stall during the burst", f"{worst:.1f} ms", f"< {TARGET_MS} ms", worst < TARGET_MS)


if __name__ == "__main__":
    main(
        int(sys.argv[1]) if len(sys.argv) > 1 else 1000,
        int(sys.argv[2]) if len(sys.argv) > 2 else 100_000,
    )
