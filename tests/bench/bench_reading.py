"""Opening a 50,000-message conversation (newest page painted) and searching, on the 1M-message store.

    python tests/bench/bench_reading.py

Targets: open p95 < 30 ms; newest-first search for a common Portuguese word p95 < 20 ms; ranked search p95 < 150 ms.
"""

from __future__ import annotations

import os
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from benchlib import big_store, percentile, report, summary
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from deskchat.runtime import Runtime
from deskchat.store import messages, search
from deskchat.store.database import Store
from deskchat.ui.main_window import MainWindow, WindowServices
from deskchat.ui.models.conversation_list import ConversationIdRole

COMMON_WORD = "pedido"


def main() -> None:
    profile, facts = big_store()
    app = QApplication([])
    store = Store.open(profile)
    runtime = Runtime(store)
    settings = QSettings(str(profile.root / "bench-window.ini"), QSettings.Format.IniFormat)
    window = MainWindow(WindowServices(store, runtime.bus, runtime.messaging, runtime.tickets), settings)
    window.resize(1380, 820)
    window.show()
    app.processEvents()
    big = facts["big_conversation_id"]
    with store.read() as conn:
        size = messages.count_in_conversation(conn, big)
    listed = window.conversation_pane.models[window.conversation_pane.current_status()]
    other = next(
        listed.index(row, 0).data(ConversationIdRole)
        for row in range(listed.rowCount())
        if listed.index(row, 0).data(ConversationIdRole) != big
    )
    viewport = window.chat_pane.view.viewport()
    opens: list[float] = []
    for _ in range(40):
        window.open_conversation(other)
        viewport.repaint()
        started = time.perf_counter()
        window.open_conversation(big)
        viewport.repaint()  # paints the newest page synchronously
        opens.append((time.perf_counter() - started) * 1000)
    print(f"open a conversation of {size:,} messages, newest page painted: {summary(opens)}")
    report("open 50k conversation", f"p95 {percentile(opens, 95):.1f} ms", "< 30 ms", percentile(opens, 95) < 30)

    newest: list[float] = []
    ranked: list[float] = []
    with store.read() as conn:
        for _ in range(50):
            started = time.perf_counter()
            hits = search.search_newest(conn, COMMON_WORD, 50)
            newest.append((time.perf_counter() - started) * 1000)
        for _ in range(20):
            started = time.perf_counter()
            best = search.search_ranked(conn, COMMON_WORD, 50)
            ranked.append((time.perf_counter() - started) * 1000)
        matches = conn.exec_driver_sql(
            "SELECT count(*) FROM message_search WHERE message_search MATCH ?", (f'"{COMMON_WORD}"',)
        ).scalar_one()
    print(f"search '{COMMON_WORD}' ({matches:,} matching messages, {len(hits)} shown)")
    print(f"  newest first: {summary(newest)}")
    print(f"  ranked:       {summary(ranked)} ({len(best)} shown)")
    report("search newest-first", f"p95 {percentile(newest, 95):.1f} ms", "< 20 ms", percentile(newest, 95) < 20)
    report("search ranked", f"p95 {percentile(ranked, 95):.1f} ms", "< 150 ms", percentile(ranked, 95) < 150)
    window.close()
    store.close()


if __name__ == "__main__":
    main()
