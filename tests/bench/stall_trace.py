"""What the process was doing during the event loop's longest stalls (``DESKCHAT_BENCH_STALL_TRACE=1``).

A sampler thread records, every ``period`` seconds, the innermost frames of the loop thread and of every other
thread; a ticker on the loop records each gap between its wake-ups with the loop thread's own CPU time over the gap
(little CPU in a long gap: the loop was waiting, for the GIL or for the OS). At the end, the worst stalls are printed
with what each thread was seen doing during them. The sampler competes for the GIL too: it is a diagnostic, not a
figure to compare.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import os
import sys
import threading
import time
from dataclasses import dataclass, field
from types import FrameType


def _where(frame: FrameType | None, depth: int = 3) -> str:
    parts: list[str] = []
    while frame is not None and len(parts) < depth:
        code = frame.f_code
        name = code.co_filename.rsplit("/", 2)
        parts.append(f"{'/'.join(name[-2:])}:{frame.f_lineno} {code.co_name}")
        frame = frame.f_back
    return " < ".join(parts)


@dataclass
class Stall:
    start: float
    end: float
    loop_cpu_ms: float
    threads: dict[str, tuple[float, float]] = field(default_factory=dict)  # name -> (ran ms, waited for a CPU ms)
    samples: list[tuple[float, dict[str, str]]] = field(default_factory=list)


def _schedstats() -> dict[int, tuple[float, float]]:
    """Every thread of this process: (ms on a CPU, ms runnable but waiting for one), from Linux schedstat."""
    found: dict[int, tuple[float, float]] = {}
    for tid in os.listdir("/proc/self/task"):
        with contextlib.suppress(OSError, ValueError), open(f"/proc/self/task/{tid}/schedstat") as stats:
            ran, waited, _slices = stats.read().split()
            found[int(tid)] = (int(ran) / 1e6, int(waited) / 1e6)
    return found


class StallTrace:
    def __init__(self, threshold_ms: float = 20.0, period: float = 0.002) -> None:
        self.threshold_ms = threshold_ms
        self.period = period
        self._samples: collections.deque[tuple[float, dict[str, str]]] = collections.deque(maxlen=200_000)
        self._stalls: list[Stall] = []
        self._stop = threading.Event()
        self._loop_thread = threading.get_ident()
        self._sampler = threading.Thread(target=self._sample, name="stall-sampler", daemon=True)
        self._ticker: asyncio.Task[None] | None = None

    def _sample(self) -> None:
        names = {}
        while not self._stop.wait(self.period):
            now = time.perf_counter()
            seen: dict[str, str] = {}
            for ident, frame in sys._current_frames().items():
                if ident == threading.get_ident():
                    continue
                if ident not in names:
                    names = {t.ident: t.name for t in threading.enumerate()}
                name = "LOOP" if ident == self._loop_thread else str(names.get(ident, ident))
                seen[name] = _where(frame, 4 if name == "LOOP" else 2)
            self._samples.append((now, seen))

    async def _tick(self) -> None:
        last, last_cpu, last_sched = time.perf_counter(), time.thread_time(), _schedstats()
        while True:
            await asyncio.sleep(self.period)
            now, cpu, sched = time.perf_counter(), time.thread_time(), _schedstats()
            if (now - last - self.period) * 1000 > self.threshold_ms:
                names = {t.native_id: t.name for t in threading.enumerate()}
                names[threading.get_native_id()] = "LOOP"
                threads = {
                    str(names.get(tid, tid)): (ran - last_sched[tid][0], waited - last_sched[tid][1])
                    for tid, (ran, waited) in sched.items()
                    if tid in last_sched
                }
                self._stalls.append(Stall(last, now, (cpu - last_cpu) * 1000, threads))
            last, last_cpu, last_sched = now, cpu, sched

    def start(self) -> None:
        self._sampler.start()
        self._ticker = asyncio.get_running_loop().create_task(self._tick())

    async def stop(self, worst: int = 8) -> None:
        self._stop.set()
        assert self._ticker is not None
        self._ticker.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._ticker
        self._sampler.join()
        samples = list(self._samples)
        stalls = sorted(self._stalls, key=lambda s: s.end - s.start, reverse=True)
        print(f"[trace] {len(self._stalls)} stalls over {self.threshold_ms:.0f} ms", flush=True)
        for stall in stalls[:worst]:
            gap_ms = (stall.end - stall.start) * 1000
            print(f"[trace] stall {gap_ms:.1f} ms, loop thread CPU {stall.loop_cpu_ms:.1f} ms")
            inside = [seen for at, seen in samples if stall.start <= at <= stall.end]
            per_thread: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
            for seen in inside:
                for name, where in seen.items():
                    per_thread[name][where] += 1
            print(f"[trace]   {len(inside)} samples; per thread ran/waited for a CPU (ms):")
            busy = sorted(stall.threads.items(), key=lambda item: -(item[1][0] + item[1][1]))
            print("[trace]     " + ", ".join(f"{n} {r:.1f}/{w:.1f}" for n, (r, w) in busy if r + w >= 0.5))
            for name in sorted(per_thread, key=lambda n: (n != "LOOP", n)):
                for where, count in per_thread[name].most_common(3):
                    print(f"[trace]   {name:>24} ×{count:<3} {where}")
