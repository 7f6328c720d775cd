"""SIGKILL during a 3,000-message outbox drain: at most one copy of each message reaches the customer, none is lost.

A child process (:mod:`outbox_kill_child`) drains the outbox to a fake channel that appends every message it
receives to a file (fsynced before the send returns; the fake dedupes nothing). The test kills the child at random
moments, starts it again, and lets the last run finish. What the customer's phone shows is modelled as WhatsApp's
server does it: one message per id. Figures are printed.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from deskchat.core.bus import EventBus
from deskchat.core.messages import Identity, InboundMessage
from deskchat.paths import Profile
from deskchat.services.ingest import IngestService
from deskchat.services.messaging import MessagingService
from deskchat.store import accounts
from deskchat.store import messages as message_store
from deskchat.store.clock import now_ms
from deskchat.store.database import Store
from deskchat.store.outbox import OutboxState
from deskchat.store.schema import outbox as outbox_table

CHILD = Path(__file__).with_name("outbox_kill_child.py")
PASSPHRASE = "kill-test-passphrase"
MESSAGES = int(os.environ.get("DESKCHAT_KILL_MESSAGES", "3000"))
ACCOUNTS = 3
KILLS = 10


def _queue(profile: Profile, count: int) -> list[str]:
    """Three accounts, one customer each, ``count`` queued messages spread over them; returns every text."""
    store = Store.open(profile, passphrase=PASSPHRASE)
    bus = EventBus()
    messaging = MessagingService(store, bus)
    texts: list[str] = []

    async def fill() -> None:
        for number in range(ACCOUNTS):
            account_id = store.write_now(
                lambda conn, n=number: accounts.create_account(conn, "whatsapp", f"N{n}", now=now_ms())
            )
            customer = InboundMessage(
                account_id=account_id,
                chat_key=f"55119876500{number:02d}@s.whatsapp.net",
                chat_title="Cliente",
                identities=[Identity("phone", f"+55119876500{number:02d}")],
                channel_id=f"IN-{number}",
                text="Bom dia",
                sent_at=1_763_800_000_000,
            )
            await IngestService(store, bus).ingest([customer])
            with store.read() as conn:
                row = message_store.find_by_channel_id(conn, account_id, f"IN-{number}")
            assert row is not None
            for index in range(count // ACCOUNTS):
                text = f"mensagem {number}-{index}"
                texts.append(text)
                await messaging.send_text(row.conversation_id, text)

    asyncio.run(fill())
    store.close()
    return texts


def _phone(received: Path) -> tuple[int, dict[str, str]]:
    """Every delivery the channel took (complete lines), and what the phone shows: one message per id."""
    lines = received.read_text(encoding="utf-8").split("\n")[:-1] if received.exists() else []
    shown: dict[str, str] = {}
    for line in lines:
        channel_id, _tab, text = line.partition("\t")
        shown.setdefault(channel_id, text)
    return len(lines), shown


def _left_in_outbox(profile: Profile) -> Counter[str]:
    store = Store.open(profile, passphrase=PASSPHRASE)
    with store.read() as conn:
        states = Counter(
            str(state)
            for state in conn.execute(outbox_table.select().with_only_columns(outbox_table.c.state)).scalars()
        )
    store.close()
    return states


def _run_with_kills(profile: Profile, received: Path, mode: str, seed: int) -> int:
    chance = random.Random(seed)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    kills = 0
    errors = received.with_name("child-errors.txt")
    while True:
        with errors.open("wb") as error_file:
            child = subprocess.Popen(
                [sys.executable, str(CHILD), str(profile.root), str(received), PASSPHRASE, mode],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=error_file,
            )
            try:
                # a random moment to kill it; the last run is left to finish
                child.wait(timeout=chance.uniform(0.3, 1.5) if kills < KILLS else 600)
            except subprocess.TimeoutExpired:
                child.send_signal(signal.SIGKILL)
                child.wait()
                kills += 1
                continue
        assert child.returncode == 0, errors.read_text(errors="replace")[-2000:]
        return kills  # drained


@pytest.mark.parametrize("mode", ["chosen", "own"])
def test_sigkill_during_a_drain_neither_loses_nor_doubles(tmp_path: Path, mode: str) -> None:
    profile = Profile(tmp_path / "profile")
    received = tmp_path / "phone.txt"
    texts = _queue(profile, MESSAGES if mode == "chosen" else MESSAGES // 3)  # the second mode contrasts

    kills = _run_with_kills(profile, received, mode, seed=len(texts))
    deliveries, shown = _phone(received)
    copies = Counter(shown.values())
    duplicated = sum(count - 1 for count in copies.values() if count > 1)
    lost = [text for text in texts if text not in copies]
    left = _left_in_outbox(profile)
    print(
        f"\n[{mode} ids] {len(texts)} messages, {kills} SIGKILLs: {deliveries} deliveries taken by the channel, "
        f"{deliveries - len(shown)} resent under the same id (kept once), on the phone {len(shown)}; "
        f"lost {len(lost)}, duplicated {duplicated}; outbox {dict(left)}"
    )
    assert kills >= 1
    assert duplicated == 0
    if mode == "chosen":
        assert lost == []
        assert left == Counter({OutboxState.DONE: len(texts)})
    else:
        # a channel that picks its own ids is never resent blindly: an interrupted item waits for the attendant
        # ("falhou", with the reason), and is either on the phone already or missing until the attendant retries
        assert left[OutboxState.DONE] + left[OutboxState.FAILED] == len(texts)
        assert len(lost) <= left[OutboxState.FAILED]
