"""The worst event-loop stall while a 10 MB text arrives, its chat is opened and the window is resized.

    python tests/bench/bench_long_text.py [megabytes]

The real window is open offscreen over a small store; one message of 10 MB (words, a line break now and then)
arrives through IngestService, the attendant opens its conversation, and the window is resized ten times. A ticker
measures the longest gap between its wake-ups (see bench_stall.py). Target: worst stall under 100 ms. Before bubbles
were folded, such a text froze the window 6–8 s on arrival, 4 s on opening the chat and 6 s on every resize.
"""

from __future__ import annotations

import asyncio
import os
import random
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import qasync
from benchlib import StallMeter, report, use_bench_keyring
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

WORDS = "pedido entrega prazo nota fiscal boleto orçamento cliente produto garantia troca".split()
TARGET_MS = 100


def long_text(megabytes: float, seed: int = 5) -> str:
    """About ``megabytes`` MB of UTF-8: words, with a line break every 400 words."""
    rng = random.Random(seed)
    lines: list[str] = []
    size = 0
    while size < megabytes * 1_000_000:
        line = " ".join(rng.choices(WORDS, k=400))
        lines.append(line)
        size += len(line.encode()) + 1
    return "\n".join(lines)


def message(account_id: int, text: str, channel_id: str, sent_at: int) -> InboundMessage:
    return InboundMessage(
        account_id=account_id,
        chat_key="5511987000001@s.whatsapp.net",
        chat_title="Cliente do contrato",
        identities=[Identity("phone", "+5511987000001")],
        channel_id=channel_id,
        text=text,
        sent_at=sent_at,
    )


async def timed(meter: StallMeter, step: object) -> float:
    """Run ``step`` (a coroutine) and return the worst stall seen meanwhile."""
    meter.worst_ms = 0.0
    assert asyncio.iscoroutine(step)
    await step
    await asyncio.sleep(0.3)  # what the step left for the next frames (layout, paint) happens under the meter
    return meter.worst_ms


async def scenario(window: MainWindow, store: Store, runtime: Runtime, text: str) -> dict[str, float]:
    account_id = await store.write(lambda conn: accounts.create_account(conn, "whatsapp", "Bench", now=now_ms()))
    now = int(time.time() * 1000)
    await runtime.ingest.ingest(
        [message(account_id, f"Bom dia {n}", f"SHORT-{n}", now - 60_000 + n) for n in range(30)]
    )
    meter = StallMeter()
    meter.start()
    worst: dict[str, float] = {}
    worst["arrival"] = await timed(meter, runtime.ingest.ingest([message(account_id, text, "LONG", now)]))

    async def open_chat() -> None:
        pane = window.conversation_pane
        window.open_conversation(int(pane.current_list().model().index(0, 0).data(ConversationIdRole)))

    worst["opening the chat"] = await timed(meter, open_chat())

    async def resize() -> None:
        for step in range(10):
            window.resize(1380 - 60 * (step % 5), 820 - 20 * (step % 3))
            await asyncio.sleep(0.05)

    worst["ten resizes"] = await timed(meter, resize())

    async def arrival_while_open() -> None:
        await runtime.ingest.ingest([message(account_id, text + " (2)", "LONG-2", now + 1)])

    worst["arrival in the open chat"] = await timed(meter, arrival_while_open())
    await meter.stop()
    return worst


def main(megabytes: float) -> None:
    use_bench_keyring()
    text = long_text(megabytes)
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
        tune_for_responsiveness()
        with loop:
            worst = loop.run_until_complete(scenario(window, store, runtime, text))
        window.close()
        store.close()
    megabytes_stored = len(text.encode()) / 1e6
    lines = text.count("\n") + 1
    print(f"a text of {megabytes_stored:.1f} MB, {len(text) / 1e6:.1f} million characters, {lines:,} lines:")
    for step, figure in worst.items():
        print(f"  worst stall, {step}: {figure:.1f} ms")
    overall = max(worst.values())
    report("worst event-loop stall with a 10 MB text", f"{overall:.1f} ms", f"< {TARGET_MS} ms", overall < TARGET_MS)


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 10.0)
