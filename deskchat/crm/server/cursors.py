"""Opaque pull cursors: a position in the order of change (change_seq, then id), base64url-encoded JSON.

One transaction gives all its rows the same change_seq, so the id breaks ties and a page may end inside a group.
"""

from __future__ import annotations

import base64
import binascii
import json

from deskchat.crm.server.problems import ProblemError

_VERSION = 1
Position = tuple[int, str]
START: Position = (0, "")


def encode(position: Position) -> str:
    raw = json.dumps({"v": _VERSION, "s": position[0], "i": position[1]}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str | None) -> Position:
    if cursor is None:
        return START
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        if not isinstance(data, dict) or data.get("v") != _VERSION:
            raise ValueError(cursor)
        seq, last_id = data["s"], data["i"]
        if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0 or not isinstance(last_id, str):
            raise ValueError(cursor)
        return seq, last_id
    except (ValueError, KeyError, UnicodeError, binascii.Error) as error:
        raise ProblemError(400, "bad-cursor", "The updated_since cursor is not one this server issued.") from error
