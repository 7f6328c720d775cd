"""The worst stall of the GUI event loop while 100,000 messages are ingested in the background.

    python tests/bench/bench_stall.py [messages]

The real window is open on a qasync loop (offscreen); history-sync-sized batches go through IngestService (store
writes on the writer thread, list reloads on the GUI thread) while a ticker measures the longest gap between its
wake-ups. Target: worst stall under 50 ms.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import qasync
from bench_ingest import inbound_batches
from benchlib import StallMeter, report, use_bench_keyring
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from deskchat.paths import Profile
from deskchat.runtime import Runtime
from deskchat.store import accounts
from deskchat.store.clock import now_ms
from deskchat.store.database import Store
from deskchat.tuning import tune_for_responsiveness
from deskchat.ui.main_window import MainWindow, WindowServices

BATCH = 1000


async def scenario(store: Store, runtime: Runtime, total: int) -> tuple[float, float]:
    account_id = await store.write(lambda conn: accounts.create_account(conn, "whatsapp", "Bench", now=now_ms()))
    meter = StallMeter()
    meter.start()
    started = time.perf_counter()
    produced = inbound_batches(account_id, total)
    loop = asyncio.get_running_loop()
    while True:
        # made on another thread as it goes, as a channel adapter's parser would hand them over
        batch = await loop.run_in_executor(None, next, produced, None)
        if batch is None:
            break
        for first in range(0, len(batch), BATCH):
            await runtime.ingest.ingest(batch[first : first + BATCH])
    elapsed = time.perf_counter() - started
    return elapsed, await meter.stop()


def main(total: int) -> None:
    use_bench_keyring()
    app = QApplication([])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with tempfile.TemporaryDirectory() as scratch:
        profile = Profile(Path(scratch) / "p")
        store = Store.open(profile)
        runtime = Runtime(store)
        settings = QSettings(str(profile.root / "window.ini"), QSettings.Format.IniFormat)
        window = MainWindow(WindowServices(store, runtime.bus, runtime.messaging, runtime.tickets), settings)
        window.show()
        app.processEvents()
        tune_for_responsiveness()  # as the app does once its window is up
        with loop:
            elapsed, worst = loop.run_until_complete(scenario(store, runtime, total))
        window.close()
        store.close()
    print(
        f"background ingest of {total:,} messages in batches of {BATCH:,} with the window open "
        f"(messages made on the fly): {elapsed:.1f} s"
    )
    report("worst event-loop stall during ingest", f"{worst:.1f} ms", "< 50 ms", worst < 50)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
