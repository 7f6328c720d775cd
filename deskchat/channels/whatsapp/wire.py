"""History-sync events parsed piece by piece instead of in one go.

neonize parses every event with ``FromString`` on the Go callback thread while holding the GIL. For a history blob of
tens of MB that is 100 ms or more during which the UI cannot run. For ``HistorySyncEv`` only, the adapter's client
hands the raw bytes over instead (:class:`RawHistorySync`); :func:`split_history` then reads the protobuf wire format
of the outer messages (a few tag/length reads, no copying) and leaves each ``Conversation`` encoded, to be parsed
one at a time between yields to the event loop.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Final

from neonize.proto import Neonize_pb2
from neonize.proto.waHistorySync.WAWebProtobufsHistorySync_pb2 import Conversation, HistorySync

_DATA_FIELD: Final = Neonize_pb2.HistorySync.DESCRIPTOR.fields_by_name["Data"].number
_CONVERSATIONS_FIELD: Final = HistorySync.DESCRIPTOR.fields_by_name["conversations"].number
_VARINT, _FIXED64, _LENGTH, _FIXED32 = 0, 1, 2, 5


@dataclass(frozen=True, slots=True)
class RawHistorySync:
    """A ``HistorySyncEv`` as the bytes Go sent (``Neonize_pb2.HistorySync``)."""

    payload: bytes


@dataclass(frozen=True)
class SplitHistory:
    """Everything but the conversations (parsed), and each conversation still encoded."""

    header: Any  # waHistorySync.HistorySync without conversations
    encoded_conversations: list[memoryview]

    def conversations(self) -> Iterator[Any]:
        """Parse the conversations one by one, on demand."""
        for encoded in self.encoded_conversations:
            yield Conversation.FromString(encoded)


def _varint(buffer: memoryview, position: int) -> tuple[int, int]:
    result = 0
    shift = 0
    while True:
        byte = buffer[position]
        position += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result, position
        shift += 7
        if shift > 63:
            raise ValueError("malformed varint")


def fields(buffer: memoryview, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int, int, int]]:
    """The top-level fields of an encoded message: ``(number, field_start, value_start, value_end)``.

    ``field_start`` is where the tag begins, so ``buffer[field_start:value_end]`` is the whole field.

    Raises:
        ValueError: malformed data or a group (unused by WhatsApp's protos).
    """
    end = len(buffer) if end is None else end
    position = start
    while position < end:
        field_start = position
        key, position = _varint(buffer, position)
        number, wire_type = key >> 3, key & 7
        if wire_type == _VARINT:
            value_start = position
            _, position = _varint(buffer, position)
        elif wire_type == _LENGTH:
            length, value_start = _varint(buffer, position)
            position = value_start + length
        elif wire_type == _FIXED64:
            value_start, position = position, position + 8
        elif wire_type == _FIXED32:
            value_start, position = position, position + 4
        else:
            raise ValueError(f"unsupported wire type {wire_type}")
        if position > end:
            raise ValueError("truncated message")
        yield number, field_start, value_start, position


def split_history(payload: bytes) -> SplitHistory:
    """Split an encoded ``Neonize_pb2.HistorySync`` event (see the module docstring)."""
    buffer = memoryview(payload)
    data: tuple[int, int] | None = None
    for number, _, value_start, value_end in fields(buffer):
        if number == _DATA_FIELD:
            data = (value_start, value_end)
    if data is None:
        return SplitHistory(HistorySync(), [])
    rest = bytearray()
    conversations: list[memoryview] = []
    for number, field_start, value_start, value_end in fields(buffer, *data):
        if number == _CONVERSATIONS_FIELD:
            conversations.append(buffer[value_start:value_end])
        else:
            rest += buffer[field_start:value_end]
    return SplitHistory(HistorySync.FromString(bytes(rest)), conversations)
