"""Shared pieces of the benchmarks: the 1M-message store, percentiles, loop-stall meter and reporting.

Benchmarks print figures and compare them with their floors in words; they never fail a build (no timed asserts).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import statistics
import sys
import threading
import time
from pathlib import Path

import keyring

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
DATA_DIR = Path(os.environ.get("DESKCHAT_BENCH_DATA", HERE / ".data"))
KEYRING_FILE = DATA_DIR / "bench-keys.json"

sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from bench_keyring import FileKeyring  # noqa: E402

from deskchat.paths import Profile  # noqa: E402
from deskchat.store.database import Store  # noqa: E402

BIG_MESSAGES = int(os.environ.get("DESKCHAT_BENCH_MESSAGES", "1000000"))
BIG_CONVERSATIONS = int(os.environ.get("DESKCHAT_BENCH_CONVERSATIONS", "20000"))


def use_bench_keyring() -> dict[str, str]:
    """Select the file keyring here and return the environment that selects it in child processes."""
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    os.environ["BENCH_KEYRING_FILE"] = str(KEYRING_FILE)
    keyring.set_keyring(FileKeyring())
    env = dict(os.environ)
    env["PYTHON_KEYRING_BACKEND"] = "bench_keyring.FileKeyring"
    env["PYTHONPATH"] = os.pathsep.join([str(HERE), str(ROOT), env.get("PYTHONPATH", "")])
    return env


def big_store() -> tuple[Profile, dict[str, int]]:
    """The benchmark store (made once with the demo generator, then reused): profile and facts about it."""
    use_bench_keyring()
    profile = Profile(DATA_DIR / f"store-{BIG_MESSAGES}-{BIG_CONVERSATIONS}")
    marker = profile.root / "bench.json"
    if marker.exists():
        return profile, json.loads(marker.read_text())
    from deskchat.demo.bulk import generate_bulk

    if profile.store_file.exists():
        for path in profile.root.iterdir():
            if path.is_file():
                path.unlink()
    print(f"generating {BIG_MESSAGES:,} messages in {BIG_CONVERSATIONS:,} conversations (once)…", flush=True)
    started = time.perf_counter()
    store = Store.open(profile)
    result = generate_bulk(store, conversations=BIG_CONVERSATIONS, messages=BIG_MESSAGES)
    store.close()
    facts = {"big_conversation_id": int(result.big_conversation_id), "messages": BIG_MESSAGES}
    marker.write_text(json.dumps(facts))
    print(f"  generated in {time.perf_counter() - started:.1f} s", flush=True)
    return profile, facts


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * pct / 100
    low = int(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def summary(values: list[float]) -> str:
    return (
        f"median {statistics.median(values):.2f} ms, p95 {percentile(values, 95):.2f} ms, "
        f"max {max(values):.2f} ms (n={len(values)})"
    )


def machine_load() -> str:
    """The load average (benchmarks share the machine: a loaded one stretches every stall)."""
    return ", ".join(f"{value:.1f}" for value in os.getloadavg())


def report(name: str, figure: str, target: str, met: bool) -> None:
    verdict = "meets" if met else "MISSES"
    print(f"[bench] {name}: {figure} — target {target}: {verdict}", flush=True)


def _waited_for_cpu_ms() -> float:
    """Time the calling thread spent runnable but off the CPU (Linux schedstat; 0 elsewhere)."""
    try:
        with open(f"/proc/self/task/{threading.get_native_id()}/schedstat") as stats:
            return int(stats.read().split()[1]) / 1e6
    except (OSError, ValueError, IndexError):
        return 0.0


class StallMeter:
    """Measures the longest gap between wake-ups of a task that asks to run every ``interval`` seconds.

    On a busy machine most of a long gap can be the OS keeping the loop's thread off the CPU (other processes);
    :attr:`worst_own_ms` is the longest gap minus that wait: the process's own share (its work on the loop, and
    waits for the GIL held by its other threads).
    """

    def __init__(self, interval: float = 0.002) -> None:
        self.interval = interval
        self.worst_ms = 0.0
        self.worst_own_ms = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _tick(self) -> None:
        last = time.perf_counter()
        last_wait = _waited_for_cpu_ms()
        while True:
            await asyncio.sleep(self.interval)
            now = time.perf_counter()
            wait = _waited_for_cpu_ms()
            gap_ms = (now - last - self.interval) * 1000
            self.record(gap_ms)
            self.worst_own_ms = max(self.worst_own_ms, gap_ms - (wait - last_wait))
            last, last_wait = now, wait

    def record(self, gap_ms: float) -> None:
        self.worst_ms = max(self.worst_ms, gap_ms)

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._tick())

    async def stop(self) -> float:
        assert self._task is not None
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        return self.worst_ms
