"""Measures the time to the main window's first paint (logged at every start; benchmarks can stop there)."""

from __future__ import annotations

import logging
import os
import time

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

log = logging.getLogger("deskchat.app")

#: Benchmarks set this to the spawn time (time.time()) and get the figures printed, then the app quits.
BENCH_ENV = "DESKCHAT_BENCH_SPAWNED_AT"


def peak_memory_mb() -> float:
    """Peak resident memory of this process (VmHWM) in MB, or 0 where /proc is not available."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class FirstPaintProbe(QObject):
    def __init__(self, started_at: float, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._started_at = started_at
        self.painted_after_ms: float | None = None
        self._painted_since_spawn_ms = 0.0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self.painted_after_ms is None:
            self.painted_after_ms = (time.perf_counter() - self._started_at) * 1000
            log.info("first paint %.0f ms after start", self.painted_after_ms)
            spawned = os.environ.get(BENCH_ENV)
            if spawned:
                self._painted_since_spawn_ms = (time.time() - float(spawned)) * 1000
        return False

    def mark_ready(self) -> None:
        """The conversations are on screen (the window was attached to the store and has painted again)."""
        log.info("conversations shown %.0f ms after start", (time.perf_counter() - self._started_at) * 1000)
        spawned = os.environ.get(BENCH_ENV)
        if spawned:
            ready_ms = (time.time() - float(spawned)) * 1000
            QTimer.singleShot(0, lambda: self._report_and_quit(self._painted_since_spawn_ms, ready_ms))

    @staticmethod
    def _report_and_quit(first_paint_ms: float, ready_ms: float) -> None:
        print(
            f"first_paint_ms={first_paint_ms:.1f} ready_ms={ready_ms:.1f} peak_rss_mb={peak_memory_mb():.1f}",
            flush=True,
        )
        for window in QApplication.topLevelWidgets():
            window.close()
