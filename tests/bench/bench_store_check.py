"""What checking every page of a store costs: ``PRAGMA cipher_integrity_check`` against ``PRAGMA quick_check``.

Builds synthetic SQLCipher stores of a few sizes (raw key, 4 KB pages, WAL checkpointed), then times each check on a
fresh connection. DeskChat checks every page at open up to ``CHECK_AT_OPEN_BYTES`` and in the background above it.
Prints figures; run:  python tests/bench/bench_store_check.py [MB ...]   (default 32 128 512)
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import sqlcipher3

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))

from deskchat.store.store_files import CHECK_AT_OPEN_BYTES  # noqa: E402

KEY = "x'" + "5a" * 32 + "'"
ROW = "mensagem de teste do cliente " * 10  # ~300 bytes, like a chat message with its columns


def build(path: Path, megabytes: int) -> None:
    connection = sqlcipher3.connect(str(path))
    connection.execute(f'PRAGMA key = "{KEY}"')
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("CREATE TABLE messages (id INTEGER PRIMARY KEY, text TEXT)")
    connection.execute("CREATE INDEX messages_text ON messages (text)")
    batch = 20_000
    number = 0
    while path.stat().st_size + (path.with_name(path.name + "-wal").stat().st_size) < megabytes * 1_000_000:
        connection.executemany(
            "INSERT INTO messages (text) VALUES (?)", [(f"{ROW}{n}",) for n in range(number, number + batch)]
        )
        connection.commit()
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        number += batch
    connection.close()


def timed(path: Path, pragma: str) -> tuple[float, list[tuple[str]]]:
    connection = sqlcipher3.connect(str(path))
    connection.execute(f'PRAGMA key = "{KEY}"')
    started = time.perf_counter()
    rows = connection.execute(pragma).fetchall()
    elapsed = time.perf_counter() - started
    connection.close()
    return elapsed, rows


def main(sizes: list[int]) -> None:
    print(f"CHECK_AT_OPEN_BYTES = {CHECK_AT_OPEN_BYTES / 1e6:.0f} MB")
    with tempfile.TemporaryDirectory(prefix="deskchat-bench-check-") as folder:
        for megabytes in sizes:
            path = Path(folder) / f"store-{megabytes}.db"
            build(path, megabytes)
            size_mb = path.stat().st_size / 1e6
            integrity, failures = timed(path, "PRAGMA cipher_integrity_check")
            quick, result = timed(path, "PRAGMA quick_check")
            print(
                f"{size_mb:7.0f} MB: cipher_integrity_check {integrity * 1000:7.0f} ms"
                f" ({size_mb / integrity:5.0f} MB/s,"
                f" {len(failures)} failures)   quick_check {quick * 1000:7.0f} ms ({size_mb / quick:5.0f} MB/s,"
                f" {result[0][0]})   (warm page cache: a cold disk is slower)"
            )
            path.unlink()


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]] or [32, 128, 512])
