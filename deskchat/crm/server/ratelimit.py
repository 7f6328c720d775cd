"""A fixed-window request counter per user (or per client address before login), kept in the database so
that every worker process counts against the same limit."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, delete
from sqlalchemy.dialects import postgresql, sqlite

from deskchat.crm.server.database import now_ms
from deskchat.crm.server.schema import rate_windows


@dataclass(frozen=True)
class RateState:
    limit: int
    remaining: int
    reset_s: int
    exceeded: bool

    def headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset_s),
        }


def count_request(engine: Engine, subject: str, limit: int, window_s: int) -> RateState:
    now = now_ms()
    window_ms = window_s * 1000
    start = now - now % window_ms
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(rate_windows).values(subject=subject[:100], window_start=start, count=1)
    statement = statement.on_conflict_do_update(
        index_elements=[rate_windows.c.subject, rate_windows.c.window_start],
        set_={"count": rate_windows.c.count + 1},
    ).returning(rate_windows.c.count)
    with engine.begin() as conn:
        count = int(conn.execute(statement).scalar_one())
        if count == 1:  # first request of a new window: forget old windows of this subject
            conn.execute(
                delete(rate_windows).where(rate_windows.c.subject == subject[:100], rate_windows.c.window_start < start)
            )
    reset_s = max(1, -(-(start + window_ms - now) // 1000))
    return RateState(limit, max(0, limit - count), reset_s, count > limit)
