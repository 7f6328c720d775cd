"""Opening the encrypted store and writing to it through one writer thread.

Reads of a visible page run inline on the caller's thread (each thread has its own connection); every write goes
through :meth:`Store.write`, which runs it in one transaction on the single writer thread, so the GUI thread never
waits on a write lock and writes stay ordered.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import URL, Connection, Engine, create_engine, event
from sqlalchemy.exc import DatabaseError

from deskchat.paths import Profile, make_private_file, tighten_store_companions
from deskchat.store.keys import KeyProblem, KeyRecord, StoreKey, StoreKeyError, create_key, mark_ready, recorded_key
from deskchat.store.migrations import LATEST_VERSION, migrate
from deskchat.store.store_files import (
    StoreContents,
    check_at_open,
    damaged_pages,
    explain_open_failure,
    has_leftover_journal,
    is_damage,
    store_contents,
)
from deskchat.store.write_gate import WriteGate

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


_IMMEDIATE = "deskchat_immediate"


def _make_engine(path: str, key: StoreKey) -> Engine:
    url = URL.create("sqlite+pysqlcipher", password=key.pragma_value(), database=path)
    # One connection per thread (GUI, writer, background reader); SQLite in WAL mode lets them read concurrently.
    # hide_parameters: an error's message never carries a row's values (customer text, names, phones) into a log.
    engine = create_engine(url, connect_args={"check_same_thread": False}, pool_size=8, hide_parameters=True)

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
        # The writer thread takes the write lock at once: a deferred transaction that reads first and then writes
        # fails with SQLITE_BUSY at its first write (no busy wait) when the spool committed in between.
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(_IMMEDIATE) else "BEGIN")

    return engine


class Store:
    """An open encrypted store."""

    def __init__(self, profile: Profile, engine: Engine, key: StoreKey, *, checked_at_open: bool = True) -> None:
        self.profile = profile
        self.engine = engine
        self.key_source = key.source
        #: False for a store too big to check every page at open: run :meth:`check_integrity` in the background.
        self.checked_at_open = checked_at_open
        self._damage_listeners: list[Callable[[], None]] = []
        self._damage_told = threading.Event()
        #: Orders the writer thread's transactions and the spool's appends (see :mod:`.write_gate`).
        self.write_gate = WriteGate()
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="deskchat-store-writer")
        self._reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="deskchat-store-reader")
        self._closed = False

    # -- opening -----------------------------------------------------------------------------------------------

    @classmethod
    def open(cls, profile: Profile, *, passphrase: str | None = None, ephemeral: bool = False) -> Store:
        """Open (or create) the profile's store, check it and migrate it to the current schema.

        Raises:
            PassphraseRequired: a passphrase is needed (new store without keyring, or a passphrase store).
            StoreKeyError: the key, its record or the store file is missing, wrong or damaged; every file of the
                store is left exactly as it was.
            StoreFromNewerVersion: the store was written by a newer DeskChat.
        """
        profile.ensure()
        store_file = profile.store_file
        record_path = profile.store_meta_file
        record = KeyRecord.load(record_path)
        key = _key_for(store_file, record, record_path, passphrase=passphrase, ephemeral=ephemeral)
        if record is None or not record.ready:
            record = KeyRecord.load(record_path)
            assert record is not None
        checked = check_at_open(store_file)
        engine = _make_engine(str(store_file), key)
        try:
            with engine.connect() as conn:
                if checked and damaged_pages(conn):  # before any migration writes to it
                    raise StoreKeyError(KeyProblem.STORE_DAMAGED, "pages fail their check")
                reached = migrate(conn)
        except DatabaseError as exc:
            engine.dispose()
            if not is_damage(exc):
                raise
            raise explain_open_failure(store_file, key, record) from None
        except BaseException:
            engine.dispose()
            raise
        tighten_store_companions(store_file)
        mark_ready(record_path, record, key)
        log.info(
            "store open: schema %d/%d, key from %s, pages checked: %s", reached, LATEST_VERSION, key.source, checked
        )
        return cls(profile, engine, key, checked_at_open=checked)

    # -- damage found after opening --------------------------------------------------------------------------

    def on_damage(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` once, on whichever thread finds it, when a read or write finds the store file damaged."""
        self._damage_listeners.append(listener)

    def check_integrity(self) -> bool:
        """Check every page of the store (seconds for a big one: call it off the GUI thread); False when damaged."""
        try:
            with self.read() as conn:
                intact = damaged_pages(conn) == 0
        except DatabaseError as exc:
            if not is_damage(exc):
                raise
            intact = False
        if not intact:
            self._found_damage()
        return intact

    def _found_damage(self) -> None:
        if self._damage_told.is_set():
            return
        self._damage_told.set()
        log.error("the store file is damaged")
        for listener in list(self._damage_listeners):
            listener()

    @contextmanager
    def _noticing_damage(self) -> Iterator[None]:
        try:
            yield
        except DatabaseError as exc:
            if is_damage(exc):
                self._found_damage()
            raise

    # -- reading and writing -----------------------------------------------------------------------------------

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A connection for reads on the calling thread."""
        with self._noticing_damage(), self.engine.connect() as conn:
            yield conn

    async def read_later(self, work: Callable[[Connection], T]) -> T:
        """Run a read off the GUI thread (for reads too big for a frame, or while a bulk write runs)."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # qasync: Qt stepped the task while the loop was not running (a qtbot wait): its loop
            loop = asyncio.get_event_loop()

        def run() -> T:
            with self.read() as conn:
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
        with (
            self.write_gate.ordinary(),
            self._noticing_damage(),
            self.engine.connect().execution_options(**{_IMMEDIATE: True}) as conn,
            conn.begin(),
        ):
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


def _key_for(
    store_file: Path, record: KeyRecord | None, record_path: Path, *, passphrase: str | None, ephemeral: bool
) -> StoreKey:
    """The key to open ``store_file`` with: a new one only where no store exists and nothing of one is left.

    Raises:
        StoreKeyError: the record names a store whose file is gone or empty, or store data has no record.
    """
    contents = store_contents(store_file)
    leftover = has_leftover_journal(store_file)
    if record is not None and record.ready:
        if contents is StoreContents.MISSING:
            raise StoreKeyError(KeyProblem.STORE_MISSING)
        if contents is StoreContents.EMPTY:
            raise StoreKeyError(KeyProblem.STORE_EMPTY)
        return recorded_key(record, passphrase=passphrase)
    if contents is StoreContents.DATA:
        if record is None:
            raise StoreKeyError(KeyProblem.RECORD_MISSING)
        return recorded_key(record, passphrase=passphrase)  # a first start that stopped after its first write
    if leftover:
        raise StoreKeyError(KeyProblem.RECORD_MISSING if record is None else KeyProblem.STORE_MISSING)
    # A new store, or a first start that stopped before anything was written: nothing can be lost.
    key = create_key(record_path, passphrase=passphrase, ephemeral=ephemeral)
    make_private_file(store_file)
    return key
