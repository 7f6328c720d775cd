"""Timestamps in the store are integer unix milliseconds (UTC)."""

from __future__ import annotations

import time
from datetime import UTC, datetime


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def to_datetime(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=UTC)


def from_datetime(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)
