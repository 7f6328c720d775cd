"""Interpreter settings that keep the GUI thread's event loop free of long pauses (measured by bench_stall.py).

- Garbage collection: a full (generation 2) collection walks every live object while holding the GIL: with the
  window, the store and the Qt bindings loaded that takes tens of milliseconds, wherever it happens to start (often
  on the writer thread in the middle of an ingest). Once start-up is done, everything alive is frozen out of the
  collector's reach (it lives for the whole session anyway), so later collections walk only newer objects.
- GIL hand-over: the GUI thread releases the GIL around every SQLite call and must then wait for the writer
  thread to give it back, up to one switch interval each time (the "convoy effect"). 1 ms instead of 5 ms keeps a
  page load under contention close to its uncontended time.
"""

from __future__ import annotations

import gc
import sys

SWITCH_INTERVAL_S = 0.001


def tune_for_responsiveness() -> None:
    """Call once the window is up."""
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    gc.collect()
    gc.freeze()


def freeze_survivors() -> None:
    """After loading something big for the rest of the session (neonize's protobuf classes): freeze it too."""
    gc.collect()
    gc.freeze()
