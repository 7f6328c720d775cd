"""The in-process order of the store's writers: who takes SQLite's write lock next.

Two kinds of writer share the store file: the writer thread's transactions (:meth:`Store.write`) and the inbound
spool's appends, each made on the thread of a channel library that waits for it before acknowledging the event.
Left to SQLite, a writer that finds the lock taken sleeps in its busy handler in growing steps (1, 2, 5, 10… ms), so
a 3 ms transaction costs the other side 8 ms or more, and an append could wait behind several transactions in a row.
The gate hands the lock over the moment it is free, and a waiting append goes before the next transaction.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class WriteGate:
    """A lock with two priorities: appends (``urgent``) before transactions (``ordinary``)."""

    def __init__(self) -> None:
        self._changed = threading.Condition(threading.Lock())
        self._busy = False
        self._urgent_waiting = 0

    @contextmanager
    def urgent(self) -> Iterator[None]:
        """Hold the gate for an append (waits only for the writer currently inside)."""
        with self._changed:
            self._urgent_waiting += 1
            try:
                while self._busy:
                    self._changed.wait()
            finally:
                self._urgent_waiting -= 1
            self._busy = True
        try:
            yield
        finally:
            self._leave()

    @contextmanager
    def ordinary(self) -> Iterator[None]:
        """Hold the gate for a transaction (waits while anyone is inside or an append waits)."""
        with self._changed:
            while self._busy or self._urgent_waiting:
                self._changed.wait()
            self._busy = True
        try:
            yield
        finally:
            self._leave()

    def _leave(self) -> None:
        with self._changed:
            self._busy = False
            self._changed.notify_all()
