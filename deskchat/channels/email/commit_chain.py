"""Commits handed from the account's command thread to the event loop in order, with at most one in flight.

The command thread goes on fetching and parsing the next batch while the loop commits the previous one, yet a batch
is committed only after every earlier batch was: a folder state never gets ahead of the messages stored, and a
failed commit stops the chain before anything later is committed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from concurrent.futures import Future
from typing import Any


class CommitChain:
    """Use from one worker thread; ``loop`` runs the commits."""

    def __init__(self, loop: asyncio.AbstractEventLoop, timeout_s: float) -> None:
        self._loop = loop
        self._timeout_s = timeout_s
        self._last: Future[Any] | None = None

    def submit(self, commit: Callable[[], Coroutine[Any, Any, Any]]) -> None:
        """Wait for the previous commit (raising its error), then start ``commit()`` on the loop and return."""
        self.wait()
        self._last = asyncio.run_coroutine_threadsafe(commit(), self._loop)

    def wait(self) -> None:
        """Block until the last commit is done; raise its error."""
        last, self._last = self._last, None
        if last is not None:
            last.result(self._timeout_s)
