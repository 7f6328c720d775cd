"""Reading a settings or policy file that may be hostile: bounded in size, depth and number length.

A policy file is written by IT, a settings file by DeskChat, but either may be anything: a FIFO that blocks a reader
for ever, ``/dev/zero`` that never ends, megabytes, ``[[[[…`` nested 100,000 deep, a number with 5,000 digits (which
Python refuses to convert), ``NaN``. Each is refused with a :class:`RefusedFile` or, for one number, a
:class:`RefusedNumber` value that no setting accepts, so the caller reports it and goes on.
"""

from __future__ import annotations

import json
import math
import os
import stat
from pathlib import Path
from typing import Any, Final

#: Largest settings or policy file read (a real one is a few hundred bytes).
MAX_FILE_BYTES: Final = 256 * 1024
#: Deepest nesting of objects and arrays accepted (the schema needs 2).
MAX_DEPTH: Final = 16
#: Longest number accepted, in characters (a 64-bit integer has at most 20).
MAX_NUMBER_CHARS: Final = 40
#: Problems listed per file; the rest are counted (a file of 10,000 unknown keys must not flood the log).
MAX_PROBLEMS_PER_FILE: Final = 50
#: Longest key or value quoted in a problem.
MAX_QUOTED_CHARS: Final = 60

#: Opening never blocks (a FIFO), never makes a terminal ours, never translates bytes (Windows).
_READ_FLAGS: Final = os.O_RDONLY | sum(getattr(os, flag, 0) for flag in ("O_NONBLOCK", "O_NOCTTY", "O_BINARY"))


class RefusedFile(Exception):
    """The file is not something DeskChat reads (its message completes "<file> …", in English for the log)."""


class RefusedNumber:
    """A number in the file that is not taken as one: too long, or not finite (NaN, Infinity). No setting fits it."""

    def __init__(self, description: str) -> None:
        self.description = description

    def __repr__(self) -> str:
        return self.description


def read_bounded(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of ``path`` if it is a regular file of at most ``limit`` bytes.

    The file is opened without blocking (a FIFO with no writer would otherwise wait for ever) and checked on the
    open descriptor, so it cannot be swapped between the check and the read.

    Raises:
        FileNotFoundError: there is no such file.
        RefusedFile: it is not a regular file, or it is too large.
        OSError: it cannot be opened or read.
    """
    descriptor = os.open(path, _READ_FLAGS)
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise RefusedFile(f"is not a regular file ({_kind(info.st_mode)})")
        if info.st_size > limit:
            raise RefusedFile(f"is too large ({info.st_size} bytes; at most {limit} are read)")
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(descriptor, limit + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise RefusedFile(f"is too large (more than {limit} bytes)")
        return b"".join(chunks)
    finally:
        os.close(descriptor)


def _kind(mode: int) -> str:
    kinds = (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    )
    return next((name for test, name in kinds if test(mode)), "not a file")


def parse_json(text: str) -> Any:
    """``text`` parsed as JSON, with long or non-finite numbers as :class:`RefusedNumber` values.

    Raises:
        json.JSONDecodeError: it is not JSON.
        RefusedFile: it is nested deeper than :data:`MAX_DEPTH`.
    """
    try:
        data = json.loads(text, parse_int=_parse_int, parse_float=_parse_float, parse_constant=_parse_constant)
    except RecursionError:
        raise RefusedFile(f"is nested too deeply (at most {MAX_DEPTH} levels are read)") from None
    if depth_of(data) > MAX_DEPTH:
        raise RefusedFile(f"is nested too deeply (at most {MAX_DEPTH} levels are read)")
    return data


def _parse_int(text: str) -> int | RefusedNumber:
    if len(text) > MAX_NUMBER_CHARS:
        return RefusedNumber(f"a number of {len(text)} characters (at most {MAX_NUMBER_CHARS})")
    return int(text)


def _parse_float(text: str) -> float | RefusedNumber:
    if len(text) > MAX_NUMBER_CHARS:
        return RefusedNumber(f"a number of {len(text)} characters (at most {MAX_NUMBER_CHARS})")
    value = float(text)
    if not math.isfinite(value):
        return RefusedNumber(f"{text} (too large)")
    return value


def _parse_constant(text: str) -> RefusedNumber:
    return RefusedNumber(f"{text} (not a number JSON allows)")


def depth_of(data: Any) -> int:
    """How deeply objects and arrays nest in ``data`` (a scalar is 0), without recursion."""
    deepest = 0
    pending: list[tuple[Any, int]] = [(data, 0)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict):
            children: Any = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        deepest = max(deepest, depth + 1)
        if deepest > MAX_DEPTH:
            return deepest
        pending.extend((child, depth + 1) for child in children)
    return deepest


def contains_refused_number(data: Any) -> bool:
    """Whether a :class:`RefusedNumber` is anywhere in ``data`` (it cannot be written back as JSON)."""
    pending = [data]
    while pending:
        value = pending.pop()
        if isinstance(value, RefusedNumber):
            return True
        if isinstance(value, dict):
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return False


def shortened(text: str, limit: int = MAX_QUOTED_CHARS) -> str:
    """``text`` cut to ``limit`` characters for a problem message or a log line."""
    return text if len(text) <= limit else f"{text[: limit - 1]}… ({len(text)} characters)"


def quoted(value: object) -> str:
    """``repr(value)`` cut to :data:`MAX_QUOTED_CHARS` (a 200 KB string must not land in the log whole)."""
    return shortened(repr(value))
