"""What is on disk for a store, and telling a wrong key from a damaged file.

SQLCipher answers "file is not a database" both for a wrong key and for a damaged first page: it checks each page's
HMAC, and a wrong key fails them all. ``PRAGMA cipher_integrity_check`` lists every page whose HMAC fails, so a key
that verifies other pages is the right key and the file is damaged. A raw key is also checked against the record's
key check value before the store is opened (:meth:`deskchat.store.keys.StoreKey.check_value`), which settles the
one case the pages cannot: damage to the salt at the start of the file fails every page, like a wrong key.
"""

from __future__ import annotations

import logging
import math
import stat
from enum import Enum
from pathlib import Path

import sqlcipher3
from sqlalchemy import Connection
from sqlalchemy.exc import DatabaseError

from deskchat.paths import SQLITE_COMPANION_SUFFIXES
from deskchat.store.keys import KeyProblem, KeyRecord, StoreKey, StoreKeyError

log = logging.getLogger("deskchat.store")

#: Every page is checked at open up to this size; a bigger store opens at once and is checked in the background
#: (:meth:`deskchat.store.database.Store.check_integrity`), damage found there going to the same words. Measured
#: (tests/bench/bench_store_check.py, warm cache): cipher_integrity_check reads 150-390 MB/s, quick_check 130-260 MB/s,
#: so 32 MB costs the attendant 0.1-0.25 s at open and a 1 GB store would cost 3-7 s.
CHECK_AT_OPEN_BYTES = 32 * 1024 * 1024

#: SQLCipher 4's page size (DeskChat never changes it).
PAGE_SIZE = 4096

SQLITE_CORRUPT = 11
SQLITE_NOTADB = 26


class StoreContents(Enum):
    MISSING = "missing"
    EMPTY = "empty"
    DATA = "data"


def store_contents(store_file: Path) -> StoreContents:
    """Whether the store file is missing, empty or holds data.

    Raises:
        StoreKeyError: ``STORE_DAMAGED`` when the store's name is taken by something that is not a regular file.
    """
    try:
        status = store_file.stat()
    except FileNotFoundError:
        return StoreContents.MISSING
    if not stat.S_ISREG(status.st_mode):
        raise StoreKeyError(KeyProblem.STORE_DAMAGED, "not a regular file")
    return StoreContents.DATA if status.st_size > 0 else StoreContents.EMPTY


def has_leftover_journal(store_file: Path) -> bool:
    """Whether a -wal or -journal file with content lies beside the store (it may hold committed messages)."""
    for suffix in SQLITE_COMPANION_SUFFIXES:
        if suffix == "-shm":
            continue  # an index into the WAL, never data of its own
        companion = store_file.with_name(store_file.name + suffix)
        try:
            if companion.stat().st_size > 0:
                return True
        except FileNotFoundError:
            continue
    return False


def check_at_open(store_file: Path) -> bool:
    """Whether every page is checked while opening (a small store) rather than in the background."""
    return store_file.stat().st_size <= CHECK_AT_OPEN_BYTES


def damaged_pages(conn: Connection) -> int:
    """How many pages of the open store fail their HMAC check. Leaves ``conn`` outside a transaction."""
    rows = conn.exec_driver_sql("PRAGMA cipher_integrity_check").fetchall()
    conn.rollback()
    return len(rows)


def is_damage(error: DatabaseError) -> bool:
    """Whether SQLite reported a file it cannot read as a database (damage, or at open a wrong key)."""
    code = getattr(error.orig, "sqlite_errorcode", None)
    return code in (SQLITE_CORRUPT, SQLITE_NOTADB)


def explain_open_failure(store_file: Path, key: StoreKey, record: KeyRecord) -> StoreKeyError:
    """Why a store that SQLite calls "not a database" did not open: a wrong key or a damaged file."""
    if record.key_check and key.check_value() == record.key_check:
        return StoreKeyError(KeyProblem.STORE_DAMAGED, "the recorded key does not read the file")
    failed, total = _pages_failing_with(store_file, key)
    log.info("store did not open: %d of %d pages fail their check", failed, total)
    if failed < total:  # some pages verify: the key is right
        return StoreKeyError(KeyProblem.STORE_DAMAGED, f"{failed} of {total} pages fail their check")
    return StoreKeyError(KeyProblem.WRONG_KEY)


def _pages_failing_with(store_file: Path, key: StoreKey) -> tuple[int, int]:
    total = max(1, math.ceil(store_file.stat().st_size / PAGE_SIZE))
    if total == 1:
        return 1, 1  # one page: nothing to compare with, so the key is taken as wrong
    # Read-only: nothing of the store may change while it is examined.
    connection = sqlcipher3.connect(f"{store_file.resolve().as_uri()}?mode=ro", uri=True)
    try:
        quoted = key.pragma_value().replace('"', '""')  # as SQLAlchemy's pysqlcipher dialect quotes it
        connection.execute(f'PRAGMA key = "{quoted}"')
        failed = len(connection.execute("PRAGMA cipher_integrity_check").fetchall())
    except sqlcipher3.DatabaseError:
        failed = total
    finally:
        connection.close()
    return failed, total
