"""Opening the encrypted store and writing to it through one writer thread.

Reads of a visible page run inline on the caller's thread (each thread has its own connection); every write goes
through :meth:`Store.write`, which runs it in one transaction on the single writer thread, so the GUI thread never
waits on a write lock and writes stay ordered.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import URL, Connection, Engine, create_engine, event
from sqlalchemy.exc import DatabaseError

from deskchat.paths import Profile, make_private_file, tighten_permissions
from deskchat.store.keys import KeyProblem, StoreKey, StoreKeyError, create_key, existing_key
from deskchat.store.migrations import LATEST_VERSION, migrate

log = logging.getLogger("deskchat.store")

T = TypeVar("T")

_CONNECTION_PRAGMAS = (
    "PRAGMA foreign_keys = ON",
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = FULL",
    "PRAGMA temp_store = MEMORY",  # temporary tables and indices never reach the disk unencrypted
    "PRAGMA busy_timeout = 5000",
    "PRAGMA cache_size = -32000",  # 32 MB per connection
)


def _make_engine(path: str, key: StoreKey) -> Engine:
    url = URL.create("sqlite+pysqlcipher", password=key.pragma_value(), database=path)
    # One connection per thread (GUI, writer, background reader); SQLite in WAL mode lets them read concurrently.
    engine = create_engine(url, connect_args={"check_same_thread": False}, pool_size=8)

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        # The driver's own implicit transactions skip DDL; SQLAlchemy's "begin" event below emits BEGIN instead, so
        # every transaction (migrations included) is real and atomic.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            # The key was applied by the dialect; the first read proves it opens the store.
            cursor.execute("SELECT count(*) FROM sqlite_master").fetchone()
            for pragma in _CONNECTION_PRAGMAS:
                cursor.execute(pragma).fetchall()
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN")

    return engine


class Store:
    """An open encrypted store."""

    def __init__(self, profile: Profile, engine: Engine, key: StoreKey) -> None:
        self.profile = profile
        self.engine = engine
        self.key_source = key.source
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="deskchat-store-writer")
        self._reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="deskchat-store-reader")
        self._closed = False

    # -- opening -----------------------------------------------------------------------------------------------

    @classmethod
    def open(cls, profile: Profile, *, passphrase: str | None = None, ephemeral: bool = False) -> Store:
        """Open (or create) the profile's store, migrating it to the current schema.

        Raises:
            PassphraseRequired: a passphrase is needed (new store without keyring, or a passphrase store).
            StoreKeyError: the key is unavailable or wrong; the store file is left exactly as it was.
            StoreFromNewerVersion: the store was written by a newer DeskChat.
        """
        profile.ensure()
        store_file = profile.store_file
        is_new = not store_file.exists() or store_file.stat().st_size == 0
        if is_new:
            key = create_key(profile.store_meta_file, passphrase=passphrase, ephemeral=ephemeral)
            make_private_file(store_file)
        else:
            key = existing_key(profile.store_meta_file, passphrase=passphrase)
        engine = _make_engine(str(store_file), key)
        try:
            with engine.connect() as conn:
                reached = migrate(conn)
        except DatabaseError as exc:
            engine.dispose()
            if "not a database" in str(exc.orig):
                raise StoreKeyError(KeyProblem.WRONG_KEY, str(store_file)) from None
            raise
        except BaseException:
            engine.dispose()
            raise
        tighten_permissions(profile.root)
        log.info("store open: %s (schema %d/%d, key from %s)", store_file, reached, LATEST_VERSION, key.source)
        return cls(profile, engine, key)

    # -- reading and writing -----------------------------------------------------------------------------------

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A connection for reads on the calling thread."""
        with self.engine.connect() as conn:
            yield conn

    async def read_later(self, work: Callable[[Connection], T]) -> T:
        """Run a read off the GUI thread (for reads too big for a frame, or while a bulk write runs)."""
        loop = asyncio.get_running_loop()

        def run() -> T:
            with self.engine.connect() as conn:
                return work(conn)

        return await asyncio.wrap_future(self._reader.submit(run), loop=loop)

    def write_now(self, work: Callable[[Connection], T]) -> T:
        """Run ``work`` in one transaction on the writer thread and wait for it (for code not on the loop)."""
        return self._writer.submit(self._transaction, work).result()

    async def write(self, work: Callable[[Connection], T]) -> T:
        """Run ``work`` in one transaction on the writer thread without blocking the event loop."""
        loop = asyncio.get_running_loop()
        return await asyncio.wrap_future(self._writer.submit(self._transaction, work), loop=loop)

    def _transaction(self, work: Callable[[Connection], T]) -> T:
        with self.engine.begin() as conn:
            return work(conn)

    def close(self) -> None:
        """Let queued writes finish, then close every connection."""
        if self._closed:
            return
        self._closed = True
        self._reader.shutdown(wait=True)
        self._writer.submit(self.engine.dispose).result()
        self._writer.shutdown(wait=True)
        self.engine.dispose()
        log.info("store closed")
