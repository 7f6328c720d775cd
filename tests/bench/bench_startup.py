"""Cold start to the first painted window with the 1M-message store, and peak memory after start.

    python tests/bench/bench_startup.py

Compared in the same run with a bare PySide6 three-pane window started the same way (a new process, offscreen).
DeskChat paints its window's frame first (title, menu, the three panes' places), then opens the store and fills
the panes; both moments are printed: the first paint (compared with the bare window) and the conversations shown.
Targets: first paint at most 2.5x the bare window's and under 1.5 s; peak memory at most the bare window's + 100 MB.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time

from benchlib import HERE, big_store, report, use_bench_keyring

RUNS = 5


def measure(command: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    # NEONIZE_BOT_TAG as an installed launcher sets it (otherwise DeskChat restarts itself once to get it)
    env = dict(env, DESKCHAT_BENCH_SPAWNED_AT=repr(time.time()), QT_QPA_PLATFORM="offscreen", NEONIZE_BOT_TAG="off")
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)
    line = next((row for row in done.stdout.splitlines() if row.startswith("first_paint_ms=")), None)
    if line is None:
        raise RuntimeError(f"no figure from {command}: {done.stdout}\n{done.stderr}")
    fields = dict(part.split("=") for part in line.split())
    first = float(fields["first_paint_ms"])
    return first, float(fields.get("ready_ms", first)), float(fields["peak_rss_mb"])


def main() -> None:
    profile, facts = big_store()
    env = use_bench_keyring()
    bare_cmd = [sys.executable, str(HERE / "bare_window.py")]
    app_cmd = [sys.executable, "-m", "deskchat", "--profile", str(profile.root)]
    measure(app_cmd, env)  # warm the page cache once, as a second start of the day would be
    bare = [measure(bare_cmd, env) for _ in range(RUNS)]
    ours = [measure(app_cmd, env) for _ in range(RUNS)]
    bare_ms = statistics.median(ms for ms, _, _ in bare)
    our_ms = statistics.median(ms for ms, _, _ in ours)
    ready_ms = statistics.median(ready for _, ready, _ in ours)
    bare_mb = max(mb for _, _, mb in bare)
    our_mb = max(mb for _, _, mb in ours)
    print(f"start-up with {facts['messages']:,} messages, median of {RUNS} (spawn → first paint, offscreen)")
    print(f"  bare PySide6 window: {bare_ms:.0f} ms, peak {bare_mb:.0f} MB")
    print(f"  DeskChat:            {our_ms:.0f} ms, peak {our_mb:.0f} MB (the window's frame)")
    print(f"  DeskChat, conversations on screen: {ready_ms:.0f} ms")
    report(
        "cold start / bare window",
        f"{our_ms / bare_ms:.2f}x ({our_ms:.0f} ms)",
        "<= 2.5x and < 1500 ms",
        our_ms <= 2.5 * bare_ms and our_ms < 1500,
    )
    report("start to conversations on screen", f"{ready_ms:.0f} ms", "< 1500 ms", ready_ms < 1500)
    report(
        "peak memory after start",
        f"{our_mb:.0f} MB (bare {bare_mb:.0f} MB, +{our_mb - bare_mb:.0f} MB)",
        "<= bare + 100 MB",
        our_mb <= bare_mb + 100,
    )
    os.environ.pop("DESKCHAT_BENCH_SPAWNED_AT", None)


if __name__ == "__main__":
    main()
