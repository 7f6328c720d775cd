"""What the CRM handler keeps on its own outbox rows between tries (beyond the generic outbox's columns)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, select, update

from deskchat.store.schema import outbox


def pin_payload_field(conn: Connection, item_id: int, name: str, value: Any) -> None:
    """Store ``value`` under ``name`` in a row's payload (e.g. the If-Match an update is first sent with, so every
    retry under the same Idempotency-Key sends the very same request)."""
    raw = conn.execute(select(outbox.c.payload_json).where(outbox.c.id == item_id)).scalar()
    if raw is None:
        return
    payload: dict[str, Any] = json.loads(raw)
    payload[name] = value
    conn.execute(
        update(outbox).where(outbox.c.id == item_id).values(payload_json=json.dumps(payload, ensure_ascii=False))
    )
