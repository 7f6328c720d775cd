"""Values read back from the store, made safe to show whatever was stored.

SQLite keeps any value in any column: a TEXT column may hold a BLOB, invalid UTF-8 (the driver then raises while
fetching), NULL or a NUL; an INTEGER column may hold 2^62 or -1. The readers that feed the window select text columns
as bytes (:func:`as_bytes`) and turn every value into what the window expects here, so nothing a sender controls can
raise inside a paint or a model. A replaced value is logged once per column, without the value.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import ColumnElement, LargeBinary, cast

log = logging.getLogger("deskchat.store")

#: Timestamps (unix ms) outside [1970, 2100) become the nearest bound: every date function can show them.
MIN_MS = 0
MAX_MS = 4_102_444_800_000  # 2100-01-01 UTC
#: Counters larger than this are shown as this (an unread badge never needs more).
MAX_COUNT = 1_000_000_000

_reported: set[str] = set()


def _report(column: str, what: str) -> None:
    if column not in _reported:
        _reported.add(column)
        log.warning("stored value of %s was %s: shown replaced", column, what)


def as_bytes(column: ColumnElement[Any], name: str | None = None) -> ColumnElement[Any]:
    """``column`` read as raw bytes (decoded by :func:`text`), labelled with its own name."""
    return cast(column, LargeBinary).label(name or str(column.key))


def text(value: object, column: str) -> str:
    """A stored text as a str: bytes decoded (invalid UTF-8 replaced), NULL as "", other types as their repr."""
    if isinstance(value, bytes | bytearray | memoryview):
        raw = bytes(value)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            _report(column, "not UTF-8")
            return raw.decode("utf-8", "replace")
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    _report(column, type(value).__name__)
    return str(value)


def text_prefix(value: object, column: str) -> str:
    """Like :func:`text`, for the first bytes of a longer text: a character cut at the end is dropped."""
    if isinstance(value, bytes | bytearray | memoryview):
        raw = bytes(value)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as error:
            if error.start >= len(raw) - 3 and error.reason == "unexpected end of data":
                return text(raw[: error.start], column)
    return text(value, column)


def optional_text(value: object, column: str) -> str | None:
    return None if value is None else text(value, column)


def timestamp(value: object, column: str) -> int:
    """A stored unix-ms time, clamped to [1970, 2100); not a number: 0."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        _report(column, "not a number")
        return MIN_MS
    if value != value:  # NaN
        _report(column, "not a number")
        return MIN_MS
    if value < MIN_MS or value > MAX_MS:
        _report(column, "out of range")
        return MIN_MS if value < MIN_MS else MAX_MS
    return int(value)


def optional_timestamp(value: object, column: str) -> int | None:
    return None if value is None else timestamp(value, column)


def count(value: object, column: str) -> int:
    """A stored counter, clamped to [0, MAX_COUNT]; not a number: 0."""
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        _report(column, "not a number")
        return 0
    if value < 0 or value > MAX_COUNT:
        _report(column, "out of range")
        return 0 if value < 0 else MAX_COUNT
    return int(value)


def flag(value: object) -> bool:
    try:
        return bool(value)
    except Exception:
        return False
