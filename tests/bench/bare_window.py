"""The floor of the start-up benchmark: a bare PySide6 three-pane window, started and measured like DeskChat."""

from __future__ import annotations

import os
import sys
import time

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QListView, QMainWindow, QSplitter, QTextEdit, QWidget


def peak_memory_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


class Probe(QObject):
    done = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self.done:
            self.done = True
            since_spawn = (time.time() - float(os.environ["DESKCHAT_BENCH_SPAWNED_AT"])) * 1000
            QTimer.singleShot(0, lambda: report(since_spawn))
        return False


def report(since_spawn: float) -> None:
    print(f"first_paint_ms={since_spawn:.1f} peak_rss_mb={peak_memory_mb():.1f}", flush=True)
    QApplication.quit()


def main() -> int:
    app = QApplication(sys.argv)
    window = QMainWindow()
    splitter = QSplitter(window)
    for pane in (QListView(), QTextEdit(), QWidget()):
        splitter.addWidget(pane)
    window.setCentralWidget(splitter)
    probe = Probe()
    window.installEventFilter(probe)
    window.resize(1380, 820)
    window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
