"""The conversation list's reads on the 1M-message store: the tab counts (read on the GUI thread at start), the first
page of each tab, and the per-row tab keys (read on a worker thread at start).

    python tests/bench/bench_list_counts.py [runs]

Prints the median and worst of ``runs`` (default 20) of each read on a warm store. Runs against a checkout without the
customer list too (then it times the per-conversation reads that list used), so the same file compares two branches.
Target: the tab counts under 20 ms (they run before the window shows its conversations).
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable

from benchlib import big_store, report

from deskchat.store import conversations
from deskchat.store.conversations import ListScope
from deskchat.store.database import Store

try:
    from deskchat.store import customer_list
except ImportError:  # a checkout from before "one customer, one timeline"
    customer_list = None  # type: ignore[assignment]


def timed(work: Callable[[], object], runs: int) -> tuple[float, float]:
    work()  # warm
    spent = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        spent.append((time.perf_counter() - started) * 1000)
    return statistics.median(spent), max(spent)


def main(runs: int) -> None:
    profile, facts = big_store()
    store = Store.open(profile)
    counts = customer_list.counts if customer_list is not None else conversations.count_by_status_and_kind
    page = customer_list.page if customer_list is not None else conversations.page
    keys = customer_list.tab_keys if customer_list is not None else conversations.tab_keys
    which = "one row per customer" if customer_list is not None else "one row per conversation"
    print(f"conversation list reads, {facts['messages']:,} messages ({which}), {runs} runs, median / worst")
    try:
        with store.read() as conn:
            count_ms, count_worst = timed(lambda: counts(conn), runs)
            print(f"  tab counts:          {count_ms:8.1f} ms / {count_worst:.1f} ms")
            for status in ("pending", "open", "closed"):
                scope = ListScope(status, groups=False)
                page_ms, page_worst = timed(lambda scope=scope: page(conn, scope, None, 100), runs)  # type: ignore[misc]
                print(f"  first page, {status:8} {page_ms:8.1f} ms / {page_worst:.1f} ms")
            keys_ms, keys_worst = timed(lambda: keys(conn), max(runs // 4, 1))
            print(f"  tab keys (worker):   {keys_ms:8.1f} ms / {keys_worst:.1f} ms")
    finally:
        store.close()
    report("tab counts on the GUI thread", f"{count_ms:.1f} ms", "< 20 ms", count_ms < 20)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
