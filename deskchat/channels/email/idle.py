"""IMAP IDLE on a dedicated connection: tells when a folder changed, re-issues IDLE before the server's 29 minutes.

:func:`watch` blocks (run it in the account's own IDLE thread, never the GUI thread nor the default executor). It
returns when ``stopped`` is set, and raises when the connection drops; closing the socket from another thread
(:func:`interrupt`) ends it at once.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable
from typing import Any, Final

log = logging.getLogger("deskchat.mail")

#: RFC 2177: clients re-issue IDLE at least every 29 minutes; 25 leaves a margin.
IDLE_RENEW_S: Final = 25 * 60.0
CHECK_S: Final = 30.0
#: ``idle_check`` on a socket the server closed returns nothing at once instead of raising: this many instant empty
#: answers in a row mean the connection is gone.
DEAD_AFTER_EMPTY: Final = 3
_CHANGES: Final = frozenset({b"EXISTS", b"EXPUNGE", b"FETCH", b"VANISHED", b"RECENT"})


def _is_change(response: Any) -> bool:
    return isinstance(response, tuple) and any(isinstance(part, bytes) and part in _CHANGES for part in response)


class IdleWatch:
    """Counts IDLE commands issued (each renewal is one), for the integration log and the tests."""

    def __init__(self, renew_s: float = IDLE_RENEW_S, check_s: float = CHECK_S) -> None:
        self.renew_s = renew_s
        self.check_s = check_s
        self.issued = 0
        self.stopped = threading.Event()

    def watch(self, client: Any, folder: str, changed: Callable[[], None]) -> None:
        """IDLE on ``folder`` until stopped; ``changed`` is called (from this thread) for every change seen."""
        client.select_folder(folder, readonly=True)
        first = True
        while not self.stopped.is_set():
            client.idle()
            self.issued += 1
            if first:  # mail that came between the last sync and this IDLE is announced by nothing: sync once
                first = False
                changed()
            started = time.monotonic()
            instant_empty = 0
            try:
                while not self.stopped.is_set():
                    remaining = self.renew_s - (time.monotonic() - started)
                    if remaining <= 0:
                        break
                    timeout = min(self.check_s, remaining)
                    asked = time.monotonic()
                    responses = client.idle_check(timeout=timeout)
                    if any(_is_change(response) for response in responses):
                        changed()
                    quick = not responses and time.monotonic() - asked < min(timeout / 10, 0.5)
                    instant_empty = instant_empty + 1 if quick else 0
                    if instant_empty >= DEAD_AFTER_EMPTY:
                        raise ConnectionError("the IDLE connection was closed by the server")
            finally:
                if not self.stopped.is_set():
                    _command_text, responses = client.idle_done()
                    if any(_is_change(response) for response in responses):
                        changed()  # a change reported while IDLE was being ended


def interrupt(client: Any) -> None:
    """End a blocked ``idle_check`` from another thread by shutting the socket down."""
    try:
        client.socket().shutdown(socket.SHUT_RDWR)
    except (OSError, AttributeError):
        log.debug("the IDLE socket was already closed")
