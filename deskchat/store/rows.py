"""Small helpers for reading SQLAlchemy results."""

from __future__ import annotations

from sqlalchemy import CursorResult


def inserted_id(result: CursorResult[object]) -> int:
    """The primary key of the row an INSERT just created."""
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])
