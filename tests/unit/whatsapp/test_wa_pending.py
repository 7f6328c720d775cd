"""Receipts and changes that arrive before their message survive a crash, and fakes leave nothing in the store."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from neonize.proto import Neonize_pb2 as N
from wa_factory import jid, message_event, reaction, receipt_event, text
from wa_harness import Harness

from deskchat.channels.whatsapp.memory import PENDING_PER_CHAT, PENDING_TTL_S
from deskchat.channels.whatsapp.waiting import WaitingValues, decode, encode_change
from deskchat.core.events import DeliveryState
from deskchat.store import messages, pending, spool
from deskchat.store.database import Store

INTRUDER = "5531991112222"


@pytest.fixture
def harness(real_store: Store, recorder: Any, tmp_path: Path) -> Iterator[Harness]:
    made = Harness(real_store, recorder, tmp_path)
    yield made
    made.spool.close()


def _rows(harness: Harness) -> tuple[int, int]:
    """(waiting values, spool rows) the store holds for the account."""
    with harness.store.read() as conn:
        return pending.count(conn, harness.account_id), spool.count(conn, harness.account_id)


def test_a_reaction_and_blue_ticks_received_before_their_message_survive_a_crash(
    run: Any, real_store: Store, recorder: Any, tmp_path: Path
) -> None:
    first = Harness(real_store, recorder, tmp_path)

    async def before_the_crash() -> None:
        await first.channel.start()
        await first.feed(
            message_event("R1", reaction("SENT1", "❤️", target_from_me=True)),  # the customer reacts…
            receipt_event(["SENT1"], N.Receipt.READ),  # …and read it: both before the phone's send reaches us
        )
        assert _rows(first) == (2, 0)  # acknowledged and spooled, then kept as waiting values
        await first.channel.pipeline.stop()  # the process dies: nothing drained, nothing said goodbye

    run(before_the_crash())
    first.spool.close()

    # the next start, on the same store (a session folder of its own: the dead process would have released the lock)
    second = Harness(real_store, recorder, tmp_path / "restart", account_id=first.account_id)

    async def after_the_restart() -> None:
        await second.channel.start()
        await second.feed(message_event("SENT1", text("enviei do celular"), from_me=True))
        await second.channel.stop()

    run(after_the_restart())
    second.spool.close()
    sent = second.row("SENT1")
    assert sent.delivery == DeliveryState.READ  # the blue ticks
    with real_store.read() as conn:
        assert messages.reactions_of(conn, [sent.id]) == {sent.id: ["❤️"]}
    assert _rows(second) == (0, 0)


def test_evicted_and_expired_fake_targets_leave_no_rows_behind(run: Any, harness: Harness) -> None:
    now = [1000.0]
    processor = harness.channel.processor
    processor.waiting = WaitingValues(harness.account_id, harness.channel.sinks, clock=lambda: now[0])
    fakes = [
        message_event(f"F{n}", reaction(f"FAKE{n}", "😀", target_from_me=False), chat=jid(INTRUDER))
        for n in range(PENDING_PER_CHAT + 1_000)
    ]

    async def scenario() -> None:
        await harness.channel.start()
        await harness.feed(message_event("R1", reaction("REAL1", "👍", target_from_me=False)))
        await harness.feed(*fakes)
        assert _rows(harness) == (PENDING_PER_CHAT + 1, 0)  # the intruder's quota and the real one, no more
        now[0] += PENDING_TTL_S + 1  # nobody sends those messages: everything waiting expires
        await harness.feed(message_event("OTHER", text("nada a ver")))
        assert _rows(harness) == (0, 0)
        await harness.channel.stop()

    run(scenario())
    assert len(processor.pending_changes) == 0


def test_waiting_rows_left_beyond_the_bounds_are_trimmed_at_the_next_start(
    run: Any, real_store: Store, recorder: Any, tmp_path: Path
) -> None:
    first = Harness(real_store, recorder, tmp_path)

    async def crash_with_too_many_rows() -> None:
        await first.channel.start()
        await first.feed(
            *(
                message_event(f"F{n}", reaction(f"FAKE{n}", "😀", target_from_me=False), chat=jid(INTRUDER))
                for n in range(PENDING_PER_CHAT)
            )
        )
        await first.channel.pipeline.stop()

    run(crash_with_too_many_rows())
    first.spool.close()
    [sample, *_] = run(first.pending.load(first.account_id))
    fake = decode(sample)
    assert not isinstance(fake, tuple)
    extra = [encode_change(replace(fake, target_id=f"EXTRA{n}"), sample.received_at) for n in range(500)]
    run(first.pending.keep(first.account_id, extra, ()))  # as if the process died between a keep and its eviction
    assert _rows(first)[0] == PENDING_PER_CHAT + 500

    second = Harness(real_store, recorder, tmp_path / "restart", account_id=first.account_id)

    async def restart() -> None:
        await second.channel.start()
        await second.feed(message_event("OTHER", text("oi")))
        await second.channel.stop()

    run(restart())
    second.spool.close()
    assert _rows(second)[0] == PENDING_PER_CHAT
