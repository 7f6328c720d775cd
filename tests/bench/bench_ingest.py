"""Ingest throughput: the encrypted store against the same schema in plain SQLite.

    python tests/bench/bench_ingest.py [messages]

Targets: at least 20,000 messages/s into the encrypted store, in batches, and at most 1.4x the plain SQLite time.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import sqlcipher3
from benchlib import report, use_bench_keyring
from sqlalchemy import Connection, Engine, create_engine, event

from deskchat.core.messages import Identity, InboundMessage
from deskchat.paths import Profile
from deskchat.services.ingest import ConversationCache, store_batch
from deskchat.store import accounts
from deskchat.store.clock import now_ms
from deskchat.store.database import _CONNECTION_PRAGMAS, Store
from deskchat.store.migrations import migrate

BATCH = 5000
CONVERSATIONS = 2000
WORDS = [
    *"bom dia pedido entrega boleto prazo nota fiscal frete estoque orçamento pix transportadora caixa".split(" "),
    *"produto valor desconto cliente obrigado amanhã hoje semana pagamento vencimento troca devolução".split(" "),
]


def inbound_batches(account_id: int, total: int, seed: int = 3) -> Iterator[list[InboundMessage]]:
    rng = random.Random(seed)
    base = 1_700_000_000_000
    batch: list[InboundMessage] = []
    for n in range(total):
        customer = rng.randrange(CONVERSATIONS)
        phone = f"+55119{customer:08d}"
        batch.append(
            InboundMessage(
                account_id=account_id,
                chat_key=f"{phone[1:]}@s.whatsapp.net",
                chat_title=f"Cliente {customer}",
                identities=[Identity("phone", phone)],
                channel_id=f"B{n}",
                text=" ".join(rng.choices(WORDS, k=rng.randint(4, 18))),
                sent_at=base + n * 1000,
                outgoing=rng.random() < 0.4,
            )
        )
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def timed_ingest(write: Callable[[Callable[[Connection], object]], object], total: int) -> float:
    account_id = write(lambda conn: accounts.create_account(conn, "whatsapp", "Bench", now=now_ms()))
    assert isinstance(account_id, int)
    batches = list(inbound_batches(account_id, total))  # generated before timing
    cache = ConversationCache()  # as IngestService keeps it between batches
    started = time.perf_counter()
    for batch in batches:
        write(lambda conn, b=batch: store_batch(conn, b, cache, now=now_ms()))  # type: ignore[misc]
    return time.perf_counter() - started


def plain_sqlite_engine(path: Path) -> Engine:
    # The same SQLite build (SQLCipher's) with no key: the database is plain, only the encryption differs.
    engine = create_engine(f"sqlite:///{path}", module=sqlcipher3)

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None
        for pragma in _CONNECTION_PRAGMAS:
            dbapi_connection.execute(pragma).fetchall()

    @event.listens_for(engine, "begin")
    def _begin(conn):  # type: ignore[no-untyped-def]
        conn.exec_driver_sql("BEGIN")

    with engine.connect() as conn:
        migrate(conn)
    return engine


def main(total: int) -> None:
    use_bench_keyring()
    with tempfile.TemporaryDirectory() as scratch:
        plain = plain_sqlite_engine(Path(scratch) / "plain.db")

        def write_plain(work: Callable[[Connection], object]) -> object:
            with plain.begin() as conn:
                return work(conn)

        plain_s = timed_ingest(write_plain, total)
        plain.dispose()

        store = Store.open(Profile(Path(scratch) / "encrypted"))
        encrypted_s = timed_ingest(store.write_now, total)
        store.close()

    rate = total / encrypted_s
    ratio = encrypted_s / plain_s
    print(f"ingest of {total:,} messages in batches of {BATCH:,} over {CONVERSATIONS:,} conversations")
    print(f"  plain SQLite: {plain_s:.2f} s ({total / plain_s:,.0f} msg/s)")
    print(f"  SQLCipher:    {encrypted_s:.2f} s ({rate:,.0f} msg/s)")
    report("ingest rate (encrypted)", f"{rate:,.0f} msg/s", ">= 20,000 msg/s", rate >= 20_000)
    report("ingest time encrypted / plain", f"{ratio:.2f}x", "<= 1.4x", ratio <= 1.4)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200_000)
