"""Values from WhatsApp made sane where they enter DeskChat: every function here takes what neonize parsed and
returns something the store and the window can always handle.

What neonize really hands over (checked with neonize 0.5.2, protobuf upb): WhatsApp's protos are proto2, whose
``string`` fields are not checked for UTF-8, so a field holding invalid UTF-8 reads back as ``bytes`` instead of
``str``; valid UTF-8 may still carry NUL characters. Integers are whatever 64 bits the sender chose (a file size of
2^64 − 1 does not fit an SQLite integer; a timestamp of 2^62 ms is far beyond what a date type can hold).

Rules:

* text is always ``str``: bytes are decoded with replacement, lone surrogates replaced, NUL removed, length capped;
* timestamps outside [2009-01-01, now + 1 day] become the time the event was received;
* sizes outside [0, :data:`MAX_FILE_SIZE`] become 0 (unknown);
* ids must be short printable strings, JIDs well-formed (see :mod:`.jids`); otherwise the event is refused with
  :class:`MalformedEvent`, which the caller reports for its event alone.
"""

from __future__ import annotations

import time
from typing import Final

#: A message text is kept whole up to this many characters (a 10 MB text is stored as it came).
TEXT_LIMIT: Final = 16 * 1024 * 1024
#: Push names, chat titles, captions of other things: short labels.
NAME_LIMIT: Final = 256
#: File names (bounded here; made safe to display by ``deskchat.core.filenames``).
FILE_NAME_LIMIT: Final = 255
MIME_LIMIT: Final = 127
#: A reaction is one emoji (a few code points with modifiers and joiners).
EMOJI_LIMIT: Final = 32
#: WhatsApp message ids are 16 to 40 characters; anything much longer is not one.
ID_LIMIT: Final = 128
#: A thumbnail larger than this is dropped (WhatsApp's own are a few KB).
THUMBNAIL_LIMIT: Final = 512 * 1024
#: Larger sizes are read as unknown (WhatsApp's own limit is 2 GB).
MAX_FILE_SIZE: Final = 1 << 40
#: 2009-01-01T00:00:00Z in unix ms: WhatsApp did not exist before.
EARLIEST_MS: Final = 1_230_768_000_000
FUTURE_SLACK_MS: Final = 24 * 60 * 60 * 1000
_MS_THRESHOLD: Final = 100_000_000_000  # below this a timestamp is in seconds (before 1973 in ms)


class MalformedEvent(ValueError):
    """An event DeskChat refuses to store: it is reported (dead-lettered) on its own, its batch-mates are stored.

    ``reason`` says what was wrong in a few words, never with customer data (it goes to logs and the integration
    log).
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def text(value: object, limit: int = TEXT_LIMIT) -> str:
    """``value`` as clean text: always ``str``, valid UTF-8, without NUL, at most ``limit`` characters."""
    if isinstance(value, str):
        cleaned = value if value.isascii() else _without_surrogates(value)
    elif isinstance(value, (bytes, bytearray, memoryview)):
        cleaned = bytes(value[: limit * 4]).decode("utf-8", "replace")
    elif value is None:
        return ""
    else:
        cleaned = str(value)
    if "\x00" in cleaned:
        cleaned = cleaned.replace("\x00", "")
    return cleaned[:limit] if len(cleaned) > limit else cleaned


def _without_surrogates(value: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        # a valid surrogate pair becomes its character, a lone surrogate U+FFFD
        return value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return value


def name(value: object) -> str:
    """A push name, chat title or label."""
    return text(value, NAME_LIMIT)


def file_name(value: object) -> str:
    return text(value, FILE_NAME_LIMIT)


def mime(value: object) -> str:
    return text(value, MIME_LIMIT).strip()


def emoji(value: object) -> str:
    return text(value, EMOJI_LIMIT)


def message_id(value: object, what: str = "message id") -> str:
    """A WhatsApp message id; "" when absent.

    Raises:
        MalformedEvent: not a short printable string without spaces.
    """
    if isinstance(value, str):
        if not value:
            return ""
        if len(value) <= ID_LIMIT and value.isprintable() and " " not in value:
            return value
    raise MalformedEvent(f"malformed {what}")


def timestamp_ms(value: int, received_ms: int | None = None) -> int:
    """A unix time in ms (``value`` may be in seconds or ms); the receive time when it is absurd."""
    at = value * 1000 if 0 < value < _MS_THRESHOLD else value
    received = now_ms() if received_ms is None else received_ms
    if EARLIEST_MS <= at <= max(received, now_ms()) + FUTURE_SLACK_MS:
        return at
    return received


def optional_timestamp_ms(value: int | None, received_ms: int | None = None) -> int | None:
    """Like :func:`timestamp_ms` for a timestamp that may be missing (``None`` or 0 stays ``None``)."""
    if not value:
        return None
    return timestamp_ms(value, received_ms)


def size(value: int) -> int:
    """A file size in bytes; 0 (unknown) when negative or absurd."""
    return value if 0 <= value <= MAX_FILE_SIZE else 0


def thumbnail(value: bytes) -> bytes | None:
    """A thumbnail's bytes; ``None`` when empty or too large to be one."""
    return bytes(value) if 0 < len(value) <= THUMBNAIL_LIMIT else None
