"""Schemathesis hooks (loaded through SCHEMATHESIS_HOOKS) that make generated requests behave like a client's
where the contract asks for values only the client or the server can know; values the schema rejects stay as
generated, so negative tests keep their bite.

* every valid Idempotency-Key becomes a fresh UUID: a client never reuses a key for another request (the reuse
  rule, 422, is checked by python -m deskchat.crm.check);
* every valid If-Match becomes ``*``: a client sends the ETag it read, which a generator cannot guess (412 and 428
  are checked by the conformance check);
* every valid updated_since becomes a cursor the server issued: cursors are opaque (400 for a forged one is
  checked by the conformance check).
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import schemathesis

from deskchat.crm.server.cursors import START, encode

_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
    """Runs before every request of every phase (the map_* hooks do not reach the coverage phase)."""
    headers = case.headers or {}
    key = headers.get("Idempotency-Key")
    if isinstance(key, str) and _KEY.match(key):
        headers["Idempotency-Key"] = str(uuid.uuid4())
    match = headers.get("If-Match")
    if isinstance(match, str) and 1 <= len(match) <= 64:
        headers["If-Match"] = "*"
    query = case.query or {}
    cursor = query.get("updated_since")
    if isinstance(cursor, str) and 1 <= len(cursor) <= 512:
        query["updated_since"] = encode(START)
