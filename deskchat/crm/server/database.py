"""Engines for SQLite (the default) and PostgreSQL, write transactions, and the counters that order changes."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, insert, select, update
from sqlalchemy.exc import IntegrityError

from deskchat.crm.server.schema import counters, metadata

CHANGE_SEQ = "change_seq"
CASE_NUMBER = "case_number"
READ_ONLY = "deskchat_read_only"  # execution option: a transaction that only reads (SQLite: a deferred BEGIN)


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def make_engine(url: str) -> Engine:
    """An engine whose write transactions lock what they need from the start (SQLite: BEGIN IMMEDIATE, WAL)."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            deferred = conn.get_execution_options().get(READ_ONLY, False)
            conn.exec_driver_sql("BEGIN" if deferred else "BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)


def create_schema(engine: Engine) -> None:
    metadata.create_all(engine)
    for name in (CHANGE_SEQ, CASE_NUMBER):
        try:
            with engine.begin() as conn:
                if conn.execute(select(counters.c.value).where(counters.c.name == name)).first() is None:
                    conn.execute(insert(counters).values(name=name, value=0))
        except IntegrityError:
            pass  # another process created it first


def next_value(conn: Connection, name: str) -> int:
    """The counter's next value. The row stays locked until the transaction ends, so values commit in order."""
    result = conn.execute(
        update(counters).where(counters.c.name == name).values(value=counters.c.value + 1).returning(counters.c.value)
    )
    return int(result.scalar_one())


def next_values(conn: Connection, name: str, count: int) -> int:
    """The first of ``count`` consecutive new values of the counter (locked until the transaction ends)."""
    result = conn.execute(
        update(counters)
        .where(counters.c.name == name)
        .values(value=counters.c.value + count)
        .returning(counters.c.value)
    )
    return int(result.scalar_one()) - count + 1


@contextmanager
def read_transaction(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as conn:
        conn.execution_options(**{READ_ONLY: True})
        with conn.begin():
            yield conn
