"""Channel-neutral value of a receipt or change kept durably until the message it refers to is stored.

A channel may be told of a receipt, reaction, edit or revocation before the message it refers to is stored. Such a
value is kept in the store (``pending_changes``), in the same transaction that removes its spool row, so a crash
loses nothing that was acknowledged; the channel encodes it in ``payload`` (its own format) and drops the row when
the value is applied or evicted by its bounds.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PendingRecord:
    """One waiting value for the message ``target_channel_id`` (``row_id`` is None before it is stored)."""

    target_channel_id: str
    kind: str
    payload: bytes
    received_at: int  # unix ms
    row_id: int | None = None
