"""Nothing received is lost: the spool keeps raw events until stored, a poison event goes alone to the dead
letters (with "try again"), and a full disk makes received messages wait, never drop."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import func, select
from wa_factory import deliver, message_event, text
from wa_harness import Harness

from deskchat.core.events import StorageFullChanged
from deskchat.store import spool
from deskchat.store.database import Store
from deskchat.store.schema import messages as messages_table


@pytest.fixture
def harness(real_store: Store, recorder: Any, tmp_path: Path) -> Iterator[Harness]:
    made = Harness(real_store, recorder, tmp_path)
    yield made
    made.spool.close()


def _stored_ids(store: Store) -> list[str]:
    with store.read() as conn:
        return [str(value) for value in conn.execute(select(messages_table.c.channel_id)).scalars()]


def _spool_rows(harness: Harness) -> int:
    with harness.store.read() as conn:
        return spool.count(conn, harness.account_id)


def test_events_left_in_the_spool_by_a_crash_are_stored_at_the_next_start(run: Any, harness: Harness) -> None:
    # what the Go callback had made durable when the process died: two raw messages, one already stored
    for message_id in ("C1", "C2"):
        payload = message_event(message_id, text(f"mensagem {message_id}")).SerializePartialToString()
        harness.spool.append(harness.account_id, "wa.message", payload)

    async def scenario() -> None:
        await harness.channel.start()
        await harness.recorder.wait_for(lambda: _spool_rows(harness) == 0)
        await harness.feed(message_event("C1", text("mensagem C1")))  # WhatsApp delivers C1 again: no copy
        await harness.channel.stop()

    run(scenario())
    assert sorted(_stored_ids(harness.store)) == ["C1", "C2"]
    assert _spool_rows(harness) == 0


def test_a_malformed_event_goes_alone_to_the_dead_letters_and_try_again_requeues_it(run: Any, harness: Harness) -> None:
    harness.channel.pipeline._retry_delays = (0.0,)  # no back-off waits in the test

    async def scenario() -> None:
        await harness.channel.start()
        await harness.channel.pipeline.stop()  # let a burst pile up, then read it as one group
        for index in range(30):
            deliver(harness.channel.client, message_event(f"B{index}", text(f"ok {index}")))
        harness.spool.append(harness.account_id, "wa.message", b"\xff\xfe not a protobuf")  # as Go stored it
        poison_id = harness.spool.append(harness.account_id, "wa.message", b"\x0a\x03bad")
        await harness.channel.pipeline.wait_received(30, timeout=5)
        harness.channel.requeue(
            [row for row in await harness.spool.pending(harness.account_id) if row.id >= poison_id - 1], force=True
        )
        for index in range(30, 40):
            deliver(harness.channel.client, message_event(f"B{index}", text(f"ok {index}")))
        await harness.channel.pipeline.wait_received(42, timeout=5)
        harness.channel.pipeline.start()
        assert await harness.channel.pipeline.join(timeout=10)
        assert len(harness.spool.dead_letters(harness.account_id)) == 2  # rejected at once, not retried
        requeued = await harness.spool.requeue_dead_letters(harness.account_id)
        assert harness.channel.requeue(requeued) == 2  # fails again: back to the dead letters, not to memory
        assert await harness.channel.pipeline.join(timeout=10)
        await harness.channel.stop()

    run(scenario())
    assert sorted(_stored_ids(harness.store)) == sorted(f"B{index}" for index in range(40))
    assert [letter.kind for letter in harness.spool.dead_letters(harness.account_id)] == ["wa.message"] * 2
    assert _spool_rows(harness) == 0
    logged = harness.recorder.log_events("dead_letter")
    assert len(logged) == 4 and all("DecodeError" in entry for entry in logged)


@pytest.mark.allow_error_logs  # a full disk is logged at ERROR
def test_a_full_disk_is_told_and_nothing_received_is_dropped(run: Any, harness: Harness) -> None:
    store = harness.store
    limit: dict[str, int | None] = {"pages": None}

    @sa_event.listens_for(store.engine, "checkout")
    def _limit_pages(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA max_page_count = {limit['pages'] or 1073741823}").fetchall()
        cursor.close()

    told: list[bool] = []
    harness.bus.subscribe(StorageFullChanged, lambda changed: told.append(changed.full))
    harness.spool._retry_delays = (0.01,)
    harness.channel.pipeline._wait_delays = (0.01,)
    big = "espaço " * 2000  # each message needs new pages

    def set_limit(pages: int | None) -> None:
        """SQLITE_FULL beyond ``pages`` (None: no limit) on the store's connections and the spool's own."""
        limit["pages"] = pages
        appender = harness.spool._open()
        with appender._lock:
            cursor = appender._connection.cursor()
            cursor.execute(f"PRAGMA max_page_count = {pages or 1073741823}").fetchall()
            cursor.close()

    async def scenario() -> None:
        await harness.channel.start()
        await harness.feed(message_event("D0", text("antes")))
        with store.read() as conn:
            set_limit(int(conn.exec_driver_sql("PRAGMA page_count").scalar_one()))

        feeding = threading.Thread(
            target=lambda: [
                deliver(harness.channel.client, message_event(f"D{index}", text(f"{big}{index}")))
                for index in range(1, 21)
            ]
        )
        feeding.start()
        async with asyncio.timeout(10):
            while told != [True]:
                await asyncio.sleep(0.01)  # polls the bus record: the full disk is told from a worker thread
        assert _stored_ids(store) == ["D0"]
        set_limit(None)  # space returns
        async with asyncio.timeout(20):
            while len(_stored_ids(store)) < 21 or told[-1] is not False:
                await asyncio.sleep(0.05)
        await asyncio.to_thread(feeding.join)
        await harness.channel.stop()

    run(scenario())
    assert sorted(_stored_ids(store)) == sorted(f"D{index}" for index in range(21))
    assert told[0] is True and told[-1] is False
    assert _spool_rows(harness) == 0
    with store.read() as conn:
        assert conn.execute(select(func.count()).select_from(messages_table)).scalar_one() == 21
