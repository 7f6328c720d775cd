"""Channel-neutral values of the inbound spool: a raw event kept durably until its result is stored.

Channels hand every inbound event that carries customer data to a synchronous spool sink the moment the library
delivers it; the consumer removes the row in the transaction that stores its result. :func:`is_storage_full` tells a
full disk apart from other failures: then nothing is given up, the event waits for space.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass
from typing import Final

#: SQLite's primary result code for "database or disk is full".
SQLITE_FULL: Final = 13


@dataclass(frozen=True, slots=True)
class SpooledEvent:
    """One spool row: ``payload`` holds the raw bytes exactly as the channel library delivered them."""

    id: int
    account_id: int
    kind: str
    payload: bytes
    received_at: int  # unix ms


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """An event that still failed after its retries, kept (encrypted, in the store) until the attendant retries."""

    id: int
    account_id: int | None
    kind: str
    error: str  # what went wrong, without customer data
    received_at: int
    failed_at: int
    retries: int


def is_storage_full(error: BaseException | None) -> bool:
    """Whether ``error`` (or what caused it) is SQLite's SQLITE_FULL or the OS's ENOSPC."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, OSError) and error.errno == errno.ENOSPC:
            return True
        code = getattr(error, "sqlite_errorcode", None)
        if isinstance(code, int) and code & 0xFF == SQLITE_FULL:
            return True
        if "database or disk is full" in str(error):
            return True
        original = getattr(error, "orig", None)
        if isinstance(original, BaseException) and id(original) not in seen:
            error = original
            continue
        error = error.__cause__ or error.__context__
    return False
